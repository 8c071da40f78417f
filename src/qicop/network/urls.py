from django.urls import path

from qicop.network import views

app_name = "network"

urlpatterns = [
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("n/<slug:slug>/members/", views.member_directory, name="member_directory"),
    path("n/<slug:slug>/members/<int:member_id>/", views.member_detail, name="member_detail"),
    path("n/<slug:slug>/members/<int:member_id>/roles/", views.member_roles, name="member_roles"),
    path("n/<slug:slug>/invitations/", views.invitations, name="invitations"),
    path(
        "n/<slug:slug>/invitations/<int:invitation_id>/withdraw/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
