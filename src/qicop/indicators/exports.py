"""Writing data values in the formats ministries use; one place for the API, the CLI and the pages."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import IO

from django.utils import timezone

from qicop.indicators.id_schemes import IdScheme, IdSchemes
from qicop.indicators.models import CategoryCombo, CategoryOptionCombo, DataElement, DataSet
from qicop.indicators.selectors import in_org_units, visible_values
from qicop.indicators.values import NUMERIC_TYPES
from qicop.integrations.dhis2 import adx, datavalueset_csv, datavalueset_json, datavalueset_xml
from qicop.integrations.dhis2.periods import parse_period
from qicop.integrations.dhis2.rows import DataValueRow, DataValueSetHeader

CONTENT_TYPES = {
    "csv": "application/csv",
    "xml": "application/xml",
    "adx": "application/adx+xml",
    "json": "application/json",
}


def default_id_scheme(fmt: str) -> str:
    """The identifiers an export uses when the request names none: codes for ADX, as DHIS2 does both ways
    (spec formats.md §1.5, §2), UIDs otherwise."""
    return "CODE" if fmt == "adx" else "UID"


def write_values(
    fmt: str,
    rows: Iterable[DataValueRow],
    out: IO[str],
    *,
    id_schemes: IdSchemes | None = None,
    data_sets: Iterable[str] = (),
) -> int:
    """Write ``rows`` as DHIS2 JSON, XML, CSV or ADX to the text stream ``out``; returns how many.

    ``id_schemes`` are those the rows were exported under (``selectors.export_rows``): JSON and XML say them
    in their root, as DHIS2 does, so that the file posted back is read the way it was written; ADX needs them
    to find the category codes, data sets and value types behind the rows' identifiers. ``data_sets`` (UIDs
    or codes) are the data sets asked for, which name each ADX group in preference to other data sets of the
    same data element. An ADX export with no value raises :class:`~qicop.integrations.dhis2.adx.NoValues`
    before writing anything.
    """
    schemes = id_schemes or IdSchemes()
    header = DataValueSetHeader(id_scheme=schemes.file_attributes()) if id_schemes else None
    if fmt == "csv":
        return datavalueset_csv.write(rows, out)
    if fmt == "xml":
        return datavalueset_xml.write(header, rows, out)
    if fmt == "adx":
        meta = _AdxMetadata(schemes, list(data_sets))
        return adx.write(
            meta.as_adx(rows),
            out,
            data_sets=meta.data_set_of,
            annotated=meta.non_numeric_elements,
            exported=timezone.now(),
        )
    return datavalueset_json.write(header, rows, out)


def _identifier(scheme: IdScheme, uid: str, code: str | None, name: str, attributes: dict | None) -> str:
    """How ``export_rows`` names an object under ``scheme``: by its UID where it has no code or no value of
    the attribute (IdScheme.expression)."""
    if scheme.kind == "CODE":
        return code or uid
    if scheme.kind == "NAME":
        return name or uid
    if scheme.kind == "ATTRIBUTE":
        return (attributes or {}).get(scheme.attribute) or uid
    return uid


class _AdxMetadata:
    """What ADX needs beyond the rows: each combo's (category code, option code) pairs, each data element's
    data set, and which data elements carry text. A handful of queries over metadata, not over values."""

    def __init__(self, schemes: IdSchemes, requested_data_sets: list[str]):
        combos, elements = schemes.category_option_combos, schemes.data_elements
        self.options = self._combo_options(combos)
        self.default_combos = {
            _identifier(combos, *ids)
            for ids in CategoryOptionCombo.objects.filter(name="default").values_list(
                "uid", "code", "name", "attribute_values"
            )
        }
        self.non_numeric_elements = {
            _identifier(elements, *ids)
            for ids in DataElement.objects.exclude(value_type__in=NUMERIC_TYPES).values_list(
                "uid", "code", "name", "attribute_values"
            )
        }
        # The data set of each data element: a requested one first, then the others by code.
        requested = {key: rank for rank, key in enumerate(requested_data_sets)}
        memberships = DataSet.data_elements.through.objects.values_list(
            "dataset__uid",
            "dataset__code",
            "dataset__name",
            "dataset__attribute_values",
            "dataelement__uid",
            "dataelement__code",
            "dataelement__name",
            "dataelement__attribute_values",
        )

        def preference(row):
            rank = min(requested.get(row[0], len(requested)), requested.get(row[1], len(requested)))
            return (rank, row[1] or "", row[0])

        self.data_set_of: dict[str, str] = {}
        for row in sorted(memberships, key=preference):
            # A data set is named as DHIS2's ADX names it by default: by the set-level scheme.
            self.data_set_of.setdefault(
                _identifier(elements, *row[4:]), _identifier(schemes.general, *row[:4])
            )

    @staticmethod
    def _combo_options(scheme: IdScheme) -> dict[str, tuple[tuple[str, str], ...]]:
        # An option's category is the one of the combo's own category combination that holds it; pairs
        # follow the order of the categories in that combination, as DHIS2 writes them.
        category_of = {}
        for position, combo_id, option_id, category_code in CategoryCombo.categories.through.objects.order_by(
            "id"
        ).values_list("id", "categorycombo_id", "category__options", "category__code"):
            if option_id is not None:
                category_of[(combo_id, option_id)] = (position, category_code)
        pairs: dict[int, list[tuple[int, str, str] | None]] = {}
        names = {}
        for coc_id, uid, code, name, attributes, combo_id, option_id, option_code in (
            CategoryOptionCombo.objects.exclude(options=None)
            .values_list(
                "id",
                "uid",
                "code",
                "name",
                "attribute_values",
                "category_combo_id",
                "options",
                "options__code",
            )
            .order_by("id")
        ):
            position, category_code = category_of.get((combo_id, option_id), (0, None))
            found = pairs.setdefault(coc_id, [])
            found.append((position, category_code, option_code) if category_code and option_code else None)
            names[coc_id] = _identifier(scheme, uid, code, name, attributes)
        # A combo with an option that has no code (or no category code) cannot be named by codes in ADX: it
        # keeps its categoryOptionCombo attribute.
        return {
            names[coc]: tuple((category, option) for _position, category, option in sorted(found))
            for coc, found in pairs.items()
            if None not in found
        }

    def as_adx(self, rows: Iterable[DataValueRow]) -> Iterator[DataValueRow]:
        """ADX names disaggregations by category and option codes, and periods by start and duration; the
        default combination is no disaggregation at all."""
        options, defaults = self.options, self.default_combos
        periods: dict[str, str] = {}
        for row in rows:
            if row.period not in periods:
                periods[row.period] = parse_period(row.period).to_adx()
            coc, aoc = row.category_option_combo, row.attribute_option_combo
            yield dataclasses.replace(
                row,
                period=periods[row.period],
                category_option_combo=None if coc in options or coc in defaults else coc,
                category_options=options.get(coc, ()),
                attribute_option_combo=None if aoc in options or aoc in defaults else aoc,
                attribute_options=options.get(aoc, ()),
            )


def people_rows(user, **filters):
    """Rows for a person's spreadsheet: names instead of UIDs, numbers as numbers."""
    from decimal import Decimal, InvalidOperation

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
