"""URLs of the meetings app: materials. Merged into meetings/urls.py (namespace "meetings")."""

from __future__ import annotations

from django.urls import path

from qicop.meetings import views_materials

urlpatterns: list = [
    path(
        "n/<slug:slug>/meetings/<int:meeting_id>/materials/<int:material_id>/",
        views_materials.material,
        name="material",
    ),
]
