"""No page breaks on data that was accepted (issue 11, item 2).

Each scenario stores implausible values, through the real importer where it accepts them, or by writing rows
directly where it refuses them (values accepted by an earlier version, or made wrong by a later change of an
element's value type or aggregation type); then every page that draws the indicator is fetched by a
coordinator, a member and an observer: none may answer 500, and the coordinator gets every page (exports
included). The decisions are in
docs/decisions/0011-implausible-values-are-stored-and-flagged.md.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from qicop.indicators.analytics_table import rebuild_all
from qicop.indicators.models import DataElement, DataValue, IndicatorMapping, OrgUnit
from viral_load_world import (
    COUNTRY,
    COUNTY,
    FACILITY,
    OTHER_FACILITY,
    import_bad,
    viral_load_world,
    write_row,
)


@pytest.fixture
def data(world):
    return viral_load_world(world)


# --- the scenarios: each leaves Kenya's data implausible in month BAD ---------------------------------


def numerator_above_denominator(data):
    import_bad(data, ("VlSupp0001a", FACILITY, "112"), ("VlTested01a", FACILITY, "100"))


def numerator_above_denominator_only_in_the_sums(data):
    # Each facility is plausible on its own (Naivasha has no denominator this month), their sum is not.
    import_bad(data, ("VlSupp0001a", FACILITY, "95"), ("VlTested01a", FACILITY, "100"))
    import_bad(data, ("VlSupp0001a", OTHER_FACILITY, "30"), ("VlTested01a", OTHER_FACILITY, "0"))
    DataValue.objects.filter(
        data_element__uid="VlTested01a", org_unit__uid=OTHER_FACILITY, period__dhis2_id=data.bad
    ).delete()
    rebuild_all()


def zero_denominator(data):
    import_bad(data, ("VlSupp0001a", FACILITY, "5"), ("VlTested01a", FACILITY, "0"))


def zero_over_zero(data):
    import_bad(data, ("VlSupp0001a", FACILITY, "0"), ("VlTested01a", FACILITY, "0"))


def missing_denominator(data):
    DataValue.objects.filter(
        data_element__uid="VlTested01a", org_unit__uid=FACILITY, period__dhis2_id=data.bad
    ).delete()
    rebuild_all()


def negative_values_an_integer_element_accepts(data):
    DataElement.objects.filter(uid__in=["VlSupp0001a", "VlTested01a"]).update(value_type="INTEGER")
    import_bad(data, ("VlSupp0001a", FACILITY, "-3"), ("VlTested01a", FACILITY, "-10"))


def negative_values_from_before_a_type_change(data):
    write_row(data, "VlSupp0001a", FACILITY, "-7", -7.0)


def text_in_an_element_whose_type_changed_after_import(data):
    DataElement.objects.filter(uid="VlSupp0001a").update(value_type="TEXT")
    import_bad(data, ("VlSupp0001a", FACILITY, "many"))
    DataElement.objects.filter(uid="VlSupp0001a").update(value_type="INTEGER_ZERO_OR_POSITIVE")


def a_yes_no_element_in_the_numerator(data):
    IndicatorMapping.objects.filter(country=data.world.kenya).update(numerator="#{Committee1a}")
    import_bad(data, ("Committee1a", FACILITY, "true"))


def infinite_and_not_a_number_values(data):
    write_row(data, "VlTested01a", FACILITY, "Infinity", float("inf"))
    write_row(data, "VlSupp0001a", OTHER_FACILITY, "1e999", float("inf"))


def a_stock_that_jumps_after_its_aggregation_type_changed(data):
    DataElement.objects.filter(uid__in=["VlSupp0001a", "VlTested01a"]).update(aggregation_type="LAST")
    import_bad(data, ("VlSupp0001a", FACILITY, "4000"), ("VlTested01a", FACILITY, "5000"))


def a_mapping_whose_elements_have_no_values(data):
    IndicatorMapping.objects.filter(country=data.world.kenya).update(
        numerator="#{NoSuchElem1}", denominator="#{TxCurr0001a}"
    )


def a_count_mapped_with_the_default_denominator(data):
    IndicatorMapping.objects.filter(country=data.world.kenya).update(
        numerator="#{VlSupp0001a}", denominator="1"
    )


def a_mapping_that_needs_a_constant(data):
    IndicatorMapping.objects.filter(country=data.world.kenya).update(
        denominator="#{VlTested01a} * C{Constant001}"
    )


SCENARIOS = [
    numerator_above_denominator,
    numerator_above_denominator_only_in_the_sums,
    zero_denominator,
    zero_over_zero,
    missing_denominator,
    negative_values_an_integer_element_accepts,
    negative_values_from_before_a_type_change,
    text_in_an_element_whose_type_changed_after_import,
    a_yes_no_element_in_the_numerator,
    infinite_and_not_a_number_values,
    a_stock_that_jumps_after_its_aggregation_type_changed,
    a_mapping_whose_elements_have_no_values,
    a_count_mapped_with_the_default_denominator,
    a_mapping_that_needs_a_constant,
]


def _case_study(data) -> int:
    from qicop.knowledge.models import CaseStudy, CaseStudyChart

    case = CaseStudy.objects.create(
        network=data.world.network,
        country=data.world.kenya,
        title="Viral load in Nakuru",
        status="published",
        published_at=timezone.now(),
        created_by=data.world.kim.user,
    )
    for position, uid in enumerate((FACILITY, COUNTRY)):
        CaseStudyChart.objects.create(
            case_study=case,
            indicator=data.indicator,
            org_unit=OrgUnit.objects.get(uid=uid),
            position=position,
        )
    return case.pk


def _pages(data, case_id: int, persona: str) -> list[str]:
    """Every page that draws the indicator. Each format once for the coordinator; members and observers
    fetch the pages whose content depends on what they may read (the same drawing code follows)."""
    chart = "/n/vln/charts/vl-suppression/"
    pages = [
        "/n/vln/dashboard/",
        "/n/vln/dashboard/?indicator=vl-suppression&periods=Quarterly",
        "/n/vln/countries/KE/",
        f"/n/vln/compare/vl-suppression/?period={data.bad}",
        f"/n/vln/compare/vl-suppression/?period={data.bad}&country=KE",
        f"/n/vln/case-studies/{case_id}/",
        "/n/vln/data/quality/",
    ]
    units = (COUNTRY,) if persona == "olga" else (FACILITY, COUNTY, COUNTRY)
    pages += [f"{chart}{unit}/" for unit in units]
    pages.append(f"{chart}{COUNTRY}/?periods=Quarterly")
    if persona == "carla":
        pages += [
            "/n/vln/dashboard/?cascade=KE&format=csv",
            f"/n/vln/compare/vl-suppression/?period={data.bad}&country=KE&format=csv",
            f"/n/vln/compare/vl-suppression/?period={data.bad}&format=svg",
            "/n/vln/data/quality/?country=KE&check=ratio",
        ]
        for unit in (FACILITY, COUNTY):
            pages += [f"{chart}{unit}/{query}" for query in ("?format=csv", "?format=svg", "?rules=mdc")]
        pages.append(f"{chart}{FACILITY}/?format=png")
        elements = "data_elements=VlTested01a&data_elements=VlSupp0001a&data_elements=Committee1a"
        export = f"/n/vln/data/export/?{elements}&org_unit={COUNTRY}&children=on"
        pages += [f"{export}&start={data.bad}&end={data.bad}&format={f}" for f in ("xlsx", "csv", "adx")]
    units = "&".join(f"orgUnit={u}" for u in (FACILITY, COUNTY, COUNTRY))
    pages.append(f"/api/fhir/MeasureReport?network=vln&indicator=vl-suppression&{units}&period={data.bad}")
    return pages


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_no_page_answers_500_whatever_was_accepted(data, scenario):
    scenario(data)
    case_id = _case_study(data)
    broken = []
    for persona in ("carla", "kim", "olga"):
        client = data.world.client_for(persona)
        client.raise_request_exception = False
        for path in _pages(data, case_id, persona):
            status = client.get(path).status_code
            if status >= 500 or (persona == "carla" and status != 200):
                broken.append(f"{persona} {path}: {status}")
    assert not broken, "\n".join(broken)


def test_publishing_a_case_study_keeps_a_drawing_of_flagged_data(data):
    from qicop.knowledge.cases.selectors import snapshot_svg
    from qicop.knowledge.models import CaseStudyChart

    numerator_above_denominator(data)
    _case_study(data)
    for chart in CaseStudyChart.objects.all():
        assert "<svg" in snapshot_svg(chart)
