"""The "find a time" helper: candidate slots ranked by how many people fall inside local working hours,
optionally rotating the inconvenience of a series' past sessions."""

from datetime import UTC, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qicop.core.params import id_or_none
from qicop.core.when import when
from qicop.meetings.access import meetings_network
from qicop.meetings.models import Meeting, MeetingSeries
from qicop.meetings.series import selectors as series_selectors
from qicop.meetings.series.forms import FindTimeForm
from qicop.network import selectors as network_selectors
from qicop.network.models import Member
from qicop.network.permissions import PARTICIPANT_ROLES
from qicop.scheduling import Participant, rank_slots


@login_required
def find_a_time(request, slug):
    """Rank candidate slots for a set of countries by how many of their people fall inside working hours."""
    _viewer, network = meetings_network(request, slug)
    countries = list(network_selectors.countries_of_network(network))
    series_choices = MeetingSeries.objects.filter(network=network).order_by("title", "pk")
    data, initial = request.GET or None, {}
    if request.GET and set(request.GET) <= {"series"}:
        # Coming from a series page: propose that series' countries and length rather than search at once.
        data, initial = None, _proposal(series_choices, request.GET.get("series", ""))
    form = FindTimeForm(data, countries=countries, series=series_choices, initial=initial)
    context = {"network": network, "form": form, "rows": [], "searched": False}
    if data is not None and form.is_valid():
        context.update(_search(network, countries, form.cleaned_data))
    return render(request, "meetings/find_a_time.html", context, status=400 if form.errors else 200)


def _proposal(series_choices, series_id: str) -> dict:
    """The form's starting values for the next meeting of a series: its latest meeting's countries and
    length. Nothing (not an error) when the series is not one of this network's."""
    pk = id_or_none(series_id)
    series = series_choices.filter(pk=pk).first() if pk else None
    if series is None:
        return {}
    initial = {"series": series.pk}
    latest = (
        Meeting.objects.filter(series=series)
        .exclude(status=Meeting.Status.CANCELLED)
        .prefetch_related("countries")
        .order_by("-start", "-pk")
        .first()
    )
    if latest is not None:
        initial["countries"] = [country.iso2 for country in latest.countries.all()]
        minutes = int((latest.end - latest.start).total_seconds() // 60)
        if 15 <= minutes <= 480:
            initial["duration"] = minutes
    return initial


def people_by_country(network) -> dict[int, int]:
    """How many people of each country take part in the network (any role but observer only)."""
    rows = (
        Member.objects.filter(memberships__network=network, memberships__role__in=PARTICIPANT_ROLES)
        .values("country_id")
        .annotate(people=Count("pk", distinct=True))
    )
    return {row["country_id"]: row["people"] for row in rows}


def _search(network, countries, data) -> dict:
    chosen = [c for c in countries if c.iso2 in data["countries"]]
    working_hours = (data["day_start"], data["day_end"])
    people = people_by_country(network)
    # A country counts once per person taking part in the network, and at least once: it was chosen.
    participants = [
        Participant(country=c.display_name, time_zone=c.time_zone, weight=max(people.get(c.pk, 0), 1))
        for c in chosen
    ]
    series = data.get("series")
    sessions, inconvenience = [], {}
    if series is not None:
        sessions = series_selectors.past_sessions(series)
        found = series_selectors.inconvenience_of_series(sessions, working_hours=working_hours)
        inconvenience = {c.pk: found[c.pk] for c in chosen if c.pk in found}
    slots = rank_slots(
        participants,
        duration=timedelta(minutes=data["duration"]),
        days=[data["first_day"] + timedelta(days=i) for i in range(data["days"])],
        working_hours=working_hours,
        burden={entry.country.display_name: entry.burden for entry in inconvenience.values() if entry.burden},
        top=10,
    )
    total = sum(participant.weight for participant in participants)
    rows = [
        {
            "slot": slot,
            "utc": when(slot.start_utc, "short_day_time", zone=UTC),
            "yours": _span(slot.start_utc, slot.end_utc, timezone.get_current_timezone()),
            "local": [
                (country, _span(start, end, start.tzinfo))
                for country, (start, end) in slot.local_times.items()
            ],
            "people_inside": round(slot.inside * total),
        }
        for slot in slots
    ]
    return {
        "searched": True,
        "rows": rows,
        "people_total": int(total),
        "viewer_zone": timezone.get_current_timezone_name(),
        "counted": [_counted(c, people.get(c.pk, 0)) for c in chosen],
        "series": series,
        "sessions": sessions,
        "burdened": [
            {"text": _burden_sentence(entry), "weight": entry.weight}
            for entry in sorted(inconvenience.values(), key=lambda e: (-e.burden, e.country.display_name))
            if entry.outside
        ],
        "comfortable": [entry.country.display_name for entry in inconvenience.values() if not entry.outside],
        # Every chosen country is in one of the lists: one new to the series is not silently left out.
        "newcomers": [c.display_name for c in chosen if c.pk not in inconvenience]
        if series is not None
        else [],
    }


def _span(start, end, zone) -> str:
    """A slot in ``zone`` as a person writes it: "Mon, Jan 14, 12:00 PM – 1:00 PM", with the end's day
    only when it ends on another day there."""
    if start.astimezone(zone).date() == end.astimezone(zone).date():
        return f"{when(start, 'short_day_time', zone=zone)} – {when(end, 'time', zone=zone)}"
    return f"{when(start, 'short_day_time', zone=zone)} – {when(end, 'short_day_time', zone=zone)}"


def _counted(country, people: int) -> str:
    if not people:
        return _("%(country)s: no participant yet, counted as one person") % {"country": country.display_name}
    return ngettext("%(country)s: %(count)d person", "%(country)s: %(count)d people", people) % {
        "country": country.display_name,
        "count": people,
    }


def _burden_sentence(entry: series_selectors.Inconvenience) -> str:
    """In words: when the country met outside its working hours at the series' past sessions."""
    values = {
        "country": entry.country.display_name,
        "count": entry.streak,
        "outside": entry.outside,
        "sessions": entry.sessions,
    }
    if entry.streak == entry.outside:
        return (
            ngettext(
                "%(country)s met outside working hours at the last session.",
                "%(country)s met outside working hours at the last %(count)d sessions.",
                entry.streak,
            )
            % values
        )
    if entry.streak == 0:
        values["count"] = entry.outside
        return (
            ngettext(
                "%(country)s met outside working hours at one of its past sessions, but not at the last one.",
                "%(country)s met outside working hours at %(count)d of its past sessions, "
                "but not at the last one.",
                entry.outside,
            )
            % values
        )
    return (
        ngettext(
            "%(country)s met outside working hours at %(outside)d of its %(sessions)d past sessions, "
            "including the last one.",
            "%(country)s met outside working hours at %(outside)d of its %(sessions)d past sessions, "
            "including the last %(count)d.",
            entry.streak,
        )
        % values
    )
