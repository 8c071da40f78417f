"""Implausible points on charts: flagged, explained in plain words, left out of the limits (issue 11, 2)."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from qicop.charts.axes import axis_labels
from qicop.dashboards import checks
from qicop.indicators.models import DataElement, DataValue, IndicatorMapping
from viral_load_world import (
    COUNTRY,
    COUNTY,
    FACILITY,
    OTHER_FACILITY,
    import_bad,
    viral_load_world,
    write_row,
)

CHART = "/n/vln/charts/vl-suppression/"


@pytest.fixture
def data(world):
    return viral_load_world(world)


def _label(period_id: str) -> str:
    return axis_labels([period_id])[0]


def _csv(client, unit: str) -> list[dict]:
    return list(
        csv.DictReader(io.StringIO(client.get(f"{CHART}{unit}/?format=csv").content.decode("utf-8-sig")))
    )


def test_a_numerator_above_its_denominator_is_flagged_explained_and_left_out_of_the_limits(data):
    import_bad(data, ("VlSupp0001a", FACILITY, "112"), ("VlTested01a", FACILITY, "100"))
    page = data.world.client_for("kim").get(f"{CHART}{FACILITY}/").content.decode()
    assert (
        f"<strong>{_label(data.bad)}:</strong> 112 of 100 — the numerator is larger than the denominator"
        in page
    )
    assert "left out of the centre line and limits" in page
    assert 'class="flagged"' in page  # the hollow square on the chart, and the table's row
    assert "Implausible, left out" in page  # the chart's legend
    # The centre line is that of the other 35 months alone.
    rows = _csv(data.world.client_for("kim"), FACILITY)
    kept = [r for r in rows if r["period"] != data.bad]
    expected = sum(int(r["numerator"]) for r in kept) / sum(int(r["denominator"]) for r in kept) * 100
    assert {float(r["centre_line"]) for r in rows} == {round(expected, 4)}
    flagged = next(r for r in rows if r["period"] == data.bad)
    assert flagged["numerator"] == "112" and float(flagged["value"]) == 112
    assert flagged["flagged"] == "the numerator is larger than the denominator"
    assert flagged["signal"] == ""  # never a signal: it is not in the calculation


def test_the_flag_links_the_countrys_readers_to_the_data_quality_view_and_no_one_else(data):
    import_bad(data, ("VlSupp0001a", FACILITY, "112"))
    link = "/n/vln/data/quality/?country=KE"
    assert link in data.world.client_for("kim").get(f"{CHART}{FACILITY}/").content.decode()
    assert link in data.world.client_for("carla").get(f"{CHART}{FACILITY}/").content.decode()
    henri_sees = data.world.client_for("henri").get(f"{CHART}{FACILITY}/").content.decode()
    assert "112 of 100" in henri_sees and link not in henri_sees  # Kenya published it; Haiti's member


def test_a_sum_above_its_denominator_is_flagged_though_each_facility_is_below_its_own(data):
    import_bad(data, ("VlSupp0001a", FACILITY, "95"), ("VlTested01a", OTHER_FACILITY, "0"))
    DataValue.objects.filter(
        data_element__uid="VlTested01a", org_unit__uid=OTHER_FACILITY, period__dhis2_id=data.bad
    ).delete()
    from qicop.indicators.analytics_table import rebuild_all

    rebuild_all()
    client = data.world.client_for("carla")
    assert not [r for r in _csv(client, FACILITY) if r["flagged"]]
    naivasha = [(r["period"], r["flagged"]) for r in _csv(client, OTHER_FACILITY) if r["flagged"]]
    assert naivasha == [(data.bad, "there is a numerator but no denominator, though other periods have one")]
    for unit in (COUNTY, COUNTRY):
        flagged = [r for r in _csv(client, unit) if r["flagged"]]
        assert [r["period"] for r in flagged] == [data.bad], unit
        assert flagged[0]["flagged"] == "the numerator is larger than the denominator"


def test_a_month_without_its_denominator_is_flagged_only_where_other_months_have_one(data):
    DataValue.objects.filter(
        data_element__uid="VlTested01a", org_unit__uid=FACILITY, period__dhis2_id=data.bad
    ).delete()
    flagged = [r for r in _csv(data.world.client_for("kim"), FACILITY) if r["flagged"]]
    assert [(r["period"], r["flagged"]) for r in flagged] == [
        (data.bad, "there is a numerator but no denominator, though other periods have one")
    ]
    # An indicator whose denominator exists at no level of this facility (a national estimate) flags nothing.
    IndicatorMapping.objects.filter(country=data.world.kenya).update(denominator="#{TxCurr0001a}")
    assert not [r for r in _csv(data.world.client_for("kim"), FACILITY) if r["flagged"]]


def test_zero_and_negative_denominators_and_negative_counts_are_flagged(data):
    DataElement.objects.filter(uid__in=["VlSupp0001a", "VlTested01a"]).update(value_type="INTEGER")
    import_bad(data, ("VlSupp0001a", FACILITY, "5"), ("VlTested01a", FACILITY, "0"))
    import_bad(data, ("VlSupp0001a", OTHER_FACILITY, "-3"))
    client = data.world.client_for("carla")
    zero = next(r for r in _csv(client, FACILITY) if r["period"] == data.bad)
    assert zero["flagged"] == "the denominator is zero"
    negative = next(r for r in _csv(client, OTHER_FACILITY) if r["period"] == data.bad)
    assert negative["flagged"] == "a count cannot be negative"


def test_text_kept_from_before_a_change_of_value_type_is_flagged_at_every_level(data):
    DataElement.objects.filter(uid="VlSupp0001a").update(value_type="TEXT")
    import_bad(data, ("VlSupp0001a", FACILITY, "many"))
    DataElement.objects.filter(uid="VlSupp0001a").update(value_type="INTEGER_ZERO_OR_POSITIVE")
    client = data.world.client_for("kim")
    for unit in (FACILITY, COUNTY, COUNTRY):
        flagged = [(r["period"], r["flagged"]) for r in _csv(client, unit) if r["flagged"]]
        assert flagged == [(data.bad, "a value is stored as text, not as a number")], unit


def test_an_infinite_value_stored_by_other_means_is_flagged_not_drawn(data):
    write_row(data, "VlTested01a", FACILITY, "Infinity", float("inf"))
    client = data.world.client_for("kim")
    flagged = next(r for r in _csv(client, FACILITY) if r["period"] == data.bad)
    assert flagged["flagged"] == "a stored value is not a finite number" and flagged["denominator"] == ""
    svg = client.get(f"{CHART}{FACILITY}/?format=svg").content.decode()
    assert "inf" not in svg.lower().replace("info", "")


def test_a_mapping_that_needs_a_constant_says_so_instead_of_charting(data):
    IndicatorMapping.objects.filter(country=data.world.kenya).update(
        denominator="#{VlTested01a} * C{Const0001a}"
    )
    page = data.world.client_for("kim").get(f"{CHART}{FACILITY}/").content.decode()
    assert "definition of the indicator cannot be computed" in page and "C{Const0001a}" in page


def test_a_count_mapped_with_the_default_denominator_draws_as_counts(data):
    data.indicator.chart_kind = "c"
    data.indicator.factor = 1
    data.indicator.save()
    IndicatorMapping.objects.filter(country=data.world.kenya).update(denominator="1")
    response = data.world.client_for("kim").get(f"{CHART}{FACILITY}/")
    assert response.status_code == 200 and "implausible" not in response.content.decode()


def test_the_dashboard_and_country_page_show_the_latest_plausible_value_with_a_flag(data):
    import_bad(data, ("VlSupp0001a", FACILITY, "500"))
    last = data.periods[-1]
    from qicop.indicators.importer import ImportOptions, import_data_values
    from qicop.integrations.dhis2.rows import DataValueRow

    import_data_values(
        actor=data.world.carla.user,
        rows=[DataValueRow("VlSupp0001a", last, FACILITY, value="900")],
        options=ImportOptions(),
    )
    client = data.world.client_for("kim")
    dashboard = client.get("/n/vln/dashboard/?indicator=vl-suppression").content.decode()
    assert "2 implausible values left out" in dashboard
    # Kenya's latest plausible month is the one before the last.
    assert f"<td>{_label(data.periods[-2])}</td>" in dashboard  # on every screen, not an optional column
    country = client.get("/n/vln/countries/KE/").content.decode()
    assert "2 implausible values left out" in country


def test_the_funnel_of_facilities_leaves_out_an_implausible_one_and_says_so(data):
    import_bad(data, ("VlSupp0001a", FACILITY, "150"))
    page = (
        data.world.client_for("carla")
        .get(f"/n/vln/compare/vl-suppression/?period={data.bad}&country=KE")
        .content.decode()
    )
    assert "1 unit is left out because its numbers are implausible" in page


def test_fhir_leaves_out_counts_that_cannot_be_counts_and_keeps_scores_above_100(data):
    DataElement.objects.filter(uid="VlSupp0001a").update(value_type="INTEGER")
    import_bad(data, ("VlSupp0001a", FACILITY, "-4"), ("VlSupp0001a", OTHER_FACILITY, "50"))
    units = f"orgUnit={FACILITY}&orgUnit={OTHER_FACILITY}"
    url = f"/api/fhir/MeasureReport?network=vln&indicator=vl-suppression&{units}&period={data.bad}"
    bundle = json.loads(data.world.client_for("carla").get(url).content)
    groups = {
        _subject_uid(e["resource"]): e["resource"]["group"][0]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "MeasureReport"
    }
    negative = groups[FACILITY]
    assert [p.get("count") for p in negative["population"]] == [None, 100] and "measureScore" not in negative
    above = groups[OTHER_FACILITY]
    assert [p["count"] for p in above["population"]] == [50, 40]
    assert float(above["measureScore"]["value"]) == 125.0


def _subject_uid(report: dict) -> str:
    """The org unit a MeasureReport is about: its contained Location's identifier."""
    [location] = [r for r in report["contained"] if r["id"] == report["subject"]["reference"].lstrip("#")]
    return location["identifier"][0]["value"]


def test_the_checks_work_on_whole_arrays_of_org_units_and_months():
    numerator = np.array([[5, 12, 3, np.nan], [1, 2, 3, 4]], dtype=float)
    denominator = np.array([[10, 10, 0, 10], [np.nan, np.nan, np.nan, np.nan]], dtype=float)
    bits = checks.reasons(numerator, denominator, proportion=True, counts=True)
    assert bits.tolist() == [[0, checks.OVER, checks.ZERO_DENOMINATOR, 0], [0, 0, 0, 0]]
    rates = checks.reasons(numerator, denominator, proportion=False, counts=True)
    assert rates[0, 1] == 0  # more events than exposure is no error for a rate


def test_the_engine_still_refuses_what_the_series_layer_leaves_out():
    from qicop.analytics.spc import chart

    with pytest.raises(ValueError, match="numerator is larger"):
        chart([5, 12, 3], n=[10, 10, 10], kind="p")
