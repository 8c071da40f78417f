"""Logical ids of the Measures and MeasureReports the FHIR API serves, and reading them back.

A FHIR id is ``[A-Za-z0-9\\-\\.]{1,64}`` (R4 datatypes, ``id``). A network indicator's Measure is
``<network slug>.<indicator code>`` (``vln.vl-coverage``) when that is a FHIR id, and the indicator's number
otherwise (a slug may hold ``_`` or be long). A MeasureReport adds the org unit's UID and the DHIS2 period:
``vln.vl-coverage.NakuruCnty1.202401``, or ``<indicator number>.<org unit>.<period>`` when the long form would
pass 64 characters. Slugs, UIDs and DHIS2 period ids hold no ``.``, so the parts split back unambiguously:
the report is computed again from its id, nothing is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_PART = re.compile(r"[A-Za-z0-9\-]+")


@dataclass(frozen=True, slots=True)
class MeasureKey:
    """Which network indicator a Measure id names: by network slug and code, or by number."""

    network: str | None = None
    indicator: str | None = None
    number: int | None = None


@dataclass(frozen=True, slots=True)
class ReportKey:
    measure: MeasureKey
    org_unit: str
    period: str


def measure_id(network_slug: str, indicator_code: str, indicator_number: int) -> str:
    readable = f"{network_slug}.{indicator_code}"
    return readable if FHIR_ID.fullmatch(readable) else str(indicator_number)


def report_id(measure: str, org_unit_uid: str, period_id: str, indicator_number: int) -> str:
    readable = f"{measure}.{org_unit_uid}.{period_id}"
    return readable if len(readable) <= 64 else f"{indicator_number}.{org_unit_uid}.{period_id}"


def parse_measure_id(text: str) -> MeasureKey | None:
    """The key a Measure id stands for, or None when it cannot be one of ours."""
    if not FHIR_ID.fullmatch(text):
        return None
    parts = text.split(".")
    if len(parts) == 1 and parts[0].isdigit():
        return MeasureKey(number=int(parts[0]))
    if len(parts) == 2 and all(_PART.fullmatch(part) for part in parts):
        return MeasureKey(network=parts[0], indicator=parts[1])
    return None


def parse_report_id(text: str) -> ReportKey | None:
    """The measure, org unit UID and period a MeasureReport id stands for, or None."""
    if not FHIR_ID.fullmatch(text) or text.count(".") < 2:
        return None
    *measure_parts, org_unit, period = text.split(".")
    measure = parse_measure_id(".".join(measure_parts)) if measure_parts else None
    if measure is None or not (_PART.fullmatch(org_unit) and period.isalnum()):
        return None
    return ReportKey(measure, org_unit, period)
