"""URLs of the meetings app: proceedings. Merged into meetings/urls.py (namespace "meetings")."""

from __future__ import annotations

from django.urls import path

from qicop.meetings.proceedings import views

urlpatterns: list = [
    path(
        "n/<slug:slug>/meetings/<int:meeting_id>/evaluation/",
        views.evaluation_form,
        name="evaluation",
    ),
    path(
        "n/<slug:slug>/meetings/<int:meeting_id>/evaluation/results/",
        views.evaluation_results,
        name="evaluation_results",
    ),
    path("n/<slug:slug>/proceedings/", views.proceedings_index, name="proceedings"),
    path("n/<slug:slug>/proceedings/<int:year>/", views.proceedings_year, name="proceedings_year"),
    path("n/<slug:slug>/proceedings/<int:year>/edit/", views.proceedings_edit, name="proceedings_edit"),
    path(
        "n/<slug:slug>/proceedings/<int:year>/publish/",
        views.proceedings_publish,
        name="proceedings_publish",
    ),
    path(
        "n/<slug:slug>/proceedings/<int:year>/proceedings.html",
        views.proceedings_html,
        name="proceedings_html",
    ),
    path(
        "n/<slug:slug>/proceedings/<int:year>/proceedings.pdf",
        views.proceedings_pdf,
        name="proceedings_pdf",
    ),
]
