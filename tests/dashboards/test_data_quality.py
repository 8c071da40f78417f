"""The data-quality view: stored values failing sense checks, each with its chart and import (issue 11, 9)."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from qicop.charts.axes import axis_labels
from qicop.core.i18n import reader_zone
from qicop.core.when import when
from qicop.dashboards.indicator_series import last_periods
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import DataElement, DataImport, DataValue, IndicatorMapping
from qicop.integrations.dhis2.rows import DataValueRow
from viral_load_world import BAD, COUNTRY, FACILITY, OTHER_FACILITY, import_bad, viral_load_world

URL = "/n/vln/data/quality/"


@pytest.fixture
def data(world):
    return viral_load_world(world)


def _label(period_id: str) -> str:
    return axis_labels([period_id])[0]


def _rows(page: str) -> list[str]:
    """The table's rows, tags removed, one string each."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("</tr>")[:-1]]


def _window(data, persona: str) -> set[str]:
    """The months of the data that the persona's view covers: the last 36 complete months on the persona's
    calendar, which at a month's turn can be a month later or earlier than Nairobi's."""
    zone = ZoneInfo(reader_zone(getattr(data.world, persona)))
    return {p.id for p in last_periods("Monthly", 36, timezone.localdate(timezone=zone))} & set(data.periods)


def _places(page: str) -> list[tuple[str, str]]:
    """(org unit, country) of each row."""
    return re.findall(
        r'<a href="/n/vln/charts/[^"]+">([^<]+)</a><br><span class="muted">([^<]+)</span>', page
    )


def _corrections(data, user) -> DataImport:
    return DataImport.objects.create(user=user, filename="march-corrections.csv", format="csv", status="done")


def test_a_numerator_above_its_denominator_is_listed_with_its_chart_and_import(data):
    corrections = _corrections(data, data.world.dan.user)
    import_bad(data, ("VlSupp0001a", FACILITY, "112"), data_import=corrections)
    page = data.world.client_for("dan").get(URL).content.decode()
    [row] = [r for r in _rows(page) if "Nakuru Level 5 Hospital" in r]
    assert row.startswith(_label(data.bad))  # "Mar 2026", never "202603"
    assert "Kenya" in row and "Viral suppression: 112 of 100" in row
    assert "the numerator is larger than the denominator" in row and "march-corrections.csv" in row
    assert f'href="/n/vln/charts/vl-suppression/{FACILITY}/"' in page
    assert f'href="/n/vln/data/imports/{corrections.pk}/"' in page  # Dan's own import: its summary
    assert f">{data.bad}<" not in page
    # Kim reads Kenya's findings too, and the file's name, but not Dan's import summary.
    kim = data.world.client_for("kim").get(URL).content.decode()
    assert "march-corrections.csv" in kim and f"/data/imports/{corrections.pk}/" not in kim


def test_an_imports_date_is_written_by_the_one_formatter_in_the_readers_language_and_zone(data):
    data.world.dan.user.language = "fr"
    data.world.dan.user.save()
    corrections = _corrections(data, data.world.dan.user)
    import_bad(data, ("VlSupp0001a", FACILITY, "112"), data_import=corrections)
    page = data.world.client_for("dan").get(URL).content.decode()
    [row] = [r for r in _rows(page) if "Nakuru Level 5 Hospital" in r]
    with translation.override("fr"), timezone.override(ZoneInfo(reader_zone(data.world.dan))):
        written = when(corrections.created_at, "date")  # "7 déc. 2026", where "j M Y" wrote "7 déc 2026"
    assert f"march-corrections.csv {written}" in row


def test_sums_are_checked_at_every_level_and_each_row_names_its_imports(data):
    import_bad(data, ("VlSupp0001a", FACILITY, "95"))
    DataValue.objects.filter(
        data_element__uid="VlTested01a", org_unit__uid=OTHER_FACILITY, period__dhis2_id=data.bad
    ).delete()
    from qicop.indicators.analytics_table import rebuild_all

    rebuild_all()
    page = data.world.client_for("carla").get(URL).content.decode()
    # Naivasha twice: its month lacks the denominator, and that month is missing among reported ones.
    assert sorted(_places(page)) == [
        ("Kenya", "Kenya"),
        ("Naivasha Health Centre", "Kenya"),
        ("Naivasha Health Centre", "Kenya"),
        ("Nakuru County", "Kenya"),
    ]
    rows = _rows(page)
    county = next(r for r in rows if "Nakuru County" in r)
    assert "127 of 100" in county and "viral-load-3-years.json" in county
    naivasha = [r for r in rows if "Naivasha" in r]
    assert any("no denominator" in r for r in naivasha) and any(
        "Viral load tested no value" in r for r in naivasha
    )


def test_an_outlier_is_listed_and_a_real_step_change_is_not(data):
    # Haiti's hospital really tests more people in the last year: a step, not an error.
    rows = [
        DataValueRow("VlTested01a", period, "JacmelHosp1", value=str(90 + m % 4), index=m)
        for m, period in enumerate(data.periods[24:])
    ]
    import_data_values(actor=data.world.carla.user, rows=rows, options=ImportOptions())
    import_bad(data, ("VlTested01a", FACILITY, "1000"))  # a typo: one zero too many
    page = data.world.client_for("carla").get(f"{URL}?check=outlier").content.decode()
    rows = _rows(page)
    assert len(rows) == 1 and rows[0].startswith(_label(data.bad))
    assert "Viral load tested: 1,000" in rows[0]
    assert "outside the limits of its I chart, and 10.0 times the median (100)" in rows[0]
    assert "At least 3 times" in page or "at least 3 times" in page  # the rule, explained on the page


def test_a_stock_that_jumps_is_listed_and_a_flow_that_jumps_is_not(data):
    DataElement.objects.filter(uid="VlTested01a").update(aggregation_type="LAST")
    import_bad(data, ("VlTested01a", FACILITY, "250"))
    rows = _rows(data.world.client_for("carla").get(f"{URL}?check=jump").content.decode())
    # One row: the month after comes back to the usual level, and is not listed again.
    assert [r.split(" Nakuru")[0] for r in rows] == [_label(data.bad)]
    assert "Viral load tested: 250" in rows[0]
    assert "a stock that jumps from 100 to 250 in one month" in rows[0]
    # A stock that stays at its new level is listed once too.
    later = data.periods[BAD + 1 :]
    import_data_values(
        actor=data.world.carla.user,
        rows=[DataValueRow("VlTested01a", p, FACILITY, value="250", index=i) for i, p in enumerate(later)],
        options=ImportOptions(),
    )
    rows = _rows(data.world.client_for("carla").get(f"{URL}?check=jump").content.decode())
    assert [r.split(" Nakuru")[0] for r in rows] == [_label(data.bad)]
    DataElement.objects.filter(uid="VlTested01a").update(aggregation_type="SUM")
    assert _rows(data.world.client_for("carla").get(f"{URL}?check=jump").content.decode()) == []


def test_missing_months_between_reported_ones_are_listed_once_per_run(data):
    gap = data.periods[BAD_GAP : BAD_GAP + 2]
    deletions = [
        DataValueRow(element, period, FACILITY, value="1", index=i)
        for i, (element, period) in enumerate((e, p) for e in ("VlTested01a", "VlSupp0001a") for p in gap)
    ]
    # ...and Naivasha's last month: nothing after it, so not "between" reported months.
    deletions.append(DataValueRow("VlTested01a", data.periods[-1], OTHER_FACILITY, value="1", index=9))
    summary = import_data_values(
        actor=data.world.carla.user, rows=deletions, options=ImportOptions(strategy="DELETE")
    )
    assert summary["importCount"]["deleted"] == 5
    rows = _rows(data.world.client_for("carla").get(f"{URL}?check=missing").content.decode())
    assert rows == [
        f"{_label(gap[0])} – {_label(gap[1])} Nakuru Level 5 Hospital Kenya Viral load suppressed, "
        "Viral load tested no value, though the months before and after have one —"
    ]


BAD_GAP = 10


def test_each_reader_sees_the_countries_the_rules_allow(data):
    import_bad(data, ("VlSupp0001a", FACILITY, "112"))
    import_data_values(
        actor=data.world.carla.user,
        rows=[DataValueRow("VlSupp0001a", data.bad, "JacmelHosp1", value="70")],
        options=ImportOptions(),
    )

    def places(persona, query=""):
        response = data.world.client_for(persona).get(URL + query)
        assert response.status_code == 200
        return {country for _unit, country in _places(response.content.decode())}

    assert places("carla") == {"Kenya", "Haiti"}
    assert places("carla", "?country=HT") == {"Haiti"}
    assert places("kim") == {"Kenya"} and places("kim", "?country=HT") == {"Kenya"}
    assert places("faith") == places("dan") == {"Kenya"}
    assert places("henri") == {"Haiti"}
    assert data.world.client_for("olga").get(URL).status_code == 403
    assert data.world.client_for("oscar").get(URL).status_code == 404


def test_an_empty_list_says_what_to_do_next(data):
    carla = data.world.client_for("carla").get(URL).content.decode()
    assert "No stored value fails a sense check" in carla
    assert 'href="/n/vln/data/import/"' in carla  # she may import: the way to new data
    kim = data.world.client_for("kim").get(URL).content.decode()
    assert "No stored value fails a sense check" in kim and "/n/vln/data/import/" not in kim


def test_the_list_is_paginated_and_its_queries_do_not_grow_with_it(data, django_assert_num_queries):
    client = data.world.client_for("carla")
    client.get(URL)  # sessions, caches
    import_bad(data, ("VlSupp0001a", FACILITY, "112"))
    with django_assert_num_queries(QUERIES):
        few = client.get(URL).content.decode()
    assert len(_rows(few)) == 3  # the hospital, and the sums of its county and of Kenya
    # A count mapped as a proportion: every month of every Kenyan org unit above its "denominator".
    IndicatorMapping.objects.filter(country=data.world.kenya).update(denominator="1")
    with django_assert_num_queries(QUERIES):
        many = client.get(f"{URL}?country=KE").content.decode()
    findings = 4 * len(_window(data, "carla"))  # every month of 4 org units: 144, or 140 at a month's turn
    assert len(_rows(many)) == 50 and "Page 1 of 3" in many
    assert 'href="?country=KE&amp;page=2"' in many
    assert len(_rows(client.get(f"{URL}?country=KE&page=3").content.decode())) == findings - 100


QUERIES = 16  # with the countries of the networks the coordinator coordinates


def test_the_data_page_links_to_the_view_for_those_who_may_see_it(data):
    assert 'href="/n/vln/data/quality/"' in data.world.client_for("kim").get("/n/vln/data/").content.decode()
    assert "/n/vln/data/quality/" not in data.world.client_for("olga").get("/n/vln/data/").content.decode()


def test_a_stock_stored_for_a_year_holds_for_each_of_its_months(data):
    """As on the charts: a yearly estimate is the denominator of every month of its year, so the months
    between the country's own monthly figures do not lack a denominator."""
    DataElement.objects.filter(uid="TxCurr0001a").update(aggregation_type="LAST")
    years = sorted({p[:4] for p in data.periods})
    female = {"category_option_combo": "CocFemale01"}
    rows = [DataValueRow("TxCurr0001a", year, COUNTRY, value="100000", **female) for year in years]
    rows += [
        DataValueRow("TxCurr0001a", month, COUNTRY, value="90000", **female) for month in data.periods[-2:]
    ]
    summary = import_data_values(
        actor=data.world.carla.user,
        rows=rows,
        options=ImportOptions(),
    )
    assert summary["importCount"]["imported"] == len(rows), summary
    IndicatorMapping.objects.filter(country=data.world.kenya).update(denominator="#{TxCurr0001a}")
    assert _rows(data.world.client_for("carla").get(f"{URL}?check=ratio").content.decode()) == []
    # Without the estimates, the country's months without a figure of their own lack a denominator.
    DataValue.objects.filter(period__period_type="Yearly").delete()
    from qicop.indicators.analytics_table import rebuild_all

    rebuild_all()
    rows = _rows(data.world.client_for("carla").get(f"{URL}?check=ratio").content.decode())
    without = _window(data, "carla") - set(data.periods[-2:])
    assert len(rows) == len(without) and all("no denominator" in r for r in rows)


def test_an_operand_of_one_disaggregation_counts_that_disaggregation_only(data):
    mappings = IndicatorMapping.objects.filter(country=data.world.kenya)
    mappings.update(numerator="#{TxCurr0001a.CocFemale01}", denominator="#{VlTested01a}")
    female, male = {"category_option_combo": "CocFemale01"}, {"category_option_combo": "CocMale0001"}
    import_data_values(
        actor=data.world.carla.user,
        rows=[
            DataValueRow("TxCurr0001a", data.bad, FACILITY, value="60", **female),
            DataValueRow("TxCurr0001a", data.bad, FACILITY, value="150", index=1, **male),
            DataValueRow("TxCurr0001a", data.periods[BAD - 1], FACILITY, value="150", index=2, **female),
        ],
        options=ImportOptions(),
    )
    rows = _rows(data.world.client_for("carla").get(f"{URL}?check=ratio").content.decode())
    hospital = [r for r in rows if "Nakuru Level 5 Hospital" in r]
    assert len(hospital) == 1 and hospital[0].startswith(_label(data.periods[BAD - 1]))
    assert "150 of 100" in hospital[0]
