"""Pages of a case presentation's evidence and recommendations (merged into namespace "improvement")."""

from __future__ import annotations

from django.urls import path

from qicop.improvement.presentations import views

CASE = "n/<slug:slug>/improvement/presentations/<int:case_id>/"

urlpatterns: list = [
    path(CASE + "evidence/", views.presentation_evidence, name="presentation_evidence"),
    path(CASE + "recommendations/", views.presentation_recommendations, name="presentation_recommendations"),
]
