from django.urls import path

from qicop.meetings import views
from qicop.meetings.agenda import urls as agenda
from qicop.meetings.attendance import urls as attendance
from qicop.meetings.delegations import urls as delegations
from qicop.meetings.mail import urls as mail
from qicop.meetings.materials import urls as materials
from qicop.meetings.minutes import urls as minutes
from qicop.meetings.proceedings import urls as proceedings
from qicop.meetings.series import urls as series

app_name = "meetings"

urlpatterns = [
    path("n/<slug:slug>/meetings/", views.meeting_list, name="list"),
    path("n/<slug:slug>/meetings/calendar/", views.calendar_feed, name="calendar_feed"),
    path("n/<slug:slug>/meetings/<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("n/<slug:slug>/meetings/<int:meeting_id>/register/", views.meeting_register, name="register"),
    path("n/<slug:slug>/meetings/<int:meeting_id>/meeting.ics", views.meeting_ics, name="ics"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
# Each feature room lists its own pages.
for room in (agenda, attendance, delegations, mail, materials, minutes, proceedings, series):
    urlpatterns += room.urlpatterns
