"""URLs of the knowledge app: discussions. Merged into knowledge/urls.py (namespace "knowledge")."""

from __future__ import annotations

from django.urls import path

from qicop.knowledge.discussions import following, views

THREAD = "n/<slug:slug>/discussions/<int:thread_id>/"
POST = THREAD + "posts/<int:post_id>/"

urlpatterns: list = [
    path("n/<slug:slug>/discussions/", views.discussion_list, name="discussions"),
    path("n/<slug:slug>/discussions/new/", views.discussion_new, name="discussion_new"),
    path(
        "n/<slug:slug>/discussions/topics/<slug:topic_slug>/follow/",
        following.topic_follow,
        name="topic_follow",
    ),
    path(THREAD, views.thread_detail, name="thread"),
    path(THREAD + "reply/", views.thread_reply, name="thread_reply"),
    path(THREAD + "follow/", views.thread_follow, name="thread_follow"),
    path(THREAD + "moderate/", views.thread_moderate, name="thread_moderate"),
    path(POST, views.post_link, name="post_link"),
    path(POST + "whole/", views.post_whole, name="post_whole"),
    path(POST + "files/<int:file_id>/", views.post_file, name="post_file"),
    path(POST + "edit/", views.post_edit, name="post_edit"),
    path(POST + "accept/", views.post_accept, name="post_accept"),
    path(POST + "report/", views.post_report, name="post_report"),
    path(POST + "hide/", views.post_hide, name="post_hide"),
    path("n/<slug:slug>/moderation/", views.moderation, name="moderation"),
    path("n/<slug:slug>/moderation/<int:report_id>/resolve/", views.report_resolve, name="report_resolve"),
    path("n/<slug:slug>/whats-new/", views.whats_new_page, name="whats_new"),
    path("notifications/", following.notification_list, name="notifications"),
    path("notifications/settings/", following.notification_settings, name="notification_settings"),
    path(
        "notifications/settings/topics/<int:subscription_id>/stop/",
        following.followed_topic_stop,
        name="followed_topic_stop",
    ),
]
