"""URLs of certified QI coaches: the registers (network, country; CSV, XLSX), certificates and their public
verification. Merged into programmes/urls.py (namespace "programmes")."""

from __future__ import annotations

from django.urls import path

from qicop.programmes.certificates import views

ROOT = "n/<slug:slug>/programmes/certified-coaches/"

urlpatterns = [
    path(ROOT, views.coach_register, name="coach_register"),
    path(ROOT + "register.csv", views.coach_register_csv, name="coach_register_csv"),
    path(ROOT + "register.xlsx", views.coach_register_xlsx, name="coach_register_xlsx"),
    path(ROOT + "<int:certification_id>/certificate.pdf", views.coach_certificate, name="coach_certificate"),
    # before the country's page, whose <str:iso2> would take "verify"
    path(ROOT + "verify/", views.coach_verify, name="coach_verify"),
    path(ROOT + "<str:iso2>/", views.coach_register_country, name="coach_register_country"),
]
