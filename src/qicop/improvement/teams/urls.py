"""URLs of teams: add, edit, the workspace, its aim (the team's own), its driver diagram (outline, SVG,
PNG) and a measure's chart. Merged into improvement/urls.py (namespace "improvement")."""

from __future__ import annotations

from django.urls import path

from qicop.improvement.teams import views

TEAMS = "n/<slug:slug>/improvement/<int:collaborative_id>/teams/"
TEAM = TEAMS + "<int:team_id>/"

urlpatterns: list = [
    path(TEAMS + "new/", views.team_create, name="team_create"),
    path(TEAM, views.team_detail, name="team_detail"),
    path(TEAM + "edit/", views.team_edit, name="team_edit"),
    path(TEAM + "aim/", views.team_aim_edit, name="team_aim_edit"),
    path(TEAM + "driver-diagram/", views.driver_diagram_edit, name="driver_diagram_edit"),
    path(TEAM + "driver-diagram.svg", views.driver_diagram_svg, name="driver_diagram_svg"),
    path(TEAM + "driver-diagram.png", views.driver_diagram_png, name="driver_diagram_png"),
    path(TEAM + "charts/<str:indicator_code>/", views.team_chart_page, name="team_chart"),
]
