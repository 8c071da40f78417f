"""A FHIR MeasureReport and the chart show the same numbers for the same cell: both come from the indicator
arithmetic (indicators/arithmetic.py), one period at a time for FHIR, a series at a time for the chart."""

import json
import math
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from data_world import DataWorld
from qicop.dashboards.indicator_series import indicator_series, last_periods
from qicop.dashboards.pipeline import PERIOD_CHOICES
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import DataElement, IndicatorMapping, NetworkIndicator, OrgUnit
from qicop.integrations.dhis2.periods import parse_period
from qicop.integrations.dhis2.rows import DataValueRow

SEARCH = "/api/fhir/MeasureReport"


def reports(client: Client, query: str) -> dict[tuple[str, str], dict]:
    """(org unit uid, period id) → the report's counts, of a FHIR search."""
    response = client.get(f"{SEARCH}?{query}")
    assert response.status_code == 200, response.content
    bundle = json.loads(response.content, parse_float=Decimal)
    found = {}
    for entry in bundle["entry"]:
        if entry["search"]["mode"] != "match":
            continue
        report = entry["resource"]
        subject = next(c for c in report["contained"] if c["id"] == "subject")
        uid = subject["identifier"][0]["value"]
        group = report["group"][0]
        counts = {p["code"]["coding"][0]["code"]: p.get("count") for p in group["population"]}
        found[(uid, report["period"]["start"], report["period"]["end"])] = counts
    return found


def chart_count(value: float):
    """A chart's number as a FHIR population count: whole, none where missing or not a count."""
    return round(value) if math.isfinite(value) and value >= 0 else None


@pytest.fixture
def estimates(world):
    """A stock stored for three longer periods that all cover November 2024, in an order that puts the
    calendar year first in the database: the half-year (the shortest) is November's value."""
    data = DataWorld(world)
    indicator = NetworkIndicator.objects.create(
        network=world.network, code="suppression", name="Suppression", factor=100
    )
    IndicatorMapping.objects.create(
        network_indicator=indicator,
        country=world.kenya,
        numerator="#{VlSupp0001a}",
        denominator="#{VlTested01a}",
    )
    DataElement.objects.filter(uid="VlTested01a").update(aggregation_type="LAST")
    rows = [
        DataValueRow("VlTested01a", "2024", "NakuruHosp1", value="1000"),
        DataValueRow("VlTested01a", "2024Oct", "NakuruHosp1", value="800", index=1),
        DataValueRow("VlTested01a", "2024S2", "NakuruHosp1", value="600", index=2),
        DataValueRow("VlSupp0001a", "202411", "NakuruHosp1", value="540", index=3),
    ]
    summary = import_data_values(actor=world.carla.user, rows=rows, options=ImportOptions())
    assert summary["status"] == "SUCCESS", summary
    data.indicator = indicator
    return data


@pytest.mark.parametrize("unit", ["KenyaRoot01", "NakuruHosp1"])
def test_of_several_stored_periods_covering_a_month_fhir_and_the_chart_both_take_the_shortest(
    estimates, unit
):
    client = estimates.world.client_for("carla")
    found = reports(client, f"network=vln&indicator=suppression&orgUnit={unit}&period=202411")
    assert found[(unit, "2024-11-01", "2024-11-30")] == {"numerator": 540, "denominator": 600}
    series = indicator_series(
        user=estimates.world.carla.user,
        indicator=estimates.indicator,
        org_unit=OrgUnit.objects.get(uid=unit),
        periods=[parse_period("202411")],
    )
    assert (series.numerator[0], series.denominator[0]) == (540, 600)


def test_fhir_and_the_chart_agree_on_every_cell_of_the_demo(demo):
    """Every network indicator x country x period the chart page offers (36 months, 12 quarters), for the
    coordinator (every value) and an observer (published national totals only)."""
    from qicop.accounts.models import User

    indicators = list(NetworkIndicator.objects.filter(network__slug="virtual").order_by("code"))
    roots = list(OrgUnit.objects.filter(level=1, country__networks__slug="virtual").order_by("uid"))
    today = timezone.localdate()
    assert indicators and len(roots) > 10
    compared, with_numbers = 0, 0
    for email in ("coordinator@example.org", "observer.na@example.org"):
        user = User.objects.get(email=email)
        client = Client()
        client.force_login(user)
        for period_type, count in PERIOD_CHOICES.items():
            periods = last_periods(period_type, count, today)
            for indicator in indicators:
                charts = {
                    root.uid: indicator_series(user=user, indicator=indicator, org_unit=root, periods=periods)
                    for root in roots
                }
                found = {}
                units = "&".join(f"orgUnit={root.uid}" for root in roots)
                step = 100 // len(roots)  # at most 100 reports a search
                for first in range(0, len(periods), step):
                    chosen = "&".join(f"period={p.id}" for p in periods[first : first + step])
                    found |= reports(client, f"network=virtual&indicator={indicator.code}&{units}&{chosen}")
                for root in roots:
                    series = charts[root.uid]
                    for i, period in enumerate(periods):
                        fhir = found[(root.uid, period.start.isoformat(), period.end.isoformat())]
                        chart = {
                            "numerator": chart_count(series.numerator[i]),
                            "denominator": chart_count(series.denominator[i]),
                        }
                        assert fhir == chart, (email, indicator.code, root.uid, period.id)
                        compared += 1
                        with_numbers += fhir["numerator"] is not None and fhir["denominator"] is not None
    assert compared == 2 * len(indicators) * len(roots) * sum(PERIOD_CHOICES.values())
    assert with_numbers > compared / 2  # the demo has data: the comparison is not one of blanks
