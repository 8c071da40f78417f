"""Resources: guidelines, tools, templates and policies, as a checked file or a link; found by filters and
search; changed or removed by whoever added them, or a coordinator."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from qicop.knowledge.cases import services as cases
from qicop.knowledge.models import Resource
from qicop.network.models import Topic

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def data(**overrides) -> dict:
    values = {
        "title": "Differentiated service delivery guideline",
        "description": "National guideline, 2024 edition.",
        "kind": "guideline",
        "language": "en",
        "year": "2024",
        "url": "https://example.org/dsd.pdf",
    }
    values.update(overrides)
    return values


def make_resource(world, **fields) -> Resource:
    values = {"title": "QI coaching checklist", "kind": "tool", "url": "https://example.org/c", **fields}
    return cases.resource_create(actor=world.kim.user, network=world.network, fields=values)


def test_a_member_adds_a_link_and_every_member_reads_it(world):
    response = world.client_for("kim").post("/n/vln/resources/new/", data(country=world.kenya.pk))
    resource = Resource.objects.get()
    assert response.status_code == 302
    assert resource.added_by == world.kim and resource.country == world.kenya and resource.year == 2024
    page = world.client_for("olga").get(f"/n/vln/resources/{resource.pk}/").content.decode()
    assert "Differentiated service delivery guideline" in page and "https://example.org/dsd.pdf" in page
    link = world.client_for("olga").get(f"/n/vln/resources/{resource.pk}/file/")
    assert link.status_code == 302 and link["Location"] == "https://example.org/dsd.pdf"


def test_a_member_uploads_a_checked_file_instead(world):
    upload = SimpleUploadedFile("dsd.pdf", PDF, content_type="application/pdf")
    response = world.client_for("kim").post("/n/vln/resources/new/", data(url="", file=upload))
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.content_type == "application/pdf" and resource.original_name == "dsd.pdf"
    download = world.client_for("henri").get(f"/n/vln/resources/{resource.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_a_web_page_dressed_as_a_pdf_is_refused(world):
    upload = SimpleUploadedFile("dsd.pdf", b"<html><script>alert(1)</script></html>")
    response = world.client_for("kim").post("/n/vln/resources/new/", data(url="", file=upload))
    assert response.status_code == 400 and "a web page" in response.content.decode()
    assert not Resource.objects.exists()


def test_a_resource_needs_a_file_or_a_link_and_not_both(world):
    client = world.client_for("kim")
    assert client.post("/n/vln/resources/new/", data(url="")).status_code == 400
    upload = SimpleUploadedFile("dsd.pdf", PDF)
    response = client.post("/n/vln/resources/new/", data(file=upload))
    assert response.status_code == 400 and "not both" in response.content.decode()
    assert client.post("/n/vln/resources/new/", data(url="javascript:alert(1)")).status_code == 400
    assert not Resource.objects.exists()


def test_observers_read_resources_but_do_not_add_them(world):
    make_resource(world)
    assert "QI coaching checklist" in world.client_for("olga").get("/n/vln/resources/").content.decode()
    assert world.client_for("olga").post("/n/vln/resources/new/", data()).status_code == 403


def test_the_adder_and_coordinators_edit_and_remove_others_may_not(world):
    resource = make_resource(world)
    edit = f"/n/vln/resources/{resource.pk}/edit/"
    assert world.client_for("henri").post(edit, data()).status_code == 403
    assert world.client_for("faith").post(f"/n/vln/resources/{resource.pk}/delete/").status_code == 403
    assert world.client_for("kim").post(edit, data(title="Coaching checklist v2")).status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Coaching checklist v2"
    assert world.client_for("carla").post(f"/n/vln/resources/{resource.pk}/delete/").status_code == 302
    assert not Resource.objects.exists()


def test_the_list_filters_by_kind_topic_country_language_and_year(world):
    topic = Topic.objects.create(network=world.network, slug="dsd", name="DSD")
    guideline = make_resource(world, title="Guide DSD", kind="guideline", year=2023, country=world.kenya)
    guideline.topics.add(topic)
    make_resource(world, title="Modèle de plan", kind="template", language="fr", year=2021)
    client = world.client_for("kim")

    def listed(**params):
        return client.get("/n/vln/resources/", params).content.decode()

    assert "Modèle de plan" not in listed(kind="guideline")
    assert "Guide DSD" not in listed(language="fr")
    assert "Modèle de plan" not in listed(topic=topic.pk)
    assert "Guide DSD" in listed(country=world.kenya.pk, year=2023)
    assert "Guide DSD" not in listed(year=2021)


def test_the_list_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    topic = Topic.objects.create(network=world.network, slug="dsd", name="DSD")
    for n in range(30):
        resource = Resource.objects.create(
            network=world.network, title=f"R{n}", kind="tool", url="https://e.org"
        )
        resource.topics.add(topic)
    client = world.client_for("kim")
    with django_assert_max_num_queries(12):
        assert client.get("/n/vln/resources/").status_code == 200


def test_a_description_with_script_renders_as_text(world):
    resource = make_resource(world, description="<script>alert(1)</script> **bold**")
    page = world.client_for("kim").get(f"/n/vln/resources/{resource.pk}/").content.decode()
    assert "<script>alert(1)" not in page and "<strong>bold</strong>" in page
