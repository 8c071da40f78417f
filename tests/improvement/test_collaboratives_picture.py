"""The numbers of a collaborative's picture: teams at each score month by month, the change ideas most
adopted and by whom, the aim against each team's latest value, and the phases between learning sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from improvement_world import improvement_of, measure_on_elements
from qicop.improvement.collaboratives.picture import months_of, most_adopted, phases, picture, score_counts
from qicop.improvement.collaboratives.services import add_months
from qicop.improvement.models import SCORES, ChangeIdea, CollaborativeMeeting, PdsaCycle, Team, TeamReport
from qicop.indicators.models import OrgUnit
from qicop.meetings.models import Meeting


def _second_team(work):
    return Team.objects.create(collaborative=work.kenya, org_unit=OrgUnit.objects.get(uid="NaivashaHC1"))


def _at(score):
    return SCORES.index(Decimal(score))


def test_the_score_distribution_counts_each_teams_score_in_its_month_the_coachs_over_the_teams_own(world):
    work = improvement_of(world)
    naivasha = _second_team(work)
    first, second = work.start, add_months(work.start, 1)
    TeamReport.objects.create(
        team=naivasha, month=first, status="confirmed", self_score=Decimal("2.5"), coach_score=Decimal("3.0")
    )
    TeamReport.objects.create(team=naivasha, month=second, status="submitted", self_score=Decimal("3.5"))
    TeamReport.objects.create(team=work.team, month=second, status="draft", self_score=Decimal("5.0"))
    months = months_of(work.kenya, date.today())
    counts = score_counts(work.kenya, months)
    assert months[0] == first and months[1] == second
    assert counts[0][_at("2.0")] == 1 and counts[0][_at("3.0")] == 1 and sum(counts[0]) == 2
    assert counts[1] == [1 if i == _at("3.5") else 0 for i in range(len(SCORES))]  # the draft does not count
    assert all(sum(row) == 0 for row in counts[2:])


def test_the_months_run_from_the_start_to_the_end_or_to_this_month(world):
    work = improvement_of(world)
    assert len(months_of(work.kenya, date.today())) == 13  # a year from the first of a month, both ends
    assert months_of(work.kenya, work.start + timedelta(days=40)) == [work.start, add_months(work.start, 1)]


def test_the_most_adopted_ideas_come_first_with_the_teams_that_adopted_them(world):
    work = improvement_of(world)
    naivasha = _second_team(work)
    other = ChangeIdea.objects.create(
        network=world.network, title="Text reminders", created_by=world.kim.user
    )
    dropped = ChangeIdea.objects.create(network=world.network, title="Home visits", created_by=world.kim.user)

    def cycle(team, idea, decision):
        return PdsaCycle.objects.create(
            team=team,
            change_idea=idea,
            title=f"{idea.title} at {team.pk}",
            objective="?",
            start=work.start,
            end=work.start,
            decision=decision,
            decided_on=work.start,
            created_by=world.kim.user,
        )

    work.cycle.decision = "adopt"
    work.cycle.save()
    cycle(naivasha, work.idea, "adopt")
    cycle(naivasha, work.idea, "adopt")  # twice by one team counts once
    cycle(naivasha, other, "adopt")
    cycle(work.team, dropped, "abandon")
    rows = most_adopted(work.kenya)
    assert [(row["idea"].title, {t.pk for t in row["teams"]}) for row in rows] == [
        (work.idea.title, {work.team.pk, naivasha.pk}),
        ("Text reminders", {naivasha.pk}),
    ]


def test_the_aim_is_checked_against_each_teams_latest_value(world):
    work = improvement_of(world)
    shown = picture(world.faith.user, work.kenya)
    (line,) = shown.lines
    # viral_load_world: 80 to 82 suppressed of 100 every month, against a target of 95
    assert 80 <= line.latest <= 82 and not line.reached and shown.reached == 0 and shown.with_data == 1
    work.kenya.aim_target = Decimal("80")
    assert picture(world.faith.user, work.kenya).reached == 1


def test_a_team_whose_data_the_viewer_may_not_see_says_it_is_not_published(world):
    work = improvement_of(world)
    work.haiti.key_measure = work.data.indicator
    (line,) = picture(world.olga.user, work.haiti).lines
    assert line.latest is None and line.why_empty == "unpublished" and not line.svg


def test_each_teams_latest_value_of_the_other_measures_is_read_whatever_they_are_computed_from(world):
    work = improvement_of(world)
    measure_on_elements(
        work, work.kenya, "Suppressed among tested", work.data.vl_suppressed, work.data.vl_tested, 100
    )
    measure_on_elements(work, work.kenya, "QI score", work.data.score)  # never reported at Nakuru
    shown = picture(world.faith.user, work.kenya)
    assert [m.title for m in shown.other_measures] == ["Suppressed among tested", "QI score"]
    (line,) = shown.lines
    suppressed, score = line.others
    # The same elements as the key measure's mapping: the same latest value, month and percent sign.
    assert (suppressed.value, suppressed.month, suppressed.percent) == (line.latest, line.latest_month, True)
    assert (score.value, score.why_empty) == (None, "none")


def test_a_measure_on_data_elements_the_viewer_may_not_see_reads_not_published(world):
    work = improvement_of(world)
    measure_on_elements(work, work.haiti, "Supprimés", work.data.vl_suppressed)
    (line,) = picture(world.olga.user, work.haiti).lines
    ((reading),) = line.others
    assert reading.value is None and reading.why_empty == "unpublished"
    (line,) = picture(world.carla.user, work.haiti).lines  # the coordinator reads Haiti's own data
    assert line.others[0].value == 48.0 + work.data.periods.index(line.others[0].month.strftime("%Y%m")) % 3


def test_learning_sessions_and_action_periods_alternate_with_calls_inside_their_action_period(world):
    work = improvement_of(world)
    base = datetime(2031, 1, 10, 9, tzinfo=UTC)

    def meeting(title, days, role):
        m = Meeting.objects.create(
            network=world.network,
            title=title,
            start=base + timedelta(days=days),
            end=base + timedelta(days=days, hours=3),
        )
        CollaborativeMeeting.objects.create(collaborative=work.kenya, meeting=m, role=role)
        return m

    one = meeting("Learning session 1", 0, "learning_session")
    call = meeting("Call", 30, "call")
    two = meeting("Learning session 2", 90, "learning_session")
    congress = meeting("Congress", 300, "congress")
    shown = phases(work.kenya)
    assert [(p.kind, p.number) for p in shown] == [
        ("learning_session", 1),
        ("action_period", 1),
        ("learning_session", 2),
        ("action_period", 2),
        ("congress", 1),
    ]
    assert (shown[1].start, shown[1].end) == (one.end.date(), two.start.date()) and shown[1].calls == [call]
    assert shown[3].end == congress.start.date() and shown[3].calls == []
