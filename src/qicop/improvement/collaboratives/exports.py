"""A collaborative's monthly team reports and scores as rows for a spreadsheet (CSV or XLSX, through
``integrations.spreadsheet``'s writers for people)."""

from __future__ import annotations

from collections.abc import Iterator

from qicop.improvement.models import Collaborative, TeamReport

#: The most rows an export holds: a collaborative of 60 teams over 10 years is 7 200.
EXPORT_LIMIT = 20_000

COLUMNS = [
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


def report_rows(collaborative: Collaborative) -> Iterator[dict]:
    """One row a team and month, teams by name and months in order; the month as "2026-11" (a spreadsheet
    sorts it), the status in the reader's words. One query, read in chunks."""
    reports = (
        TeamReport.objects.filter(team__collaborative=collaborative)
        .select_related("team__org_unit__country")
        .order_by("team__name", "team__org_unit__name", "team_id", "month")[:EXPORT_LIMIT]
    )
    for report in reports.iterator(chunk_size=500):
        yield {
            "team": report.team.display_name,
            "org_unit": report.team.org_unit.display_name,
            "month": f"{report.month:%Y-%m}",
            "status": str(report.get_status_display()),
            "self_score": report.self_score,
            "coach_score": report.coach_score,
            "suggested_score": report.suggested_score,
            "tested": report.tested,
            "learned": report.learned,
            "barriers": report.barriers,
            "help_needed": report.help_needed,
        }
