"""URLs of the network's change-idea library. Merged into improvement/urls.py (namespace "improvement")."""

from __future__ import annotations

from django.urls import path

from qicop.improvement.changes import views

IDEAS = "n/<slug:slug>/change-ideas/"
IDEA = IDEAS + "<int:idea_id>/"

urlpatterns: list = [
    path(IDEAS, views.change_idea_list, name="change_idea_list"),
    path(IDEAS + "new/", views.change_idea_create, name="change_idea_create"),
    path(IDEA, views.change_idea_detail, name="change_idea_detail"),
    path(IDEA + "edit/", views.change_idea_edit, name="change_idea_edit"),
    path(IDEA + "retire/", views.change_idea_retire, name="change_idea_retire"),
    path(IDEA + "delete/", views.change_idea_delete, name="change_idea_delete"),
    # Reached from a case study's page (the knowledge app's), which cannot import this app.
    path(
        "n/<slug:slug>/case-studies/<int:case_id>/change-ideas/",
        views.case_change_ideas,
        name="case_change_ideas",
    ),
]
