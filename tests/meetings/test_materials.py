"""Meeting materials: presenters and coordinators upload files checked by their content, or give links;
refused uploads leave nothing behind; files are served privately to participants only."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings

from qicop.core.models import AuditEntry
from qicop.core.uploads import safe_file_name
from qicop.meetings.models import AgendaItem, Material
from qicop.network.permissions import viewer_for

OOXML = "application/vnd.openxmlformats-officedocument."


# Small real files, made here so that every test shows what it uploads.


def pdf_bytes(text: str = "Slides") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
        b"4 0 obj<</Length " + str(len(body)).encode() + b">>stream\n" + body + b"\nendstream endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "#0b5cad").save(out, "PNG")
    return out.getvalue()


def put(archive: zipfile.ZipFile, name: str, content: str) -> None:
    """Add ``name`` with a fixed date: ``writestr`` with a bare name stamps the current time, so the same
    file built twice a second apart would differ, and a test comparing them would fail by the clock."""
    archive.writestr(zipfile.ZipInfo(name, date_time=(2030, 1, 1, 0, 0, 0)), content)


def office_bytes(main_part: str, *, extra: dict | None = None) -> bytes:
    """A minimal Office Open XML package whose main part is ``main_part`` (e.g. word/document.xml)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        put(archive, "[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        put(archive, "_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        put(archive, main_part, '<?xml version="1.0"?><document/>')
        for name, content in (extra or {}).items():
            put(archive, name, content)
    return out.getvalue()


def docx_bytes() -> bytes:
    return office_bytes("word/document.xml")


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def plain_zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        put(archive, "word/document.xml", "<not really/>")
        put(archive, "readme.txt", "a zip, not a document")
    return out.getvalue()


def office_with_types(main_part: str, types: str, extra: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        put(archive, "[Content_Types].xml", f'<?xml version="1.0"?><Types>{types}</Types>')
        put(archive, main_part, '<?xml version="1.0"?><document/>')
        for name, content in extra.items():
            put(archive, name, content)
    return out.getvalue()


def macro_renamed_bytes() -> bytes:
    """A macro project under an innocent name: Office finds it by its declared content type."""
    types = '<Default Extension="dat" ContentType="application/vnd.ms-office.vbaProject"/>'
    return office_with_types("word/document.xml", types, {"word/settings2.dat": "Sub AutoOpen()"})


def macro_enabled_bytes() -> bytes:
    """A .pptm renamed .pptx: its main part is declared macro-enabled."""
    types = (
        '<Override PartName="/ppt/presentation.xml" '
        'ContentType="application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"/>'
    )
    return office_with_types("ppt/presentation.xml", types, {})


def many_parts_bytes() -> bytes:
    """A "document" of ten thousand empty parts, made to make the check itself slow."""
    return office_with_types("word/document.xml", "", {f"p/{n}": b"" for n in range(10_001)})


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files() -> set[Path]:
    root = Path(settings.PRIVATE_ROOT) / "materials"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def item_presented_by(world, member, title="Kenya: our work") -> AgendaItem:
    item = AgendaItem.objects.create(
        meeting=world.meeting, start=world.meeting.start, end=world.meeting.end, kind="country", title=title
    )
    item.presenters.add(member)
    return item


def page_url(world) -> str:
    return f"/n/vln/meetings/{world.meeting.pk}/materials/"


def post(world, persona, **data):
    fields = {"title": "Our slides", "kind": "", "agenda_item": "", "language": "", "url": ""}
    fields.update(data)
    return world.client_for(persona).post(page_url(world), fields)


# Uploading


def test_a_presenter_uploads_slides_to_the_item_they_present(world):
    item = item_presented_by(world, world.kim)
    response = post(world, "kim", agenda_item=item.pk, file=upload("slides.pdf", pdf_bytes()), language="fr")
    assert response.status_code == 302
    material = Material.objects.get()
    assert (material.agenda_item, material.uploaded_by, material.language) == (item, world.kim, "fr")
    assert (material.kind, material.content_type, material.original_name) == (
        "document",
        "application/pdf",
        "slides.pdf",
    )
    assert material.size == len(pdf_bytes()) and len(material.sha256) == 64
    assert Path(material.file.path).read_bytes() == pdf_bytes()
    assert Path(material.file.path).is_relative_to(settings.PRIVATE_ROOT)
    assert AuditEntry.objects.filter(verb="meeting.material", target_id=str(world.meeting.pk)).exists()


def test_a_coordinator_adds_a_recording_link_to_the_meeting_itself(world):
    response = post(world, "carla", title="Recording", kind="recording", url="https://zoom.example.org/rec/1")
    assert response.status_code == 302
    material = Material.objects.get()
    assert (material.kind, material.url, material.agenda_item, bool(material.file)) == (
        "recording",
        "https://zoom.example.org/rec/1",
        None,
        False,
    )


def test_members_who_present_nothing_cannot_open_the_upload_page(world):
    item_presented_by(world, world.kim)
    assert world.client_for("henri").get(page_url(world)).status_code == 403
    assert post(world, "henri", file=upload("s.pdf", pdf_bytes())).status_code == 403
    assert not Material.objects.exists()


def test_a_presenter_cannot_attach_to_an_item_someone_else_presents(world):
    item_presented_by(world, world.kim)
    theirs = item_presented_by(world, world.henri, title="Haiti: our work")
    response = post(world, "kim", agenda_item=theirs.pk, file=upload("s.pdf", pdf_bytes()))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Material.objects.exists()


def test_a_panellist_and_a_moderator_may_upload_too(world):
    item = AgendaItem.objects.create(
        meeting=world.meeting,
        start=world.meeting.start,
        end=world.meeting.end,
        kind="panel",
        title="Panel",
        moderator=world.faith,
    )
    item.panellists.add(world.henri)
    assert post(world, "henri", agenda_item=item.pk, file=upload("a.pdf", pdf_bytes())).status_code == 302
    assert post(world, "faith", agenda_item=item.pk, url="https://example.org/notes").status_code == 302
    assert Material.objects.count() == 2


def test_a_word_document_named_pptx_is_kept_as_a_word_document(world):
    post(world, "carla", file=upload("plan.pptx", docx_bytes()))
    material = Material.objects.get()
    assert material.content_type == OOXML + "wordprocessingml.document"
    assert material.original_name == "plan.docx"
    response = world.client_for("kim").get(f"{page_url(world)}{material.pk}/")
    assert 'filename="plan.docx"' in response["Content-Disposition"]


def test_spreadsheets_and_images_are_recognised_by_their_content(world):
    post(world, "carla", title="Data", file=upload("data", xlsx_bytes()))
    post(world, "carla", title="Chart", file=upload("chart.jpg", png_bytes()))
    kinds = dict(Material.objects.values_list("title", "kind"))
    assert kinds == {"Data": "spreadsheet", "Chart": "image"}
    assert Material.objects.get(title="Chart").original_name == "chart.png"


# Refusals: the reason is shown, the form comes back filled in, nothing is stored.


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("slides.pdf", b"<html><script>alert(1)</script></html>", "a web page"),
        ("drawing.png", SVG, "SVG"),
        ("archive.docx", plain_zip_bytes(), "a ZIP archive"),
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 200, "ZIP archive"),
        ("macro.docx", office_bytes("word/document.xml", extra={"word/vbaProject.bin": "x"}), "macros"),
        ("renamed-macro.docx", macro_renamed_bytes(), "macros"),
        ("slides.pptx", macro_enabled_bytes(), "macros"),
        ("many-parts.docx", many_parts_bytes(), "too many parts"),
        ("page.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n", "a web page"),
        ("cut.pdf", pdf_bytes()[:-10], "damaged PDF"),
        ("empty.pdf", b"", "empty"),
        ("notes.txt", b"just some notes", "not a PDF, PowerPoint, Word, Excel or image file"),
    ],
)
def test_a_refused_upload_says_why_keeps_what_was_typed_and_stores_nothing(world, name, content, reason):
    before = stored_files()
    response = post(world, "carla", title="Kept title", language="pt", file=upload(name, content))
    assert response.status_code == 400
    page = response.content.decode()
    assert reason in page
    assert 'value="Kept title"' in page and '<option value="pt" selected>' in page
    assert not Material.objects.exists() and stored_files() == before


@override_settings(QICOP_UPLOAD_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused_before_it_is_written_anywhere(world):
    before = stored_files()
    response = post(world, "carla", file=upload("big.pdf", pdf_bytes() + b"%" * 2000))
    assert response.status_code == 400
    assert "larger than the limit of 1000" in response.content.decode()
    assert not Material.objects.exists() and stored_files() == before


def test_a_file_and_a_link_together_are_refused(world):
    before = stored_files()
    response = post(world, "carla", file=upload("s.pdf", pdf_bytes()), url="https://example.org/x")
    assert response.status_code == 400
    assert "not both" in response.content.decode()
    assert not Material.objects.exists() and stored_files() == before


def test_neither_a_file_nor_a_link_is_refused(world):
    response = post(world, "carla")
    assert response.status_code == 400
    assert "Choose a file to upload or give a link" in response.content.decode()


def test_a_recording_must_be_a_link_not_a_file(world):
    response = post(world, "carla", kind="recording", file=upload("s.pdf", pdf_bytes()))
    assert response.status_code == 400
    assert "given by their address" in response.content.decode()
    assert not Material.objects.exists()


def test_a_link_must_be_a_web_address(world):
    response = post(world, "carla", url="javascript:alert(1)")
    assert response.status_code == 400
    assert "Enter a valid URL" in response.content.decode()


# Serving


def stored(world, name="slides.pdf", content=None, **fields) -> Material:
    from qicop.meetings.materials.services import store_material

    return store_material(
        actor=world.carla.user,
        meeting=world.meeting,
        title=fields.pop("title", "Slides"),
        upload=upload(name, content if content is not None else pdf_bytes()),
        **fields,
    )


def test_participants_get_the_file_and_observers_and_outsiders_do_not(world):
    material = stored(world)
    url = f"{page_url(world)}{material.pk}/"
    response = world.client_for("henri").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert world.client_for("olga").get(url).status_code == 403
    assert world.client_for("oscar").get(url).status_code == 404
    assert world.client_for("anonymous").get(url).status_code == 302


def test_a_pdf_opens_in_the_browser_but_office_files_are_always_downloaded_and_never_run(world):
    pdf = world.client_for("kim").get(f"{page_url(world)}{stored(world).pk}/")
    assert pdf["Content-Disposition"].startswith("inline")
    docx = world.client_for("kim").get(f"{page_url(world)}{stored(world, 'a.docx', docx_bytes()).pk}/")
    assert docx["Content-Disposition"].startswith("attachment")
    image = world.client_for("kim").get(f"{page_url(world)}{stored(world, 'a.png', png_bytes()).pk}/")
    assert image["Content-Disposition"].startswith("inline")
    for response in (pdf, docx, image):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in response["Content-Security-Policy"]
    # Browsers will not start their PDF viewer in a sandbox; everything else gets one.
    assert "sandbox" in docx["Content-Security-Policy"] and "sandbox" in image["Content-Security-Policy"]


def test_a_material_of_another_meeting_is_not_found_through_this_one(world):
    from qicop.meetings.models import Meeting

    other = Meeting.objects.create(
        network=world.network, title="Other", start=world.meeting.start, end=world.meeting.end
    )
    material = stored(world)
    assert (
        world.client_for("kim").get(f"/n/vln/meetings/{other.pk}/materials/{material.pk}/").status_code == 404
    )


@pytest.mark.parametrize(
    ("uploaded", "extension", "offered"),
    [
        ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
        ('C:\\Users\\me\\My "best" slides.pptx', "pptx", "My best slides.pptx"),
        ("report\r\nSet-Cookie: x=1.pdf", "pdf", "report Set-Cookie x=1.pdf"),
        ("Présentation du Kenya.pdf", "pdf", "Présentation du Kenya.pdf"),
        (".pdf", "pdf", "pdf.pdf"),
        ("", "png", "material.png"),
    ],
)
def test_the_uploaded_name_is_made_safe_for_downloads(uploaded, extension, offered):
    assert safe_file_name(uploaded, extension) == offered


def test_a_non_ascii_name_reaches_the_download_header_intact(world):
    material = stored(world, "Présentation.pdf")
    response = world.client_for("kim").get(f"{page_url(world)}{material.pk}/")
    assert "filename*=utf-8''Pr%C3%A9sentation.pdf" in response["Content-Disposition"]


# Removing


def test_the_uploader_removes_their_material_and_its_file_goes(world):
    item = item_presented_by(world, world.kim)
    post(world, "kim", agenda_item=item.pk, file=upload("s.pdf", pdf_bytes()))
    material = Material.objects.get()
    path = Path(material.file.path)
    response = world.client_for("kim").post(f"{page_url(world)}{material.pk}/delete/")
    assert response.status_code == 302
    assert not Material.objects.exists() and not path.exists()
    assert AuditEntry.objects.filter(verb="meeting.material_delete").exists()


def test_only_the_uploader_or_a_coordinator_may_remove_a_material(world):
    material = stored(world)
    for persona in ("kim", "faith", "henri"):
        assert world.client_for(persona).post(f"{page_url(world)}{material.pk}/delete/").status_code == 403
    assert world.client_for("olga").post(f"{page_url(world)}{material.pk}/delete/").status_code == 403
    assert world.client_for("carla").post(f"{page_url(world)}{material.pk}/delete/").status_code == 302
    assert not Material.objects.exists()


def test_removing_is_post_only(world):
    material = stored(world)
    assert world.client_for("carla").get(f"{page_url(world)}{material.pk}/delete/").status_code == 405
    assert Material.objects.exists()


# The panel on the meeting page


def detail(world, persona) -> str:
    return world.client_for(persona).get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()


def test_the_meeting_page_lists_materials_by_agenda_item_then_the_others(world):
    item = item_presented_by(world, world.kim)
    stored(world, title="Kenya slides", agenda_item=item, language="fr")
    stored(world, "data.xlsx", xlsx_bytes(), title="Shared data")
    Material.objects.create(
        meeting=world.meeting, title="Session recording", kind="recording", url="https://rec.example.org/1"
    )
    page = detail(world, "henri")
    assert page.index("Kenya: our work") < page.index("Kenya slides") < page.index("Other materials")
    assert page.index("Other materials") < page.index("Shared data")
    assert "français" in page and "Spreadsheet" in page
    assert 'href="https://rec.example.org/1"' in page
    assert f"/n/vln/meetings/{world.meeting.pk}/pack.zip" in page
    assert "Everything in one file:" in page


def test_the_add_link_shows_only_to_those_who_may_add(world):
    item_presented_by(world, world.kim)
    assert "Add slides, documents or a recording" in detail(world, "carla")
    assert "Add slides, documents or a recording" in detail(world, "kim")
    assert "Add slides, documents or a recording" not in detail(world, "henri")


def test_the_panel_asks_the_database_a_bounded_number_of_times(world, django_assert_max_num_queries):
    from qicop.meetings.materials import views as views_materials

    for index in range(3):
        item = item_presented_by(world, world.kim, title=f"Item {index}")
        for n in range(4):
            stored(world, title=f"Slides {index}.{n}", agenda_item=item)
    request = RequestFactory().get("/")
    viewer = viewer_for(world.kim.user)
    with django_assert_max_num_queries(4):
        panel = views_materials.detail_panel(request, viewer, world.network, world.meeting)
    assert sum(len(group) for _item, group in panel["groups"]) == 12


def test_the_materials_page_asks_the_database_a_bounded_number_of_times(world, django_assert_max_num_queries):
    for n in range(30):
        Material.objects.create(meeting=world.meeting, title=f"Link {n}", kind="link", url="https://x.org")
    client = world.client_for("carla")
    with django_assert_max_num_queries(14):
        response = client.get(page_url(world))
    assert response.status_code == 200 and "Link 1" in response.content.decode()


# The service on its own: whatever calls it, nothing is half-written.


def test_the_service_refuses_a_wrong_file_without_writing_anything(world):
    from django.core.exceptions import ValidationError

    before = stored_files()
    with pytest.raises(ValidationError, match="a web page"):
        stored(world, "slides.pdf", b"<!doctype html><p>hi</p>")
    assert not Material.objects.exists() and stored_files() == before


def test_a_failure_after_the_file_is_written_removes_the_file_again(world, monkeypatch):
    from qicop.meetings.materials import services as materials

    def broken_audit(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(materials, "audit", broken_audit)
    before = stored_files()
    with pytest.raises(RuntimeError):
        stored(world)
    assert not Material.objects.exists() and stored_files() == before
