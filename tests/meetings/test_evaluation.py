"""The survey after a meeting: open to participants from the start on, one answer each that they can
change, results for coordinators and a summary for everyone."""

import re
from datetime import UTC, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from qicop.core.models import AuditEntry
from qicop.meetings.models import Evaluation, Meeting


def started(world):
    Meeting.objects.filter(pk=world.meeting.pk).update(
        start=datetime(2020, 3, 10, 13, tzinfo=UTC), end=datetime(2020, 3, 10, 14, 30, tzinfo=UTC)
    )
    world.meeting.refresh_from_db()
    return world.meeting


def url(world):
    return f"/n/vln/meetings/{world.meeting.pk}/evaluation/"


def answer(**fields):
    return {"rating": "4", "relevance": "5", "most_useful": "", "improve": "", "next_topics": "", **fields}


def test_a_participant_answers_once_the_meeting_has_started(world):
    started(world)
    client = world.client_for("kim")
    assert "Evaluate this session" in client.get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()
    response = client.post(url(world), answer(most_useful="The Haitian data"))
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert (evaluation.member, evaluation.rating, evaluation.relevance) == (world.kim, 4, 5)
    assert evaluation.most_useful == "The Haitian data"
    assert AuditEntry.objects.filter(verb="meeting.evaluate").exists()
    page = client.get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()
    assert "Thank you — edit your answer" in page


def test_the_answer_is_redisplayed_and_changing_it_replaces_it(world):
    started(world)
    client = world.client_for("henri")
    client.post(url(world), answer(rating="2", improve="Start on time"))
    page = client.get(url(world)).content.decode()
    assert re.search(r'<input type="radio" name="rating" value="2"[^>]*checked', page)
    assert "Start on time" in page
    client.post(url(world), answer(rating="5", improve=""))
    evaluation = Evaluation.objects.get()
    assert (evaluation.rating, evaluation.improve) == (5, "")


def test_the_survey_is_not_open_before_the_meeting_starts(world):
    client = world.client_for("kim")
    page = client.get(url(world)).content.decode()
    assert "The survey opens when the session starts" in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>")[0]
    assert client.post(url(world), answer()).status_code == 403
    assert not Evaluation.objects.exists()


def test_a_cancelled_meeting_has_no_survey(world):
    started(world)
    Meeting.objects.filter(pk=world.meeting.pk).update(status=Meeting.Status.CANCELLED)
    client = world.client_for("kim")
    assert "was cancelled: there is nothing to evaluate" in client.get(url(world)).content.decode()
    assert client.post(url(world), answer()).status_code == 403
    assert not Evaluation.objects.exists()


def test_observers_and_outsiders_do_not_answer(world):
    started(world)
    assert world.client_for("olga").post(url(world), answer()).status_code == 403
    assert world.client_for("oscar").post(url(world), answer()).status_code == 404
    assert not Evaluation.objects.exists()


def test_a_missing_rating_and_a_too_long_answer_are_refused_with_what_was_typed(world):
    started(world)
    response = world.client_for("kim").post(
        url(world), answer(rating="", most_useful="x" * 4001, improve="Keep the breakouts")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a rating from 1 to 5." in page
    assert "Keep this to 4000 characters at most; it has 4001." in page
    assert "Keep the breakouts" in page
    assert not Evaluation.objects.exists()


def test_a_rating_outside_the_scale_is_refused(world):
    started(world)
    response = world.client_for("kim").post(url(world), answer(rating="9"))
    assert response.status_code == 400
    assert "Choose a rating from 1 to 5." in response.content.decode()
    assert not Evaluation.objects.exists()


def _answers(world, ratings):
    members = [world.carla, world.faith, world.dan, world.kim, world.henri]
    for member, rating in zip(members, ratings, strict=False):
        Evaluation.objects.create(
            meeting=world.meeting,
            member=member,
            rating=rating,
            relevance=5,
            improve=f"Improve {member.full_name.split()[0]}" if rating < 5 else "",
        )


def test_coordinators_see_count_mean_distribution_and_written_answers(world):
    started(world)
    _answers(world, [5, 4, 4, 2])
    response = world.client_for("carla").get(f"{url(world)}results/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>4</strong> responses" in page
    assert "<strong>3.8</strong> mean rating" in page
    assert '<th scope="row">4</th><td>2</td>' in page and "50%" in page
    assert "Improve Faith" in page and "Improve Kim" in page
    # Answers are read without names, so that people write freely.
    assert "Kim Member" not in page


def test_members_see_the_summary_but_not_the_answers(world):
    started(world)
    _answers(world, [5, 4, 4, 2])
    client = world.client_for("henri")
    page = client.get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()
    assert "4 evaluations, mean rating 3.8 out of 5" in page
    assert "evaluation/results/" not in page
    assert client.get(f"{url(world)}results/").status_code == 403


def test_the_results_page_asks_the_same_number_of_queries_however_many_answers(
    world, django_assert_max_num_queries
):
    started(world)
    client = world.client_for("carla")
    _answers(world, [5, 2])
    client.get(f"{url(world)}results/")  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(f"{url(world)}results/")
    Evaluation.objects.all().delete()
    _answers(world, [5, 4, 4, 2, 1])
    with django_assert_max_num_queries(13):
        assert client.get(f"{url(world)}results/").status_code == 200
    with CaptureQueriesContext(connection) as many:
        client.get(f"{url(world)}results/")
    assert len(many) == len(few)
