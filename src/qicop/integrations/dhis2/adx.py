"""IHE ADX (Aggregate Data Exchange) documents: a streaming, entity-safe reader and a streaming writer.

Format (spec ``formats.md`` §2; IHE QRPH ADX supplement; ``adx_loose.xsd``)::

    <adx xmlns="urn:ihe:qrph:adx:2015" exported="2024-02-01T10:00:00Z">
      <group dataSet="HIV" orgUnit="FAC_1" period="2024-01-01/P1M" completeDate="…" MECHANISM="PEPFAR">
        <dataValue dataElement="TX_CURR" SEX="F" AGE_GROUP="P15Y--P20Y" value="12">
          <annotation>optional text</annotation>
        </dataValue>
      </group>
    </adx>

Rules applied by :func:`read_groups` and :func:`read`:

- The root is ``adx`` in the 2015 namespace, in the pre-2015 ``http://ihe.net/quality/schema/adx`` namespace
  (``dhis2-adx/adx_data_sample_reportingtime.xml``) or in none (the ADX-HIV drafts,
  ``madx-hiv/data-sample.xml``). Anything else — e.g. the old un-namespaced ``<dataValueSet>`` of
  ``dhis2-adx/adx_sample.xml``, which is DXF and which :func:`~qicop.integrations.dhis2.formats.detect_format`
  sends to the XML reader — is a FormatError.
- Group attributes ``dataSet, orgUnit, period, completeDate`` and legacy ``attributeOptionCombo`` are read as
  such; ``comment`` and ``dataSetComplete`` are group metadata; every other un-namespaced group attribute is
  an attribute-category dimension (``mechanism="PEPFAR"``), given to each row as ``attribute_options`` pairs
  (category code, option code) in document order.
- DataValue attributes ``dataElement, value, categoryOptionCombo`` (DHIS2's alternative to disaggregation
  attributes), ``created``, ``lastUpdated`` (also accepted as child elements, the attribute wins),
  ``storedBy``, ``comment``, ``followUp``/``followup`` and ``deleted`` are fields; every other un-namespaced
  attribute is a disaggregation, given as ``category_options`` pairs in document order. Rows may be ragged.
- ``<annotation>`` text is the row's ``annotation`` and, unless the dataValue has a ``comment`` attribute,
  its ``comment`` too. DHIS2 carries the values of non-numeric data elements (text, yes/no, dates) there,
  with a placeholder ``value``: the importer takes the value of such elements from the annotation.
- Codes are ``xs:token``: surrounding whitespace is dropped (``"P20Y--P25Y "`` in ADX-HIV).
- ``period`` is kept as written (``2015-01-01/P1M``, but also SDMX ``2015-M03`` or bad ``2015-01-01``): the
  importer parses it and reports a conflict for what it cannot read.
- ``dataSet`` may be absent (ADX-HIV); rows are never skipped, a missing dataElement/orgUnit/period is ``""``.
- Security and errors are those of the DXF XML reader: DTDs and entities are refused ("XML entities are not
  allowed"), malformed XML raises FormatError with line and column where it occurs.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from qicop.integrations.dhis2.datavalueset_xml import START, local_name, root_element, xml_events
from qicop.integrations.dhis2.formats import ADX_NAMESPACES, binary_stream, parse_flag
from qicop.integrations.dhis2.rows import DataValueRow, DataValueSetHeader
from qicop.integrations.errors import FormatError

ADX_NAMESPACE = ADX_NAMESPACES[0]
_GROUP_FIELDS = frozenset(("dataSet", "orgUnit", "period", "completeDate", "attributeOptionCombo"))
_GROUP_METADATA = frozenset(("comment", "dataSetComplete"))
_VALUE_FIELDS = frozenset(
    (
        "dataElement",
        "value",
        "categoryOptionCombo",
        "created",
        "lastUpdated",
        "storedBy",
        "comment",
        "followUp",
        "followup",
        "deleted",
    )
)


@dataclass(frozen=True, slots=True)
class AdxGroup:
    """One ``<group>``: the data set, org unit, period and attribute options shared by its values."""

    data_set: str | None
    org_unit: str
    period: str
    complete_date: str | None = None
    attribute_option_combo: str | None = None
    attribute_options: tuple[tuple[str, str], ...] = ()
    comment: str | None = None
    line: int | None = None
    rows: list[DataValueRow] = field(default_factory=list)


def _token(value: str | None) -> str | None:
    return value.strip() if value is not None else None


def _dimensions(attrib: dict[str, str], known: frozenset[str]) -> tuple[tuple[str, str], ...]:
    # Namespaced attributes (xsi:schemaLocation…) are not dimensions; "{" marks them in ElementTree names.
    return tuple(
        (name, value.strip()) for name, value in attrib.items() if name not in known and name[0] != "{"
    )


def read(fileobj: IO[bytes]) -> tuple[DataValueSetHeader, Iterator[DataValueRow]]:
    """Read an ADX document as rows (all groups in order, ``index`` counting across groups).

    The header is empty: ADX has a data set per group, which :func:`read_groups` gives.
    """
    groups = read_groups(fileobj)
    return DataValueSetHeader(), (row for group in groups for row in group.rows)


def read_groups(fileobj: IO[bytes]) -> Iterator[AdxGroup]:
    """Stream an ADX document one group at a time (a group holds one org unit × period, so it is small)."""
    events = xml_events(binary_stream(fileobj), with_text=True)
    root_element(events, "adx", (*ADX_NAMESPACES, None))
    return _groups(events)


def _groups(events: Iterator[tuple]) -> Iterator[AdxGroup]:
    depth = 1
    index = 0
    group: AdxGroup | None = None
    value_start: tuple | None = None
    children: dict[str, str] = {}
    for event in events:
        if event[0] == START:
            depth += 1
            name = local_name(event[1])[1]
            if depth == 2 and name == "group":
                attrib = event[2]
                group = AdxGroup(
                    data_set=_token(attrib.get("dataSet")) or None,
                    org_unit=_token(attrib.get("orgUnit")) or "",
                    period=_token(attrib.get("period")) or "",
                    complete_date=_token(attrib.get("completeDate")) or None,
                    attribute_option_combo=_token(attrib.get("attributeOptionCombo")) or None,
                    attribute_options=_dimensions(attrib, _GROUP_FIELDS | _GROUP_METADATA),
                    comment=attrib.get("comment"),
                    line=event[3],
                )
            elif depth == 3 and name == "dataValue" and group is not None:
                value_start = event
                children = {}
            continue
        depth -= 1
        name = local_name(event[1])[1]
        if depth == 3 and value_start is not None:
            children[name] = event[2].strip()
        elif depth == 2 and name == "dataValue" and value_start is not None:
            group.rows.append(_row(group, value_start, children, index))
            index += 1
            value_start = None
        elif depth == 1 and name == "group" and group is not None:
            yield group
            group = None


def _row(group: AdxGroup, start: tuple, children: dict[str, str], index: int) -> DataValueRow:
    attrib, line = start[2], start[3]
    get = attrib.get
    follow_up = get("followUp", get("followup"))
    deleted = get("deleted")
    value = get("value")
    return DataValueRow(
        data_element=_token(get("dataElement")) or "",
        period=group.period,
        org_unit=group.org_unit,
        category_option_combo=_token(get("categoryOptionCombo")) or None,
        attribute_option_combo=group.attribute_option_combo,
        value=value.strip() if value is not None else None,
        stored_by=get("storedBy"),
        created=get("created") or children.get("created") or None,
        last_updated=get("lastUpdated") or children.get("lastUpdated") or None,
        comment=get("comment") or children.get("annotation") or None,
        follow_up=None if follow_up is None else parse_flag(follow_up, "followUp", index=index, line=line),
        deleted=None if deleted is None else parse_flag(deleted, "deleted", index=index, line=line),
        category_options=_dimensions(attrib, _VALUE_FIELDS),
        attribute_options=group.attribute_options,
        index=index,
        line=line,
        annotation=children.get("annotation"),
    )


# xs:decimal: digits with an optional sign and point, no exponent (adx_loose.xsd types ``value`` so).
_XS_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


class NoValues(FormatError):
    """Nothing to write: the ADX schema needs at least one group holding at least one dataValue, so an ADX
    document cannot say "no data" (a made-up value would be imported as data)."""


def _decimal_text(value: str | None) -> str | None:
    """``value`` as an xs:decimal (``1E+3`` → ``1000``), or None when it is no finite number."""
    if not value:
        return None
    text = value.strip()
    if _XS_DECIMAL.fullmatch(text):
        return text
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return format(number, "f") if number.is_finite() else None


def write(
    rows: Iterable[DataValueRow],
    out: IO[str],
    *,
    data_set: str | None = None,
    data_sets: Mapping[str, str] | None = None,
    annotated: Container[str] | None = None,
    exported: datetime,
) -> int:
    """Write rows as an ADX document to the text stream ``out``, streaming; return the number of values.

    Consecutive rows with the same data set, org unit, period and attribute options (or attribute option
    combo) share a ``<group>``; sort rows by those keys for compact output. Every group carries ``dataSet``
    (DHIS2 needs it to import): ``data_sets[row.data_element]``, else ``data_set``; a group is written without
    one only when neither names it. ``period`` must already be an ADX period (``start/duration``): converting
    DHIS2 period ids is the periods module's job. Category and attribute option codes must be XML names (ADX
    requires it); a FormatError names the row otherwise.

    Values of the data elements in ``annotated`` (the non-numeric ones: text, yes/no, dates) go into
    ``<annotation>`` with ``value="0"``, as DHIS2 writes them and reads them back; the comment of such a
    value is not written. Other values are written as decimals, and their comment, if any, is the
    annotation. Without ``annotated``, a value that is not a number is taken for text. A row without a
    value (a deletion) is written with ``value="0"`` and ``deleted="true"``, since the schema requires one.

    ``exported`` is the moment the document is written (the caller's clock, never read here).

    Raises :class:`NoValues` before writing anything when there are no rows (see its docstring).
    """
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        raise NoValues("there is no value to write, and an ADX document needs at least one")
    stamp = exported.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    out.write(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<adx xmlns="{ADX_NAMESPACE}" exported={quoteattr(stamp)}>\n'
    )
    data_sets = data_sets or {}
    current = None
    count = 0
    for row in itertools.chain((first,), rows):
        row_data_set = data_sets.get(row.data_element, data_set)
        key = (row_data_set, row.org_unit, row.period, row.attribute_option_combo, row.attribute_options)
        if key != current:
            if current is not None:
                out.write("  </group>\n")
            attributes = [("orgUnit", row.org_unit), ("period", row.period)]
            if row_data_set:
                attributes.insert(0, ("dataSet", row_data_set))
            if row.attribute_option_combo and not row.attribute_options:
                attributes.append(("attributeOptionCombo", row.attribute_option_combo))
            attributes.extend(row.attribute_options)
            out.write(f"  <group {_attributes(attributes, row)}>\n")
            current = key
        out.write(_data_value(row, annotated))
        count += 1
    out.write("  </group>\n</adx>\n")
    return count


def _data_value(row: DataValueRow, annotated: Container[str] | None) -> str:
    attributes = [("dataElement", row.data_element)]
    if row.category_option_combo and not row.category_options:
        attributes.append(("categoryOptionCombo", row.category_option_combo))
    attributes.extend(row.category_options)
    annotation = row.comment
    number = _decimal_text(row.value)
    is_text = row.data_element in annotated if annotated is not None else number is None
    if row.value is None:
        attributes.append(("value", "0"))
        annotation = None
    elif is_text or number is None:
        attributes.append(("value", "0"))
        annotation = row.value
    else:
        attributes.append(("value", number))
    if row.value is None or row.deleted:
        attributes.append(("deleted", "true"))
    for name, value in (("created", row.created), ("lastUpdated", row.last_updated)):
        if value:
            attributes.append((name, value))
    text = _attributes(attributes, row)
    if annotation:
        note = f"<annotation>{escape(annotation)}</annotation>"
        return f"    <dataValue {text}>\n      {note}\n    </dataValue>\n"
    return f"    <dataValue {text}/>\n"


def _attributes(pairs: list[tuple[str, str]], row: DataValueRow) -> str:
    for name, _ in pairs:
        if not name.replace("_", "a").replace("-", "a").replace(".", "a").isalnum() or not (
            name[0].isalpha() or name[0] == "_"
        ):
            raise FormatError(
                f"{name!r} is not an XML name, so it cannot be an ADX category code", index=row.index
            )
    return " ".join(f"{name}={quoteattr(value)}" for name, value in pairs)
