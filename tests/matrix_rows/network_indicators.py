"""Authorization matrix rows: the network's indicators, the countries' mappings and their differences."""

from __future__ import annotations

from matrix_rows.common import expect, members_only

BASE = "/n/vln/data/indicators/"


def coordinators_only() -> dict[str, int]:
    """Defining an indicator: the network's coordinators; the others 403, outsiders 404."""
    return expect(403, carla=200, oscar=404, anonymous=302)


def kenyas_data_writers() -> dict[str, int]:
    """Mapping Kenya: the coordinator and Kenya's focal point and data manager (the one write rule)."""
    return expect(403, carla=200, faith=200, dan=200, oscar=404, anonymous=302)


def _indicator(w) -> str:
    from qicop.indicators.models import IndicatorMapping, NetworkIndicator

    indicator, _created = NetworkIndicator.objects.get_or_create(
        network=w.network, code="second-95", defaults={"name": "Second 95"}
    )
    IndicatorMapping.objects.get_or_create(
        network_indicator=indicator, country=w.kenya, defaults={"numerator": "#{TxCurr0001a}"}
    )
    return BASE + "second-95/"


# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "indicators:network_indicators": (lambda w: BASE, members_only()),
    "indicators:network_indicator_create": (lambda w: BASE + "new/", coordinators_only()),
    "indicators:definition_differences": (lambda w: BASE + "differences/", members_only()),
    "indicators:network_indicator": (_indicator, members_only()),
    "indicators:network_indicator_edit": (lambda w: _indicator(w) + "edit/", coordinators_only()),
    "indicators:indicator_mapping": (lambda w: _indicator(w) + "countries/KE/", kenyas_data_writers()),
    "indicators:indicator_mapping_remove": (
        lambda w: _indicator(w) + "countries/KE/remove/",
        kenyas_data_writers(),
    ),
}
