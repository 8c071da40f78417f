"""Monthly team reports: a team's months, one report per month, its form, the coach's confirmation and the
report's comments."""

from __future__ import annotations

from datetime import date

from django.urls import path, register_converter

from qicop.improvement.reports import views


class MonthConverter:
    """A month in an address as "2026-11", read as the first day of the month."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> date:
        year, month = value.split("-")
        return date(int(year), int(month), 1)  # month 13: ValueError, so the address does not match (404)

    def to_url(self, value) -> str:
        if isinstance(value, date):
            return f"{value.year:04d}-{value.month:02d}"
        return str(value)


register_converter(MonthConverter, "month")

TEAM = "n/<slug:slug>/improvement/<int:collaborative_id>/teams/<int:team_id>/reports/"

urlpatterns = [
    path(TEAM, views.report_list, name="report_list"),
    path(TEAM + "<month:month>/", views.report_detail, name="report_detail"),
    path(TEAM + "<month:month>/edit/", views.report_edit, name="report_edit"),
    path(TEAM + "<month:month>/confirm/", views.report_confirm, name="report_confirm"),
    path(TEAM + "<month:month>/comments/", views.report_comment, name="report_comment"),
]
