"""URLs of the knowledge app: case studies, resources, topics and the case studies' feed. Merged into
knowledge/urls.py (namespace "knowledge")."""

from __future__ import annotations

from django.urls import path

from qicop.knowledge.cases import feeds
from qicop.knowledge.cases.views import case_studies as views

CASES = "n/<slug:slug>/case-studies/"
CASE = CASES + "<int:case_id>/"
RESOURCES = "n/<slug:slug>/resources/"

urlpatterns: list = [
    path(CASES, views.case_list, name="case_list"),
    path(CASES + "new/", views.case_create, name="case_create"),
    path(CASES + "feed.atom", feeds.case_feed, name="case_feed"),
    path(CASES + "feed/<str:token>.atom", feeds.case_feed_private, name="case_feed_private"),
    path(CASES + "feed/renew/", views.case_feed_renew, name="case_feed_renew"),
    path(CASE, views.case_detail, name="case_detail"),
    path(CASE + "edit/", views.case_edit, name="case_edit"),
    path(CASE + "status/", views.case_workflow, name="case_workflow"),
    path(CASE + "review/", views.case_review, name="case_review"),
    path(CASE + "history/", views.case_history, name="case_history"),
    path(CASE + "charts/", views.case_charts, name="case_charts"),
    path(CASE + "charts/<int:chart_id>/delete/", views.case_chart_delete, name="case_chart_delete"),
    path(CASE + "charts/<int:chart_id>/published.svg", views.case_chart_snapshot, name="case_chart_snapshot"),
    path(CASE + "attachments/", views.case_attachments, name="case_attachments"),
    path(CASE + "attachments/<int:attachment_id>/", views.case_attachment, name="case_attachment"),
    path(
        CASE + "attachments/<int:attachment_id>/delete/",
        views.case_attachment_delete,
        name="case_attachment_delete",
    ),
    path(RESOURCES, views.resource_list, name="resource_list"),
    path(RESOURCES + "new/", views.resource_create, name="resource_create"),
    path(RESOURCES + "<int:resource_id>/", views.resource_detail, name="resource_detail"),
    path(RESOURCES + "<int:resource_id>/file/", views.resource_download, name="resource_download"),
    path(RESOURCES + "<int:resource_id>/edit/", views.resource_edit, name="resource_edit"),
    path(RESOURCES + "<int:resource_id>/delete/", views.resource_delete, name="resource_delete"),
    path("n/<slug:slug>/topics/", views.topic_list, name="topic_list"),
    path("n/<slug:slug>/topics/<slug:topic_slug>/", views.topic_detail, name="topic_detail"),
]
