"""The comparison opens on the latest month with data: when the last month has none yet (nobody has
reported it), on the month before, across countries and across a country's facilities."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from data_world import DataWorld
from qicop.core.i18n import reader_zone
from qicop.dashboards.indicator_series import last_periods
from qicop.dashboards.templatetags.periods import period_label
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import IndicatorMapping, NetworkIndicator
from qicop.integrations.dhis2.rows import DataValueRow


@pytest.fixture
def periods(world):
    """Kenya's two facilities report every month of the last year but the last one."""
    DataWorld(world)
    indicator = NetworkIndicator.objects.create(
        network=world.network, code="vl-suppression", name="Viral suppression", factor=100
    )
    IndicatorMapping.objects.create(
        network_indicator=indicator,
        country=world.kenya,
        numerator="#{VlSupp0001a}",
        denominator="#{VlTested01a}",
    )
    today = timezone.localdate(timezone=ZoneInfo(reader_zone(world.kim)))  # the reader's months
    ids = [p.id for p in last_periods("Monthly", 12, today)]
    rows = [
        DataValueRow(element, period, unit, value=value)
        for period in ids[:-1]
        for unit in ("NakuruHosp1", "NaivashaHC1")
        for element, value in (("VlTested01a", "100"), ("VlSupp0001a", "90"))
    ]
    rows = [
        DataValueRow(r.data_element, r.period, r.org_unit, value=r.value, index=i) for i, r in enumerate(rows)
    ]
    import_data_values(actor=world.carla.user, rows=rows, options=ImportOptions())
    return ids


def opened_on(page: str) -> str:
    return re.search(
        r'<select id="period" name="period">.*?<option value="(\w+)" selected>', page, re.S
    ).group(1)


@pytest.mark.parametrize("query", ["", "?country=KE"], ids=["countries", "facilities"])
def test_the_comparison_opens_on_the_month_before_when_the_last_has_no_data(world, periods, query):
    page = world.client_for("kim").get(f"/n/vln/compare/vl-suppression/{query}").content.decode()
    assert periods[-1] in re.findall(r'<option value="(\w+)"', page)  # the last month is offered …
    assert opened_on(page) == periods[-2]  # … but the page opens on the month with data
    assert f"Period: {period_label(periods[-2])}" in page
