"""A national DHIS2 (2.39 and later) pushes its data to qicop with an *aggregate data exchange* whose target
is of type EXTERNAL, pointing at qicop, with a qicop personal token as its access token.

The requests below are the ones DHIS2's exchange client sends (dhis2-core, ``dataexchange/client/Dhis2Client``
and ``AggregateDataExchangeService``): ``POST {url}/api/dataValueSets`` with the target request's id schemes,
``importStrategy``, ``skipAudit`` and ``dryRun`` in the query string, each left out when it is DHIS2's default
(UID, CREATE_AND_UPDATE, false); headers ``Accept: application/json``, ``Content-Type: application/json`` and
``Authorization: ApiToken <token>`` (or ``Basic`` for a username and password); the body a data value set
serialised by Jackson without nulls, each value as the analytics engine makes it (value as text, comment and
storedBy ``[aggregated]``, created and lastUpdated as ``yyyy-MM-dd``). A "reset before exchange" first sends
the same keys with ``deleted: true``, no value and ``importStrategy=NEW_AND_UPDATES``.

DHIS2 reads the answer as a WebMessage whose ``response`` is an ImportSummary (HTTP 200, or 409 with
conflicts; any other status is reported as a failed exchange), deserialised with Jackson into typed fields:
``assert_dhis2_can_read`` checks those types.
"""

from __future__ import annotations

import base64
import http.client
import json
from urllib.parse import urlsplit

import pytest
from django.test import Client

from data_world import DataWorld
from personas import PASSWORD
from qicop.accounts.services import create_api_token
from qicop.indicators.models import DataValue, DataValueAudit

JAVA_HEADERS = {
    # Spring's RestTemplate on the JDK's HttpURLConnection.
    "HTTP_ACCEPT": "application/json",
    "HTTP_USER_AGENT": "Java/17.0.9",
}

# The dhis2-core error codes (org.hisp.dhis.feedback.ErrorCode) a data value import may name: DHIS2's client
# reads errorCode into that enum, so any other code would make the whole answer unreadable to it.
DHIS2_IMPORT_ERROR_CODES = {f"E76{n:02d}" for n in range(0, 46)}
DHIS2_IMPORT_STRATEGIES = {
    "CREATE",
    "UPDATE",
    "CREATE_AND_UPDATE",
    "DELETE",
    "SYNC",
    "NEW_AND_UPDATES",
    "NEW",
    "UPDATES",
    "DELETES",
}


@pytest.fixture
def data(world):
    return DataWorld(world)


def exchange_body(*values, reset=False):
    """A data value set as DHIS2's exchange serialises it: only ``dataValues``, each value without nulls."""
    rows = []
    for data_element, period, org_unit, value, coc in values:
        row = {"dataElement": data_element, "period": period, "orgUnit": org_unit}
        if coc:
            row["categoryOptionCombo"] = coc
        if reset:
            row.update({"comment": "Deleted by ADEX", "deleted": True})
        else:
            row.update(
                {
                    "value": value,
                    "storedBy": "[aggregated]",
                    "created": "2024-02-05",
                    "lastUpdated": "2024-02-05",
                    "comment": "[aggregated]",
                }
            )
        rows.append(row)
    return json.dumps({"dataValues": rows}, separators=(",", ":"))


def push(query: str, body: str, authorization: str):
    return Client().generic(
        "POST",
        f"/api/dataValueSets{query}",
        body.encode(),
        content_type="application/json",
        HTTP_AUTHORIZATION=authorization,
        **JAVA_HEADERS,
    )


def token(user) -> str:
    return "ApiToken " + create_api_token(user=user, name=f"DHIS2 exchange {user.api_tokens.count()}")[1]


def assert_dhis2_can_read(body: dict) -> dict:
    """What DHIS2's exchange client needs to turn the answer into an ImportSummary (its Jackson types)."""
    assert body["status"] in {"OK", "WARNING", "ERROR"}
    assert body["httpStatus"] in {"OK", "Conflict"}
    assert isinstance(body["httpStatusCode"], int)
    summary = body["response"]
    assert summary["responseType"] == "ImportSummary"
    assert summary["status"] in {"SUCCESS", "WARNING", "ERROR"}
    assert set(summary["importCount"]) == {"imported", "updated", "ignored", "deleted"}
    assert all(isinstance(n, int) for n in summary["importCount"].values())
    options = summary.get("importOptions", {})
    # IdScheme has no creator in dhis2-core: any id scheme written here as text fails the whole answer.
    assert options.get("idSchemes", {}) == {}
    assert options.get("importStrategy", "CREATE_AND_UPDATE") in DHIS2_IMPORT_STRATEGIES
    assert isinstance(options.get("dryRun", False), bool)
    for conflict in summary["conflicts"]:
        assert conflict.get("errorCode") in DHIS2_IMPORT_ERROR_CODES | {None}
        assert isinstance(conflict["object"], str) and isinstance(conflict["value"], str)
        assert all(isinstance(i, int) for i in conflict.get("indexes", []))
    return summary


def test_an_exchange_with_code_ids_and_an_access_token_stores_its_values(data):
    body = exchange_body(
        ("VL_TESTED", "202401", "KE_NAK_H", "12", None),
        ("TX_CURR", "202401", "KE_NAK_H", "40", "F"),
    )
    response = push("?idScheme=CODE", body, token(data.world.dan.user))

    assert response.status_code == 200
    summary = assert_dhis2_can_read(response.json())
    assert summary["status"] == "SUCCESS"
    assert summary["importCount"] == {"imported": 2, "updated": 0, "ignored": 0, "deleted": 0}
    tested = DataValue.objects.get(data_element=data.vl_tested)
    assert (tested.value, tested.org_unit, tested.period.dhis2_id) == ("12", data.nakuru_hospital, "202401")
    assert DataValue.objects.get(data_element=data.tx_curr).category_option_combo == data.coc_female


def test_the_second_run_of_the_same_exchange_updates_nothing_twice(data):
    authorization = token(data.world.dan.user)
    first = exchange_body(("VL_TESTED", "202401", "KE_NAK_H", "12", None))
    push("?idScheme=CODE", first, authorization)
    again = push(
        "?idScheme=CODE", exchange_body(("VL_TESTED", "202401", "KE_NAK_H", "15", None)), authorization
    )

    summary = assert_dhis2_can_read(again.json())
    assert summary["importCount"]["updated"] == 1
    assert DataValue.objects.get().value == "15"


def test_the_default_disaggregation_named_by_dhis2s_code_is_understood(data):
    body = json.dumps(
        {
            "dataValues": [
                {
                    "dataElement": "VL_TESTED",
                    "period": "202401",
                    "orgUnit": "KE_NAK_H",
                    "categoryOptionCombo": "default",
                    "attributeOptionCombo": "default",
                    "value": "9",
                }
            ]
        }
    )
    response = push("?idScheme=CODE", body, token(data.world.dan.user))

    assert response.status_code == 200
    assert DataValue.objects.get().category_option_combo == data.default_coc


def test_per_object_id_schemes_in_the_query_string_are_honoured(data):
    body = exchange_body(("VL_TESTED", "202402", "KE_NAK_H", "7", None))
    response = push("?dataElementIdScheme=CODE&orgUnitIdScheme=CODE", body, token(data.world.dan.user))

    assert response.status_code == 200
    assert DataValue.objects.get().org_unit == data.nakuru_hospital


def test_an_exchange_with_a_username_and_password_uses_basic_authentication(data):
    credentials = base64.b64encode(f"dan@example.org:{PASSWORD}".encode()).decode()
    body = exchange_body(("VlTested01a", "202401", "NakuruHosp1", "3", None))
    response = push("", body, f"Basic {credentials}")

    assert response.status_code == 200
    assert assert_dhis2_can_read(response.json())["importCount"]["imported"] == 1


def test_dry_run_skip_audit_and_import_strategy_are_accepted_as_dhis2_sends_them(data):
    body = exchange_body(("VL_TESTED", "202401", "KE_NAK_H", "12", None))
    response = push(
        "?idScheme=CODE&importStrategy=CREATE&skipAudit=true&dryRun=true", body, token(data.world.dan.user)
    )

    assert response.status_code == 200
    summary = assert_dhis2_can_read(response.json())
    assert summary["importOptions"]["dryRun"] is True
    assert summary["importOptions"]["importStrategy"] == "CREATE"
    assert not DataValue.objects.exists()


def test_skip_audit_does_not_switch_off_qicops_audit(data):
    """qicop keeps who changed what whatever a client asks: skipAudit is accepted and ignored."""
    authorization = token(data.world.dan.user)
    push("?idScheme=CODE", exchange_body(("VL_TESTED", "202401", "KE_NAK_H", "12", None)), authorization)
    again = exchange_body(("VL_TESTED", "202401", "KE_NAK_H", "14", None))
    push("?idScheme=CODE&skipAudit=true", again, authorization)

    change = DataValueAudit.objects.get()
    assert (change.previous_value, change.new_value, change.changed_by) == ("12", "14", data.world.dan.user)


def test_a_reset_before_exchange_deletes_the_values_it_names(data):
    authorization = token(data.world.dan.user)
    push("?idScheme=CODE", exchange_body(("VL_TESTED", "202401", "KE_NAK_H", "12", None)), authorization)
    reset = exchange_body(("VL_TESTED", "202401", "KE_NAK_H", None, None), reset=True)
    response = push("?idScheme=CODE&importStrategy=NEW_AND_UPDATES", reset, authorization)

    assert response.status_code == 200
    summary = assert_dhis2_can_read(response.json())
    assert summary["importCount"]["deleted"] == 1
    assert DataValue.objects.get().deleted is True


def test_dhis2s_older_names_of_import_strategies_mean_the_same(data):
    authorization = token(data.world.dan.user)
    body = exchange_body(("VL_TESTED", "202401", "KE_NAK_H", "12", None))
    assert push("?idScheme=CODE&importStrategy=NEW", body, authorization).status_code == 200
    again = exchange_body(("VL_TESTED", "202401", "KE_NAK_H", "13", None))
    assert push("?idScheme=CODE&importStrategy=UPDATES", again, authorization).status_code == 200
    assert DataValue.objects.get().value == "13"


def test_conflicts_answer_409_with_a_summary_dhis2_can_read(data):
    body = exchange_body(
        ("VL_TESTED", "202401", "KE_NAK_H", "12", None),
        ("VL_TESTED", "202401", "HT_JACMEL", "5", None),  # Haiti: not Dan's country
        ("NO_SUCH_DE", "202401", "KE_NAK_H", "5", None),
    )
    response = push("?idScheme=CODE", body, token(data.world.dan.user))

    assert response.status_code == 409
    summary = assert_dhis2_can_read(response.json())
    assert summary["status"] == "ERROR"
    assert len(summary["conflicts"]) == 2
    assert not DataValue.objects.exists()  # all or nothing, as DHIS2's default atomic mode


def test_values_sent_as_json_numbers_and_a_body_without_content_type_are_read(data):
    body = json.dumps(
        {"dataValues": [{"dataElement": "VL_TESTED", "period": "202401", "orgUnit": "KE_NAK_H", "value": 12}]}
    )
    response = Client().generic(
        "POST",
        "/api/dataValueSets?idScheme=CODE",
        body.encode(),
        content_type="",
        HTTP_AUTHORIZATION=token(data.world.dan.user),
    )
    assert response.status_code == 200
    assert DataValue.objects.get().value == "12"


def test_a_token_of_someone_who_may_not_import_is_refused_with_403(data):
    body = exchange_body(("VL_TESTED", "202401", "KE_NAK_H", "12", None))
    response = push("?idScheme=CODE", body, token(data.world.kim.user))
    assert response.status_code == 403
    assert not DataValue.objects.exists()


def test_a_wrong_or_revoked_token_is_refused_with_401(data):
    body = exchange_body(("VL_TESTED", "202401", "KE_NAK_H", "12", None))
    assert push("", body, "ApiToken d2pat_notAQicopToken0000000000000000").status_code == 401
    assert push("", body, "ApiToken qicop_wrong").status_code == 401


def test_the_aggregated_marks_dhis2_sends_are_kept_as_dhis2_keeps_them(data):
    body = exchange_body(("VL_TESTED", "202401", "KE_NAK_H", "12", None))
    push("?idScheme=CODE", body, token(data.world.dan.user))
    value = DataValue.objects.get()
    assert (value.stored_by, value.comment) == ("[aggregated]", "[aggregated]")


@pytest.mark.django_db(transaction=True)
def test_the_exact_bytes_of_a_dhis2_exchange_request_are_accepted_over_http(live_server, world):
    """Over a real socket, header by header as the JDK writes them, to a running qicop."""
    data = DataWorld(world)
    secret = create_api_token(user=data.world.dan.user, name="DHIS2 exchange")[1]
    body = exchange_body(("VL_TESTED", "202401", "KE_NAK_H", "21", None)).encode()
    url = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    connection.putrequest("POST", "/api/dataValueSets?idScheme=CODE", skip_accept_encoding=True)
    for name, value in (
        ("Accept", "application/json"),
        ("Content-Type", "application/json"),
        ("Authorization", f"ApiToken {secret}"),
        ("User-Agent", "Java/17.0.9"),
        ("Connection", "keep-alive"),
        ("Content-Length", str(len(body))),
    ):
        connection.putheader(name, value)
    connection.endheaders(body)
    answer = connection.getresponse()
    payload = json.loads(answer.read())
    connection.close()

    assert answer.status == 200
    assert answer.getheader("Content-Type").startswith("application/json")
    assert assert_dhis2_can_read(payload)["importCount"]["imported"] == 1
    assert DataValue.objects.get().value == "21"
