from django.urls import path

from qicop.meetings import views
from qicop.meetings.agenda import urls as urls_agenda
from qicop.meetings.attendance import views as views_attendance
from qicop.meetings.delegations import urls as urls_delegations
from qicop.meetings.mail import urls as urls_mail
from qicop.meetings.materials import urls as urls_materials
from qicop.meetings.minutes import views as views_minutes
from qicop.meetings.proceedings import urls as urls_proceedings
from qicop.meetings.series import find_a_time as views_find_time
from qicop.meetings.series import urls as urls_series

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
