"""FHIR R4 (4.0.1) resources other than the MeasureReport, written as plain JSON-shaped dicts.

Measure (http://hl7.org/fhir/R4/measure.html), CapabilityStatement (capabilitystatement.html),
OperationOutcome (operationoutcome.html) and the searchset Bundle (bundle.html, http.html#search).
Numbers stay :class:`~decimal.Decimal` or int; :func:`qicop.integrations.fhir.measure_report.dumps`
writes them as JSON numbers, digit for digit. Nothing here reads the clock: callers pass dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qicop.integrations.fhir.measure_report import POPULATION_SYSTEM

SCORING_SYSTEM = "http://terminology.hl7.org/CodeSystem/measure-scoring"
IMPROVEMENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation"
RESOURCE_TYPES = "http://hl7.org/fhir/resource-types"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
UCUM = "http://unitsofmeasure.org"
FHIR_VERSION = "4.0.1"


def score_unit(factor: int) -> dict[str, str] | None:
    """The unit of a score scaled by ``factor`` (numerator / denominator × factor), as Quantity fields.

    100 is a percentage (UCUM ``%``); 1,000, 10,000… are "per 10^n" (UCUM ``/10*3``…); 1 is a plain
    proportion and has no unit; any other factor is named in words only, UCUM having no code for it.
    """
    if factor == 1:
        return None
    if factor == 100:
        return {"unit": "%", "system": UCUM, "code": "%"}
    digits = str(factor)
    if digits[0] == "1" and set(digits[1:]) == {"0"}:
        return {"unit": f"per {factor}", "system": UCUM, "code": f"/10*{len(digits) - 1}"}
    return {"unit": f"per {factor}"}


def _concept(code: str, system: str | None = None, display: str | None = None) -> dict:
    coding = {"system": system, "code": code, "display": display}
    return {"coding": [{k: v for k, v in coding.items() if v}]}


@dataclass(frozen=True, slots=True)
class MeasureDefinition:
    """A network indicator as a proportion Measure: one group, numerator and denominator populations."""

    id: str
    url: str
    name: str
    title: str
    publisher: str
    date: str
    code: str
    code_system: str
    description: str = ""
    numerator: str = ""
    denominator: str = ""
    improvement: str = "increase"  # increase | decrease
    stratifier_code: str | None = None


def computable_name(code: str) -> str:
    """``vl-coverage`` → ``VlCoverage``: Measure.name should be usable as an identifier (R4 inv cnl-0)."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in code).split() if w]
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Measure"
    return name if name[0].isalpha() else f"M{name}"


def measure(definition: MeasureDefinition) -> dict:
    """The R4 Measure of a network indicator."""

    def population(code: str, label: str) -> dict:
        # The real criteria are each country's DHIS2 expressions (its indicator mapping), which no FHIR
        # expression language states; the description says it in the network's words. R4 requires a
        # criteria language among text/cql, text/fhirpath and application/x-fhir-query, and an expression:
        # as the IHE mADX Measures do, the expression only names the population.
        return {
            "code": _concept(code, POPULATION_SYSTEM),
            "description": label or code.capitalize(),
            "criteria": {"language": "text/cql", "expression": code.capitalize()},
        }

    group: dict[str, Any] = {
        "code": _concept(definition.code, definition.code_system, definition.title),
        "population": [
            population("numerator", definition.numerator),
            population("denominator", definition.denominator),
        ],
    }
    if definition.stratifier_code:
        group["stratifier"] = [
            {
                "code": {"coding": [{"code": definition.stratifier_code}], "text": "Disaggregation"},
                "description": "The category option combination of the numerator's data values.",
                "criteria": {"language": "text/cql", "expression": "Disaggregation"},
            }
        ]
    out: dict[str, Any] = {
        "resourceType": "Measure",
        "id": definition.id,
        "url": definition.url,
        "identifier": [{"system": definition.code_system, "value": definition.code}],
        "name": computable_name(definition.code),
        "title": definition.title,
        "status": "active",
        "subjectCodeableConcept": _concept("Location", RESOURCE_TYPES),
        "date": definition.date,
        "publisher": definition.publisher,
    }
    if definition.description:
        out["description"] = definition.description
    out["scoring"] = _concept("proportion", SCORING_SYSTEM)
    out["improvementNotation"] = _concept(definition.improvement, IMPROVEMENT_SYSTEM)
    out["group"] = [group]
    return out


def location(local_id: str, *, uid: str, name: str, identifier_system: str, active: bool = True) -> dict:
    """A contained Location for an org unit (IHE mADX names the subject so)."""
    return {
        "resourceType": "Location",
        "id": local_id,
        "identifier": [{"system": identifier_system, "value": uid}],
        "status": "active" if active else "inactive",
        "name": name,
        "mode": "instance",
    }


def organization(local_id: str, *, name: str, country_iso2: str | None = None) -> dict:
    """A contained Organization for the government body that reports a country's figures."""
    out: dict[str, Any] = {
        "resourceType": "Organization",
        "id": local_id,
        "active": True,
        "type": [_concept("govt", ORGANIZATION_TYPE, "Government")],
        "name": name,
    }
    if country_iso2:
        out["address"] = [{"country": country_iso2}]
    return out


def operation_outcome(code: str, text: str, *, severity: str = "error") -> dict:
    """One issue: ``code`` from the IssueType value set (invalid, not-found, login, not-supported…)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": text}],
    }


@dataclass(frozen=True, slots=True)
class SearchParameter:
    name: str
    type: str  # number | date | string | token | reference | composite | quantity | uri | special
    documentation: str


@dataclass(frozen=True, slots=True)
class ServerDescription:
    base_url: str
    software_version: str
    date: str
    description: str
    documentation: str
    security: str
    report_search: tuple[SearchParameter, ...] = field(default_factory=tuple)


def capability_statement(server: ServerDescription) -> dict:
    """What this server does: JSON only, Measure read, MeasureReport read and search."""
    return {
        "resourceType": "CapabilityStatement",
        "id": "qicop",
        "url": f"{server.base_url}/metadata",
        "name": "QicopFhirServer",
        "title": "qicop FHIR R4 server",
        "status": "active",
        "date": server.date,
        "publisher": "qicop",
        "description": server.description,
        "kind": "instance",
        "software": {"name": "qicop", "version": server.software_version},
        "implementation": {"description": server.description, "url": server.base_url},
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": server.documentation,
                "security": {"description": server.security},
                "resource": [
                    {"type": "Measure", "interaction": [{"code": "read"}]},
                    {
                        "type": "MeasureReport",
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [
                            {"name": p.name, "type": p.type, "documentation": p.documentation}
                            for p in server.report_search
                        ],
                    },
                ],
            }
        ],
    }


def searchset(
    *,
    bundle_id: str,
    self_url: str,
    last_updated: str,
    matches: list[tuple[str, dict]],
    outcome: tuple[str, dict] | None = None,
) -> dict:
    """A searchset Bundle: each match with its absolute ``fullUrl`` and ``search.mode`` match, the ``self``
    link that repeats the search, and warnings as an OperationOutcome entry (``search.mode`` outcome)."""
    entries = [
        {"fullUrl": url, "resource": resource, "search": {"mode": "match"}} for url, resource in matches
    ]
    if outcome is not None:
        url, resource = outcome
        entries.append({"fullUrl": url, "resource": resource, "search": {"mode": "outcome"}})
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": bundle_id,
        "meta": {"lastUpdated": last_updated},
        "type": "searchset",
        "total": len(matches),
        "link": [{"relation": "self", "url": self_url}],
    }
    if entries:
        bundle["entry"] = entries
    return bundle
