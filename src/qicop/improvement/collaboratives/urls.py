"""URLs of collaboratives: list, create, the picture, edit, learning sessions and calls, sharing, the
learning-session report and the export of reports and scores. Merged into improvement/urls.py (namespace
"improvement")."""

from __future__ import annotations

from django.urls import path

from qicop.improvement.collaboratives import views

LIST = "n/<slug:slug>/improvement/"
ONE = LIST + "<int:collaborative_id>/"

urlpatterns: list = [
    path(LIST, views.collaborative_list, name="collaborative_list"),
    path(LIST + "new/", views.collaborative_create, name="collaborative_create"),
    path(ONE, views.collaborative_detail, name="collaborative_detail"),
    path(ONE + "edit/", views.collaborative_edit, name="collaborative_edit"),
    path(ONE + "meetings/", views.collaborative_meetings, name="collaborative_meetings"),
    path(ONE + "measures/new/", views.collaborative_measure_add, name="collaborative_measure_add"),
    path(
        ONE + "measures/<int:measure_id>/edit/",
        views.collaborative_measure_edit,
        name="collaborative_measure_edit",
    ),
    path(
        ONE + "measures/<int:measure_id>/remove/",
        views.collaborative_measure_remove,
        name="collaborative_measure_remove",
    ),
    path(ONE + "share/", views.collaborative_share, name="collaborative_share"),
    path(ONE + "report/", views.collaborative_report, name="collaborative_report"),
    path(ONE + "report.pdf", views.collaborative_report_pdf, name="collaborative_report_pdf"),
    path(ONE + "export.csv", views.collaborative_export_csv, name="collaborative_export_csv"),
    path(ONE + "export.xlsx", views.collaborative_export_xlsx, name="collaborative_export_xlsx"),
]
