"""URLs of the meetings app: attendance. Merged into meetings/urls.py (namespace "meetings")."""

from __future__ import annotations

from django.urls import path

from qicop.meetings.attendance import views

urlpatterns: list = [
    path("n/<slug:slug>/meetings/statistics/", views.statistics_page, name="statistics"),
    path("n/<slug:slug>/meetings/<int:meeting_id>/attendance/", views.attendance_page, name="attendance"),
]
