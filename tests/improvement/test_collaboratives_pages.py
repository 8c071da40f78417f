"""The collaboratives' pages as each persona reads them: the list and its empty states, the picture, the
learning-session report (HTML and PDF), the export of reports and scores, with pinned query counts."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal

from openpyxl import load_workbook

from improvement_world import improvement_of, measure_on_elements
from qicop.improvement.collaboratives.exports import COLUMNS
from qicop.improvement.models import Collaborative, CollaborativeMeeting, PdsaCycle
from qicop.meetings.models import Meeting

LIST = "/n/vln/improvement/"


def test_the_list_shows_each_persona_the_collaboratives_they_may_see(world):
    work = improvement_of(world)
    for persona, seen in {
        "carla": {work.kenya.name, work.haiti.name},
        "kim": {work.kenya.name, work.haiti.name},
        "henri": {work.haiti.name},
        "olga": {work.haiti.name},
    }.items():
        page = world.client_for(persona).get(LIST).content.decode()
        assert {name for name in (work.kenya.name, work.haiti.name) if name in page} == seen, persona


def test_a_list_row_names_the_country_the_months_the_key_measure_and_the_number_of_teams(world):
    work = improvement_of(world)
    page = world.client_for("faith").get(LIST).content.decode()
    assert f'href="/n/vln/improvement/{work.kenya.pk}/"' in page
    assert "Viral suppression" in page and "target 95" in page
    assert f"{work.kenya.start:%b %Y}" in page and f"{work.kenya.end:%b %Y}" in page
    assert "<td>1</td>" in page and "Shared with the network" in page and "Its countries only" in page


def test_the_list_filters_by_country(world):
    work = improvement_of(world)
    page = world.client_for("carla").get(LIST + "?country=ht").content.decode()
    assert work.haiti.name in page and work.kenya.name not in page


def test_an_empty_list_tells_a_focal_point_to_create_one_and_others_that_countries_share_theirs(world):
    Collaborative.objects.all().delete()
    faith = world.client_for("faith").get(LIST).content.decode()
    henri = world.client_for("henri").get(LIST).content.decode()
    assert "Create one: name its aim" in faith and f'href="{LIST}new/"' in faith
    assert "other countries see them once the country shares them" in henri and f"{LIST}new/" not in henri


def test_the_list_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    improvement_of(world)
    client = world.client_for("carla")
    client.get(LIST)
    with django_assert_max_num_queries(11):
        assert client.get(LIST).status_code == 200


def test_the_picture_shows_the_aim_each_teams_chart_on_one_scale_the_scores_and_the_phases(world):
    work = improvement_of(world)
    meeting = Meeting.objects.create(
        network=world.network,
        title="Kickoff learning session",
        start=datetime(2031, 1, 10, 9, tzinfo=UTC),
        end=datetime(2031, 1, 10, 12, tzinfo=UTC),
    )
    CollaborativeMeeting.objects.create(collaborative=work.kenya, meeting=meeting, role="learning_session")
    response = world.client_for("faith").get(f"{LIST}{work.kenya.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "0 of 1 teams have reached the aim." in page
    assert page.count("<svg") == 2  # the team's small multiple and the score distribution
    assert "Teams&#x27; scores over time" in page or "Teams' scores over time" in page
    assert "Learning session 1" in page and f'href="/n/vln/meetings/{meeting.pk}/"' in page
    assert "Action period 1" in page
    assert "Stop sharing" not in page and "Share with the network</button>" in page
    assert len(response.content) < 100_000


def test_the_picture_reads_a_pinned_number_of_queries(world, django_assert_max_num_queries):
    """One team: the page's own reads (the collaborative's measures among them), the team list's (a fixed
    four, teams/_team_list.html), and the chart pipeline's (about seven a team, see picture.py)."""
    work = improvement_of(world)
    client = world.client_for("faith")
    client.get(f"{LIST}{work.kenya.pk}/")
    with django_assert_max_num_queries(24):
        assert client.get(f"{LIST}{work.kenya.pk}/").status_code == 200


def test_the_picture_and_its_report_show_each_teams_other_measures_data_elements_too(world):
    work = improvement_of(world)
    measure_on_elements(
        work, work.kenya, "Suppressed among tested", work.data.vl_suppressed, work.data.vl_tested, 100
    )
    measure_on_elements(work, work.kenya, "QI score", work.data.score)  # never reported at Nakuru
    client = world.client_for("faith")
    for path in (f"{LIST}{work.kenya.pk}/", f"{LIST}{work.kenya.pk}/report/"):
        page = client.get(path).content.decode()
        section = page.split("The other measures, team by team")[1].split("</table>")[0]
        assert "Suppressed among tested" in section and "QI score" in section, path
        assert re.search(r"<td>8[0-2]\.0&nbsp;% <span class=\"muted\">\w+ \d{4}</span></td>", section), (
            section
        )
        assert '<span class="muted">no data yet</span>' in section


def test_each_other_measure_costs_the_picture_a_pinned_number_of_queries_a_team(
    world, django_assert_max_num_queries
):
    """A measure on data elements is charted for each team (three queries: the chart pipeline's without an
    indicator's mapping, saved settings and notes), plus at most one to say why it has no value."""
    work = improvement_of(world)
    measure_on_elements(
        work, work.kenya, "Suppressed among tested", work.data.vl_suppressed, work.data.vl_tested, 100
    )
    client = world.client_for("faith")
    client.get(f"{LIST}{work.kenya.pk}/")
    with django_assert_max_num_queries(24 + 3 + 1):
        assert client.get(f"{LIST}{work.kenya.pk}/").status_code == 200


def _links(page: str) -> set[str]:
    return {href for href in re.findall(r'href="(/[^"#?]*)', page) if not href.startswith("/static/")}


def test_an_observer_is_never_linked_from_a_shared_picture_to_a_page_they_cannot_open(world):
    work = improvement_of(world)
    measure_on_elements(work, work.haiti, "Supprimés", work.data.vl_suppressed)
    session = Meeting.objects.create(
        network=world.network,
        title="Session d'apprentissage 1",
        start=datetime(2031, 1, 10, 9, tzinfo=UTC),
        end=datetime(2031, 1, 10, 12, tzinfo=UTC),
    )
    CollaborativeMeeting.objects.create(collaborative=work.haiti, meeting=session, role="learning_session")
    PdsaCycle.objects.create(
        team=work.jacmel,
        change_idea=work.idea,
        title="Revue quotidienne",
        objective="?",
        start=work.start,
        end=work.start,
        decision="adopt",
        decided_on=work.start,
        created_by=world.henri.user,
    )
    olga, henri = world.client_for("olga"), world.client_for("henri")
    workspace = f"{LIST}{work.haiti.pk}/teams/{work.jacmel.pk}/"
    for path in (f"{LIST}{work.haiti.pk}/", f"{LIST}{work.haiti.pk}/report/"):
        page = olga.get(path).content.decode()
        assert "Jacmel" in page and "Session d&#x27;apprentissage 1" in page and "Supprimés" in page
        assert workspace not in page and f"/meetings/{session.pk}/" not in page, path
        for link in _links(page):
            assert olga.get(link).status_code not in (403, 404), (path, link)
        linked = henri.get(path).content.decode()  # a participant of the network opens them all
        assert workspace in linked and f"/meetings/{session.pk}/" in linked


def test_an_observer_reads_why_a_shared_collaboratives_teams_have_no_chart(world):
    work = improvement_of(world)
    page = world.client_for("olga").get(f"{LIST}{work.haiti.pk}/").content.decode()
    assert "Not published" in page
    assert "No team has data you may see." in page and "Only 0 teams" not in page
    assert "export.csv" not in page and "Edit the collaborative" not in page


def test_the_learning_session_report_is_one_printable_page_and_a_pdf(world):
    work = improvement_of(world)
    client = world.client_for("carla")
    html = client.get(f"{LIST}{work.kenya.pk}/report/").content.decode()
    assert html.startswith("<!doctype html>") and "Learning-session report" in html
    assert "Daily review of results." in html  # the team's latest report
    pdf = client.get(f"{LIST}{work.kenya.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def _jacmel_reported(work):
    from qicop.improvement.models import TeamReport

    return TeamReport.objects.create(
        team=work.jacmel,
        month=work.start,
        status=TeamReport.Status.SUBMITTED,
        tested="Tracing calls to every client who missed a visit.",
        barriers="The phone credit ran out in week two.",
        help_needed="A second tracer from the district.",
        self_score=Decimal("2.5"),
        submitted_by=work.world.henri.user,
    )


def test_an_observer_reads_a_shared_collaboratives_report_without_the_teams_workspace_notes(world):
    work = improvement_of(world)
    _jacmel_reported(work)
    page = world.client_for("olga").get(f"{LIST}{work.haiti.pk}/report/").content.decode()
    assert "Learning-session report" in page and "scores over time" in page
    for note in ("Tracing calls", "phone credit", "second tracer", "Each team&#x27;s latest report"):
        assert note not in page, note
    henri = world.client_for("henri").get(f"{LIST}{work.haiti.pk}/report/").content.decode()
    assert "Tracing calls" in henri and "phone credit" in henri and "second tracer" in henri


def test_an_observers_pdf_report_leaves_out_the_teams_workspace_notes(world, monkeypatch):
    from qicop.improvement.collaboratives import views

    work = improvement_of(world)
    _jacmel_reported(work)
    printed: list[str] = []
    monkeypatch.setattr(views, "html_to_pdf", lambda html: printed.append(html) or b"%PDF-")
    assert world.client_for("olga").get(f"{LIST}{work.haiti.pk}/report.pdf").status_code == 200
    assert world.client_for("henri").get(f"{LIST}{work.haiti.pk}/report.pdf").status_code == 200
    olga, henri = printed
    assert "Learning-session report" in olga and "Tracing calls" not in olga and "phone credit" not in olga
    assert "Tracing calls" in henri


def test_the_csv_export_has_one_row_per_team_and_month_with_the_scores(world):
    work = improvement_of(world)
    response = world.client_for("kim").get(f"{LIST}{work.kenya.pk}/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [*COLUMNS, "Viral suppression"]  # then a column a measure
    assert COLUMNS == [
        "team",
        "org_unit",
        "month",
        "status",
        "self_score",
        "coach_score",
        "suggested_score",
        "tested",
        "learned",
        "barriers",
        "help_needed",
    ]
    (row,) = rows[1:]
    assert row[:5] == [
        "Nakuru Level 5 Hospital",
        "Nakuru Level 5 Hospital",
        f"{work.start:%Y-%m}",
        "Submitted",
        "2.0",
    ]
    assert row[7] == "Daily review of results."
    assert row[11] == "80.00"  # Nakuru's first month: 80 suppressed of 100 tested, from the data


def test_the_xlsx_export_has_the_same_columns(world):
    work = improvement_of(world)
    response = world.client_for("carla").get(f"{LIST}{work.kenya.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert list(rows[0]) == [*COLUMNS, "Viral suppression"] and rows[1][2] == f"{work.start:%Y-%m}"
    assert rows[1][11] == Decimal("80.00")  # a number, not text


def _csv(client, path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(client.get(path).content.decode("utf-8-sig"))))


def test_the_export_reads_every_measure_in_each_report_month_or_says_why_it_has_no_value(world):
    work = improvement_of(world)
    measure_on_elements(
        work, work.kenya, "Suppressed among tested", work.data.vl_suppressed, work.data.vl_tested, 100
    )
    measure_on_elements(work, work.kenya, "QI score", work.data.score)  # never reported at Nakuru
    (row,) = _csv(world.client_for("kim"), f"{LIST}{work.kenya.pk}/export.csv")
    assert row["Viral suppression"] == row["Suppressed among tested"] == "80.00"
    assert row["QI score"] == "no data yet"
    # Haiti has not published Jacmel's months: a Kenyan's export says so, the coordinator's has the values.
    measure_on_elements(work, work.haiti, "Supprimés", work.data.vl_suppressed)
    _jacmel_reported(work)
    (row,) = _csv(world.client_for("kim"), f"{LIST}{work.haiti.pk}/export.csv")
    assert row["Viral suppression"] == row["Supprimés"] == "not published"
    (row,) = _csv(world.client_for("carla"), f"{LIST}{work.haiti.pk}/export.csv")
    assert (row["Viral suppression"], row["Supprimés"]) == ("80.00", "48.00")


def test_observers_may_not_export_a_shared_collaboratives_workspaces(world):
    work = improvement_of(world)
    assert world.client_for("olga").get(f"{LIST}{work.haiti.pk}/export.csv").status_code == 403
    assert world.client_for("henri").get(f"{LIST}{work.haiti.pk}/export.csv").status_code == 200


def test_the_meetings_form_links_a_meeting_as_a_learning_session(world):
    work = improvement_of(world)
    path = f"{LIST}{work.kenya.pk}/meetings/"
    client = world.client_for("faith")
    assert world.meeting.title in client.get(path).content.decode()
    assert client.post(path, {f"meeting_{world.meeting.pk}": "learning_session"}).status_code == 302
    assert CollaborativeMeeting.objects.get(collaborative=work.kenya).meeting == world.meeting
    assert client.post(path, {f"meeting_{world.meeting.pk}": ""}).status_code == 302
    assert not CollaborativeMeeting.objects.filter(collaborative=work.kenya).exists()
