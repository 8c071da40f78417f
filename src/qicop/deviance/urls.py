from django.urls import path

from qicop.deviance import views

app_name = "deviance"

urlpatterns = [
    path("n/<slug:slug>/improvements/", views.improvement_feed, name="feed"),
    path("n/<slug:slug>/improvements/feed/", views.improvement_atom, name="atom"),
    path("n/<slug:slug>/improvements/peers/", views.improvement_peers, name="peers"),
    path("n/<slug:slug>/improvements/ask/", views.ask_them_how, name="ask"),
]
