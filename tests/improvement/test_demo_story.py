"""The improvement demo tells one story with the demo's data: three national collaboratives whose teams adopt
their main change in the month their facility's data steps up, whose scores rise no faster than the data,
whose learning sessions sit at sensible local hours, and which a second load leaves as they are."""

from collections import defaultdict
from datetime import time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from qicop.improvement import demo as improvement_demo
from qicop.improvement.models import (
    SCORES,
    ChangeIdea,
    Collaborative,
    CollaborativeMeeting,
    DriverNode,
    PdsaCycle,
    Team,
    TeamMember,
    TeamReport,
)
from qicop.indicators.models import DataValue, IndicatorMapping

pytestmark = pytest.mark.django_db

STORY = {"KE": ("third-95", 12, True), "HT": ("retention-12m", 8, True), "TH": ("same-day-art", 6, False)}


def collaboratives():
    return {
        c.country.iso2: c
        for c in Collaborative.objects.filter(network__slug="virtual").select_related(
            "country", "key_measure"
        )
    }


def monthly_ratios(team):
    """The team's key measure, month by month, read straight from the facility's data values."""
    collaborative = team.collaborative
    mapping = IndicatorMapping.objects.get(
        network_indicator=collaborative.key_measure, country=collaborative.country
    )
    numerator, denominator = (side[2:-1] for side in (mapping.numerator, mapping.denominator))
    sums = defaultdict(lambda: [0.0, 0.0])
    rows = DataValue.objects.filter(
        org_unit=team.org_unit, data_element__uid__in=[numerator, denominator], period__period_type="Monthly"
    ).values_list("data_element__uid", "period__start_date", "numeric")
    for uid, start, value in rows:
        sums[start][0 if uid == numerator else 1] += value or 0
    return {month: n / d for month, (n, d) in sorted(sums.items()) if d}


def data_step(ratios):
    """The month the data moves most: the largest rise from the six months before to the six from it on
    (a moving window, not the loader's change point)."""
    months, values = list(ratios), list(ratios.values())
    rises = {
        months[i]: sum(values[i : i + 6]) / 6 - sum(values[i - 6 : i]) / 6 for i in range(6, len(values) - 5)
    }
    return max(rises, key=rises.get)


def months_between(earlier, later):
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def test_three_national_collaboratives_with_their_teams_measures_and_sharing(demo):
    found = collaboratives()
    assert set(found) == set(STORY)
    for iso2, (key, teams, shared) in STORY.items():
        collaborative = found[iso2]
        assert collaborative.key_measure.code == key and collaborative.shared is shared
        assert collaborative.measures.filter(indicator__code=key, kind="outcome").exists()
        assert collaborative.teams.count() == teams
        assert collaborative.start < collaborative.end
        for team in collaborative.teams.select_related("lead", "coach", "org_unit"):
            assert team.org_unit.country_id == collaborative.country_id
            assert team.lead.country_id == team.coach.country_id == collaborative.country_id
            assert team.members.filter(member__isnull=True).count() >= 3  # named people without accounts
            assert DriverNode.objects.filter(team=team, kind="change", change_idea__isnull=False).exists()
    assert TeamMember.objects.filter(is_consumer=True).count() >= 10
    assert len(found["KE"].teams.values_list("org_unit__parent", flat=True).distinct()) >= 2


def test_kenyas_collaborative_runs_18_months_and_is_under_way_in_the_demos_today(demo):
    kenya = collaboratives()["KE"]
    today = timezone.localdate()
    assert kenya.end == improvement_demo.add_months(kenya.start, 18) - timedelta(days=1)
    assert 12 <= months_between(kenya.start, today) <= 15 and kenya.end > today
    drafts = TeamReport.objects.filter(team__collaborative=kenya, status="draft")
    assert drafts.count() == 12  # last month's, one a team, still to be filed
    assert {d.month for d in drafts} == {improvement_demo.add_months(today.replace(day=1), -1)}


def test_the_change_idea_library_holds_ideas_tested_in_two_countries(demo):
    countries = defaultdict(set)
    for idea_id, iso2 in PdsaCycle.objects.values_list("change_idea", "team__collaborative__country__iso2"):
        countries[idea_id].add(iso2)
    assert sum(len(c) >= 2 for c in countries.values()) >= 2
    assert ChangeIdea.objects.filter(network__slug="virtual", indicator__isnull=False).count() >= 12


def test_each_collaborative_has_three_learning_sessions_at_sensible_hours_in_its_capital(demo):
    for iso2, collaborative in collaboratives().items():
        roles = CollaborativeMeeting.objects.filter(collaborative=collaborative, role="learning_session")
        assert roles.count() == 3, iso2
        for role in roles.select_related("meeting"):
            meeting = role.meeting
            assert list(meeting.countries.values_list("iso2", flat=True)) == [iso2]
            zone = ZoneInfo(meeting.time_zone)
            start, end = meeting.start.astimezone(zone), meeting.end.astimezone(zone)
            assert (start.time(), end.time()) == (time(8, 30), time(17)) and (end - start).days == 1
            assert start.weekday() < 4  # two weekdays
            assert collaborative.start <= start.date() <= collaborative.end
            assert meeting.end < timezone.now() or meeting.status != "held"


def test_no_two_collaboratives_hold_learning_sessions_in_the_same_month(demo):
    """The network's coordinator opens each of them."""
    sessions = CollaborativeMeeting.objects.filter(role="learning_session").select_related("meeting")
    months = [(s.meeting.start.year, s.meeting.start.month) for s in sessions]
    assert len(months) == 9 and len(set(months)) == len(months)


def test_about_150_cycles_all_dated_within_their_collaborative_and_not_after_today(demo):
    today = timezone.localdate()
    cycles = list(PdsaCycle.objects.select_related("team__collaborative"))
    assert 130 <= len(cycles) <= 170
    for cycle in cycles:
        collaborative = cycle.team.collaborative
        dates = [cycle.start, cycle.end, cycle.decided_on]
        assert all(collaborative.start <= d <= min(collaborative.end, today) for d in dates), cycle
        assert cycle.prediction and cycle.result and cycle.learned
    decisions = [c.decision for c in cycles]
    assert {"adopt", "adapt", "abandon"} <= set(decisions)


def test_every_adapted_cycle_is_followed_by_a_linked_next_one_on_the_same_idea(demo):
    adapted = PdsaCycle.objects.filter(decision="adapt").select_related("next_cycle")
    assert adapted.exists()
    for cycle in adapted:
        following = cycle.next_cycle
        assert following.change_idea_id == cycle.change_idea_id and following.start > cycle.end


def test_every_teams_adopted_main_change_is_dated_where_its_data_steps_up(demo):
    for team in Team.objects.select_related(
        "collaborative__key_measure", "collaborative__country", "org_unit"
    ):
        step = data_step(monthly_ratios(team))
        adopted = PdsaCycle.objects.filter(team=team, decision="adopt").order_by("decided_on").first()
        assert abs(months_between(step, adopted.decided_on)) <= 1, (team, step, adopted.decided_on)


def test_scores_are_on_the_scale_and_rise_no_faster_than_the_data(demo):
    for team in Team.objects.select_related(
        "collaborative__key_measure", "collaborative__country", "org_unit"
    ):
        step = data_step(monthly_ratios(team))
        reports = list(TeamReport.objects.filter(team=team).order_by("month"))
        assert reports
        confirmed = [r for r in reports if r.status == "confirmed"]
        assert len(confirmed) >= len(reports) - 2
        assert reports[-1].status in ("draft", "submitted") and reports[-1].coach_score is None
        for report in reports:
            assert report.self_score in SCORES and (
                report.coach_score is None or report.coach_score in SCORES
            )
            if months_between(step, report.month) < -1:
                assert report.score < Decimal("3.0"), (team, report.month)
            if months_between(step, report.month) < 0:
                assert report.score < Decimal("4.0"), (team, report.month)
        scores = [r.coach_score for r in confirmed]
        assert scores == sorted(scores), team  # the confirmed score never falls back
        assert max(scores) >= Decimal("3.0"), team


def test_every_submitted_report_stores_the_score_the_evidence_suggested_then(demo):
    from qicop.improvement.reports.services import suggestion_for

    reports = TeamReport.objects.filter(team__collaborative__network__slug="virtual")
    assert not reports.exclude(status="draft").filter(suggested_score__isnull=True).exists()
    assert not reports.filter(status="draft").exclude(suggested_score__isnull=True).exists()
    assert set(reports.values_list("suggested_score", flat=True)) - {None} <= set(SCORES)
    team = Team.objects.select_related("collaborative", "lead__user").get(
        lead__user__email="lead.ke@example.org"
    )
    for report in TeamReport.objects.filter(team=team).exclude(status="draft").order_by("month"):
        suggested = suggestion_for(user=team.lead.user, team=team, month=report.month).score
        assert report.suggested_score == suggested, report.month


def test_each_teams_score_never_falls_so_the_picture_of_scores_rises_to_its_last_month(demo):
    """The picture counts the coach's score once confirmed, else the team's own: a team whose data keeps
    improving does not count lower in its last, unconfirmed months than its coach confirmed before."""
    from qicop.improvement.collaboratives.picture import months_of, score_counts

    for team in Team.objects.filter(collaborative__network__slug="virtual"):
        counted = [
            r.score for r in TeamReport.objects.filter(team=team).exclude(status="draft").order_by("month")
        ]
        assert counted == sorted(counted), (team, counted)
    for collaborative in collaboratives().values():
        months = months_of(collaborative, timezone.localdate())
        rows = [(m, c) for m, c in zip(months, score_counts(collaborative, months), strict=True) if any(c)]
        means = [sum(n * s for n, s in zip(c, SCORES, strict=True)) / sum(c) for _m, c in rows]
        assert means == sorted(means), (collaborative.country.iso2, means)


def test_loading_the_demo_twice_creates_nothing_twice(demo):
    from qicop.demo import load_demo
    from qicop.meetings.models import ActionItem, AgendaItem, Attendance, Material, Meeting
    from qicop.network.models import Member, Topic

    models = [
        Collaborative,
        Team,
        TeamMember,
        DriverNode,
        PdsaCycle,
        TeamReport,
        ChangeIdea,
        Meeting,
        AgendaItem,
        Material,
        Attendance,
        ActionItem,
        Topic,
        Member,
    ]
    models.append(AgendaItem.panellists.through)
    counts = [model.objects.count() for model in models]
    assert improvement_demo.load_demo() is False
    assert load_demo() is False
    assert [model.objects.count() for model in models] == counts
