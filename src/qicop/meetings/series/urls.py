"""URLs of meeting series: list, create, detail, edit, and the "find a time" helper. Merged into
meetings/urls.py (namespace "meetings")."""

from __future__ import annotations

from django.urls import path

from qicop.meetings.series import find_a_time, views

SERIES = "n/<slug:slug>/meetings/series/"

urlpatterns: list = [
    path("n/<slug:slug>/meetings/find-a-time/", find_a_time.find_a_time, name="find_a_time"),
    path(SERIES, views.series_list, name="series_list"),
    path(SERIES + "new/", views.series_create, name="series_create"),
    path(SERIES + "<int:series_id>/", views.series_detail, name="series_detail"),
    path(SERIES + "<int:series_id>/edit/", views.series_edit, name="series_edit"),
]
