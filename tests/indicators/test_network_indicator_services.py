"""The writes behind the network indicator pages: what they refuse, what they record."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from qicop.core.models import AuditEntry
from qicop.indicators.models import DataElement, IndicatorMapping, NetworkIndicator
from qicop.indicators.network_indicators import services
from qicop.indicators.network_indicators.differences import indicator_differences, names_for
from qicop.network.models import Country


@pytest.fixture
def indicator(data):
    return NetworkIndicator.objects.create(network=data.world.network, code="vls", name="VL suppression")


def test_a_country_outside_the_network_is_not_mapped(data, indicator):
    elsewhere = Country.objects.create(iso2="ZM", iso3="ZMB", name="Zambia", time_zone="Africa/Lusaka")
    with pytest.raises(ValidationError, match="not a country of this network"):
        services.map_indicator(
            actor=data.world.carla.user, indicator=indicator, country=elsewhere, numerator="1"
        )
    assert not IndicatorMapping.objects.exists()


def test_an_expression_that_does_not_parse_is_refused_on_its_field(data, indicator):
    with pytest.raises(ValidationError) as refused:
        services.map_indicator(
            actor=data.world.carla.user,
            indicator=indicator,
            country=data.world.kenya,
            numerator="#{VlSupp0001a",
        )
    assert "numerator" in refused.value.message_dict
    assert not IndicatorMapping.objects.exists() and not AuditEntry.objects.exists()


def test_an_unchanged_mapping_or_indicator_writes_no_audit_entry(data, indicator):
    kwargs = {"actor": data.world.carla.user, "indicator": indicator, "country": data.world.kenya}
    services.map_indicator(**kwargs, numerator="#{VlSupp0001a}", denominator="#{VlTested01a}")
    services.map_indicator(**kwargs, numerator="#{VlSupp0001a}", denominator="#{VlTested01a}")
    services.update_network_indicator(actor=data.world.carla.user, indicator=indicator, name="VL suppression")
    assert list(AuditEntry.objects.values_list("verb", flat=True)) == ["indicator_mapping.create"]


def test_a_code_the_network_has_is_refused_even_past_the_form(data, indicator):
    with pytest.raises(ValidationError, match="already has an indicator"):
        services.create_network_indicator(
            actor=data.world.carla.user, network=data.world.network, code="vls", name="Again"
        )
    assert NetworkIndicator.objects.count() == 1


def test_an_element_another_country_keeps_is_named_as_giving_no_values(data, indicator):
    DataElement.objects.create(
        uid="HaitiOnly01",
        name="Haitian register",
        category_combo=data.default_combo,
        country=data.world.haiti,
    )
    mapping = IndicatorMapping.objects.create(
        network_indicator=indicator, country=data.world.kenya, numerator="#{HaitiOnly01}"
    )
    found = indicator_differences(indicator, [data.world.kenya], [mapping], names_for([mapping]))
    assert len(found.problems) == 1
    assert "Haitian register, which another country keeps" in found.problems[0].text
