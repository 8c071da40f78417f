"""Attachments of case studies: checked by their content, stored privately, served to those who may read
the case study only; refused files leave nothing behind."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from qicop.knowledge.cases import services as cases
from qicop.knowledge.models import Attachment, CaseStudy

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_case(world) -> CaseStudy:
    return cases.case_study_create(
        actor=world.kim.user, network=world.network, fields={"title": "Refill groups", "country": world.kenya}
    )


def page_url(case) -> str:
    return f"/n/vln/case-studies/{case.pk}/attachments/"


def test_an_author_attaches_a_pdf_that_readers_of_the_case_study_download(world):
    case = make_case(world)
    response = world.client_for("kim").post(page_url(case), {"title": "Slides", "file": upload("s.pdf", PDF)})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.added_by == world.kim
    download = f"{page_url(case)}{attachment.pk}/"
    assert world.client_for("faith").get(download).status_code == 200
    assert world.client_for("henri").get(download).status_code == 404  # a draft: not his to see
    cases.case_study_publish(actor=world.carla.user, case_study=case)
    response = world.client_for("olga").get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    # a PDF opens in the browser's viewer (which refuses a sandbox), but may load nothing
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_script_dressed_as_a_pdf_is_refused_and_nothing_is_stored(world):
    case = make_case(world)
    response = world.client_for("kim").post(page_url(case), {"title": "Slides", "file": upload("s.pdf", SVG)})
    assert response.status_code == 400
    assert "can carry scripts" in response.content.decode()
    assert 'value="Slides"' in response.content.decode()
    assert not Attachment.objects.exists()


@override_settings(QICOP_UPLOAD_MAX_BYTES=100)
def test_a_file_over_the_limit_is_refused_with_the_limit_named(world):
    case = make_case(world)
    response = world.client_for("kim").post(
        page_url(case), {"title": "Big", "file": upload("big.pdf", PDF + b"x" * 200)}
    )
    assert response.status_code == 400
    assert "100\xa0bytes" in response.content.decode() or "100 bytes" in response.content.decode()
    assert not Attachment.objects.exists()


def test_only_those_who_edit_attach_or_remove_files(world):
    case = make_case(world)
    cases.attachment_add(actor=world.kim.user, case_study=case, title="Slides", upload=upload("s.pdf", PDF))
    attachment = Attachment.objects.get()
    cases.case_study_publish(actor=world.carla.user, case_study=case)
    assert world.client_for("henri").get(page_url(case)).status_code == 403
    delete = f"{page_url(case)}{attachment.pk}/delete/"
    assert world.client_for("henri").post(delete).status_code == 403
    assert world.client_for("carla").post(delete).status_code == 302
    assert not Attachment.objects.exists()
