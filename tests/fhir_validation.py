"""Two independent FHIR R4 validators for what the FHIR API writes, neither of them ours.

1. HL7's R4 JSON schema (``fixtures/fhir/schema``, see its README) with the ``jsonschema`` package: element
   names and cardinality, JSON types (a decimal is a JSON number, a count an integer), required elements, the
   fixed code lists (status, type, search mode…) and the id pattern.
2. Google's FHIR R4 parser (``google-fhir-r4``), generated from the R4 StructureDefinitions: it reads the
   JSON into typed protocol buffers and refuses a primitive that breaks its regular expression (dates, ids,
   decimals given as strings), a code outside its value set, a missing required element, an unknown element,
   and a reference to a resource type the element does not allow (a MeasureReport's subject may be a
   Location, never an Organization). It stops at the first error it meets.

``errors(text)`` gives both validators' complaints about a response body; ``assert_valid(text)`` fails the
test with them.
"""

from __future__ import annotations

import gzip
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import jsonschema

SCHEMA = Path(__file__).parent / "fixtures" / "fhir" / "schema" / "fhir.schema.json.gz"


@cache
def _schema() -> dict:
    schema = json.loads(gzip.decompress(SCHEMA.read_bytes()))
    # The copy is R4 4.0.0's; 4.0.1 added itself to the FHIRVersion code lists and changed nothing else.
    for definition in schema["definitions"].values():
        for prop in definition.get("properties", {}).values():
            codes = prop.get("enum") or prop.get("items", {}).get("enum")
            if codes and "4.0.0" in codes and "4.0.1" not in codes:
                codes.append("4.0.1")
    return schema


def _one_of_by_resource_type(validator, one_of, instance, schema):
    """``oneOf`` over the resource definitions (the root, ``ResourceList``) as the schema's own
    ``discriminator`` says: the branch named by ``resourceType``, the only one whose ``const`` can match.
    The same verdict as trying all 146 branches, whose cost multiplies with every nested contained or
    bundled resource; and the errors are those of the resource's own definition."""
    targets = [branch.get("$ref", "") for branch in one_of]
    if isinstance(instance, dict) and all(t.startswith("#/definitions/") for t in targets):
        target = f"#/definitions/{instance.get('resourceType')}"
        if target in targets:
            yield from validator.descend(instance, {"$ref": target})
        else:
            yield jsonschema.ValidationError(f"{instance.get('resourceType')!r} is not a FHIR resource type")
        return
    yield from jsonschema.Draft6Validator.VALIDATORS["oneOf"](validator, one_of, instance, schema)


_Validator = jsonschema.validators.extend(jsonschema.Draft6Validator, {"oneOf": _one_of_by_resource_type})


@cache
def _validator() -> jsonschema.Draft6Validator:
    return _Validator(_schema())


def schema_errors(resource: dict) -> list[str]:
    """Every complaint of the HL7 JSON schema, with the JSON path where it applies."""
    return [
        "$"
        + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        + f": {error.message}"
        for error in _validator().iter_errors(resource)
    ]


def _google_class(resource_type: str):
    from google.fhir.r4.proto.core.resources import (
        bundle_and_contained_resource_pb2,
        capability_statement_pb2,
        measure_pb2,
        measure_report_pb2,
        operation_outcome_pb2,
    )

    return {
        "Bundle": bundle_and_contained_resource_pb2.Bundle,
        "CapabilityStatement": capability_statement_pb2.CapabilityStatement,
        "Measure": measure_pb2.Measure,
        "MeasureReport": measure_report_pb2.MeasureReport,
        "OperationOutcome": operation_outcome_pb2.OperationOutcome,
    }[resource_type]


def google_errors(text: str) -> list[str]:
    """The Google FHIR R4 parser's complaint (the first it meets), if any."""
    from google.fhir.r4 import json_format

    kind = json.loads(text).get("resourceType")
    try:
        json_format.json_fhir_string_to_proto(text, _google_class(kind), validate=True)
    except Exception as error:
        return [f"{type(error).__name__}: {error}"]
    return []


def errors(body: str | bytes) -> dict[str, list[str]]:
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    resource = json.loads(text, parse_float=Decimal)
    return {"HL7 R4 JSON schema": schema_errors(resource), "google-fhir-r4": google_errors(text)}


def assert_valid(body: str | bytes) -> None:
    found = errors(body)
    assert found == {"HL7 R4 JSON schema": [], "google-fhir-r4": []}, json.dumps(found, indent=2)
