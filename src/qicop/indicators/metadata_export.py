"""The metadata a user may export, as the integrations' Metadata bundle (written as DHIS2 JSON)."""

from __future__ import annotations

from qicop.indicators.models import (
    CategoryCombo,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    Indicator,
    OrgUnit,
)
from qicop.integrations.dhis2 import metadata as m


def metadata_for(user) -> m.Metadata:
    """Org units, data elements, disaggregations, data sets and indicators: structure, not data, so every
    member of a network may read it."""
    bundle = m.Metadata()
    for ou in OrgUnit.objects.select_related("parent").order_by("level", "name").iterator(chunk_size=2000):
        bundle.organisation_units.append(
            m.OrgUnitMeta(
                uid=ou.uid,
                name=ou.name,
                code=ou.code,
                short_name=ou.short_name or None,
                level=ou.level,
                parent=ou.parent.uid if ou.parent else None,
                path=ou.path,
                opening_date=ou.opening_date,
                closed_date=ou.closed_date,
                attribute_values=_pairs(ou),
            )
        )
    for de in DataElement.objects.select_related("category_combo"):
        bundle.data_elements.append(
            m.DataElementMeta(
                uid=de.uid,
                name=de.name,
                code=de.code,
                short_name=de.short_name or None,
                value_type=de.value_type,
                aggregation_type=de.aggregation_type,
                category_combo=de.category_combo.uid,
                zero_is_significant=de.zero_is_significant,
                attribute_values=_pairs(de),
            )
        )
    for combo in CategoryCombo.objects.prefetch_related("categories"):
        bundle.category_combos.append(
            m.CategoryComboMeta(
                uid=combo.uid,
                name=combo.name,
                code=combo.code,
                data_dimension_type=combo.data_dimension_type,
                categories=tuple(c.uid for c in combo.categories.all()),
                attribute_values=_pairs(combo),
            )
        )
    for coc in CategoryOptionCombo.objects.select_related("category_combo").prefetch_related("options"):
        bundle.category_option_combos.append(
            m.CategoryOptionComboMeta(
                uid=coc.uid,
                name=coc.name,
                code=coc.code,
                category_combo=coc.category_combo.uid,
                category_options=tuple(o.uid for o in coc.options.all()),
                attribute_values=_pairs(coc),
            )
        )
    for ds in DataSet.objects.prefetch_related("data_elements"):
        bundle.data_sets.append(
            m.DataSetMeta(
                uid=ds.uid,
                name=ds.name,
                code=ds.code,
                period_type=ds.period_type,
                data_elements=tuple(d.uid for d in ds.data_elements.all()),
                open_future_periods=ds.open_future_periods,
                attribute_values=_pairs(ds),
            )
        )
    for indicator in Indicator.objects.all():
        bundle.indicators.append(
            m.IndicatorMeta(
                uid=indicator.uid,
                name=indicator.name,
                code=indicator.code,
                numerator=indicator.numerator,
                denominator=indicator.denominator,
                decimals=indicator.decimals,
                attribute_values=_pairs(indicator),
            )
        )
    return bundle


def _pairs(obj) -> m.AttributeValues | None:
    return tuple(sorted(obj.attribute_values.items())) or None
