"""URLs of the network indicator pages, under the network's data pages. Merged into indicators/urls.py
(namespace "indicators")."""

from __future__ import annotations

from django.urls import path

from qicop.indicators.network_indicators import views

BASE = "n/<slug:slug>/data/indicators/"
ONE = BASE + "<slug:code>/"
COUNTRY = ONE + "countries/<str:iso2>/"

urlpatterns: list = [
    path(BASE, views.indicator_list, name="network_indicators"),
    path(BASE + "new/", views.indicator_create, name="network_indicator_create"),
    path(BASE + "differences/", views.differences, name="definition_differences"),
    path(ONE, views.indicator_detail, name="network_indicator"),
    path(ONE + "edit/", views.indicator_edit, name="network_indicator_edit"),
    path(COUNTRY, views.mapping_edit, name="indicator_mapping"),
    path(COUNTRY + "remove/", views.mapping_remove, name="indicator_mapping_remove"),
]
