"""A signal keeps the moment it was first seen across refreshes, which rewrite every row: the same org unit,
measure, audience and first month of the new level is the same signal; a new first month is a new one.

Kenya's hospital at Nakuru (viral_load_world: 36 months near 81 %, every month published) rises to 95 %
from its 25th month."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from qicop.deviance.models import ImprovementSignal
from qicop.deviance.services import refresh_signals
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import OrgUnit
from qicop.integrations.dhis2.rows import DataValueRow
from viral_load_world import FACILITY, viral_load_world

pytestmark = pytest.mark.dates
STEP = 24  # the month (index among the 36) the new level starts


def rise(data, start: int, *, to: int = 95) -> None:
    """The hospital's suppression is ``to`` of 100 tested from month ``start`` on."""
    rows = [
        DataValueRow("VlSupp0001a", period, FACILITY, value=str(to + m % 2), index=i)
        for i, (m, period) in enumerate(list(enumerate(data.periods))[start:])
    ]
    summary = import_data_values(actor=data.world.carla.user, rows=rows, options=ImportOptions())
    assert summary["status"] == "SUCCESS", summary


def hospital_signals():
    unit = OrgUnit.objects.get(uid=FACILITY)
    return list(ImprovementSignal.objects.filter(org_unit=unit).order_by("audience"))


@pytest.fixture
def data(world):
    data = viral_load_world(world)
    rise(data, STEP)
    return data


def test_a_signal_found_again_keeps_when_it_was_first_seen(data):
    today = data.today
    refresh_signals(today=today)
    [first] = hospital_signals()
    assert first.since == data.periods[STEP]
    assert first.first_seen == first.computed_at
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=False):
        refresh_signals(today=today, everything=True)  # nothing changed: computed again only when asked
    [same] = hospital_signals()
    assert (same.pk, same.computed_at) == (first.pk, first.computed_at)  # found as it was: its row stays
    rise(data, STEP, to=97)  # higher still from the same month: the same signal, larger
    with time_machine.travel(timezone.now() + dt.timedelta(days=5), tick=False):
        refresh_signals(today=today)
    [again] = hospital_signals()
    assert again.pk != first.pk and again.size > first.size  # the row is written again...
    assert again.computed_at >= first.computed_at + dt.timedelta(days=5)
    assert again.first_seen == first.first_seen  # ...and the sighting is kept


def test_a_new_level_starting_another_month_is_a_new_signal(data):
    today = data.today
    refresh_signals(today=today)
    [first] = hospital_signals()
    rise(data, STEP - 4)  # the rise began four months earlier than the data first said
    later = timezone.now() + dt.timedelta(days=7)
    with time_machine.travel(later, tick=False):
        refresh_signals(today=today)
    [moved] = hospital_signals()
    assert moved.since == data.periods[STEP - 4] != first.since
    assert moved.first_seen == later


def test_a_country_that_gains_unpublished_months_keeps_the_sighting_for_both_audiences(data):
    today = data.today
    refresh_signals(today=today)
    [first] = hospital_signals()
    assert first.audience == ImprovementSignal.Audience.ALL
    rise(data, STEP, to=96)  # new values of the last months, not published yet
    data.world.kenya.publications.filter(period__dhis2_id=data.periods[-1]).delete()
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        refresh_signals(today=today)
    found = hospital_signals()
    assert [s.audience for s in found] == ["full", "published"]
    assert {s.first_seen for s in found} == {first.first_seen}


# --- "new since your last visit" -----------------------------------------------------------------------


def changed_part(text: str) -> str:
    start = text.index('id="changed"')
    return text[start : text.index("</section>", start)]


def test_the_home_and_the_feed_tell_what_was_first_seen_since_the_last_visit(data):
    world = data.world
    faith, henri = world.client_for("faith"), world.client_for("henri")
    today = data.today
    with time_machine.travel(timezone.now(), tick=False) as clock:
        faith.get("/n/vln/")  # her last visit, before the rise was found
        henri.get("/n/vln/")
        clock.shift(dt.timedelta(hours=2))
        refresh_signals(today=today)
        clock.shift(dt.timedelta(hours=2))
        feed = faith.get("/n/vln/improvements/")
        items = feed.context["items"]  # the hospital's, its county's and Kenya's
        assert len(items) == 3 and all(item.new for item in items)
        assert "<strong>New</strong> · Nakuru Level 5 Hospital" in feed.content.decode()
        part = changed_part(faith.get("/n/vln/").content.decode())
        assert "New improvements since your last visit" in part
        assert "Viral suppression, Nakuru Level 5 Hospital</a>: better since" in part
        assert "New improvements" not in changed_part(henri.get("/n/vln/").content.decode())  # not Haiti's
        clock.shift(dt.timedelta(days=1))  # her next visit: seen already
        assert "New improvements" not in changed_part(faith.get("/n/vln/").content.decode())
        items = faith.get("/n/vln/improvements/").context["items"]
        assert len(items) == 3 and not any(item.new for item in items)
