"""URLs of the knowledge app: case studies (their review, charts and attachments), resources, topics and
the case studies' feed. Merged into knowledge/urls.py (namespace "knowledge")."""

from __future__ import annotations

from django.urls import path

from qicop.knowledge.cases import feeds
from qicop.knowledge.cases.views import attachments, case_studies, charts, resources, review, topics

CASES = "n/<slug:slug>/case-studies/"
CASE = CASES + "<int:case_id>/"
RESOURCES = "n/<slug:slug>/resources/"

urlpatterns: list = [
    path(CASES, case_studies.case_list, name="case_list"),
    path(CASES + "new/", case_studies.case_create, name="case_create"),
    path(CASES + "feed.atom", feeds.case_feed, name="case_feed"),
    path(CASES + "feed/<str:token>.atom", feeds.case_feed_private, name="case_feed_private"),
    path(CASES + "feed/renew/", case_studies.case_feed_renew, name="case_feed_renew"),
    path(CASE, case_studies.case_detail, name="case_detail"),
    path(CASE + "edit/", case_studies.case_edit, name="case_edit"),
    path(CASE + "status/", review.case_workflow, name="case_workflow"),
    path(CASE + "review/", review.case_review, name="case_review"),
    path(CASE + "history/", review.case_history, name="case_history"),
    path(CASE + "charts/", charts.case_charts, name="case_charts"),
    path(CASE + "charts/<int:chart_id>/delete/", charts.case_chart_delete, name="case_chart_delete"),
    path(
        CASE + "charts/<int:chart_id>/published.svg", charts.case_chart_snapshot, name="case_chart_snapshot"
    ),
    path(CASE + "attachments/", attachments.case_attachments, name="case_attachments"),
    path(CASE + "attachments/<int:attachment_id>/", attachments.case_attachment, name="case_attachment"),
    path(
        CASE + "attachments/<int:attachment_id>/delete/",
        attachments.case_attachment_delete,
        name="case_attachment_delete",
    ),
    path(RESOURCES, resources.resource_list, name="resource_list"),
    path(RESOURCES + "new/", resources.resource_create, name="resource_create"),
    path(RESOURCES + "<int:resource_id>/", resources.resource_detail, name="resource_detail"),
    path(RESOURCES + "<int:resource_id>/file/", resources.resource_download, name="resource_download"),
    path(RESOURCES + "<int:resource_id>/edit/", resources.resource_edit, name="resource_edit"),
    path(RESOURCES + "<int:resource_id>/delete/", resources.resource_delete, name="resource_delete"),
    path("n/<slug:slug>/topics/", topics.topic_list, name="topic_list"),
    path("n/<slug:slug>/topics/<slug:topic_slug>/", topics.topic_detail, name="topic_detail"),
]
