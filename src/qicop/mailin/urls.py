from django.urls import path

from qicop.mailin import views

app_name = "mailin"

urlpatterns = [
    path("notifications/replies/", views.mail_settings, name="settings"),
    path("notifications/replies/revoke/", views.revoke, name="revoke"),
]
