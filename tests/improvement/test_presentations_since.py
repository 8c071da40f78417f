"""Once the session is over, a case presentation shows what happened since: the team's PDSA cycles begun
after the meeting's date (and only those), the chart up to date and the status of the actions agreed for the
country; the series' next session shows the same for the last session's cases."""

from datetime import UTC, datetime, timedelta

import pytest

from improvement_world import improvement_of
from qicop.improvement.models import ChangeIdea, PdsaCycle, PresentationEvidence
from qicop.meetings.models import ActionItem, CasePresentation, Meeting, MeetingSeries


@pytest.fixture
def work(world):
    return improvement_of(world)


@pytest.fixture
def held(world, work):
    """The personas' meeting, held in a series six months into the collaborative."""
    day = work.start + timedelta(days=190)
    start = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    world.meeting.series = MeetingSeries.objects.create(network=world.network, title="Virtual sessions")
    world.meeting.start, world.meeting.end = start, start + timedelta(hours=1)
    world.meeting.status = Meeting.Status.HELD
    world.meeting.save()
    return world.meeting


@pytest.fixture
def case(world, work, held):
    case = CasePresentation.objects.create(
        meeting=held, country=world.kenya, title="Results that wait", deadline=held.start - timedelta(days=7)
    )
    PresentationEvidence.objects.create(
        case_presentation=case, team=work.team, measure=work.measure, change_idea=work.idea
    )
    return case


def cycle(world, work, title, start):
    idea, _created = ChangeIdea.objects.get_or_create(
        network=world.network, title="Back-up reviewer", defaults={"created_by": world.faith.user}
    )
    return PdsaCycle.objects.create(
        team=work.team,
        change_idea=idea,
        title=title,
        objective="Does a back-up keep the review daily?",
        start=start,
        end=start + timedelta(days=7),
        created_by=world.kim.user,
    )


def since_part(page: str) -> str:
    assert "Since this presentation" in page
    return page[page.index("Since this presentation") :]


def test_since_this_presentation_lists_only_the_cycles_begun_after_the_meeting(world, work, case, held):
    day = held.start.date()
    cycle(world, work, "Back-up reviewer, a dry run", day - timedelta(days=20))
    cycle(world, work, "Back-up reviewer on the meeting day", day)
    cycle(world, work, "Back-up reviewer for a week", day + timedelta(days=5))
    cycle(world, work, "Back-up reviewer for a month", day + timedelta(days=40))

    page = world.client_for("kim").get(f"/n/vln/meetings/{held.pk}/cases/{case.pk}/").content.decode()

    since = since_part(page)
    listed = since[: since.index("up to date:")]  # the chart after the list notes every cycle
    assert "has begun 2 PDSA cycles since the session of" in listed
    assert "Back-up reviewer for a week" in listed and "Back-up reviewer for a month" in listed
    assert "a dry run" not in listed and "on the meeting day" not in listed
    assert since.count("<svg") == 1  # the chart up to date


def test_since_this_presentation_shows_the_status_of_the_actions_agreed_for_the_country(
    world, work, case, held
):
    ActionItem.objects.create(
        meeting=held,
        description="Name a back-up reviewer",
        owner=world.kim,
        country=world.kenya,
        status=ActionItem.Status.DONE,
    )
    ActionItem.objects.create(meeting=held, description="Share the Haitian tool", country=world.haiti)

    page = world.client_for("faith").get(f"/n/vln/meetings/{held.pk}/cases/{case.pk}/").content.decode()

    since = since_part(page)
    assert "Name a back-up reviewer" in since and "Done" in since
    assert "Share the Haitian tool" not in since


def test_a_session_still_to_come_shows_nothing_since(world, work):
    case = CasePresentation.objects.create(
        meeting=world.meeting, country=world.kenya, deadline=world.meeting.start - timedelta(days=7)
    )
    PresentationEvidence.objects.create(case_presentation=case, team=work.team, measure=work.measure)
    page = (
        world.client_for("kim").get(f"/n/vln/meetings/{world.meeting.pk}/cases/{case.pk}/").content.decode()
    )
    assert "The team's evidence" in page and "Since this presentation" not in page


def test_the_series_next_session_shows_what_happened_since_the_last_sessions_cases(world, work, case, held):
    cycle(world, work, "Back-up reviewer for a week", held.start.date() + timedelta(days=5))
    after = Meeting.objects.create(
        network=world.network,
        series=held.series,
        title="Keeping clients in care",
        start=held.start + timedelta(days=30),
        end=held.start + timedelta(days=30, hours=1),
    )
    unrelated = Meeting.objects.create(
        network=world.network,
        title="Outside any series",
        start=held.start + timedelta(days=30),
        end=held.start + timedelta(days=30, hours=1),
    )
    client = world.client_for("kim")

    page = client.get(f"/n/vln/meetings/{after.pk}/").content.decode()

    assert "Case presentations of the last session, since then" in page
    since = since_part(page)
    assert "Back-up reviewer for a week" in since
    assert f"/n/vln/meetings/{held.pk}/cases/{case.pk}/" in page
    other = client.get(f"/n/vln/meetings/{unrelated.pk}/").content.decode()
    assert "Case presentations of the last session" not in other


def test_the_case_page_with_its_evidence_and_what_happened_since_asks_a_bounded_number_of_queries(
    world, work, case, held, django_assert_max_num_queries
):
    for n in range(10):
        cycle(world, work, f"Back-up reviewer, test {n}", held.start.date() + timedelta(days=5 + n))
        ActionItem.objects.create(
            meeting=held, description=f"Action {n}", owner=world.kim, country=world.kenya
        )
    client = world.client_for("kim")
    url = f"/n/vln/meetings/{held.pk}/cases/{case.pk}/"
    client.get(url)
    with django_assert_max_num_queries(26):
        assert "Back-up reviewer, test 9" in client.get(url).content.decode()
