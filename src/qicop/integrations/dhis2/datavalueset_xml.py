"""DHIS2 data value sets as XML (DXF 2): a streaming, entity-safe reader and a streaming writer.

Format (spec ``formats.md`` §1.3), everything an attribute::

    <dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" dataSet= completeDate= period= orgUnit=
                  attributeOptionCombo= idScheme= …>
      <dataValue dataElement= period= orgUnit= categoryOptionCombo= attributeOptionCombo= value= storedBy=
                 created= lastUpdated|timestamp= comment= followup= deleted=/>
    </dataValueSet>

Rules applied by :func:`read`:

- The root is ``dataValueSet`` in the DXF namespace or in no namespace (older clients and the un-namespaced
  ``adx/dhis2-adx/adx_sample.xml``); anything else is a :class:`FormatError`.
- Root attributes are the header; ``period``, ``orgUnit``, ``attributeOptionCombo`` are defaults for every
  value (a value's own non-empty attribute wins); an empty header attribute (``attributeOptionCombo=""`` in
  ``dataValueSetD2.xml``) counts as absent.
- ``timestamp`` is the legacy name of ``lastUpdated``; ``followup`` and ``followUp`` are both read; booleans
  use DHIS2's spellings. Attribute names are case-sensitive, as in DHIS2: ``data_Element`` or ``Value``
  (``test-xml-bad-attributes.xml``) are unknown, so that value lacks its data element or its value and the
  importer reports it. Rows are never skipped; a missing dataElement/period/orgUnit is ``""``.
- Each row carries the line of its ``<dataValue`` tag.
- Security: a DTD, an entity declaration or an external reference is refused outright (FormatError "XML
  entities are not allowed"); parsing goes through defusedxml's expat parser, which forbids them before
  expansion.
- Malformed XML raises FormatError with expat's line and column, when the rows generator reaches it. Errors
  before the root element (prolog, DTD) are raised by :func:`read` itself, since the header comes from the
  root.
- Limits (``qicop.integrations.limits``): at most ``max_depth`` levels of elements, and no tag or text
  longer than ``max_text`` bytes; a document past one is refused with a FormatError naming the limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from qicop.integrations.dhis2.formats import binary_stream, parse_flag
from qicop.integrations.dhis2.rows import VALUE_KEYS, DataValueRow, DataValueSetHeader
from qicop.integrations.errors import FormatError, LimitExceeded
from qicop.integrations.limits import ParseLimits, current, megabytes

DXF_NAMESPACE = "http://dhis2.org/schema/dxf/2.0"
START, END = 1, 2
_CHUNK = 64 * 1024
ID_SCHEME_KEYS = (
    "idScheme",
    "dataElementIdScheme",
    "orgUnitIdScheme",
    "categoryOptionComboIdScheme",
    "attributeOptionComboIdScheme",
    "dataSetIdScheme",
    "categoryIdScheme",
    "categoryOptionIdScheme",
)


class _Recorder:
    """Parser target that records start/end events with the line and column of each start tag.

    The events of one chunk are drained by :func:`xml_events` before the next chunk is fed, so memory holds
    one chunk's worth of events and never a tree. ``with_text`` also records the text directly inside each
    element (ADX needs ``<annotation>``); DXF has none, and skipping it is faster. The recorder refuses a
    document nested deeper than ``limits.max_depth``, with more than ``max_elements`` elements, or with a
    text longer than ``limits.max_text``.
    """

    def __init__(self, with_text: bool, limits: ParseLimits, max_elements: int | None):
        self.events: list[tuple] = []
        self.expat = None
        self._text: list[str] = []
        self._text_length = 0
        self._depth = 0
        self._elements = 0
        self._limits = limits
        self._max_elements = max_elements
        if with_text:
            self.data = self._data

    def _data(self, text: str) -> None:
        self._text.append(text)
        self._text_length += len(text)
        if self._text_length > self._limits.max_text:
            raise self._refusal(
                f"A text is longer than {megabytes(self._limits.max_text)} (the limit for one text)"
            )

    def _refusal(self, message: str) -> FormatError:
        return LimitExceeded(
            message, line=self.expat.CurrentLineNumber, column=self.expat.CurrentColumnNumber + 1
        )

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self._text.clear()
        self._text_length = 0
        self._depth += 1
        if self._depth > self._limits.max_depth:
            raise self._refusal(
                f"The XML is nested more than {self._limits.max_depth} levels deep (the limit)"
            )
        self._elements += 1
        if self._max_elements is not None and self._elements > self._max_elements:
            raise self._refusal(f"The XML holds more than {self._max_elements:,} elements (the limit)")
        self.events.append(
            (START, tag, attrib, self.expat.CurrentLineNumber, self.expat.CurrentColumnNumber + 1)
        )

    def end(self, tag: str) -> None:
        self._depth -= 1
        text = "".join(self._text)
        self._text.clear()
        self._text_length = 0
        self.events.append((END, tag, text))

    def close(self) -> None:
        return None


def xml_events(
    stream: IO[bytes],
    *,
    with_text: bool = False,
    limits: ParseLimits | None = None,
    max_elements: int | None = None,
) -> Iterator[tuple]:
    """Stream ``(START, tag, attrib, line, column)`` and ``(END, tag, text)`` events from untrusted XML.

    Tags are ``{namespace}local`` as in ElementTree. Raises FormatError for DTDs/entities, malformed XML,
    and a document past a limit (``limits``, by default those in force): nesting, a tag or text longer than
    ``max_text`` bytes (checked on the bytes, before the parser buffers them), more than ``max_elements``
    elements when given.
    """
    limits = limits or current()
    recorder = _Recorder(with_text, limits, max_elements)
    parser = DefusedXMLParser(target=recorder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    expat = parser.parser
    recorder.expat = expat
    events = recorder.events
    since_tag_end = 0  # bytes since the last ">": expat keeps a whole start tag in memory before its event
    while True:
        chunk = stream.read(_CHUNK)
        if chunk:
            first = chunk.find(b">")
            since_tag_end += len(chunk) if first < 0 else first
            if since_tag_end > limits.max_text:
                raise LimitExceeded(
                    f"A tag or text is longer than {megabytes(limits.max_text)} (the limit for one text)",
                    line=expat.CurrentLineNumber,
                )
            if first >= 0:
                since_tag_end = len(chunk) - chunk.rfind(b">") - 1
        try:
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
        except DefusedXmlException:
            raise FormatError(
                "XML entities are not allowed",
                line=expat.CurrentLineNumber,
                column=expat.CurrentColumnNumber + 1,
            ) from None
        except ParseError as exc:
            line, column = exc.position
            message = str(exc).split(": line ")[0]
            raise FormatError(f"Malformed XML: {message}", line=line, column=column + 1) from None
        if events:
            yield from events
            events.clear()
        if not chunk:
            return


def local_name(tag: str) -> tuple[str | None, str]:
    """``{ns}name`` → ``(ns, name)``; an un-namespaced tag has namespace None."""
    if tag[0] == "{":
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return None, tag


def root_element(events: Iterator[tuple], expected: str, namespaces: tuple[str | None, ...]) -> tuple:
    """The root start event, checked against the expected local name and namespaces."""
    for event in events:
        if event[0] == START:
            namespace, name = local_name(event[1])
            if name != expected or namespace not in namespaces:
                found = f"{{{namespace}}}{name}" if namespace else name
                raise FormatError(
                    f"Expected a <{expected}> document, found <{found}>", line=event[3], column=event[4]
                )
            return event
    raise FormatError("The file holds no XML element", line=1, column=1)


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def read(fileobj: IO[bytes]) -> tuple[DataValueSetHeader, Iterator[DataValueRow]]:
    """Read a DHIS2 XML data value set from a binary stream; see the module docstring for the rules."""
    events = xml_events(binary_stream(fileobj))
    _, _, attrib, _, _ = root_element(events, "dataValueSet", (DXF_NAMESPACE, None))
    header = DataValueSetHeader(
        data_set=_blank_to_none(attrib.get("dataSet")),
        complete_date=_blank_to_none(attrib.get("completeDate") or attrib.get("completedDate")),
        period=_blank_to_none(attrib.get("period")),
        org_unit=_blank_to_none(attrib.get("orgUnit")),
        attribute_option_combo=_blank_to_none(attrib.get("attributeOptionCombo")),
        id_scheme={key: attrib[key] for key in ID_SCHEME_KEYS if attrib.get(key)},
    )
    return header, _rows(events, header)


def _rows(events: Iterator[tuple], header: DataValueSetHeader) -> Iterator[DataValueRow]:
    period, org_unit, aoc = header.period or "", header.org_unit or "", header.attribute_option_combo
    names = {f"{{{DXF_NAMESPACE}}}dataValue", "dataValue"}
    depth = 1
    index = 0
    for event in events:
        if event[0] == END:
            depth -= 1
            continue
        depth += 1
        if depth != 2 or event[1] not in names:
            continue
        get = event[2].get
        line = event[3]
        updated = get("lastUpdated")
        if updated is None:
            updated = get("timestamp")
        follow_up = get("followup")
        if follow_up is None:
            follow_up = get("followUp")
        deleted = get("deleted")
        attrib = event[2]
        unknown = () if attrib.keys() <= VALUE_KEYS else tuple(sorted(attrib.keys() - VALUE_KEYS))
        yield DataValueRow(
            get("dataElement") or "",
            get("period") or period,
            get("orgUnit") or org_unit,
            get("categoryOptionCombo") or None,
            get("attributeOptionCombo") or aoc,
            get("value"),
            get("storedBy"),
            get("created"),
            updated,
            get("comment"),
            None if follow_up is None else parse_flag(follow_up, "followup", index=index, line=line),
            None if deleted is None else parse_flag(deleted, "deleted", index=index, line=line),
            (),
            (),
            index,
            line,
            unknown,
        )
        index += 1


def write(header: DataValueSetHeader | None, rows: Iterable[DataValueRow], out: IO[str]) -> int:
    """Write a DXF 2 XML data value set to the text stream ``out``, one value at a time; return the count.

    Fields that are None are left out; booleans are written ``true``/``false``. Rows carrying ADX
    ``category_options`` must be resolved to a category option combo first (DXF has no place for them).
    """
    header = header or DataValueSetHeader()
    out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<dataValueSet xmlns="{DXF_NAMESPACE}"')
    for key, value in (
        ("dataSet", header.data_set),
        ("completeDate", header.complete_date),
        ("period", header.period),
        ("orgUnit", header.org_unit),
        ("attributeOptionCombo", header.attribute_option_combo),
        *header.id_scheme.items(),
    ):
        if value is not None:
            out.write(f" {key}={quoteattr(value)}")
    out.write(">\n")
    count = 0
    for row in rows:
        parts = ["  <dataValue"]
        for key, value in (
            ("dataElement", row.data_element),
            ("period", row.period),
            ("orgUnit", row.org_unit),
            ("categoryOptionCombo", row.category_option_combo),
            ("attributeOptionCombo", row.attribute_option_combo),
            ("value", row.value),
            ("storedBy", row.stored_by),
            ("created", row.created),
            ("lastUpdated", row.last_updated),
            ("comment", row.comment),
        ):
            if value is not None:
                parts.append(f"{key}={quoteattr(value)}")
        if row.follow_up is not None:
            parts.append(f'followup="{"true" if row.follow_up else "false"}"')
        if row.deleted is not None:
            parts.append(f'deleted="{"true" if row.deleted else "false"}"')
        out.write(" ".join(parts) + "/>\n")
        count += 1
    out.write("</dataValueSet>\n")
    return count
