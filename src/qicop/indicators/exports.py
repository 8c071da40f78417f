"""Writing data values in the formats ministries use; one place for the API, the CLI and the pages."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import IO

from qicop.indicators.id_schemes import IdSchemes
from qicop.indicators.models import CategoryOptionCombo
from qicop.integrations.dhis2.periods import parse_period
from qicop.integrations.dhis2.rows import DataValueRow, DataValueSetHeader

CONTENT_TYPES = {
    "csv": "application/csv",
    "xml": "application/xml",
    "adx": "application/adx+xml",
    "json": "application/json",
}


def write_values(
    fmt: str, rows: Iterable[DataValueRow], out: IO[str], *, id_schemes: IdSchemes | None = None
) -> int:
    """Write ``rows`` as DHIS2 JSON, XML, CSV or ADX to the text stream ``out``; returns how many.

    ``id_schemes`` are those the rows were exported under (``export_rows``): JSON and XML say them in their
    root, as DHIS2 does, so that the file posted back is read the way it was written."""
    from qicop.integrations.dhis2 import adx, datavalueset_csv, datavalueset_json, datavalueset_xml

    header = DataValueSetHeader(id_scheme=id_schemes.file_attributes()) if id_schemes else None
    if fmt == "csv":
        return datavalueset_csv.write(rows, out)
    if fmt == "xml":
        return datavalueset_xml.write(header, rows, out)
    if fmt == "adx":
        return adx.write(_as_adx(rows), out)
    return datavalueset_json.write(header, rows, out)


def _as_adx(rows: Iterable[DataValueRow]) -> Iterator[DataValueRow]:
    """ADX names disaggregations by category and option codes, and periods by start and duration."""
    options: dict[str, tuple[tuple[str, str], ...]] = {}
    for uid, code, category_code in CategoryOptionCombo.objects.values_list(
        "uid", "options__code", "options__categories__code"
    ):
        if code and category_code:
            options[uid] = (*options.get(uid, ()), (category_code, code))
    periods: dict[str, str] = {}
    for row in rows:
        if row.period not in periods:
            periods[row.period] = parse_period(row.period).to_adx()
        yield dataclasses.replace(
            row,
            period=periods[row.period],
            category_option_combo=None if row.category_option_combo in options else row.category_option_combo,
            category_options=options.get(row.category_option_combo, ()),
            attribute_option_combo=None
            if row.attribute_option_combo in options
            else row.attribute_option_combo,
            attribute_options=options.get(row.attribute_option_combo, ()),
        )


def people_rows(user, **filters):
    """Rows for a person's spreadsheet: names instead of UIDs, numbers as numbers."""
    from decimal import Decimal, InvalidOperation

    from qicop.indicators.selectors import visible_values

    for row in _people_source(user, visible_values, **filters):
        country, unit, code, period, element, combo, value, comment = row
        try:
            number = Decimal(value) if value is not None else None
        except InvalidOperation:
            number = value
        if combo == "default":
            combo = ""
        yield [country, unit, code, period, element, combo, number, comment or ""]


def _people_source(user, visible_values, *, data_elements, org_units, children, start, end):
    from qicop.indicators.selectors import in_org_units

    values = visible_values(user).filter(
        deleted=False,
        data_element__uid__in=data_elements,
        period__start_date__gte=start,
        period__end_date__lte=end,
    )
    values = in_org_units(values, org_units, children=children)
    return (
        values.order_by("org_unit__path", "period__start_date", "data_element__name")
        .values_list(
            "org_unit__country__name",
            "org_unit__name",
            "org_unit__code",
            "period__dhis2_id",
            "data_element__name",
            "category_option_combo__name",
            "value",
            "comment",
        )
        .iterator(chunk_size=5000)
    )
