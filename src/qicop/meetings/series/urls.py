"""URLs of meeting series: list, create, detail, edit. Merged into meetings/urls.py (namespace "meetings")."""

from __future__ import annotations

from django.urls import path

from qicop.meetings.series import views

SERIES = "n/<slug:slug>/meetings/series/"

urlpatterns: list = [
    path(SERIES, views.series_list, name="series_list"),
    path(SERIES + "new/", views.series_create, name="series_create"),
    path(SERIES + "<int:series_id>/", views.series_detail, name="series_detail"),
    path(SERIES + "<int:series_id>/edit/", views.series_edit, name="series_edit"),
]
