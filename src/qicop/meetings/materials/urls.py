"""URLs of the meetings app: materials. Merged into meetings/urls.py (namespace "meetings")."""

from __future__ import annotations

from django.urls import path

from qicop.meetings.materials import views as views_materials

urlpatterns: list = [
    path(
        "n/<slug:slug>/meetings/<int:meeting_id>/materials/",
        views_materials.materials_page,
        name="materials",
    ),
    path(
        "n/<slug:slug>/meetings/<int:meeting_id>/materials/<int:material_id>/",
        views_materials.material,
        name="material",
    ),
    path(
        "n/<slug:slug>/meetings/<int:meeting_id>/materials/<int:material_id>/delete/",
        views_materials.material_delete,
        name="material_delete",
    ),
    path("n/<slug:slug>/meetings/<int:meeting_id>/pack.zip", views_materials.pack_download, name="pack"),
]
