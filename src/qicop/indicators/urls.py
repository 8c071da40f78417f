from django.urls import path

from qicop.indicators import views
from qicop.indicators.network_indicators import urls as network_indicators

app_name = "indicators"

urlpatterns = [
    path("n/<slug:slug>/data/", views.data_home, name="data_home"),
    path("n/<slug:slug>/data/import/", views.import_upload, name="import_upload"),
    path("n/<slug:slug>/data/template.xlsx", views.template_download, name="template_download"),
    path("n/<slug:slug>/data/imports/", views.import_list, name="import_list"),
    path("n/<slug:slug>/data/imports/<int:import_id>/", views.import_detail, name="import_detail"),
    path("n/<slug:slug>/data/imports/<int:import_id>/run-again/", views.import_rerun, name="import_rerun"),
    path(
        "n/<slug:slug>/data/imports/<int:import_id>/conflicts.csv",
        views.import_conflicts_csv,
        name="import_conflicts_csv",
    ),
    path("n/<slug:slug>/data/export/", views.export, name="export"),
    path("n/<slug:slug>/data/completeness/", views.completeness, name="completeness"),
    path("n/<slug:slug>/data/publish/", views.publish, name="publish"),
]
# The network's indicators, the countries' mappings and their differences (a room of its own).
urlpatterns += network_indicators.urlpatterns
