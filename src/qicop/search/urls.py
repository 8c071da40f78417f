from django.urls import path

from qicop.search import views

app_name = "search"

urlpatterns = [
    path("n/<slug:slug>/search/", views.search, name="search"),
]
