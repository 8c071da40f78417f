"""URLs of the meetings app: materials. Merged into meetings/urls.py (namespace "meetings")."""

from __future__ import annotations

from django.urls import path

from qicop.meetings.materials import views

urlpatterns: list = [
    path(
        "n/<slug:slug>/meetings/<int:meeting_id>/materials/",
        views.materials_page,
        name="materials",
    ),
    path(
        "n/<slug:slug>/meetings/<int:meeting_id>/materials/<int:material_id>/",
        views.material,
        name="material",
    ),
    path(
        "n/<slug:slug>/meetings/<int:meeting_id>/materials/<int:material_id>/delete/",
        views.material_delete,
        name="material_delete",
    ),
    path("n/<slug:slug>/meetings/<int:meeting_id>/pack.zip", views.pack_download, name="pack"),
]
