"""Assessment rounds: the list, start a round, the round's page, fill one domain, an evidence file, the
round's steps (submit, send back, confirm, lock, share) and its CSV and XLSX."""

from __future__ import annotations

from django.urls import path

from qicop.programmes.assessments import views

BASE = "n/<slug:slug>/programmes/assessments/"
ROUND = BASE + "<int:round_id>/"

urlpatterns = [
    path(BASE, views.round_list, name="round_list"),
    path(BASE + "new/", views.round_create, name="round_create"),
    path(ROUND, views.round_detail, name="round_detail"),
    path(ROUND + "fill/<slug:domain_code>/", views.round_fill, name="round_fill"),
    path(ROUND + "evidence/<int:file_id>/", views.round_evidence, name="round_evidence"),
    path(ROUND + "submit/", views.round_submit, name="round_submit"),
    path(ROUND + "return/", views.round_return, name="round_return"),
    path(ROUND + "confirm/", views.round_confirm, name="round_confirm"),
    path(ROUND + "lock/", views.round_lock, name="round_lock"),
    path(ROUND + "share/", views.round_share, name="round_share"),
    path(ROUND + "answers.csv", views.round_csv, name="round_csv"),
    path(ROUND + "answers.xlsx", views.round_xlsx, name="round_xlsx"),
]
