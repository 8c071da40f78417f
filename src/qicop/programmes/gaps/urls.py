"""URLs of the results pages: a country's results (radar, table, PNG, CSV, XLSX) and the network's gap map.
Merged into programmes/urls.py (namespace "programmes")."""

from __future__ import annotations

from django.urls import path

from qicop.programmes.gaps import views

ROOT = "n/<slug:slug>/programmes/"
COUNTRY = ROOT + "countries/<str:iso2>/"

urlpatterns: list = [
    path(ROOT + "gap-map/", views.gap_map, name="gap_map"),
    path(ROOT + "gap-map.csv", views.gap_map_csv, name="gap_map_csv"),
    path(ROOT + "gap-map.xlsx", views.gap_map_xlsx, name="gap_map_xlsx"),
    path(COUNTRY, views.country_results, name="country_results"),
    path(COUNTRY + "results.csv", views.country_results_csv, name="country_results_csv"),
    path(COUNTRY + "results.xlsx", views.country_results_xlsx, name="country_results_xlsx"),
    path(COUNTRY + "<slug:instrument>.png", views.country_radar_png, name="country_radar_png"),
]
