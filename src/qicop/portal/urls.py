from django.urls import path

from qicop.portal import search, views
from qicop.portal.digest import views as digest

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.set_language, name="set_language"),
    path("accounts/profile/", views.profile, name="profile"),
    path("n/<slug:slug>/", views.network_home, name="network_home"),
    path("n/<slug:slug>/countries/<str:iso2>/", views.country_detail, name="country_detail"),
    path("n/<slug:slug>/search/", search.search, name="search"),
    path("weekly-digest/unsubscribe/<str:token>/", digest.unsubscribe, name="weekly_digest_unsubscribe"),
]
