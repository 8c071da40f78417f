"""Who may change a chart's baseline, phases and annotations: whoever writes the country's data
(indicators.permissions.WriteScope: its focal points and data managers, and its coordinators)."""

from qicop.indicators.permissions import WriteScope


def can_edit_chart(user, org_unit) -> bool:
    return WriteScope.of(user).writes_country(org_unit.country_id)
