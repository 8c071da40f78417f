"""Monthly team reports through their pages: the team files a draft and submits it, its measures are read
from the data, and every bad month or score is refused with its reason and the typed text kept."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from improvement_world import improvement_of
from qicop.improvement.models import Measure, TeamReport
from qicop.improvement.reports.calendar import next_month
from qicop.indicators.models import NetworkIndicator, Publication
from qicop.integrations.dhis2.periods import period_of


def url(work, month: date, page: str = "") -> str:
    base = f"/n/vln/improvement/{work.kenya.pk}/teams/{work.team.pk}/reports/"
    return base + f"{month:%Y-%m}/" + (f"{page}/" if page else "")


FORM = {
    "report": "",
    "tested": "Phone reminders the day before each viral-load draw.",
    "learned": "Clients answer in the evening, not the morning.",
    "barriers": "One phone for the whole clinic.",
    "help_needed": "Airtime.",
    "self_score": "2.5",
}


def test_the_team_saves_a_draft_then_submits_it_and_the_suggested_score_is_stored(world):
    work = improvement_of(world)
    month = next_month(work.start)
    kim = world.client_for("kim")
    response = kim.post(url(work, month, "edit"), {**FORM, "save": ""})
    assert response.status_code == 302
    report = TeamReport.objects.get(team=work.team, month=month)
    assert report.status == TeamReport.Status.DRAFT and report.self_score == Decimal("2.5")
    response = kim.post(url(work, month, "edit"), {**FORM, "report": report.pk, "submit": ""})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == TeamReport.Status.SUBMITTED and report.submitted_by == world.kim.user
    # One cycle planned, none tested to the end: "working, no changes tested yet".
    assert report.suggested_score == Decimal("2.0")
    page = kim.get(url(work, month)).content.decode()
    assert "Phone reminders the day before" in page and "Changes tested, no improvement yet" in page


def test_the_form_shows_every_level_with_its_definition_and_the_suggestion_with_its_reasons(world):
    work = improvement_of(world)
    page = world.client_for("kim").get(url(work, next_month(work.start), "edit")).content.decode()
    assert page.count('type="radio" name="self_score"') == 9
    assert "has met and knows whose care it wants to improve" in page
    assert "The score the evidence suggests" in page
    assert "1 PDSA cycle planned or started." in page
    assert "No cycle has reached Study yet" in page


def test_the_measures_are_read_from_the_data_and_never_typed(world):
    work = improvement_of(world)
    kim = world.client_for("kim")
    page = kim.get(url(work, work.start)).content.decode()
    # Nakuru's month: 80 suppressed of 100 tested (viral_load_world), as the data says.
    assert "Viral suppression" in page and "80.0%" in page
    month = next_month(work.start)
    kim.post(url(work, month, "edit"), {**FORM, "save": "", "value": "99", "measures": "99"})
    page = kim.get(url(work, month)).content.decode()
    assert "99" not in page.split("The team's measures")[1].split("</table>")[0]


def test_a_missing_measure_says_whether_it_is_not_published_or_has_no_data_yet(world):
    work = improvement_of(world)
    retention = NetworkIndicator.objects.create(network=world.network, code="retention", name="Retention")
    Measure.objects.create(collaborative=work.kenya, indicator=retention, order=2)
    page = world.client_for("kim").get(url(work, work.start)).content.decode()
    assert "Retention" in page and "no data yet" in page
    Publication.objects.filter(
        country=world.kenya, period__dhis2_id=period_of("Monthly", work.start).id
    ).delete()
    page = world.client_for("kim").get(url(work, work.start)).content.decode()
    assert "not published" in page


def _on_elements(work, name, numerator, denominator=None, factor=1) -> Measure:
    from qicop.improvement.collaboratives.services import add_measure

    return add_measure(
        actor=work.world.faith.user,
        collaborative=work.kenya,
        kind="process",
        name=name,
        numerator=numerator,
        denominator=denominator,
        factor=factor,
    )


def _measure_rows(page: str) -> str:
    return page.split("The team's measures")[1].split("</table>")[0]


def test_measures_on_the_countrys_data_elements_are_read_by_their_names_from_the_data(world):
    work = improvement_of(world)
    _on_elements(work, "Suppressed among tested", work.data.vl_suppressed, work.data.vl_tested, 100)
    _on_elements(work, "Clients suppressed", work.data.vl_suppressed)
    rows = _measure_rows(world.client_for("kim").get(url(work, work.start)).content.decode())
    # Nakuru's month: 80 suppressed of 100 tested, from the imported elements.
    assert '<th scope="row">Suppressed among tested</th><td>Process</td>\n      <td>80.0%</td>' in rows
    assert '<th scope="row">Clients suppressed</th><td>Process</td>\n      <td>80.0</td>' in rows
    assert rows.index("Viral suppression") < rows.index("Suppressed among tested")  # the key measure first


def test_a_missing_measure_on_data_elements_says_whether_it_is_not_published_or_has_no_data_yet(world):
    from qicop.improvement.collaboratives.services import add_measure

    work = improvement_of(world)
    _on_elements(work, "QI score", work.data.score)  # an element Nakuru never reported
    rows = _measure_rows(world.client_for("kim").get(url(work, work.start)).content.decode())
    assert "QI score" in rows and rows.count("no data yet") == 1
    # Haiti has not published Jacmel's months: a Kenyan reads neither its indicator nor its elements.
    add_measure(
        actor=world.carla.user,
        collaborative=work.haiti,
        kind="process",
        name="Supprimés",
        numerator=work.data.vl_suppressed,
    )
    TeamReport.objects.create(team=work.jacmel, month=work.start, status=TeamReport.Status.SUBMITTED)
    jacmel = f"/n/vln/improvement/{work.haiti.pk}/teams/{work.jacmel.pk}/reports/{work.start:%Y-%m}/"
    rows = _measure_rows(world.client_for("kim").get(jacmel).content.decode())
    assert "Supprimés" in rows and rows.count("not published") == 2
    rows = _measure_rows(world.client_for("carla").get(jacmel).content.decode())  # the coordinator reads all
    assert "not published" not in rows and "<td>48.0</td>" in rows  # 80 % of Jacmel's 60 tests


def test_a_month_outside_the_collaborative_is_refused_with_the_typed_text_kept(world):
    work = improvement_of(world)
    before = date(work.start.year - (work.start.month == 1), (work.start.month - 2) % 12 + 1, 1)
    response = world.client_for("kim").post(url(work, before, "edit"), {**FORM, "save": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "is outside the collaborative, which runs from" in page
    assert "Phone reminders the day before each viral-load draw." in page
    assert not TeamReport.objects.filter(month=before).exists()


def test_a_month_that_has_not_begun_is_refused(world):
    work = improvement_of(world)
    work.kenya.end = timezone.localdate() + timedelta(days=400)
    work.kenya.save()
    future = next_month(next_month(timezone.localdate().replace(day=1)))
    response = world.client_for("kim").post(url(work, future, "edit"), {**FORM, "save": ""})
    assert response.status_code == 400
    assert "has not begun yet: a team reports on a month once it has started." in response.content.decode()


def test_a_score_off_the_scale_is_refused_with_its_message(world):
    work = improvement_of(world)
    response = world.client_for("kim").post(
        url(work, next_month(work.start), "edit"), {**FORM, "self_score": "3.7", "save": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "A score on the IHI scale is 1.0 to 5.0 in half points; 3.7 is not one." in page
    assert "Clients answer in the evening" in page


def test_a_second_report_for_a_month_is_refused_and_the_first_is_kept(world):
    work = improvement_of(world)
    month = next_month(work.start)
    TeamReport.objects.create(team=work.team, month=month, tested="Filed by Faith meanwhile.")
    response = world.client_for("kim").post(url(work, month, "edit"), {**FORM, "save": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The team already has a report for" in page and "Airtime." in page
    assert TeamReport.objects.get(team=work.team, month=month).tested == "Filed by Faith meanwhile."


def test_submitting_needs_the_teams_own_score(world):
    work = improvement_of(world)
    response = world.client_for("kim").post(
        url(work, next_month(work.start), "edit"), {**FORM, "self_score": "", "submit": ""}
    )
    assert response.status_code == 400
    assert "Choose your score on the scale before you submit." in response.content.decode()
    assert not TeamReport.objects.filter(team=work.team, month=next_month(work.start)).exists()


def test_a_submitted_report_is_read_only_for_the_team_but_not_for_whoever_runs_the_collaborative(world):
    work = improvement_of(world)
    assert world.client_for("kim").get(url(work, work.start, "edit")).status_code == 403
    assert world.client_for("faith").get(url(work, work.start, "edit")).status_code == 200


def test_a_report_is_filed_in_portuguese(world):
    work = improvement_of(world)
    world.kim.user.language = "pt"
    world.kim.user.save()
    month = next_month(work.start)
    kim = world.client_for("kim")
    form = {**FORM, "tested": "Lembretes por telefone na véspera da colheita.", "self_score": "2,5"}
    assert kim.post(url(work, month, "edit"), {**form, "submit": ""}).status_code == 302
    report = TeamReport.objects.get(team=work.team, month=month)
    assert report.self_score == Decimal("2.5") and report.status == TeamReport.Status.SUBMITTED
    page = kim.get(url(work, month)).content.decode()
    assert 'lang="pt"' in page and "Lembretes por telefone" in page and " de 20" in page  # "abril de 2025"
    assert "2,5 — " in page


def test_the_report_list_shows_every_month_with_its_status_in_a_pinned_number_of_queries(
    world, django_assert_max_num_queries
):
    work = improvement_of(world)
    kim = world.client_for("kim")
    with django_assert_max_num_queries(14):
        page = kim.get(url(work, work.start)[: -len("2026-01/")]).content.decode()
    assert page.count("File the report for") == 12  # thirteen months, the first filed
    assert "Submitted" in page and "2.0 — Working, no changes tested yet" in page
    assert "late: due" in page


def test_the_workspace_section_lists_the_months_so_far_with_a_link_to_file_each(world):
    from django.template.loader import render_to_string

    from qicop.improvement.selectors import teams_of

    work = improvement_of(world)
    team = teams_of(work.kenya).get(pk=work.team.pk)
    html = render_to_string(
        "improvement/reports/_team_reports.html",
        {"team": team, "reports": list(team.reports.all()), "can_edit": True},
    )
    assert "File the report for" in html and "2.0 — Working, no changes tested yet" in html
    assert f"/reports/{work.start:%Y-%m}/" in html
    html = render_to_string(
        "improvement/reports/_team_reports.html", {"team": team, "reports": [], "can_edit": False}
    )
    assert "File the report for" not in html and "Not filed" in html


def test_the_workspace_section_says_when_the_first_report_is_due_before_the_collaborative_begins(world):
    from django.template.loader import render_to_string

    work = improvement_of(world)
    work.kenya.start = timezone.localdate() + timedelta(days=40)
    work.kenya.end = work.kenya.start + timedelta(days=365)
    work.kenya.save()
    html = render_to_string(
        "improvement/reports/_team_reports.html", {"team": work.team, "reports": [], "can_edit": True}
    )
    assert "No month to report on yet" in html


def test_the_evidence_counts_the_cycles_tested_and_the_changes_adopted_by_the_end_of_the_month(world):
    from qicop.improvement.models import PdsaCycle
    from qicop.improvement.reports.services import gather_evidence

    work = improvement_of(world)
    PdsaCycle.objects.filter(pk=work.cycle.pk).update(
        stage=PdsaCycle.Stage.DONE, decision=PdsaCycle.Decision.ADOPT, decided_on=work.start
    )
    evidence = gather_evidence(user=world.kim.user, team=work.team, month=work.start)
    assert (evidence.cycles_planned, evidence.cycles_done, evidence.changes_adopted) == (1, 1, 1)
    assert evidence.aim_set and not evidence.aim_reached  # about 81 % against an aim of 95 %
    before = next_month(next_month(work.start)).replace(year=work.start.year - 1)
    assert gather_evidence(user=world.kim.user, team=work.team, month=before).cycles_planned == 0
