"""The shared instruments, for coordinators: every version, one version to read, its file, and the form
that makes the next version."""

from __future__ import annotations

from django.urls import path

from qicop.programmes.instruments import views

BASE = "n/<slug:slug>/programmes/instruments/"
INSTRUMENT = BASE + "<slug:instrument_slug>/"

urlpatterns = [
    path(BASE, views.instrument_list, name="instrument_list"),
    path(INSTRUMENT + "v<int:version>/", views.instrument_detail, name="instrument_detail"),
    path(INSTRUMENT + "v<int:version>.json", views.instrument_file, name="instrument_file"),
    path(INSTRUMENT + "new/", views.instrument_new_version, name="instrument_new_version"),
]
