from django.urls import path

from qicop.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("n/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("n/<slug:slug>/charts/<slug:code>/<str:uid>/", views.chart_page, name="chart"),
    path("n/<slug:slug>/compare/<slug:code>/", views.compare, name="compare"),
    path("n/<slug:slug>/data/quality/", views.data_quality, name="data_quality"),
]
