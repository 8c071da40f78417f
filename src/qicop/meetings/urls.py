from django.urls import path

from qicop.meetings import (
    urls_agenda,
    urls_delegations,
    urls_mail,
    urls_materials,
    urls_proceedings,
    urls_series,
    views,
    views_attendance,
    views_find_time,
    views_minutes,
)

app_name = "meetings"

urlpatterns = [
    path("n/<slug:slug>/meetings/", views.meeting_list, name="list"),
    path("n/<slug:slug>/meetings/find-a-time/", views_find_time.find_a_time, name="find_a_time"),
    path("n/<slug:slug>/meetings/calendar/", views.calendar_feed, name="calendar_feed"),
    path("n/<slug:slug>/meetings/<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("n/<slug:slug>/meetings/<int:meeting_id>/register/", views.meeting_register, name="register"),
    path("n/<slug:slug>/meetings/<int:meeting_id>/meeting.ics", views.meeting_ics, name="ics"),
    path(
        "n/<slug:slug>/meetings/<int:meeting_id>/attendance/",
        views_attendance.attendance_page,
        name="attendance",
    ),
    path("n/<slug:slug>/meetings/<int:meeting_id>/minutes/", views_minutes.minutes_page, name="minutes"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
for feature in (urls_agenda, urls_delegations, urls_mail, urls_materials, urls_proceedings, urls_series):
    urlpatterns += feature.urlpatterns
