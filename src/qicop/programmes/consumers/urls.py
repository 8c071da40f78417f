"""URLs of consumer involvement: the network's overview, a country's register, and its forms. Merged into
programmes/urls.py (namespace "programmes")."""

from __future__ import annotations

from django.urls import path

from qicop.programmes.consumers import views

ROOT = "n/<slug:slug>/programmes/consumers/"
COUNTRY = ROOT + "<str:iso2>/"

urlpatterns = [
    path(ROOT, views.consumer_overview, name="consumer_overview"),
    path(COUNTRY, views.consumer_register, name="consumer_register"),
    path(COUNTRY + "register.csv", views.consumer_register_csv, name="consumer_register_csv"),
    path(COUNTRY + "new/", views.consumer_add, name="consumer_add"),
    path(COUNTRY + "<int:representative_id>/edit/", views.consumer_edit, name="consumer_edit"),
    path(COUNTRY + "<int:representative_id>/roles/new/", views.consumer_role_add, name="consumer_role_add"),
    path(COUNTRY + "<int:representative_id>/remove/", views.consumer_remove, name="consumer_remove"),
    path(COUNTRY + "roles/<int:role_id>/edit/", views.consumer_role_edit, name="consumer_role_edit"),
    path(COUNTRY + "roles/<int:role_id>/remove/", views.consumer_role_remove, name="consumer_role_remove"),
]
