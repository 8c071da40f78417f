"""Pulling a country's data from its DHIS2: requests as DHIS2 2.38+ expects them, its answers (recorded) as
it gives them, and every way a pull can fail said plainly on the connection."""

from __future__ import annotations

import gzip
import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from werkzeug import Response

from dhis2_remote import REMOTE_DATA_SET, REMOTE_KENYA, TOKEN, connect, pull_now, recorded
from qicop.exchange.models import Pull
from qicop.indicators.models import DataImport, DataValue
from qicop.network.models import Membership, Role

JSON = "application/json;charset=UTF-8"


def serve_values(server, name="data_value_set_code.json", **kwargs):
    server.expect_request(
        "/api/dataValueSets", headers={"Authorization": f"ApiToken {TOKEN}"}
    ).respond_with_data(recorded(name), content_type=JSON, **kwargs)


def requests_to(server, path):
    return [request for request, _response in server.log if request.path == path]


def test_a_first_pull_asks_for_the_data_set_below_the_org_unit_over_the_chosen_months(data, remote):
    connection = connect(data, remote)
    serve_values(remote)
    before = timezone.now()

    pull = pull_now(data, connection)

    (request,) = requests_to(remote, "/api/dataValueSets")
    asked = request.args.to_dict()
    today = before.date()
    start_month = today.year * 12 + today.month - 1 - 24
    assert asked == {
        "dataSet": REMOTE_DATA_SET,
        "orgUnit": REMOTE_KENYA,
        "children": "true",
        "startDate": f"{start_month // 12:04d}-{start_month % 12 + 1:02d}-01",
        "endDate": (today + timedelta(days=366)).isoformat(),
        "idScheme": "CODE",
    }
    assert request.headers["Accept"] == "application/json"
    assert pull.status == Pull.Status.SUCCESS and pull.since is None


def test_the_pulled_values_are_imported_as_the_owner_with_the_summary_of_an_upload(data, remote):
    connection = connect(data, remote)
    serve_values(remote)

    pull = pull_now(data, connection)

    data_import = pull.data_import
    assert data_import.user == data.world.dan.user
    assert data_import.filename.startswith("DHIS2 pull ") and data_import.filename.endswith(" UTC")
    assert data_import.status == DataImport.Status.DONE
    assert data_import.summary["status"] == "SUCCESS"
    assert data_import.summary["importCount"] == {"imported": 5, "updated": 0, "ignored": 0, "deleted": 0}
    assert json.loads(data_import.file.open("rb").read()) == json.loads(recorded("data_value_set_code.json"))
    female = DataValue.objects.get(data_element=data.tx_curr, category_option_combo=data.coc_female)
    assert (female.value, female.org_unit, female.period.dhis2_id) == ("300", data.nakuru_hospital, "202509")
    assert DataValue.objects.get(org_unit=data.naivasha).comment == "Reported late: power cut"


def test_success_moves_last_success_to_when_the_pull_began_and_clears_the_error(data, remote):
    connection = connect(data, remote)
    serve_values(remote)

    pull = pull_now(data, connection)

    assert connection.last_success_at == pull.started_at == connection.last_attempt_at
    assert connection.last_error == ""


def test_the_next_pull_asks_only_for_what_changed_since_the_day_before_the_last_success(data, remote):
    connection = connect(data, remote)
    serve_values(remote)
    first = pull_now(data, connection)
    remote.clear_log()
    remote.clear_all_handlers()
    serve_values(remote, "data_value_set_changed.json")

    second = pull_now(data, connection)

    (request,) = requests_to(remote, "/api/dataValueSets")
    since = (first.started_at - timedelta(days=1)).date().isoformat()
    assert request.args["lastUpdated"] == since and request.args["includeDeleted"] == "true"
    assert second.since.isoformat() == since
    assert second.data_import.summary["importCount"] == {
        "imported": 0,
        "updated": 1,
        "ignored": 0,
        "deleted": 1,
    }
    assert DataValue.objects.get(data_element=data.vl_tested, org_unit=data.nakuru_hospital).value == "125"
    assert DataValue.objects.get(data_element=data.vl_suppressed).deleted is True


def test_a_gzip_compressed_answer_is_unpacked(data, remote):
    connection = connect(data, remote)
    remote.expect_request("/api/dataValueSets").respond_with_data(
        gzip.compress(recorded("data_value_set_code.json")),
        content_type=JSON,
        headers={"Content-Encoding": "gzip"},
    )

    pull = pull_now(data, connection)

    (request,) = requests_to(remote, "/api/dataValueSets")
    assert "gzip" in request.headers["Accept-Encoding"]
    assert pull.status == Pull.Status.SUCCESS
    assert DataValue.objects.count() == 5


def test_mapped_data_elements_and_org_units_are_renamed_before_the_import(data, remote):
    connection = connect(
        data,
        remote,
        data_element_map={"HIV_VL_DONE": "VL_SUPPRESSED"},
        org_unit_map={"KE_NAK_H": "KE_NAI_HC"},
    )
    serve_values(remote, "data_value_set_unknown_element.json")

    pull = pull_now(data, connection)

    assert pull.status == Pull.Status.SUCCESS, pull.error
    values = {(v.data_element.code, v.value) for v in DataValue.objects.filter(org_unit=data.naivasha)}
    assert values == {("VL_TESTED", "120"), ("VL_SUPPRESSED", "7")}
    assert not DataValue.objects.filter(org_unit=data.nakuru_hospital).exists()


def test_values_the_import_refuses_fail_the_pull_store_nothing_and_keep_last_success(data, remote):
    connection = connect(data, remote)
    serve_values(remote, "data_value_set_unknown_element.json")

    pull = pull_now(data, connection)

    assert pull.status == Pull.Status.FAILED
    assert "nothing was stored" in pull.error
    assert pull.data_import.summary["conflicts"][0]["object"] == "HIV_VL_DONE"
    assert connection.last_success_at is None and connection.last_error == pull.error
    assert not DataValue.objects.exists()


@pytest.mark.parametrize(
    ("status", "body", "content_type", "words"),
    [
        (401, "error_401.json", JSON, ["refused the token (401)", "token is invalid"]),
        (403, None, JSON, ["may not read this (403)"]),
        (404, None, "text/html", ["Not found on this server (404)", "without /api"]),
        (409, "error_409_data_set.json", JSON, ["refused the request (409)", "Data set does not exist"]),
        (500, None, "text/html", ["internal error (500)", "next pull will try again"]),
        (503, None, "text/html", ["internal error (503)"]),
    ],
)
def test_an_error_answer_is_explained_on_the_connection(data, remote, status, body, content_type, words):
    connection = connect(data, remote)
    remote.expect_request("/api/dataValueSets").respond_with_data(
        recorded(body) if body else b"", status=status, content_type=content_type
    )

    pull = pull_now(data, connection)

    assert pull.status == Pull.Status.FAILED and pull.data_import is None
    for word in words:
        assert word in connection.last_error
    assert connection.last_success_at is None and connection.last_attempt_at == pull.started_at


def test_a_sign_in_page_instead_of_json_is_explained(data, remote):
    connection = connect(data, remote)
    remote.expect_request("/api/dataValueSets").respond_with_data(
        recorded("login_page.html"), content_type="text/html"
    )

    pull_now(data, connection)

    assert "did not answer with JSON (text/html)" in connection.last_error


def test_a_redirect_is_not_followed_with_the_token(data, remote):
    connection = connect(data, remote)
    remote.expect_request("/api/dataValueSets").respond_with_data(
        b"", status=302, headers={"Location": "https://elsewhere.example.org/api/dataValueSets"}
    )

    pull_now(data, connection)

    assert "redirect to https://elsewhere.example.org" in connection.last_error


def test_a_server_that_does_not_answer_in_time_is_given_up(data, remote, settings):
    settings.QICOP_DHIS2_TIMEOUT = 0.5
    connection = connect(data, remote)

    def slow(request):
        time.sleep(1.5)
        return Response(recorded("data_value_set_code.json"), content_type=JSON)

    remote.expect_request("/api/dataValueSets").respond_with_handler(slow)

    pull_now(data, connection)

    assert (
        "did not answer within 0 seconds" in connection.last_error
        or "did not answer within" in connection.last_error
    )
    assert not DataValue.objects.exists()


def test_a_server_that_cannot_be_reached_is_explained(data, remote):
    connection = connect(data, remote, base_url="http://127.0.0.1:9")

    pull_now(data, connection)

    assert "Cannot reach 127.0.0.1" in connection.last_error


def test_an_answer_larger_than_the_import_limit_is_refused(data, remote, settings):
    settings.QICOP_IMPORT_MAX_BYTES = 1000
    connection = connect(data, remote)
    serve_values(remote)

    pull_now(data, connection)

    assert "larger than" in connection.last_error and "QICOP_IMPORT_MAX_BYTES" in connection.last_error
    assert not DataImport.objects.exists()


def test_a_compressed_answer_is_limited_by_its_unpacked_size(data, remote, settings):
    settings.QICOP_IMPORT_MAX_BYTES = 1000
    packed = gzip.compress(recorded("data_value_set_code.json"))
    assert len(packed) < 1000 < len(recorded("data_value_set_code.json"))
    connection = connect(data, remote)
    remote.expect_request("/api/dataValueSets").respond_with_data(
        packed,
        content_type=JSON,
        headers={"Content-Encoding": "gzip"},
    )

    pull_now(data, connection)

    assert "QICOP_IMPORT_MAX_BYTES" in connection.last_error


def test_a_pull_fails_with_the_reason_when_its_owner_lost_the_role(data, remote):
    connection = connect(data, remote)
    serve_values(remote)
    Membership.objects.filter(member=data.world.dan, role=Role.DATA_MANAGER).update(role=Role.MEMBER)

    pull = pull_now(data, connection)

    assert pull.status == Pull.Status.FAILED
    assert "dan@example.org is no longer only a focal point or data manager of Kenya" in connection.last_error
    assert not requests_to(remote, "/api/dataValueSets")  # nothing was even asked


def test_a_token_that_the_current_keys_cannot_open_is_explained(data, remote, settings):
    connection = connect(data, remote)
    settings.QICOP_ENCRYPTION_KEYS = ["another-secret-that-is-long-enough-0123456789"]

    pull_now(data, connection)

    assert "cannot be decrypted" in connection.last_error and "enter the token again" in connection.last_error


def test_a_second_pull_now_is_refused_while_one_is_queued(data, remote, monkeypatch):
    from django.core.exceptions import ValidationError

    from qicop.exchange import services
    from qicop.exchange.services import request_pull

    connection = connect(data, remote)
    monkeypatch.setattr(services, "_enqueue", lambda pull: None)  # a worker that has not started yet
    request_pull(actor=data.world.faith.user, network=data.world.network, connection=connection)

    with pytest.raises(ValidationError, match="already queued or running"):
        request_pull(actor=data.world.carla.user, network=data.world.network, connection=connection)
    assert connection.pulls.count() == 1


def test_running_a_pull_twice_runs_it_once(data, remote, monkeypatch):
    from qicop.exchange import services

    connection = connect(data, remote)
    serve_values(remote)
    monkeypatch.setattr(services, "_enqueue", lambda pull: None)
    pull = services.request_pull(
        actor=data.world.faith.user, network=data.world.network, connection=connection
    )

    services.run_pull(pull.pk)
    services.run_pull(pull.pk)  # a retried task

    assert len(requests_to(remote, "/api/dataValueSets")) == 1
    assert DataImport.objects.count() == 1


def _self_signed_context(tmp_path):
    """A TLS server context with a certificate that no authority signed, for localhost (valid for years on
    either side: OpenSSL checks it against the real clock, not the suite's pinned one)."""
    import datetime
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=3650))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return context


def test_a_certificate_that_cannot_be_trusted_is_explained(data, tmp_path):
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="localhost", port=0, ssl_context=_self_signed_context(tmp_path))
    server.expect_request("/api/dataValueSets").respond_with_data(recorded("data_value_set_code.json"))
    server.start()
    try:
        connection = connect(data, server)
        assert connection.base_url.startswith("https://localhost:")
        pull_now(data, connection)
    finally:
        server.clear()
        server.stop()

    assert "The secure connection to localhost failed" in connection.last_error
    assert "certificate" in connection.last_error
    assert not DataValue.objects.exists()
