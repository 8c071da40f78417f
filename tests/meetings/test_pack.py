"""The low-bandwidth pack: one ZIP per meeting with its files, agenda, minutes and links, answered 304
when the member's copy is still current."""

import io
import zipfile
from pathlib import Path

import pytest
from test_materials import (
    docx_bytes,
    item_presented_by,
    pdf_bytes,
    png_bytes,
    upload,
)

from qicop.meetings.materials.services import store_material
from qicop.meetings.models import Material, Meeting


def pack_url(world) -> str:
    return f"/n/vln/meetings/{world.meeting.pk}/pack.zip"


def add(world, name, content, **fields) -> Material:
    return store_material(
        actor=world.carla.user, meeting=world.meeting, upload=upload(name, content), **fields
    )


def download(client, url, **headers):
    response = client.get(url, headers=headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


@pytest.fixture
def furnished(world):
    """The personas' meeting with an agenda item, three files, a recording, a link and minutes."""
    item = item_presented_by(world, world.kim)
    add(world, "slides.pptx", docx_bytes(), title="Kenya: our work", agenda_item=item)
    add(world, "../../chart.png", png_bytes(), title="../Run chart/")
    add(world, "handout.pdf", pdf_bytes(), title="Handout", agenda_item=item, language="fr")
    Material.objects.create(
        meeting=world.meeting, title="Zoom recording", kind="recording", url="https://rec.example.org/1"
    )
    Material.objects.create(
        meeting=world.meeting, title="WHO policy", kind="link", url="https://who.example.org/policy"
    )
    Meeting.objects.filter(pk=world.meeting.pk).update(
        minutes="We agreed to **share run charts**.", join_url="https://zoom.example.org/j/secret"
    )
    world.meeting.refresh_from_db()
    return world


def test_the_pack_holds_the_files_the_agenda_and_minutes_and_the_links(furnished):
    response, body = download(furnished.client_for("henri"), pack_url(furnished))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Length"] == str(len(body))
    assert response["Content-Disposition"] == 'attachment; filename="2030-03-10-reaching-the-second-95.zip"'
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == [
        "01-handout.pdf",
        "02-kenya-our-work.docx",
        "03-run-chart.png",
        "agenda-and-minutes.html",
        "agenda-and-minutes.md",
        "links.txt",
    ]
    assert archive.read("01-handout.pdf") == pdf_bytes()
    assert archive.read("02-kenya-our-work.docx") == docx_bytes()
    html = archive.read("agenda-and-minutes.html").decode()
    assert '<a href="01-handout.pdf">Handout</a>' in html and "<strong>share run charts</strong>" in html
    assert "<link" not in html and "<script" not in html  # self-contained: nothing to fetch
    markdown = archive.read("agenda-and-minutes.md").decode()
    assert "# Reaching the second 95" in markdown and "Handout: 01-handout.pdf" in markdown
    assert "We agreed to **share run charts**." in markdown
    links = archive.read("links.txt").decode()
    assert links.index("https://rec.example.org/1") < links.index("https://who.example.org/policy")


def test_the_pack_never_carries_the_join_link(furnished):
    _response, body = download(furnished.client_for("kim"), pack_url(furnished))
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert not any(b"zoom.example.org/j/secret" in archive.read(name) for name in archive.namelist())


def test_compressed_formats_are_stored_and_text_is_deflated(furnished):
    _response, body = download(furnished.client_for("kim"), pack_url(furnished))
    methods = {info.filename: info.compress_type for info in zipfile.ZipFile(io.BytesIO(body)).infolist()}
    assert methods["03-run-chart.png"] == zipfile.ZIP_STORED
    assert methods["02-kenya-our-work.docx"] == zipfile.ZIP_STORED
    assert methods["agenda-and-minutes.md"] == zipfile.ZIP_DEFLATED


def test_a_repeated_download_is_answered_not_modified(furnished):
    client = furnished.client_for("kim")
    first, _body = download(client, pack_url(furnished))
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(pack_url(furnished), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    both = {"if-none-match": first["ETag"], "if-modified-since": first["Last-Modified"]}
    assert client.get(pack_url(furnished), headers=both).status_code == 304


def test_a_removed_material_changes_the_pack_whatever_the_client_asks_with(furnished):
    """No date follows the pack's content (removing the newest material moves the latest date back):
    only the ETag may answer 304."""
    client = furnished.client_for("kim")
    first, _body = download(client, pack_url(furnished))
    newest = Material.objects.filter(meeting=furnished.meeting).latest("updated_at", "id")
    client_of_carla = furnished.client_for("carla")
    url = f"/n/vln/meetings/{furnished.meeting.pk}/materials/{newest.pk}/delete/"
    assert client_of_carla.post(url).status_code == 302
    for headers in (
        {"if-none-match": first["ETag"]},
        {"if-modified-since": first["Last-Modified"]},
        {"if-none-match": first["ETag"], "if-modified-since": first["Last-Modified"]},
    ):
        response, body = download(client, pack_url(furnished), **headers)
        assert response.status_code == 200 and response["ETag"] != first["ETag"]
        assert newest.title not in zipfile.ZipFile(io.BytesIO(body)).read("agenda-and-minutes.md").decode()


def test_a_new_material_or_new_minutes_change_the_pack(furnished):
    client = furnished.client_for("kim")
    etag = client.get(pack_url(furnished))["ETag"]
    add(furnished, "more.pdf", pdf_bytes("More"), title="More")
    after_material = client.get(pack_url(furnished), headers={"if-none-match": etag})
    assert after_material.status_code == 200 and after_material["ETag"] != etag
    etag = after_material["ETag"]
    Meeting.objects.filter(pk=furnished.meeting.pk).update(minutes="Changed.")
    assert client.get(pack_url(furnished), headers={"if-none-match": etag}).status_code == 200


def test_a_file_missing_from_storage_is_left_out_and_the_rest_still_comes(furnished):
    handout = Material.objects.get(title="Handout")
    Path(handout.file.path).unlink()
    response, body = download(furnished.client_for("kim"), pack_url(furnished))
    assert response.status_code == 200
    assert "01-handout.pdf" not in zipfile.ZipFile(io.BytesIO(body)).namelist()


def test_an_empty_meeting_still_gets_its_agenda_and_minutes(world):
    _response, body = download(world.client_for("kim"), pack_url(world))
    assert sorted(zipfile.ZipFile(io.BytesIO(body)).namelist()) == [
        "agenda-and-minutes.html",
        "agenda-and-minutes.md",
    ]


def test_observers_and_outsiders_get_no_pack(furnished):
    assert furnished.client_for("olga").get(pack_url(furnished)).status_code == 403
    assert furnished.client_for("oscar").get(pack_url(furnished)).status_code == 404


def test_the_panel_gives_the_size_of_the_pack_before_download(furnished):
    page = furnished.client_for("kim").get(f"/n/vln/meetings/{furnished.meeting.pk}/").content.decode()
    sizes = sum(Material.objects.values_list("size", flat=True))
    from django.template.defaultfilters import filesizeformat

    from qicop.meetings.materials.pack import TEXT_ALLOWANCE

    assert f"Everything in one file: {filesizeformat(sizes + TEXT_ALLOWANCE)}" in page


def test_the_pack_asks_the_database_a_bounded_number_of_times(furnished, django_assert_max_num_queries):
    for n in range(10):
        add(furnished, f"s{n}.pdf", pdf_bytes(str(n)), title=f"Slides {n}")
    client = furnished.client_for("kim")
    with django_assert_max_num_queries(16):
        response, _body = download(client, pack_url(furnished))
    assert response.status_code == 200


def test_a_meeting_over_several_days_gives_each_items_day_in_the_pack(world):
    from datetime import timedelta

    from qicop.meetings.models import AgendaItem

    Meeting.objects.filter(pk=world.meeting.pk).update(end=world.meeting.start + timedelta(days=2))
    for day in (0, 2):
        start = world.meeting.start + timedelta(days=day, minutes=10)
        AgendaItem.objects.create(
            meeting=world.meeting,
            start=start,
            end=start + timedelta(hours=1),
            kind="panel",
            title=f"Day {day}",
        )
    _response, body = download(world.client_for("kim"), pack_url(world))  # Kim reads Nairobi's time
    archive = zipfile.ZipFile(io.BytesIO(body))
    markdown = archive.read("agenda-and-minutes.md").decode().replace("\u202f", " ").replace("\u2009", " ")
    assert (
        "Sun, Mar 10, 4:10 – 5:10 PM** Day 0" in markdown
        and "Tue, Mar 12, 4:10 – 5:10 PM** Day 2" in markdown
    )
    page = archive.read("agenda-and-minutes.html").decode().replace("\u202f", " ").replace("\u2009", " ")
    assert "Sun, Mar 10, 4:10 – 5:10 PM" in page and "Tue, Mar 12, 4:10 – 5:10 PM" in page
