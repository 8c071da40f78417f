"""URLs of the meetings app: minutes, decisions and actions. Merged into meetings/urls.py (namespace
"meetings")."""

from __future__ import annotations

from django.urls import path

from qicop.meetings.minutes import views

urlpatterns: list = [
    path("n/<slug:slug>/meetings/<int:meeting_id>/minutes/", views.minutes_page, name="minutes"),
]
