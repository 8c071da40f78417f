"""The "find a time" helper: candidate slots ranked by how many participants fall inside local working
hours."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from qicop.meetings.access import meetings_network
from qicop.meetings.forms_find_time import FindTimeForm
from qicop.network import selectors as network_selectors
from qicop.scheduling import Participant, rank_slots


@login_required
def find_a_time(request, slug):
    """Rank candidate slots for a set of countries by how many fall inside local working hours."""
    _viewer, network = meetings_network(request, slug)
    countries = list(network_selectors.countries_of_network(network))
    form = FindTimeForm(request.GET or None, countries=countries)
    slots = []
    if request.GET and form.is_valid():
        data = form.cleaned_data
        chosen = [c for c in countries if c.iso2 in data["countries"]]
        participants = [Participant(country=c.display_name, time_zone=c.time_zone) for c in chosen]
        days = [data["first_day"] + timedelta(days=i) for i in range(data["days"])]
        slots = rank_slots(
            participants,
            duration=timedelta(minutes=data["duration"]),
            days=days,
            working_hours=(data["day_start"], data["day_end"]),
            top=10,
        )
    return render(
        request,
        "meetings/find_a_time.html",
        {"network": network, "form": form, "slots": slots},
        status=400 if form.errors else 200,
    )
