"""The time-zone picker (profile, meeting, country forms): each place once, named by its city in the
reader's language with its offset, grouped by region; the value stays the IANA name, and an older name of a
zone that a member saved before reads as the zone it names."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
import time_machine
from django.utils import translation

from qicop.core.forms import TimeZoneField, time_zone_choices
from qicop.core.i18n import canonical_time_zone, picker_time_zones


def _options(language: str) -> dict[str, tuple[str, str]]:
    """IANA name → (region, label) of every zone offered, in ``language``."""
    with translation.override(language):
        return {value: (region, label) for region, zones in time_zone_choices()[1:] for value, label in zones}


@pytest.mark.parametrize("language", ["en", "fr", "pt"])
def test_each_place_is_offered_once_under_a_name_no_other_zone_has(language):
    options = _options(language)
    assert set(options) == set(picker_time_zones())
    labels = Counter(label for _region, label in options.values())
    assert [label for label, count in labels.items() if count > 1] == []
    assert not any("/" in label or "_" in label for label in labels)  # no IANA id reads as a name


def test_the_networks_cities_read_by_name_and_offset_in_each_language():
    assert _options("en")["Africa/Nairobi"] == ("Africa", "Nairobi (UTC+3)")
    assert _options("en")["America/Port-au-Prince"][1] in ("Port-au-Prince (UTC−5)", "Port-au-Prince (UTC−4)")
    assert _options("en")["Pacific/Port_Moresby"] == ("Pacific", "Port Moresby (UTC+10)")
    assert _options("fr")["Africa/Cairo"] == ("Afrique", "Le Caire (UTC+2)")
    assert _options("pt")["Africa/Lusaka"] == ("África", "Lusaca (UTC+2)")
    # Zambia, Laos and Cambodia keep their capitals, though the tz database links them to another zone.
    for zone in ("Africa/Lusaka", "Africa/Harare", "Asia/Vientiane", "Asia/Phnom_Penh", "Africa/Kampala"):
        assert zone in picker_time_zones()


def test_a_region_lists_its_cities_in_the_readers_alphabetical_order():
    with translation.override("fr"):
        [africa] = [zones for region, zones in time_zone_choices()[1:] if region == "Afrique"]
    labels = [label for _value, label in africa]
    assert (
        labels.index("Johannesburg (UTC+2)")
        < labels.index("Le Caire (UTC+2)")
        < labels.index("Lusaka (UTC+2)")
    )


def test_the_offset_is_that_of_the_hour_the_form_is_shown():
    with time_machine.travel(dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC), tick=False):
        assert _options("en")["America/Port-au-Prince"][1] == "Port-au-Prince (UTC−5)"
    with time_machine.travel(dt.datetime(2027, 7, 15, 12, tzinfo=dt.UTC), tick=False):
        assert _options("en")["America/Port-au-Prince"][1] == "Port-au-Prince (UTC−4)"  # daylight saving time


def test_an_older_name_of_a_zone_shows_as_chosen_and_saves_as_the_zone_it_names():
    assert canonical_time_zone("Asia/Calcutta") == "Asia/Kolkata"
    assert canonical_time_zone("Asia/Saigon") == "Asia/Ho_Chi_Minh"
    field = TimeZoneField()
    assert field.prepare_value("Asia/Saigon") == "Asia/Ho_Chi_Minh"
    assert field.clean("Asia/Saigon") == "Asia/Ho_Chi_Minh"
    assert field.clean("Africa/Nairobi") == "Africa/Nairobi"
    with pytest.raises(Exception, match=re.escape("Unknown time zone: Mars/Olympus_Mons")):
        field.clean("Mars/Olympus_Mons")


def test_the_profile_offers_cities_and_keeps_the_members_choice(world):
    client = world.client_for("henri")
    client.post("/accounts/profile/", {"form": "preferences", "language": "fr", "time_zone": "Asia/Saigon"})
    world.henri.user.refresh_from_db()
    assert world.henri.user.time_zone == "Asia/Ho_Chi_Minh"
    page = client.get("/accounts/profile/").content.decode()
    assert '<option value="Asia/Ho_Chi_Minh" selected>Ho Chi Minh (UTC+7)</option>' in page
    assert '<optgroup label="Afrique">' in page
    assert ">Africa/Nairobi<" not in page
