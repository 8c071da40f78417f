"""Writing data values in the formats ministries use; one place for the API, the CLI and the pages."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import IO

from qicop.indicators.models import CategoryOptionCombo
from qicop.integrations.dhis2.periods import parse_period
from qicop.integrations.dhis2.rows import DataValueRow

CONTENT_TYPES = {
    "csv": "application/csv",
    "xml": "application/xml",
    "adx": "application/adx+xml",
    "json": "application/json",
}


def write_values(fmt: str, rows: Iterable[DataValueRow], out: IO[str]) -> int:
    """Write ``rows`` as DHIS2 JSON, XML, CSV or ADX to the text stream ``out``; returns how many."""
    from qicop.integrations.dhis2 import adx, datavalueset_csv, datavalueset_json, datavalueset_xml

    if fmt == "csv":
        return datavalueset_csv.write(rows, out)
    if fmt == "xml":
        return datavalueset_xml.write(None, rows, out)
    if fmt == "adx":
        return adx.write(_as_adx(rows), out)
    return datavalueset_json.write(None, rows, out)


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
