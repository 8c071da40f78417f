"""Import summaries shaped like DHIS2's: real answers read back, conflicts merged, exact JSON keys written."""

from __future__ import annotations

import json

import pytest

from qicop.integrations.dhis2.import_summary import (
    ERROR,
    SUCCESS,
    WARNING,
    Conflict,
    ImportCount,
    ImportSummary,
    error_message,
    read_import_summaries_xml,
)
from qicop.integrations.errors import FormatError


def load(shared_formats, name):
    return json.loads((shared_formats / "dhis2-import-summary" / name).read_text())


@pytest.mark.parametrize(
    ("name", "updated"),
    [("data_value_import_summary_web_response.json", 10), ("data_value_set_success.json", 3)],
)
def test_successful_web_responses_are_read_from_their_envelope(shared_formats, name, updated):
    summary = ImportSummary.from_dict(load(shared_formats, name))
    assert summary.status == SUCCESS
    assert summary.import_count == ImportCount(imported=0, updated=updated, ignored=0, deleted=0)
    assert summary.conflicts == []
    assert summary.description == "Import process completed successfully"
    assert summary.import_options["importStrategy"] == "CREATE_AND_UPDATE"
    assert summary.data_set_complete == "false"


def test_an_old_servers_conflict_has_only_object_and_value(shared_formats):
    summary = ImportSummary.from_dict(load(shared_formats, "data_value_set_warning.json"))
    assert summary.status == WARNING
    assert summary.import_count.ignored == 1
    assert summary.conflicts == [
        Conflict("40L", "Data value is not a positive integer, must match data element type: vANAXwtLwcT")
    ]
    assert summary.rejected_indexes == []


def test_a_modern_conflict_reads_and_writes_back_identically(shared_formats):
    data = load(shared_formats, "import_conflict.json")
    conflict = Conflict.from_dict(data)
    assert (conflict.object, conflict.error_code, conflict.property, conflict.indexes) == (
        "UOlfIjgN8X6",
        "E7619",
        "value",
        [2, 7],
    )
    assert conflict.objects == {"dataElement": "UOlfIjgN8X6", "value": "value_not_numeric"}
    assert conflict.to_dict() == data


def test_an_import_count_reads_and_writes_back_identically(shared_formats):
    data = load(shared_formats, "import_count.json")
    assert ImportCount.from_dict(data) == ImportCount(ignored=1)
    assert ImportCount.from_dict(data).to_dict() == data


def test_something_that_is_not_a_summary_is_refused(shared_formats):
    with pytest.raises(FormatError, match="Not a DHIS2 import summary"):
        ImportSummary.from_dict(load(shared_formats, "import_count.json"))


def test_legacy_xml_summaries_give_one_summary_per_adx_group(shared_formats):
    with (shared_formats / "dhis2-import-summary" / "importSummaries.xml").open("rb") as handle:
        summaries = read_import_summaries_xml(handle)
    assert [summary.status for summary in summaries] == [ERROR] * 4 + [SUCCESS] * 2
    assert summaries[2].description == "Exception: 2015-01-01 not in valid <date>/<duration> format"
    assert summaries[4].import_count == ImportCount(updated=7)
    assert summaries[4].data_set_complete == "false"


def test_conflicts_with_the_same_object_value_and_code_merge_their_indexes():
    summary = ImportSummary()
    message = error_message("E7619", "UOlfIjgN8X6", "Data value is not numeric")
    summary.add_conflict("UOlfIjgN8X6", message, error_code="E7619", property="value", index=2)
    summary.add_conflict(
        "2016Q5", error_message("E7611", "2016Q5"), error_code="E7611", property="period", index=4
    )
    summary.add_conflict("UOlfIjgN8X6", message, error_code="E7619", property="value", index=7)
    assert [(c.object, c.indexes) for c in summary.conflicts] == [("UOlfIjgN8X6", [2, 7]), ("2016Q5", [4])]
    assert summary.rejected_indexes == [2, 4, 7]


def test_status_is_warning_when_some_values_were_stored_and_error_when_none_was():
    partial = ImportSummary(import_count=ImportCount(updated=3))
    partial.add_conflict("x", "bad", index=0)
    assert partial.finish().status == WARNING
    nothing = ImportSummary()
    nothing.add_conflict("x", "bad", index=0)
    assert nothing.finish().status == ERROR
    assert nothing.http_status_code == 409
    assert ImportSummary(import_count=ImportCount(imported=1)).finish().status == SUCCESS


def test_the_json_has_dhis2s_exact_keys_and_envelope():
    summary = ImportSummary(import_count=ImportCount(updated=3, ignored=1))
    summary.add_conflict(
        "UOlfIjgN8X6",
        error_message("E7619", "UOlfIjgN8X6", "Data value is not numeric"),
        error_code="E7619",
        property="value",
        index=2,
        objects={"dataElement": "UOlfIjgN8X6"},
    )
    message = summary.finish().to_web_message()
    assert {key: message[key] for key in ("httpStatus", "httpStatusCode", "status")} == {
        "httpStatus": "Conflict",
        "httpStatusCode": 409,
        "status": "WARNING",
    }
    assert message["response"] == {
        "responseType": "ImportSummary",
        "status": "WARNING",
        "description": "Import process completed successfully",
        "importCount": {"imported": 0, "updated": 3, "ignored": 1, "deleted": 0},
        "conflicts": [
            {
                "object": "UOlfIjgN8X6",
                "objects": {"dataElement": "UOlfIjgN8X6"},
                "value": (
                    "Value must match data element's `UOlfIjgN8X6` type constraints: "
                    "Data value is not numeric"
                ),
                "errorCode": "E7619",
                "property": "value",
                "indexes": [2],
            }
        ],
        "rejectedIndexes": [2],
    }
    assert ImportSummary.from_dict(message).to_dict() == message["response"]
