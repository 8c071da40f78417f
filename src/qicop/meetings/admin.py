from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qicop.meetings.agenda import services as agenda
from qicop.meetings.models import AgendaItem, Meeting, MeetingSeries, Registration
from qicop.network.admin_site import CoordinatorAdmin


class AgendaItemAdminForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = [
            "start",
            "end",
            "kind",
            "title",
            "country",
            "presenters",
            "panellists",
            "moderator",
            "speakers",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] <= cleaned["start"]:
            self.add_error("end", _("The item must end after it starts."))
        return cleaned


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    form = AgendaItemAdminForm
    extra = 0
    autocomplete_fields = ["presenters", "panellists", "moderator"]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(CoordinatorAdmin):
    network_path = "network"
    list_display = ["title", "network"]
    list_filter = [("network", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title"]


@admin.register(Meeting)
class MeetingAdmin(CoordinatorAdmin):
    """Meetings in the admin go through the same services as the coordinators' pages: an edit that
    calendars carry raises SEQUENCE and sends the updated invitation; cancelling sends the cancellation."""

    network_path = "network"
    list_display = ["title", "network", "series", "kind", "status", "start"]
    list_filter = [
        ("network", admin.RelatedOnlyFieldListFilter),
        "kind",
        "status",
        ("series", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "topic"]
    date_hierarchy = "start"
    filter_horizontal = ["countries", "topics"]
    list_select_related = ["network", "series"]
    readonly_fields = ["uid", "sequence", "copied_from"]
    inlines = [AgendaInline]
    actions = ["cancel_meetings"]

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in agenda.MEETING_FIELDS}
        if change:
            # ``obj`` already carries the new values: compare them with the stored meeting.
            stored = Meeting.objects.get(pk=obj.pk)
            agenda.update_meeting(actor=request.user, meeting=stored, **fields)
            obj.sequence = stored.sequence
        else:
            created = agenda.create_meeting(actor=request.user, network=obj.network, **fields)
            obj.pk, obj.uid, obj.created_by = created.pk, created.uid, created.created_by
            obj._state.adding = False
            obj._state.db = created._state.db

    def save_formset(self, request, form, formset, change):
        if formset.model is not AgendaItem:
            return super().save_formset(request, form, formset, change)
        meeting = form.instance
        deleted = set(formset.deleted_forms)
        for item_form in formset.forms:
            item = item_form.instance if item_form.instance.pk else None
            if item_form in deleted:
                if item is not None:
                    agenda.delete_agenda_item(actor=request.user, item=item)
                continue
            if not item_form.has_changed():
                continue
            data = item_form.cleaned_data
            agenda.save_agenda_item(
                actor=request.user,
                meeting=meeting,
                item=item,
                start=data["start"],
                end=data["end"],
                kind=data["kind"],
                title=data["title"],
                description=item.description if item else "",
                country=data.get("country"),
                presenters=data.get("presenters") or [],
                panellists=data.get("panellists") or [],
                moderator=data.get("moderator"),
                speakers=data.get("speakers") or "",
            )
        return None

    @admin.action(description=_("Cancel the selected meetings (sends the cancellation)"))
    def cancel_meetings(self, request, queryset):
        for meeting in queryset:
            try:
                agenda.cancel_meeting(actor=request.user, meeting=meeting)
            except ValidationError as error:
                self.message_user(request, f"{meeting}: {' '.join(error.messages)}", messages.WARNING)


@admin.register(Registration)
class RegistrationAdmin(CoordinatorAdmin):
    network_path = "meeting__network"
    list_display = ["meeting", "member", "status"]
    list_filter = ["status"]
    list_select_related = ["meeting", "member"]
