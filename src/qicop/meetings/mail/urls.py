"""URLs of the meetings app: mail. Merged into meetings/urls.py (namespace "meetings")."""

from __future__ import annotations

from django.urls import path

from qicop.meetings.mail import views

urlpatterns: list = [
    path(
        "n/<slug:slug>/meetings/<int:meeting_id>/mail/invitations/",
        views.send_invitations,
        name="send_invitations",
    ),
    path(
        "n/<slug:slug>/meetings/<int:meeting_id>/mail/follow-up/",
        views.send_follow_up,
        name="send_follow_up",
    ),
    path("n/<slug:slug>/meetings/mail-preferences/", views.mail_preferences, name="mail_preferences"),
    path("meetings/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
