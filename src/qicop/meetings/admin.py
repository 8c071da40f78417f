from django.contrib import admin

from qicop.meetings.models import AgendaItem, Meeting, MeetingSeries, Registration
from qicop.network.admin_site import CoordinatorAdmin


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    autocomplete_fields = ["presenters"]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(CoordinatorAdmin):
    list_display = ["title", "network"]
    list_filter = ["network"]
    search_fields = ["title"]


@admin.register(Meeting)
class MeetingAdmin(CoordinatorAdmin):
    list_display = ["title", "network", "series", "kind", "status", "start"]
    list_filter = ["network", "kind", "status", "series"]
    search_fields = ["title", "topic"]
    date_hierarchy = "start"
    filter_horizontal = ["countries"]
    list_select_related = ["network", "series"]
    readonly_fields = ["uid", "sequence"]
    inlines = [AgendaInline]

    def save_model(self, request, obj, form, change):
        # A change to a meeting already announced is a new version for calendars: raise SEQUENCE.
        if change:
            obj.sequence += 1
        else:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Registration)
class RegistrationAdmin(CoordinatorAdmin):
    list_display = ["meeting", "member", "status"]
    list_filter = ["status"]
    list_select_related = ["meeting", "member"]
