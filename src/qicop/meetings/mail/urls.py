"""URLs of the meetings app: mail. Merged into meetings/urls.py (namespace "meetings")."""

from __future__ import annotations

from django.urls import path

from qicop.meetings.mail import views as views_mail

urlpatterns: list = [
    path(
        "n/<slug:slug>/meetings/<int:meeting_id>/mail/invitations/",
        views_mail.send_invitations,
        name="send_invitations",
    ),
    path(
        "n/<slug:slug>/meetings/<int:meeting_id>/mail/follow-up/",
        views_mail.send_follow_up,
        name="send_follow_up",
    ),
    path("n/<slug:slug>/meetings/mail-preferences/", views_mail.mail_preferences, name="mail_preferences"),
    path("meetings/unsubscribe/<str:token>/", views_mail.unsubscribe, name="unsubscribe"),
]
