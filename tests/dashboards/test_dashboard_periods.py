"""The dashboard says which period each value is of, and explains definition differences in words."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from data_world import DataWorld
from qicop.charts.axes import axis_labels
from qicop.core.i18n import reader_zone
from qicop.dashboards.indicator_series import last_periods
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import IndicatorMapping, NetworkIndicator
from qicop.indicators.services import publish_period
from qicop.integrations.dhis2.rows import DataValueRow

DIFFERENCE = "Suppression below 50 copies/mL instead of 1000."


def months(world, count=12) -> list[str]:
    """The dashboard's months on Kim's calendar (Nairobi): the last complete ones, oldest first."""
    today = timezone.localdate(timezone=ZoneInfo(reader_zone(world.kim)))
    return [p.id for p in last_periods("Monthly", count, today)]


def load(world, *, kenya: list[str], haiti: list[str]) -> DataWorld:
    """Viral suppression in Kenya and Haiti for these months; Haiti defines it its own way."""
    data = DataWorld(world)
    indicator = NetworkIndicator.objects.create(
        network=world.network, code="vl-suppression", name="Viral suppression", factor=100
    )
    for country, differences in ((world.kenya, ""), (world.haiti, DIFFERENCE)):
        IndicatorMapping.objects.create(
            network_indicator=indicator,
            country=country,
            numerator="#{VlSupp0001a}",
            denominator="#{VlTested01a}",
            definition_differences=differences,
        )
    rows = []
    for unit, periods in (("NakuruHosp1", kenya), ("JacmelHosp1", haiti)):
        for period in periods:
            for element, value in (("VlTested01a", "100"), ("VlSupp0001a", "90")):
                rows.append(DataValueRow(element, period, unit, value=value, index=len(rows)))
    import_data_values(actor=world.carla.user, rows=rows, options=ImportOptions())
    return data


def label(period_id: str) -> str:
    return axis_labels([period_id])[0]


def overview(page: str) -> str:
    return page[page.index('<table class="overview">') : page.index("</table>")]


def row_of(table: str, country: str) -> str:
    return re.search(rf"<tr><th scope=\"row\"><a [^>]*>{country}</a>.*?</tr>", table, re.S).group(0)


def test_a_countrys_own_unpublished_month_says_its_period_beside_others_published_older_one(world):
    periods = months(world)
    load(world, kenya=periods, haiti=periods[:-2])
    publish_period(actor=world.carla.user, country=world.haiti, period_id=periods[-3])
    table = overview(world.client_for("kim").get("/n/vln/dashboard/").content.decode())
    assert f"Latest values: {label(periods[-3])}, unless said beside the country" in table
    assert f"{label(periods[-1])}, not published" in row_of(table, "Kenya")
    assert label(periods[-1]) not in row_of(table, "Haiti")


def test_when_every_value_is_of_the_same_period_the_caption_says_it_once(world):
    periods = months(world)
    load(world, kenya=periods, haiti=periods)
    for country in (world.kenya, world.haiti):
        publish_period(actor=world.carla.user, country=country, period_id=periods[-1])
    table = overview(world.client_for("kim").get("/n/vln/dashboard/").content.decode())
    assert f"Latest values: {label(periods[-1])}.</caption>" in table
    assert "<small>" not in table and "not published" not in table


def test_a_coordinator_reads_which_values_are_not_published_yet(world):
    periods = months(world)
    load(world, kenya=periods, haiti=periods)
    publish_period(actor=world.carla.user, country=world.haiti, period_id=periods[-1])
    table = overview(world.client_for("carla").get("/n/vln/dashboard/").content.decode())
    assert f"{label(periods[-1])}, not published" in row_of(table, "Kenya")
    assert "not published" not in row_of(table, "Haiti")


def test_a_definition_difference_is_a_note_under_the_table_that_needs_no_mouse(world):
    periods = months(world)
    load(world, kenya=periods, haiti=periods)
    page = world.client_for("carla").get("/n/vln/dashboard/").content.decode()
    haiti = row_of(overview(page), "Haiti")
    link = re.search(r'<a href="#(definition-note-\d+)" class="note-ref"[^>]*>(.*?)</a>', haiti, re.S)
    assert link, "the ⚠ is a link a keyboard reaches"
    assert '<span class="visually-hidden">Definition differs: note 1</span>' in link.group(2)
    note = re.search(rf'<li id="{link.group(1)}">(.*?)</li>', page, re.S)
    assert note and DIFFERENCE in note.group(1) and "Viral suppression" in note.group(1)
    assert "note-ref" not in row_of(overview(page), "Kenya")


@pytest.mark.parametrize("language", ["fr", "pt"])
def test_the_period_is_said_in_the_readers_language(world, language):
    periods = months(world)
    load(world, kenya=periods, haiti=periods[:-1])
    publish_period(actor=world.carla.user, country=world.haiti, period_id=periods[-2])
    world.kim.user.language = language
    world.kim.user.save()
    with translation.override(language):
        expected = axis_labels([periods[-1]], translate=translation.gettext)[0]
    assert expected != label(periods[-1]) or periods[-1].endswith("09")  # "set" is "Sep" in both
    table = overview(world.client_for("kim").get("/n/vln/dashboard/").content.decode())
    assert expected in row_of(table, {"fr": "Kenya", "pt": "Quénia"}[language])


def test_the_chosen_indicators_table_keeps_each_period_on_a_phone(world):
    periods = months(world)
    load(world, kenya=periods, haiti=periods[:-2])
    publish_period(actor=world.carla.user, country=world.haiti, period_id=periods[-3])
    page = world.client_for("kim").get("/n/vln/dashboard/").content.decode()
    detail = page[page.index('id="detail-heading"') :]
    # Narrow screens hide "optional" columns: the period, and that it is not published, is not one of them.
    assert f"<td>{label(periods[-1])}, not published</td>" in detail
    assert f"<td>{label(periods[-3])}</td>" in detail
