"""Find a time: slots ranked by who is inside working hours, with the night burden rotated over a series."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from qicop.scheduling import (
    WORKING_HOURS,
    Participant,
    daily_sessions,
    hours_outside,
    local_time_table,
    penalty,
    rank_slots,
    rotate_series,
)

HAITI = Participant("Haiti", "America/Port-au-Prince")
KENYA = Participant("Kenya", "Africa/Nairobi")
THAILAND = Participant("Thailand", "Asia/Bangkok")
PNG = Participant("Papua New Guinea", "Pacific/Port_Moresby")
HOUR = timedelta(hours=1)
TUESDAY = date(2025, 1, 14)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_haiti_and_kenya_share_slots_inside_both_working_days() -> None:
    slots = rank_slots([HAITI, KENYA], duration=HOUR, days=[TUESDAY], top=50)
    best = [slot for slot in slots if slot.score == 1.0]
    # Haiti 07:00–19:00 is 12:00–24:00 UTC in January, Kenya's is 04:00–16:00: one-hour starts 12:00–15:00.
    assert [slot.start_utc for slot in best] == [
        utc(2025, 1, 14, h, m) for h in (12, 13, 14) for m in (0, 30)
    ] + [utc(2025, 1, 14, 15)]
    assert all(slot.inside == 1.0 and slot.outside == [] for slot in best)
    assert slots[0].local_times["Haiti"][0] == datetime(
        2025, 1, 14, 7, tzinfo=ZoneInfo("America/Port-au-Prince")
    )


def test_haiti_and_png_meet_on_haitian_afternoon_png_next_morning_with_default_hours() -> None:
    (best,) = rank_slots([HAITI, PNG], duration=HOUR, days=[TUESDAY], top=1)
    haiti_start = best.local_times["Haiti"][0]
    png_start = best.local_times["Papua New Guinea"][0]
    assert (best.start_utc, best.inside) == (utc(2025, 1, 14, 21), 1.0)
    assert (haiti_start.hour, haiti_start.day, png_start.hour, png_start.day) == (16, 14, 7, 15)


def test_haiti_and_png_with_no_common_hours_get_the_least_bad_slot_just_outside() -> None:
    # With 08:00–17:00 the two windows only touch (22:00 UTC): nobody can be inside for a full hour together.
    slots = rank_slots([HAITI, PNG], duration=HOUR, days=[TUESDAY], working_hours=(time(8), time(17)), top=3)
    best = slots[0]
    assert best.inside == 0.5 and len(best.outside) == 1
    # The loser is one hour out, at the edge of the day, never at night.
    assert max(best.penalties.values()) == penalty(1.0)
    assert {slot.start_utc for slot in slots[:2]} == {utc(2025, 1, 14, 21), utc(2025, 1, 14, 22)}


def test_just_outside_costs_less_than_night_and_night_is_capped() -> None:
    assert penalty(0) == 0
    assert 0.5 < penalty(0.5) < penalty(5) < penalty(6) == penalty(10) == 1.0


def test_a_participant_at_0630_costs_less_than_one_at_0200() -> None:
    early = rank_slots([KENYA], duration=HOUR, days=[TUESDAY], top=48)
    by_start = {slot.start_utc: slot for slot in early}
    at_0630 = by_start[utc(2025, 1, 14, 3, 30)]  # 06:30 Nairobi
    at_0200 = by_start[utc(2025, 1, 14, 23)]  # 02:00 Nairobi, Wednesday
    assert at_0630.outside == at_0200.outside == ["Kenya"]
    assert at_0630.score > at_0200.score


def test_more_people_inside_hours_wins_even_over_two_just_outside() -> None:
    weighted = [Participant("Haiti", "America/Port-au-Prince", weight=2), KENYA, THAILAND]
    (best,) = rank_slots(weighted, duration=HOUR, days=[TUESDAY], top=1)
    assert best.inside == 0.75 and best.outside == ["Thailand"]


def test_weekends_are_outside_working_hours() -> None:
    saturday = date(2025, 1, 18)
    (best,) = rank_slots([KENYA], duration=HOUR, days=[saturday], top=1)
    assert best.inside == 0.0 and best.outside == ["Kenya"]
    # Friday evening in Haiti is already Saturday morning in Papua New Guinea.
    (friday,) = rank_slots([HAITI, PNG], duration=HOUR, days=[date(2025, 1, 17)], top=1)
    assert friday.inside < 1.0


def test_local_times_follow_haitis_spring_forward() -> None:
    friday, monday = date(2025, 3, 7), date(2025, 3, 10)  # Port-au-Prince moves to UTC-4 on Sunday 9 March
    slots = rank_slots([HAITI], duration=HOUR, days=[friday, monday], top=96)
    at_14_utc = {
        slot.start_utc.date(): slot
        for slot in slots
        if slot.start_utc.hour == 14 and not slot.start_utc.minute
    }
    assert at_14_utc[friday].local_times["Haiti"][0].hour == 9
    assert at_14_utc[monday].local_times["Haiti"][0].hour == 10
    # The working window moved an hour earlier in UTC: 11:00 UTC is 07:00 on Monday, 06:00 on Friday.
    starts = {
        (slot.start_utc, slot.inside)
        for slot in slots
        if slot.start_utc.hour == 11 and not slot.start_utc.minute
    }
    assert starts == {(utc(2025, 3, 7, 11), 0.0), (utc(2025, 3, 10, 11), 1.0)}


def test_burden_moves_the_night_to_a_country_that_has_not_had_it() -> None:
    everyone = [HAITI, KENYA, THAILAND, PNG]
    (fresh,) = rank_slots(everyone, duration=HOUR, days=[TUESDAY], top=1)
    (rotated,) = rank_slots(everyone, duration=HOUR, days=[TUESDAY], top=1, burden={"Haiti": 3})
    assert fresh.outside == ["Haiti"]
    assert "Haiti" not in rotated.outside


SERIES = [TUESDAY + timedelta(weeks=6 * index) for index in range(6)]


def test_a_series_rotates_the_inconvenience_across_haiti_kenya_thailand_and_png() -> None:
    slots = rotate_series([HAITI, KENYA, THAILAND, PNG], duration=HOUR, dates=SERIES)
    assert [slot.start_utc.date() for slot in slots] == SERIES
    outside = Counter(country for slot in slots for country in slot.outside)
    # Nobody can all be comfortable at once: every session leaves someone out, nobody more than half the time.
    assert all(slot.outside for slot in slots)
    assert max(outside.values()) <= len(SERIES) // 2
    # The two ends of the network (Haiti, PNG) share the burden evenly; Kenya and Thailand sit in between.
    assert abs(outside["Haiti"] - outside["Papua New Guinea"]) <= 1


def test_without_rotation_the_same_country_would_always_meet_at_night() -> None:
    # The contrast that justifies rotate_series: ranking each date alone puts Haiti out every time.
    alone = [rank_slots([HAITI, KENYA, THAILAND, PNG], duration=HOUR, days=[day], top=1)[0] for day in SERIES]
    assert all(slot.outside == ["Haiti"] for slot in alone)


def test_the_local_time_table_lists_every_country_with_its_working_hours_flag() -> None:
    zones = {
        "Haiti": "America/Port-au-Prince",
        "Kenya": "Africa/Nairobi",
        "Papua New Guinea": "Pacific/Port_Moresby",
    }
    rows = local_time_table(utc(2025, 3, 11, 13), utc(2025, 3, 11, 14, 30), zones)
    assert [(c, s.strftime("%a %H:%M"), e.strftime("%H:%M"), ok) for c, s, e, ok in rows] == [
        ("Haiti", "Tue 09:00", "10:30", True),
        ("Kenya", "Tue 16:00", "17:30", True),
        ("Papua New Guinea", "Tue 23:00", "00:30", False),
    ]


def test_bad_requests_are_refused() -> None:
    with pytest.raises(ValueError, match="participant"):
        rank_slots([], duration=HOUR, days=[TUESDAY])
    with pytest.raises(ValueError, match="positive"):
        rank_slots([KENYA], duration=timedelta(0), days=[TUESDAY])


# An all-country meeting of 12–15 October 2010 in Windhoek: 08:00–18:00 there every day (06:00–16:00 UTC).
ALL_COUNTRY_2010 = (utc(2010, 10, 12, 6), utc(2010, 10, 15, 16))


def test_a_meeting_of_several_days_is_judged_day_by_day_not_as_one_long_slot() -> None:
    zones = {"Namibia": "Africa/Windhoek", "Kenya": "Africa/Nairobi", "Thailand": "Asia/Bangkok"}
    rows = local_time_table(*ALL_COUNTRY_2010, zones)
    assert [(row.country, row.inside) for row in rows] == [
        ("Namibia", True),  # 08:00–18:00 every day
        ("Kenya", True),  # 09:00–19:00
        ("Thailand", False),  # 13:00–23:00
    ]


def test_the_local_time_table_knows_the_last_day_of_a_meeting_of_several_days() -> None:
    (namibia,) = local_time_table(*ALL_COUNTRY_2010, {"Namibia": "Africa/Windhoek"})
    assert namibia.lasts_days and namibia.ends_another_day
    assert namibia.start.strftime("%a %d %b %H:%M") == "Tue 12 Oct 08:00"
    assert namibia.end.strftime("%a %d %b %H:%M") == "Fri 15 Oct 18:00"


def test_a_session_crossing_midnight_ends_on_the_next_local_day_but_is_not_a_meeting_of_days() -> None:
    (png,) = local_time_table(utc(2025, 3, 11, 13), utc(2025, 3, 11, 14, 30), {"PNG": "Pacific/Port_Moresby"})
    assert png.ends_another_day and not png.lasts_days
    assert png.end.strftime("%a %H:%M") == "Wed 00:30"


def test_the_days_of_a_meeting_run_from_its_daily_start_to_its_daily_end() -> None:
    windhoek = ZoneInfo("Africa/Windhoek")
    start, end = (moment.astimezone(windhoek) for moment in ALL_COUNTRY_2010)
    days = daily_sessions(start, end)
    assert [(s.strftime("%a %H:%M"), e.strftime("%a %H:%M")) for s, e in days] == [
        ("Tue 08:00", "Tue 18:00"),
        ("Wed 08:00", "Wed 18:00"),
        ("Thu 08:00", "Thu 18:00"),
        ("Fri 08:00", "Fri 18:00"),
    ]


def test_a_daily_window_that_crosses_midnight_gives_each_day_its_night() -> None:
    moresby = ZoneInfo("Pacific/Port_Moresby")  # 16:00–02:00 there
    start, end = (moment.astimezone(moresby) for moment in ALL_COUNTRY_2010)
    days = daily_sessions(start, end)
    assert len(days) == 4
    assert days[-1][1] == end
    assert hours_outside(start, end, WORKING_HOURS) == 7.0  # 02:00 is seven hours past 19:00


def test_one_bad_day_puts_a_meeting_of_several_days_outside_working_hours() -> None:
    nairobi = ZoneInfo("Africa/Nairobi")
    # Thursday to Saturday, 09:00–17:00: the Saturday has no working window.
    start = datetime(2025, 1, 16, 9, tzinfo=nairobi)
    end = datetime(2025, 1, 18, 17, tzinfo=nairobi)
    assert hours_outside(start, end, WORKING_HOURS) > 0
    assert hours_outside(start, end - timedelta(days=1), WORKING_HOURS) == 0


def test_the_days_of_a_meeting_follow_its_own_clock_across_another_zones_summer_time_change() -> None:
    """08:00–18:00 every day in Nairobi, 24–28 October 2025: Paris leaves summer time on the 26th, so it
    sees the same Nairobi hours an hour earlier after the change."""
    nairobi, paris = ZoneInfo("Africa/Nairobi"), ZoneInfo("Europe/Paris")
    start = datetime(2025, 10, 24, 8, tzinfo=nairobi)  # Friday
    end = datetime(2025, 10, 28, 18, tzinfo=nairobi)  # Tuesday
    days = daily_sessions(start.astimezone(paris), end.astimezone(paris), nairobi)
    seen = [(s.strftime("%a %H:%M"), e.strftime("%H:%M")) for s, e in days]
    assert seen[0] == ("Fri 07:00", "17:00")  # Paris on summer time: one hour behind Nairobi
    assert seen[-1] == ("Tue 06:00", "16:00")  # Paris on winter time: two hours behind
    assert all(s.astimezone(nairobi).strftime("%H:%M") == "08:00" for s, _e in days)


def test_the_one_definition_puts_a_local_weekend_outside_working_hours_even_at_noon():
    from qicop.scheduling import inside_working_hours, outside_working_hours

    saturday_noon_in_bangkok = datetime(2030, 1, 12, 5, tzinfo=UTC)
    end = saturday_noon_in_bangkok + timedelta(hours=1)
    assert not inside_working_hours(saturday_noon_in_bangkok, end, "Asia/Bangkok")
    assert outside_working_hours(saturday_noon_in_bangkok, end, "Asia/Bangkok") > 0
    monday = datetime(2030, 1, 14, 13, tzinfo=UTC)  # 08:00 in Port-au-Prince, 16:00 in Nairobi
    assert inside_working_hours(monday, monday + timedelta(hours=1), "America/Port-au-Prince")
    assert inside_working_hours(monday, monday + timedelta(hours=1), "Africa/Nairobi")
    assert not inside_working_hours(monday, monday + timedelta(hours=1), "Asia/Bangkok")  # 20:00


def test_a_meeting_of_several_days_is_judged_on_the_venues_clock_day_by_day():
    from qicop.scheduling import inside_working_hours

    # Tuesday to Thursday 08:30–17:00 in Nairobi: inside there, every day.
    start, end = datetime(2029, 10, 9, 5, 30, tzinfo=UTC), datetime(2029, 10, 11, 14, tzinfo=UTC)
    assert inside_working_hours(start, end, "Africa/Nairobi", meeting_zone="Africa/Nairobi")
    assert not inside_working_hours(start, end, "Asia/Bangkok", meeting_zone="Africa/Nairobi")  # 12:30–21:00
