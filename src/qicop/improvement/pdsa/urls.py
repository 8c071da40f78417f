"""Addresses of a team's PDSA cycles: under the team's workspace, one page per stage."""

from __future__ import annotations

from django.urls import path

from qicop.improvement.pdsa import views

TEAM = "n/<slug:slug>/improvement/<int:collaborative_id>/teams/<int:team_id>/cycles/"
CYCLE = TEAM + "<int:cycle_id>/"

urlpatterns: list = [
    path(TEAM + "new/", views.cycle_create, name="cycle_create"),
    path(CYCLE, views.cycle_detail, name="cycle_detail"),
    path(CYCLE + "edit/", views.cycle_edit, name="cycle_edit"),
    path(CYCLE + "do/", views.cycle_do, name="cycle_do"),
    path(CYCLE + "study/", views.cycle_study, name="cycle_study"),
    path(CYCLE + "act/", views.cycle_act, name="cycle_act"),
]
