"""URLs of the meetings app: delegations. Merged into meetings/urls.py (namespace "meetings")."""

from __future__ import annotations

from django.urls import path

from qicop.meetings.delegations import views

MEETING = "n/<slug:slug>/meetings/<int:meeting_id>/"

urlpatterns: list = [
    path(MEETING + "delegations/", views.delegations_page, name="delegations"),
    path(MEETING + "delegations/<int:delegate_id>/", views.delegate_edit, name="delegate_edit"),
    path(MEETING + "delegations/<int:delegate_id>/remove/", views.delegate_remove, name="delegate_remove"),
    path(MEETING + "delegations/<int:delegate_id>/letter.pdf", views.delegate_letter, name="delegate_letter"),
    path(
        MEETING + "delegations/<str:iso2>/letters.pdf",
        views.delegation_letters,
        name="delegation_letters",
    ),
    path(MEETING + "attendance/record/", views.attendance_record, name="attendance_record"),
    path(
        MEETING + "attendance/<int:attendance_id>/certificate.pdf",
        views.certificate,
        name="certificate",
    ),
    path("certificates/verify/", views.certificate_verify, name="certificate_verify"),
]
