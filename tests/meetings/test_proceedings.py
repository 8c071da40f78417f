"""Proceedings: a network's year of meetings on one page, as one self-contained HTML file and as a PDF;
participants read every year, observers the published ones; coordinators introduce and publish."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qicop.core.models import AuditEntry
from qicop.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    CasePresentation,
    Decision,
    Delegate,
    Evaluation,
    Material,
    Meeting,
    Proceedings,
)

YEAR = "/n/vln/proceedings/2030/"


def meeting_with_everything(world, *, day: int, title: str = "", kind=Meeting.Kind.VIRTUAL) -> Meeting:
    """A meeting of March 2030 with one of each thing the proceedings tell of."""
    start = datetime(2030, 3, day, 13, tzinfo=UTC)
    meeting = Meeting.objects.create(
        network=world.network,
        title=title or f"Session of {day} March",
        kind=kind,
        status=Meeting.Status.HELD,
        start=start,
        end=start + timedelta(hours=2),
        venue="Safari Park Hotel" if kind != Meeting.Kind.VIRTUAL else "",
        city="Nairobi" if kind != Meeting.Kind.VIRTUAL else "",
        minutes="**Kenya** shared its retention data.",
    )
    meeting.countries.set([world.kenya, world.haiti])
    item = AgendaItem.objects.create(
        meeting=meeting,
        start=start,
        end=start + timedelta(minutes=30),
        kind=AgendaItem.Kind.CASE,
        title="Why patients miss appointments",
        country=world.kenya,
        moderator=world.carla,
        speakers="Dr Amina Otieno (guest)",
    )
    item.presenters.set([world.faith])
    item.panellists.set([world.henri])
    CasePresentation.objects.create(
        meeting=meeting,
        agenda_item=item,
        country=world.kenya,
        title="Tracing clients",
        question="How do we find clients lost to follow-up?",
        recommendations="- Call within **48 hours**",
        deadline=start,
        status=CasePresentation.Status.APPROVED,
    )
    CasePresentation.objects.create(
        meeting=meeting, country=world.haiti, title="Unfinished case", deadline=start
    )
    Material.objects.create(
        meeting=meeting, title="Kenya slides", kind=Material.Kind.SLIDES, url="https://x.example/s", size=2048
    )
    Decision.objects.create(meeting=meeting, text="Adopt the tracing checklist")
    ActionItem.objects.create(meeting=meeting, description="Send the checklist", owner=world.faith)
    Attendance.objects.create(meeting=meeting, member=world.kim, name="Kim", source="manual")
    Attendance.objects.create(meeting=meeting, member=world.henri, name="Henri", source="manual")
    Attendance.objects.create(meeting=meeting, name="Unknown caller", source="zoom")
    Delegate.objects.create(
        meeting=meeting, country=world.kenya, full_name="Grace Wanjiku", affiliation="moh", role="head"
    )
    Delegate.objects.create(meeting=meeting, country=world.kenya, full_name="Peter Kamau", affiliation="cdc")
    Evaluation.objects.create(meeting=meeting, member=world.kim, rating=5)
    Evaluation.objects.create(meeting=meeting, member=world.henri, rating=4)
    return meeting


def published(world, year=2030, introduction=""):
    return Proceedings.objects.create(
        network=world.network, year=year, introduction=introduction, published_at=datetime.now(UTC)
    )


def test_the_year_page_tells_of_every_meeting_in_order(world):
    later = meeting_with_everything(world, day=20, title="Second session")
    earlier = meeting_with_everything(world, day=5, title="First session", kind=Meeting.Kind.IN_PERSON)
    page = world.client_for("kim").get(YEAR).content.decode()
    assert page.index("First session</h2>") < page.index("Second session</h2>")
    for text in (
        "Why patients miss appointments",
        "Presenters: Faith Focal",
        "Panellists: Henri Haïtien",
        "Moderator: Carla Coordinator",
        "Dr Amina Otieno (guest)",
        "How do we find clients lost to follow-up?",
        "Call within <strong>48 hours</strong>",
        "Kenya slides",
        "2.0\xa0KB",
        "<strong>Kenya</strong> shared its retention data.",
        "Adopt the tracing checklist",
        "Send the checklist",
        "3 people attended, from 2 countries (Haiti, Kenya)",
        "2 responses, mean rating 4.5 out of 5.",
        "Grace Wanjiku",
        "Safari Park Hotel, Nairobi",
    ):
        assert text in page, text
    assert f'href="/n/vln/meetings/{earlier.pk}/materials/' in page
    assert later.pk != earlier.pk


def test_only_approved_case_presentations_appear(world):
    meeting_with_everything(world, day=5)
    page = world.client_for("kim").get(YEAR).content.decode()
    assert "Tracing clients" in page and "Unfinished case" not in page


def test_cancelled_meetings_are_left_out(world):
    meeting_with_everything(world, day=5)
    Meeting.objects.filter(pk=world.meeting.pk).update(status=Meeting.Status.CANCELLED)
    page = world.client_for("kim").get(YEAR).content.decode()
    assert "Reaching the second 95" not in page


def test_dates_are_shown_in_the_viewers_time_zone(world):
    world.kim.user.time_zone = "Asia/Bangkok"
    world.kim.user.save()
    page = world.client_for("kim").get(YEAR).content.decode().replace("\u202f", " ").replace("\u2009", " ")
    # 13:00–14:30 UTC on 10 March 2030 is 20:00–21:30 in Bangkok.
    assert "8:00 – 9:30 PM" in page and "Times are shown in Bangkok (UTC+7)." in page


def test_a_draft_is_labelled_for_participants_and_hidden_from_observers(world):
    assert "Draft" in world.client_for("henri").get(YEAR).content.decode()
    assert world.client_for("olga").get(YEAR).status_code == 404
    index = world.client_for("olga").get("/n/vln/proceedings/").content.decode()
    assert "2030" not in index


def test_observers_read_published_years_without_download_links(world):
    meeting = meeting_with_everything(world, day=5)
    published(world, introduction="A year of **tracing**.")
    response = world.client_for("olga").get(YEAR)
    page = response.content.decode()
    assert response.status_code == 200
    assert "A year of <strong>tracing</strong>." in page and "Draft" not in page
    assert "Kenya slides" in page and f"/meetings/{meeting.pk}/materials/" not in page
    assert "/n/vln/proceedings/2030/" in world.client_for("olga").get("/n/vln/proceedings/").content.decode()


def test_a_year_without_meetings_or_proceedings_is_not_found(world):
    assert world.client_for("carla").get("/n/vln/proceedings/2029/").status_code == 404
    assert world.client_for("carla").get("/n/vln/proceedings/99999/").status_code == 404


def test_coordinators_write_the_introduction_and_publish(world):
    client = world.client_for("carla")
    response = client.post(f"{YEAR}edit/", {"introduction": "Our **first** year."})
    assert response.status_code == 302
    assert "Our <strong>first</strong> year." in client.get(YEAR).content.decode()
    client.post(f"{YEAR}publish/", {"publish": "yes"})
    row = Proceedings.objects.get()
    assert row.published_at is not None
    assert world.client_for("olga").get(YEAR).status_code == 200
    client.post(f"{YEAR}publish/", {"publish": "no"})
    assert world.client_for("olga").get(YEAR).status_code == 404
    verbs = set(AuditEntry.objects.values_list("verb", flat=True))
    assert {"proceedings.introduction", "proceedings.publish", "proceedings.unpublish"} <= verbs


def test_a_too_long_introduction_is_refused_and_redisplayed(world):
    text = "Intro " + "x" * 20000
    response = world.client_for("carla").post(f"{YEAR}edit/", {"introduction": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Keep this to 20000 characters at most; it has 20006." in page
    assert "Intro xxxx" in page
    assert not Proceedings.objects.exists()


def test_only_coordinators_edit_or_publish(world):
    client = world.client_for("faith")
    assert client.post(f"{YEAR}edit/", {"introduction": "Mine"}).status_code == 403
    assert client.post(f"{YEAR}publish/", {"publish": "yes"}).status_code == 403
    assert world.client_for("olga").post(f"{YEAR}publish/", {"publish": "yes"}).status_code == 404
    assert not Proceedings.objects.exists()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(YEAR).status_code == 200
    return len(context)


def test_the_year_page_asks_a_fixed_number_of_queries_however_many_meetings(
    world, django_assert_max_num_queries
):
    client = world.client_for("kim")
    meeting_with_everything(world, day=5)
    client.get(YEAR)  # warm the session
    one = _queries(client)
    for day in (12, 19, 26):
        meeting_with_everything(world, day=day)
    with django_assert_max_num_queries(20):
        assert client.get(YEAR).status_code == 200
    assert _queries(client) == one


def test_the_html_export_is_one_self_contained_file(world):
    meeting = meeting_with_everything(world, day=5)
    response = world.client_for("kim").get(f"{YEAR}proceedings.html")
    html = response.content.decode()
    assert response["Content-Disposition"] == 'attachment; filename="proceedings-vln-2030.html"'
    assert "<style>" in html
    assert 'src="http' not in html and "<link" not in html and "<script" not in html
    # Links to the materials lead back to the site, where members sign in to download them.
    assert f'href="{settings.BASE_URL}/n/vln/meetings/{meeting.pk}/materials/' in html
    assert "Why patients miss appointments" in html


def test_the_exports_are_in_the_readers_language(world):
    world.henri.user.language = "fr"
    world.henri.user.save()
    meeting_with_everything(world, day=5)
    html = world.client_for("henri").get(f"{YEAR}proceedings.html").content.decode()
    assert '<html lang="fr">' in html and "Ordre du jour" in html and "Décisions" in html


def test_the_pdf_renders_from_the_print_template(world):
    meeting_with_everything(world, day=5)
    response = world.client_for("kim").get(f"{YEAR}proceedings.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and len(response.content) > 10_000


def test_the_meeting_page_links_to_the_years_proceedings(world):
    page = world.client_for("kim").get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()
    assert 'href="/n/vln/proceedings/2030/"' in page
    assert "The evaluation survey opens when the session starts." in page


def test_a_publish_request_without_a_choice_changes_nothing(world):
    meeting_with_everything(world, day=5)
    row = published(world)
    client = world.client_for("carla")
    for data in ({}, {"publish": "maybe"}):
        assert client.post(f"{YEAR}publish/", data).status_code == 400
        row.refresh_from_db()
        assert row.published_at is not None
    assert client.post(f"{YEAR}publish/", {"publish": "no"}).status_code == 302
    row.refresh_from_db()
    assert row.published_at is None


def test_the_pdfs_first_page_carries_the_first_meeting_not_three_quarters_of_blank(world, monkeypatch):
    from weasyprint import HTML

    from qicop.meetings.proceedings import views

    meeting_with_everything(world, day=5)
    printed = []
    monkeypatch.setattr(views, "html_to_pdf", lambda html: printed.append(html) or b"%PDF-")
    assert world.client_for("kim").get(f"{YEAR}proceedings.pdf").status_code == 200
    document = HTML(string=printed[0]).render()
    (title,) = document.make_bookmark_tree()  # (label, (page, x, y), children, state)
    label, (page, _x, _y), children, _state = title
    assert label.startswith("Proceedings 2030")
    meetings = [(child[0], child[1][0]) for child in children]
    # The title, the contents and the first meeting share page one; each later meeting starts a page.
    assert page == 0 and meetings[0] == ("Session of 5 March", 0)
    assert len(meetings) == 2 and meetings[1][1] > 0
