"""URLs of QI coach certification work: a country's candidates and standards, a certification's portfolio,
knowledge check, observations and decision. Merged into programmes/urls.py (namespace "programmes")."""

from __future__ import annotations

from django.urls import path

from qicop.programmes.coaches import views

ROOT = "n/<slug:slug>/programmes/coaches/"
COUNTRY = ROOT + "<str:iso2>/"
CERTIFICATION = ROOT + "certifications/<int:certification_id>/"

urlpatterns: list = [
    path(CERTIFICATION, views.coach_portfolio, name="coach_portfolio"),
    path(CERTIFICATION + "knowledge/", views.coach_knowledge, name="coach_knowledge"),
    path(CERTIFICATION + "observe/", views.coach_observe, name="coach_observe"),
    path(CERTIFICATION + "decide/", views.coach_decide, name="coach_decide"),
    path(CERTIFICATION + "withdraw/", views.coach_withdraw, name="coach_withdraw"),
    path(CERTIFICATION + "renew/", views.coach_renew, name="coach_renew"),
    path(COUNTRY, views.coach_candidates, name="coach_candidates"),
    path(COUNTRY + "standards/", views.coach_standards, name="coach_standards"),
    path(COUNTRY + "new/", views.coach_enrol, name="coach_enrol"),
]
