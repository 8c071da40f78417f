"""The simple spreadsheet template (CSV or XLSX) for countries without DHIS2, turned into data value rows.

Each template row names an org unit and a data element or indicator by code. A value goes to the data
element; a numerator and denominator go to the two data elements of the indicator's definition (a DHIS2
indicator of that code, or the network indicator as mapped for the org unit's country), which must each be
a single data element (``#{uid}`` or ``#{uid.coc}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from qicop.indicators.models import DataElement, Indicator, IndicatorMapping, OrgUnit
from qicop.integrations.dhis2.expressions import ExpressionError, parse_expression
from qicop.integrations.dhis2.rows import DataValueRow
from qicop.integrations.errors import FormatError
from qicop.integrations.spreadsheet import TemplateRow


def template_rows(rows: Iterable[TemplateRow]) -> Iterator[DataValueRow]:
    """Data value rows, identified by CODE, for the importer; FormatError for an indicator it cannot split."""
    codes = dict(DataElement.objects.values_list("uid", "code"))
    countries = dict(OrgUnit.objects.exclude(code=None).values_list("code", "country_id"))
    splits: dict[tuple[str, int | None], tuple[tuple[str, str | None], tuple[str, str | None]]] = {}
    index = 0
    for row in rows:
        if row.value is not None:
            yield DataValueRow(
                row.code,
                row.period,
                row.org_unit,
                category_option_combo=row.category_option_combo,
                value=row.value,
                comment=row.comment,
                index=index,
                line=row.line,
            )
            index += 1
            continue
        key = (row.code, countries.get(row.org_unit))
        if key not in splits:
            splits[key] = _split(row, key[1], codes)
        for (element, combo), value in zip(splits[key], (row.numerator, row.denominator), strict=True):
            if value is not None:
                yield DataValueRow(
                    element,
                    row.period,
                    row.org_unit,
                    category_option_combo=combo,
                    value=value,
                    comment=row.comment,
                    index=index,
                    line=row.line,
                )
                index += 1


def _split(row: TemplateRow, country_id: int | None, codes: dict[str, str]):
    indicator = Indicator.objects.filter(code=row.code).first()
    mapping = (
        None
        if indicator
        else IndicatorMapping.objects.filter(network_indicator__code=row.code, country_id=country_id).first()
    )
    source = indicator or mapping
    if source is None:
        raise FormatError(
            _(
                "Row %(line)s: %(code)s is neither a data element with a value nor an indicator "
                "with a numerator and denominator"
            )
            % {"line": row.line, "code": row.code},
            line=row.line,
        )
    parts = []
    for expression in (source.numerator, source.denominator):
        try:
            operands = parse_expression(expression).operands()
        except ExpressionError:
            operands = frozenset()
        if len(operands) != 1:
            raise FormatError(
                _(
                    "Row %(line)s: the definition of %(code)s is not one data element over another, "
                    "so give its data elements' values instead"
                )
                % {"line": row.line, "code": row.code},
                line=row.line,
            )
        operand = next(iter(operands))
        parts.append((codes.get(operand.data_element) or operand.data_element, operand.category_option_combo))
    return tuple(parts)
