"""Forms of meeting planning: meetings, copies, agenda items, topics and case presentations.

A meeting's timetable (its start and end, its agenda, a copy's start) is typed as the organiser reads it,
in the meeting's time zone, which each label names. Anything else (a case presentation's deadline) is
read in the typist's own zone, named beside the field too. Every time leaves the form in UTC.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from qicop.core.forms import TimeZoneField
from qicop.core.when import zone_label
from qicop.meetings.agenda.services import MAX_MEETING_LENGTH
from qicop.meetings.models import AgendaItem, CasePresentation, Meeting

# Far above any meeting, far below what the database column holds.
MAX_CAPACITY = 100_000


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time, left without a zone: the form places it in the organiser's zone."""

    default_error_messages = {"invalid": _("Enter a date and time such as 2030-03-10 16:00.")}

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        # Django would read the value in the viewer's zone; read it in UTC and drop the zone instead.
        with timezone.override(UTC):
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result else result


def local_to_utc(wall: datetime, zone_name: str) -> datetime | None:
    """``wall`` (naive) read in ``zone_name``, in UTC; None when that time does not exist there (the
    clocks skip it when daylight time starts)."""
    zone = zoneinfo.ZoneInfo(zone_name)
    aware = wall.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        return None
    return aware.astimezone(UTC)


def utc_to_local(moment: datetime, zone_name: str) -> datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(zone_name)).replace(tzinfo=None)


def _skipped(zone_name: str):
    return _("This time does not exist in %(zone)s: the clocks skip it that day.") % {
        "zone": zone_label(zone_name)
    }


def _model_field(name: str, **kwargs):
    return Meeting._meta.get_field(name).formfield(**kwargs)


class MeetingForm(forms.Form):
    """Create or edit a meeting. ``cleaned_data`` gives start and end in UTC."""

    title = _model_field("title")
    series = _model_field("series", required=False)
    kind = _model_field("kind")
    status = _model_field("status")
    time_zone = TimeZoneField(
        label=_("Organiser's time zone"), help_text=_("Start and end are typed in this time zone.")
    )
    start = LocalDateTimeField(label=_("Start"), help_text=_("In the organiser's time zone, chosen above."))
    end = LocalDateTimeField(label=_("End"), help_text=_("In the organiser's time zone, chosen above."))
    topic = _model_field("topic", help_text=_("The session's subject in a few words."))
    topics = _model_field("topics", required=False, widget=forms.CheckboxSelectMultiple)
    description = _model_field("description", widget=forms.Textarea(attrs={"rows": 4}))
    countries = _model_field("countries", required=False, widget=forms.CheckboxSelectMultiple)
    join_url = _model_field("join_url")
    meeting_code = _model_field("meeting_code")
    passcode = _model_field("passcode")
    venue = _model_field("venue")
    city = _model_field("city")
    host_country = _model_field("host_country", required=False)
    capacity = forms.IntegerField(
        label=capfirst(_("capacity")),
        required=False,
        min_value=1,
        max_value=MAX_CAPACITY,
        help_text=_("Leave empty for no limit on registrations."),
    )
    reminder_offsets = _model_field(
        "reminder_offsets", validators=Meeting._meta.get_field("reminder_offsets").validators
    )
    recording_url = _model_field("recording_url")

    def __init__(self, *args, network, meeting: Meeting | None = None, **kwargs):
        if meeting is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(meeting)
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = network.series.order_by("title")
        self.fields["topics"].queryset = network.topics.order_by("name")
        countries = network.countries.order_by("name")
        for name in ("countries", "host_country"):
            self.fields[name].queryset = countries
            self.fields[name].label_from_instance = lambda c: c.display_name
        statuses = [s for s in Meeting.Status.choices if s[0] != Meeting.Status.CANCELLED]
        if meeting is not None and meeting.status == Meeting.Status.CANCELLED:
            statuses = Meeting.Status.choices  # a cancelled meeting may be planned again
        self.fields["status"].choices = statuses
        if meeting is not None and meeting.agenda.exists():
            self.fields["move_agenda"] = forms.BooleanField(
                label=_("Move the agenda with the meeting"),
                required=False,
                initial=True,
                help_text=_("When the start changes, every agenda item moves by as much."),
            )

    @staticmethod
    def initial_for(meeting: Meeting) -> dict:
        initial = {name: getattr(meeting, name) for name in ("title", "kind", "status", "time_zone")}
        for name in (
            "topic",
            "description",
            "join_url",
            "meeting_code",
            "passcode",
            "venue",
            "city",
            "capacity",
            "reminder_offsets",
            "recording_url",
        ):
            initial[name] = getattr(meeting, name)
        initial["series"] = meeting.series_id
        initial["host_country"] = meeting.host_country_id
        initial["start"] = utc_to_local(meeting.start, meeting.time_zone)
        initial["end"] = utc_to_local(meeting.end, meeting.time_zone)
        initial["topics"] = [t.pk for t in meeting.topics.all()]
        initial["countries"] = [c.pk for c in meeting.countries.all()]
        return initial

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("time_zone")
        for name in ("start", "end"):
            if cleaned.get(name) and zone:
                moment = local_to_utc(cleaned[name], zone)
                if moment is None:
                    self.add_error(name, _skipped(zone))
                cleaned[name] = moment
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The meeting must end after it starts."))
        elif start and end and end - start > MAX_MEETING_LENGTH:
            self.add_error("end", _("A meeting lasts at most 14 days: check the end date."))
        self._check_kind(cleaned)
        return cleaned

    def _check_kind(self, cleaned) -> None:
        kind = cleaned.get("kind")
        place = cleaned.get("venue") or cleaned.get("city") or cleaned.get("host_country")
        join = cleaned.get("join_url") or cleaned.get("meeting_code") or cleaned.get("passcode")
        if kind == Meeting.Kind.VIRTUAL and place:
            self.add_error(
                "venue",
                _("A virtual meeting has no venue: clear venue, city and host country, or choose “Hybrid”."),
            )
        if kind == Meeting.Kind.IN_PERSON and join:
            self.add_error(
                "join_url",
                _("An in-person meeting has no join link: clear the join data, or choose “Hybrid”."),
            )
        if kind in (Meeting.Kind.IN_PERSON, Meeting.Kind.HYBRID) and not cleaned.get("city"):
            self.add_error("city", _("Give the city where the meeting takes place."))


class CopyMeetingForm(forms.Form):
    title = _model_field("title")
    start = LocalDateTimeField(label=_("Start"))

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["start"].label = _("Start (%(zone)s)") % {
            "zone": zone_label(meeting.time_zone, inline=True)
        }

    def clean_start(self):
        moment = local_to_utc(self.cleaned_data["start"], self.meeting.time_zone)
        if moment is None:
            raise forms.ValidationError(_skipped(self.meeting.time_zone))
        if moment == self.meeting.start:
            raise forms.ValidationError(_("The copy must start at another time than this meeting."))
        return moment


class MemberChoiceField(forms.TypedMultipleChoiceField):
    """Members of the network grouped by country; cleaned to Member objects."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 6}))
        kwargs.setdefault("help_text", _("Hold Ctrl (⌘ on a Mac) to choose several."))
        super().__init__(coerce=int, required=False, **kwargs)


def _grouped(members) -> list:
    groups: dict[str, list] = {}
    for m in members:
        groups.setdefault(m.country.display_name if m.country_id else "—", []).append((m.pk, m.full_name))
    return list(groups.items())


class AgendaItemForm(forms.Form):
    start = LocalDateTimeField(label=_("Start"))
    end = LocalDateTimeField(label=_("End"))
    kind = forms.ChoiceField(label=capfirst(_("kind")), choices=AgendaItem.Kind.choices)
    title = forms.CharField(label=capfirst(_("title")), max_length=200)
    description = forms.CharField(
        label=capfirst(_("description")), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    country = forms.ModelChoiceField(label=capfirst(_("country")), queryset=None, required=False)
    presenters = MemberChoiceField(label=capfirst(_("presenters")))
    panellists = MemberChoiceField(label=capfirst(_("panellists")))
    moderator = forms.TypedChoiceField(
        label=capfirst(_("moderator")), required=False, coerce=int, empty_value=None
    )
    speakers = forms.CharField(
        label=capfirst(_("other speakers")),
        required=False,
        max_length=300,
        help_text=_("People who are not members, as printed on the agenda, e.g. Dr A. Expert (WHO)."),
    )

    def __init__(self, *args, meeting: Meeting, members, item: AgendaItem | None = None, **kwargs):
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "start": utc_to_local(item.start, meeting.time_zone),
                "end": utc_to_local(item.end, meeting.time_zone),
                "kind": item.kind,
                "title": item.title,
                "description": item.description,
                "country": item.country_id,
                "presenters": [m.pk for m in item.presenters.all()],
                "panellists": [m.pk for m in item.panellists.all()],
                "moderator": item.moderator_id,
                "speakers": item.speakers,
            }
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        zone = {"zone": zone_label(meeting.time_zone, at=meeting.start, inline=True)}
        self.fields["start"].label = _("Start (%(zone)s)") % zone
        self.fields["end"].label = _("End (%(zone)s)") % zone
        countries = meeting.countries.all() or meeting.network.countries.all()
        self.fields["country"].queryset = countries.order_by("name")
        self.fields["country"].label_from_instance = lambda c: c.display_name
        self._members = {m.pk: m for m in members}
        grouped = _grouped(members)
        self.fields["presenters"].choices = grouped
        self.fields["panellists"].choices = grouped
        self.fields["moderator"].choices = [("", "—"), *grouped]

    def clean(self):
        cleaned = super().clean()
        for name in ("start", "end"):
            if cleaned.get(name):
                moment = local_to_utc(cleaned[name], self.meeting.time_zone)
                if moment is None:
                    self.add_error(name, _skipped(self.meeting.time_zone))
                cleaned[name] = moment
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] <= cleaned["start"]:
            self.add_error("end", _("The item must end after it starts."))
        cleaned["presenters"] = [self._members[pk] for pk in cleaned.get("presenters") or []]
        cleaned["panellists"] = [self._members[pk] for pk in cleaned.get("panellists") or []]
        moderator = cleaned.get("moderator")
        cleaned["moderator"] = self._members.get(moderator) if moderator else None
        return cleaned


class TopicForm(forms.Form):
    name = forms.CharField(label=capfirst(_("name")), max_length=120)
    description = forms.CharField(
        label=capfirst(_("description")), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CaseAssignForm(forms.Form):
    country = forms.ModelChoiceField(label=capfirst(_("country")), queryset=None)
    deadline = LocalDateTimeField(label=capfirst(_("deadline")))
    agenda_item = forms.ModelChoiceField(
        label=capfirst(_("agenda item")),
        queryset=None,
        required=False,
        help_text=_("An agenda item of kind “Case presentation of a challenge”, if there is one."),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["country"].queryset = meeting.countries.order_by("name")
        self.fields["country"].label_from_instance = lambda c: c.display_name
        self.fields["agenda_item"].queryset = meeting.agenda.filter(
            kind=AgendaItem.Kind.CASE, case_presentation__isnull=True
        ).order_by("start")
        # A deadline is no part of the meeting's timetable: it is read on the clock of the person typing
        # it (the active zone), and the label says which.
        self.zone = timezone.get_current_timezone_name()
        self.fields["deadline"].label = _("Deadline (%(zone)s, your time zone)") % {
            "zone": zone_label(self.zone, at=meeting.start, inline=True)
        }
        if not self.is_bound:
            week_before = utc_to_local(meeting.start - timedelta(days=7), self.zone)
            self.initial.setdefault("deadline", week_before.replace(hour=17, minute=0))

    def clean_country(self):
        country = self.cleaned_data["country"]
        if self.meeting.case_presentations.filter(country=country).exists():
            raise forms.ValidationError(
                _("%(country)s already has a case presentation at this meeting.")
                % {"country": country.display_name}
            )
        return country

    def clean_deadline(self):
        moment = local_to_utc(self.cleaned_data["deadline"], self.zone)
        if moment is None:
            raise forms.ValidationError(_skipped(self.zone))
        if moment >= self.meeting.start:
            raise forms.ValidationError(_("The deadline must come before the meeting starts."))
        return moment


class CaseSubmitForm(forms.Form):
    title = forms.CharField(label=capfirst(_("title")), max_length=200)
    question = forms.CharField(
        label=capfirst(_("question for the network")),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("The challenge you want your peers' advice on, in a few sentences."),
    )
    presentation = forms.FileField(
        label=capfirst(_("presentation")),
        help_text=_("PowerPoint or PDF."),
    )

    def __init__(self, *args, case: CasePresentation, **kwargs):
        if "initial" not in kwargs:
            kwargs["initial"] = {"title": case.title, "question": case.question}
        super().__init__(*args, **kwargs)
        if case.presentation_id:
            self.fields["presentation"].required = False
            self.fields["presentation"].help_text = _("Leave empty to keep the presentation already sent.")


class CaseReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=capfirst(_("decision")),
        choices=[("approve", _("Approve")), ("changes", _("Ask for changes"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=capfirst(_("comment from the coordinator")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you ask for changes: say what should change."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "changes" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say what should change."))
        return cleaned


class RecommendationsForm(forms.Form):
    recommendations = forms.CharField(
        label=capfirst(_("recommendations from peers")),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, lists with -, links [text](https://…)."),
    )
