"""URLs of the meetings app: planning meetings, agendas, topics and case presentations. Merged into
meetings/urls.py (namespace "meetings")."""

from __future__ import annotations

from django.urls import path

from qicop.meetings.agenda import views

MEETING = "n/<slug:slug>/meetings/<int:meeting_id>/"

urlpatterns: list = [
    path("n/<slug:slug>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("n/<slug:slug>/meetings/topics/", views.topics, name="topics"),
    path(MEETING + "edit/", views.meeting_edit, name="meeting_edit"),
    path(MEETING + "copy/", views.meeting_copy, name="meeting_copy"),
    path(MEETING + "cancel/", views.meeting_cancel, name="meeting_cancel"),
    path(MEETING + "agenda/", views.agenda_edit, name="agenda_edit"),
    path(MEETING + "agenda/<int:item_id>/", views.agenda_item_edit, name="agenda_item_edit"),
    path(MEETING + "agenda/<int:item_id>/delete/", views.agenda_item_delete, name="agenda_item_delete"),
    path(MEETING + "cases/new/", views.case_assign, name="case_assign"),
    path(MEETING + "cases/<int:case_id>/", views.case_detail, name="case_detail"),
]
