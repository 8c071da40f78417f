"""Viral load results of Kenya's and Haiti's facilities, for tests of implausible values (issue 11).

Kenya's two facilities and Haiti's hospital report 36 months of plausible values through the importer, and
Kenya publishes them; ``BAD`` names the month in which tests store implausible ones.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils import timezone

from data_world import DataWorld
from qicop.core.i18n import reader_zone
from qicop.dashboards.indicator_series import last_periods
from qicop.indicators.analytics_table import rebuild_all
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import (
    DataElement,
    DataImport,
    DataValue,
    IndicatorMapping,
    NetworkIndicator,
    OrgUnit,
    Period,
)
from qicop.indicators.services import publish_period
from qicop.integrations.dhis2.rows import DataValueRow

FACILITY, OTHER_FACILITY, COUNTY, COUNTRY = "NakuruHosp1", "NaivashaHC1", "NakuruCnty1", "KenyaRoot01"
BAD = 30  # the month (index among the 36 charted) that holds the implausible values


def viral_load_world(world) -> DataWorld:
    """Kenya's two facilities report viral load results for 36 months; every month is published."""
    data = DataWorld(world)
    data.indicator = NetworkIndicator.objects.create(
        network=world.network,
        code="vl-suppression",
        name="Viral suppression",
        factor=100,
        target=95,
        chart_kind="p",
    )
    for country in (world.kenya, world.haiti):
        IndicatorMapping.objects.create(
            network_indicator=data.indicator,
            country=country,
            numerator="#{VlSupp0001a}",
            denominator="#{VlTested01a}",
        )
    # The day in Nairobi, where Kenya's readers are: at a month's last hour in UTC it is already the next
    # month there, so tests that refresh or chart this world count their months from ``data.today``.
    data.today = timezone.localdate(timezone=ZoneInfo(reader_zone(world.kim)))
    data.periods = [p.id for p in last_periods("Monthly", 36, data.today)]
    rows = []
    for m, period in enumerate(data.periods):
        for unit, tested in ((FACILITY, 100), (OTHER_FACILITY, 40), ("JacmelHosp1", 60)):
            suppressed = int(tested * 0.8) + m % 3
            rows.append(DataValueRow("VlTested01a", period, unit, value=str(tested), index=len(rows)))
            rows.append(DataValueRow("VlSupp0001a", period, unit, value=str(suppressed), index=len(rows)))
    data.first_import = DataImport.objects.create(
        user=world.carla.user, filename="viral-load-3-years.json", format="json", status="done"
    )
    summary = import_data_values(
        actor=world.carla.user, rows=rows, options=ImportOptions(), data_import=data.first_import
    )
    assert summary["status"] == "SUCCESS", summary
    for period in data.periods:
        publish_period(actor=world.carla.user, country=world.kenya, period_id=period)
    data.bad = data.periods[BAD]
    return data


def import_bad(data, *rows, status="SUCCESS", data_import=None):
    rows = [
        DataValueRow(element, data.bad, unit, value=value, index=index)
        for index, (element, unit, value) in enumerate(rows)
    ]
    summary = import_data_values(
        actor=data.world.carla.user, rows=rows, options=ImportOptions(), data_import=data_import
    )
    assert summary["status"] == status, summary
    return summary


def write_row(data, element: str, unit: str, value: str | None, numeric: float | None):
    """A row as an earlier version of the importer (or an element's later change of type) left it."""
    now = timezone.now()
    DataValue.objects.update_or_create(
        data_element=DataElement.objects.get(uid=element),
        period=Period.objects.get(dhis2_id=data.bad),
        org_unit=OrgUnit.objects.get(uid=unit),
        category_option_combo=data.default_coc,
        attribute_option_combo=data.default_coc,
        defaults={"value": value, "numeric": numeric, "created": now, "last_updated": now},
    )
    rebuild_all()
