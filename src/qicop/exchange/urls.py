from django.urls import path

from qicop.exchange import views

app_name = "exchange"

urlpatterns = [
    path("n/<slug:slug>/data/dhis2/", views.connection_list, name="connection_list"),
    path("n/<slug:slug>/data/dhis2/<str:iso2>/", views.connection_detail, name="connection_detail"),
    path("n/<slug:slug>/data/dhis2/<str:iso2>/edit/", views.connection_edit, name="connection_edit"),
    path("n/<slug:slug>/data/dhis2/<str:iso2>/test/", views.connection_test, name="connection_test"),
    path("n/<slug:slug>/data/dhis2/<str:iso2>/pull/", views.pull_now, name="pull_now"),
]
