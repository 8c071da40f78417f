"""FHIR R4 (4.0.1) MeasureReport: read JSON and XML, write JSON, and turn summaries into DHIS2-style rows.

Format rules (spec ``formats.md`` §3; http://hl7.org/fhir/R4/measurereport.html):

* ``resourceType`` ``MeasureReport``; required ``status`` (complete | pending | error), ``type`` (individual |
  subject-list | summary | data-collection), ``measure`` (canonical URL) and ``period``. A ``Bundle`` is read
  as the list of the MeasureReports among its entries; any other resource (a ``Measure``, a ``Library``) is
  refused with a :class:`FormatError` saying what it is.
* ``group[]{code, population[]{code, count}, measureScore, stratifier[]{code[], stratum[]}}``; a stratum has
  either one ``value`` (CodeableConcept) or ``component[]{code, value}``. Population codes come from
  ``http://terminology.hl7.org/CodeSystem/measure-population``, but real files often omit the system
  (the R4 examples), so only the code is compared.
* Every number is a :class:`~decimal.Decimal` (JSON is parsed with ``parse_float=Decimal``; XML values are
  text) and written back digit for digit; counts are non-negative integers.
* Tolerated R5 spellings (``*-r5.json``): ``measureScoreQuantity`` and stratum ``valueCodeableConcept``;
  ``linkId`` is ignored. The result is the same data as the R4 form.
* XML: namespace ``http://hl7.org/fhir`` is required; DTDs and entities are refused (defusedxml), and a
  draft containing a literal ``...`` line is reported as such. Primitive elements carry ``value=``;
  narrative (XHTML) is skipped.
* Limits (``qicop.integrations.limits``): a document is read whole, so it may be at most ``max_document``
  bytes, nest ``max_depth`` levels and hold ``max_nodes`` values or elements; past one it is refused with
  a FormatError naming the limit, before anything is built.
"""

from __future__ import annotations

import calendar
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from qicop.integrations.dhis2.datavalueset_xml import xml_events
from qicop.integrations.dhis2.rows import DataValueRow
from qicop.integrations.errors import FormatError, LimitExceeded
from qicop.integrations.limits import current, load_json, read_document

FHIR_NS = "http://hl7.org/fhir"
POPULATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/measure-population"
STATUSES = ("complete", "pending", "error")
TYPES = ("individual", "subject-list", "summary", "data-collection")
MEASURE_SCORE = "measure-score"


@dataclass(frozen=True, slots=True)
class Code:
    """A CodeableConcept reduced to its first coding, plus its text (some files carry only text)."""

    code: str | None = None
    system: str | None = None
    display: str | None = None
    text: str | None = None

    @property
    def key(self) -> str | None:
        """The code, or the text when there is no code: what identifies the concept in practice."""
        return self.code or self.text


@dataclass(frozen=True, slots=True)
class Population:
    code: str
    count: int | None = None


@dataclass(frozen=True, slots=True)
class Stratum:
    """One stratum; ``stratifier`` holds the codes of the stratifier it belongs to (R4 allows several)."""

    stratifier: tuple[Code, ...] = ()
    value: Code | None = None
    components: tuple[tuple[Code, Code], ...] = ()
    populations: tuple[Population, ...] = ()
    measure_score: Decimal | None = None
    #: position of the stratifier within its group, so that strata of code-less stratifiers stay apart
    stratifier_index: int = 0


@dataclass(frozen=True, slots=True)
class Group:
    code: Code | None = None
    populations: tuple[Population, ...] = ()
    measure_score: Decimal | None = None
    strata: tuple[Stratum, ...] = ()
    id: str | None = None
    #: Quantity fields (unit, system, code) written beside every measureScore of the group, e.g. UCUM "%"
    score_unit: tuple[tuple[str, str], ...] = ()

    def population(self, code: str) -> int | None:
        return next((p.count for p in self.populations if p.code == code), None)


@dataclass(frozen=True, slots=True)
class MeasureReportData:
    measure: str
    period_start: str | None
    period_end: str | None
    status: str = "complete"
    type: str = "summary"
    id: str | None = None
    subject: str | None = None
    subject_display: str | None = None
    reporter: str | None = None
    reporter_display: str | None = None
    date: str | None = None
    groups: tuple[Group, ...] = ()
    #: resources the references point into (``#id``), as R4 JSON dicts; written, not read
    contained: tuple[dict, ...] = ()
    improvement_notation: str | None = None  # increase | decrease; written, not read


# ---------------------------------------------------------------------------------------- shape helpers
# JSON gives single values and lists as the spec says; the XML converter gives every child as a list.
# These helpers read both, so one parser serves both syntaxes.


def _many(node: dict, key: str) -> list:
    value = node.get(key)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _one(node: dict, key: str) -> Any:
    values = _many(node, key)
    return values[0] if values else None


def _str(node: dict, key: str) -> str | None:
    value = _one(node, key)
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def _concept(node: Any) -> Code | None:
    if not isinstance(node, dict):
        return None
    coding = _one(node, "coding") or {}
    code = Code(_str(coding, "code"), _str(coding, "system"), _str(coding, "display"), _str(node, "text"))
    return code if code != Code() else None


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        if isinstance(value, bool) or not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise FormatError(f"{where}: {value!r} is not a number") from None
    return number


def _score(node: dict, where: str) -> Decimal | None:
    quantity = _one(node, "measureScore") or _one(node, "measureScoreQuantity")  # R4 | R5
    if quantity is None:
        return None
    value = _one(quantity, "value") if isinstance(quantity, dict) else None
    return None if value is None else _decimal(value, f"{where}.measureScore.value")


def _populations(node: dict, where: str) -> tuple[Population, ...]:
    out = []
    for i, pop in enumerate(_many(node, "population")):
        code = _concept(_one(pop, "code"))
        if code is None or code.key is None:
            raise FormatError(f"{where}.population[{i}]: the population has no code")
        count = _one(pop, "count")
        if count is not None:
            number = _decimal(count, f"{where}.population[{i}].count")
            if number != number.to_integral_value() or number < 0:
                raise FormatError(f"{where}.population[{i}].count: {count!r} is not a non-negative integer")
            count = int(number)
        out.append(Population(code.key, count))
    return tuple(out)


def _stratum_value(node: dict) -> Code | None:
    value = _one(node, "value") or _one(node, "valueCodeableConcept")
    if isinstance(value, dict):
        return _concept(value)
    for key in ("valueBoolean", "valueString"):  # other R5 value[x] choices, kept as text
        if _one(node, key) is not None:
            return Code(text=str(_one(node, key)).lower() if key == "valueBoolean" else str(_one(node, key)))
    return None


def _group(node: dict, where: str) -> Group:
    strata = []
    for s, stratifier in enumerate(_many(node, "stratifier")):
        codes = tuple(c for c in (_concept(x) for x in _many(stratifier, "code")) if c is not None)
        for t, stratum in enumerate(_many(stratifier, "stratum")):
            here = f"{where}.stratifier[{s}].stratum[{t}]"
            components = []
            for c, comp in enumerate(_many(stratum, "component")):
                code, value = _concept(_one(comp, "code")), _stratum_value(comp)
                if code is None or value is None:
                    raise FormatError(f"{here}.component[{c}]: a component needs a code and a value")
                components.append((code, value))
            value = _stratum_value(stratum)
            if value is None and not components:
                raise FormatError(f"{here}: the stratum has neither a value nor components")
            strata.append(
                Stratum(
                    codes, value, tuple(components), _populations(stratum, here), _score(stratum, here), s
                )
            )
    return Group(_concept(_one(node, "code")), _populations(node, where), _score(node, where), tuple(strata),
                 _str(node, "id") or _str(node, "linkId"))  # fmt: skip


def _reference(report: dict, key: str, contained: dict[str, dict]) -> tuple[str | None, str | None]:
    ref = _one(report, key)
    if not isinstance(ref, dict):
        return None, None
    reference, display = _str(ref, "reference"), _str(ref, "display")
    if display is None and reference and reference.startswith("#"):
        display = _str(contained.get(reference[1:], {}), "name")  # "#HealthPost1" → contained Location
    return reference, display


def from_dict(resource: dict) -> MeasureReportData:
    """Build a :class:`MeasureReportData` from a parsed MeasureReport (JSON shape)."""
    kind = _str(resource, "resourceType")
    if kind != "MeasureReport":
        raise FormatError(f"the resource is a {kind or 'resource without resourceType'}, not a MeasureReport")
    status, type_ = _str(resource, "status"), _str(resource, "type")
    if status not in STATUSES:
        raise FormatError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    if type_ not in TYPES:
        raise FormatError(f"type {type_!r} is not one of {', '.join(TYPES)}")
    measure = _str(resource, "measure")
    if not measure:
        measure_ref = _one(resource, "measure")  # STU3 drafts used a Reference
        measure = _str(measure_ref, "reference") if isinstance(measure_ref, dict) else None
    if not measure:
        raise FormatError("measure (the canonical URL of the Measure) is required")
    period = _one(resource, "period")
    if not isinstance(period, dict) or not (_str(period, "start") or _str(period, "end")):
        raise FormatError("period with a start or an end is required")
    contained = {_str(c, "id"): c for c in _many(resource, "contained") if isinstance(c, dict)}
    subject, subject_display = _reference(resource, "subject", contained)
    reporter, reporter_display = _reference(resource, "reporter", contained)
    groups = tuple(_group(g, f"group[{i}]") for i, g in enumerate(_many(resource, "group")))
    return MeasureReportData(
        measure=measure, period_start=_str(period, "start"), period_end=_str(period, "end"), status=status,
        type=type_, id=_str(resource, "id"), subject=subject, subject_display=subject_display,
        reporter=reporter, reporter_display=reporter_display, date=_str(resource, "date"), groups=groups,
    )  # fmt: skip


def _reports(doc: Any) -> MeasureReportData | list[MeasureReportData]:
    if not isinstance(doc, dict):
        raise FormatError("a FHIR resource must be a JSON object")
    if _str(doc, "resourceType") != "Bundle":
        return from_dict(doc)
    reports = []
    for i, entry in enumerate(_many(doc, "entry")):
        resource = _one(entry, "resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and _str(resource, "resourceType") == "MeasureReport":
            try:
                reports.append(from_dict(resource))
            except FormatError as exc:
                raise FormatError(f"Bundle entry[{i}]: {exc.message}", index=i) from None
    if not reports:
        raise FormatError("the Bundle holds no MeasureReport")
    return reports


def _read(fileobj: IO) -> bytes | str:
    data = read_document(fileobj)
    return data.removeprefix(b"\xef\xbb\xbf") if isinstance(data, bytes) else data.removeprefix("\ufeff")


def read_json(fileobj: IO) -> MeasureReportData | list[MeasureReportData]:
    """Read a MeasureReport (→ one report) or a Bundle (→ list of its MeasureReports) from FHIR JSON."""
    return _reports(load_json(fileobj, parse_float=Decimal))


# ------------------------------------------------------------------------------------------------------ XML


def _local(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return None, tag


def _xml_to_json(element: Element) -> Any:
    if "value" in element.attrib:  # a primitive; its extensions are not needed here
        return element.attrib["value"]
    node: dict[str, Any] = {}
    if "id" in element.attrib:
        node["id"] = element.attrib["id"]
    for child in element:
        ns, local = _local(child.tag)
        if ns != FHIR_NS:
            continue  # narrative XHTML <div>
        if local in ("contained", "resource") and len(child):
            value = _xml_to_json(child[0])
            value["resourceType"] = _local(child[0].tag)[1]
        else:
            value = _xml_to_json(child)
        node.setdefault(local, []).append(value)
    return node


def _check_xml_limits(data: bytes | str) -> None:
    """Refuse a document past the parsing limits (depth, elements, tag length) before a tree is built;
    any other problem is left for the parser below to report in its own words."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        for _event in xml_events(io.BytesIO(raw), max_elements=current().max_nodes):
            pass
    except LimitExceeded:
        raise
    except FormatError:
        pass


def read_xml(fileobj: IO) -> MeasureReportData | list[MeasureReportData]:
    """Read a MeasureReport or Bundle from FHIR XML (namespace ``http://hl7.org/fhir``), entities refused."""
    data = _read(fileobj)
    _check_xml_limits(data)
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise FormatError(f"XML DTDs and entities are refused: {exc}") from None
    except ParseError as exc:
        line, column = exc.position
        # expat's message repeats the position, which FormatError already carries
        message = "not well-formed XML: " + re.sub(r":? line \d+, column \d+$", "", str(exc))
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        elided = [n for n, row in enumerate(text.splitlines(), 1) if row.strip() == "..."]
        if elided:
            message += (
                f"; line {elided[0]} is a literal '...': this is an abridged draft, not a FHIR document"
            )
        raise FormatError(message, line=line, column=column + 1) from None
    ns, local = _local(root.tag)
    if ns != FHIR_NS:
        raise FormatError(
            f"<{local}> is not in the FHIR namespace {FHIR_NS}: not a FHIR XML document", line=1
        )
    doc = _xml_to_json(root)
    doc["resourceType"] = local
    return _reports(doc)


def read_reports(fileobj: IO, *, xml: bool = False) -> list[MeasureReportData]:
    """Like ``read_json``/``read_xml`` but always a list (one element for a lone MeasureReport)."""
    result = read_xml(fileobj) if xml else read_json(fileobj)
    return result if isinstance(result, list) else [result]


# ---------------------------------------------------------------------------------------------------- write


def _concept_out(code: Code) -> dict:
    out: dict[str, Any] = {}
    coding = {k: v for k, v in (("system", code.system), ("code", code.code), ("display", code.display)) if v}
    if coding:
        out["coding"] = [coding]
    if code.text:
        out["text"] = code.text
    return out


def _populations_out(populations: Iterable[Population]) -> list[dict]:
    out = []
    for pop in populations:
        item: dict[str, Any] = {"code": {"coding": [{"system": POPULATION_SYSTEM, "code": pop.code}]}}
        if pop.count is not None:
            item["count"] = pop.count
        out.append(item)
    return out


def _score_out(score: Decimal, unit: tuple[tuple[str, str], ...]) -> dict:
    return {"value": score, **dict(unit)}


def _stratum_out(stratum: Stratum, unit: tuple[tuple[str, str], ...] = ()) -> dict:
    out: dict[str, Any] = {}
    if stratum.value is not None:
        out["value"] = _concept_out(stratum.value)
    if stratum.components:
        out["component"] = [
            {"code": _concept_out(c), "value": _concept_out(v)} for c, v in stratum.components
        ]
    if stratum.populations:
        out["population"] = _populations_out(stratum.populations)
    if stratum.measure_score is not None:
        out["measureScore"] = _score_out(stratum.measure_score, unit)
    return out


def _group_out(group: Group) -> dict:
    out: dict[str, Any] = {}
    if group.id:
        out["id"] = group.id
    if group.code is not None:
        out["code"] = _concept_out(group.code)
    if group.populations:
        out["population"] = _populations_out(group.populations)
    if group.measure_score is not None:
        out["measureScore"] = _score_out(group.measure_score, group.score_unit)
    stratifiers: dict[tuple, dict] = {}
    for stratum in group.strata:
        key = (stratum.stratifier_index, stratum.stratifier)
        if key not in stratifiers:
            stratifiers[key] = (
                {"code": [_concept_out(c) for c in stratum.stratifier]} if stratum.stratifier else {}
            )
            stratifiers[key]["stratum"] = []
        stratifiers[key]["stratum"].append(_stratum_out(stratum, group.score_unit))
    if stratifiers:
        out["stratifier"] = list(stratifiers.values())
    return out


def write_json(report: MeasureReportData) -> dict:
    """The R4 JSON of ``report`` as a dict; numbers are Decimal/int (serialise with :func:`dumps`)."""
    out: dict[str, Any] = {"resourceType": "MeasureReport"}
    if report.id:
        out["id"] = report.id
    if report.contained:
        out["contained"] = list(report.contained)
    out |= {"status": report.status, "type": report.type, "measure": report.measure}
    for key, ref, display in (("subject", report.subject, report.subject_display),
                              ("reporter", report.reporter, report.reporter_display)):  # fmt: skip
        if ref or display:
            out[key] = {k: v for k, v in (("reference", ref), ("display", display)) if v}
    if report.date:
        out["date"] = report.date
    out["period"] = {k: v for k, v in (("start", report.period_start), ("end", report.period_end)) if v}
    if report.improvement_notation:
        out["improvementNotation"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/measure-improvement-notation",
                    "code": report.improvement_notation,
                }
            ]
        }
    if report.groups:
        out["group"] = [_group_out(g) for g in report.groups]
    return out


def dumps(value: Any) -> str:
    """Compact JSON in which a Decimal is written with exactly its digits (``json`` would need a float)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def write_json_lines(reports: Iterable[MeasureReportData], out: IO[str]) -> int:
    """Write one MeasureReport per line (FHIR bulk-data NDJSON), streaming; returns how many."""
    n = 0
    for n, report in enumerate(reports, 1):  # noqa: B007 - n is the count after the loop
        out.write(dumps(write_json(report)) + "\n")
    return n


def write_bundle(
    reports: Iterable[MeasureReportData], out: IO[str], *, bundle_type: str = "collection"
) -> int:
    """Write a FHIR ``Bundle`` of the reports to ``out`` one entry at a time; returns how many."""
    out.write(f'{{"resourceType":"Bundle","type":{json.dumps(bundle_type)},"entry":[')
    n = 0
    for n, report in enumerate(reports, 1):
        out.write(("," if n > 1 else "") + '{"resource":' + dumps(write_json(report)) + "}")
    out.write("]}\n")
    return n


# ------------------------------------------------------------------------------------------- to DHIS2 rows

#: populations whose counts become rows by default (exclusions and exceptions are not DHIS2 values)
VALUE_POPULATIONS = ("initial-population", "numerator", "denominator", "measure-population")


def default_element(group: Group, source: str) -> str | None:
    """Default data element for a value of ``group``: see :func:`to_rows`."""
    code = group.code.key if group.code else None
    if code is None:
        return None
    if source == MEASURE_SCORE:
        return code
    if (
        source == "initial-population"
        and group.measure_score is None
        and group.population("numerator") is None
    ):
        return code  # IHE mADX: the initial-population count *is* the reported number
    return f"{code}:{source}" if source in VALUE_POPULATIONS else None


def to_rows(
    report: MeasureReportData,
    *,
    org_unit: str | None = None,
    period: str | None = None,
    element_for: Callable[[Group, str], str | None] = default_element,
) -> Iterator[DataValueRow]:
    """Turn a summary MeasureReport into :class:`DataValueRow` s for the data-value importer.

    Mapping (documented contract with the importer):

    * **data element** — ``element_for(group, source)`` where ``source`` is a population code or
      ``"measure-score"``; returning None drops that value. By default the group code (``group.code``, or
      its text) names the data element of the **measure score**, and population counts go to
      ``"<group code>:numerator"``, ``"<group code>:denominator"``… (harmonisation maps these to real
      elements); in the IHE mADX convention, a group with only an ``initial-population`` count gives that
      count under the plain group code. Exclusions and exceptions are dropped.
    * **org unit** — ``org_unit`` if given, else the id of ``reporter`` (``Organization/ZW01`` → ``ZW01``),
      else of ``subject``; contained references (``#x``) need ``org_unit``.
    * **period** — ``period`` (a DHIS2 period id) if given, else derived from ``period.start``/``end`` when
      they span exactly one day, month, calendar quarter or calendar year.
    * **disaggregation** — the group total has no category options (the default combo); each stratum gives
      ``category_options`` of (stratifier code, stratum value code) pairs: one pair per component, or the
      single value split on ``:`` when stratifier and value are both concatenated (``AGE_GROUP:SEX`` /
      ``P0Y--P1Y:F``) so both ADX-on-FHIR variants give the same pairs.
    * **value** — the count, or the score as plain decimal text; ``index`` counts rows from 0.
    """
    if report.type != "summary":
        raise FormatError(f"only summary MeasureReports hold aggregate values, this one is {report.type!r}")
    org_unit = org_unit or _reference_id(report.reporter) or _reference_id(report.subject)
    if not org_unit:
        raise FormatError(
            "the report names no reporter or subject that identifies an org unit; pass org_unit"
        )
    period = period or _dhis2_period(report.period_start, report.period_end)
    index = 0
    for g, group in enumerate(report.groups):
        if group.code is None or group.code.key is None:
            raise FormatError(f"group[{g}] has no code, so it maps to no data element")
        cells = [((), group.populations, group.measure_score)]
        cells += [(_options(s), s.populations, s.measure_score) for s in group.strata]
        for options, populations, score in cells:
            values = [(p.code, p.count) for p in populations if p.count is not None]
            if score is not None:
                values.append((MEASURE_SCORE, score))
            for source, value in values:
                element = element_for(group, source)
                if element is None:
                    continue
                text = format(value, "f") if isinstance(value, Decimal) else str(value)
                yield DataValueRow(
                    element, period, org_unit, value=text, category_options=options, index=index
                )
                index += 1


def _options(stratum: Stratum) -> tuple[tuple[str, str], ...]:
    if stratum.components:
        return tuple((c.key or "", v.key or "") for c, v in stratum.components)
    name = ":".join(c.key or "" for c in stratum.stratifier) or f"stratifier{stratum.stratifier_index}"
    value = stratum.value.key if stratum.value else ""
    names, values = name.split(":"), (value or "").split(":")
    if len(names) > 1 and len(names) == len(values):
        return tuple(zip(names, values, strict=True))
    return ((name, value or ""),)


def _reference_id(reference: str | None) -> str | None:
    if not reference or reference.startswith("#"):
        return None
    return reference.rstrip("/").rsplit("/", 1)[-1] or None


def _dhis2_period(start: str | None, end: str | None) -> str:
    try:
        first, last = date.fromisoformat((start or "")[:10]), date.fromisoformat((end or "")[:10])
    except ValueError:
        raise FormatError(f"period {start!r}–{end!r} is not a pair of dates; pass period") from None
    month_end = calendar.monthrange(last.year, last.month)[1] == last.day
    if first == last:
        return first.strftime("%Y%m%d")
    if first.day == 1 and month_end and first.year == last.year:
        months = last.month - first.month + 1
        if months == 1:
            return first.strftime("%Y%m")
        if months == 3 and first.month % 3 == 1:
            return f"{first.year}Q{first.month // 3 + 1}"
        if months == 12:
            return str(first.year)
    raise FormatError(f"period {start}–{end} is not one day, month, quarter or year; pass a DHIS2 period id")
