"""Every DHIS2 path answers as DHIS2 does: with format suffixes, under a versioned prefix, and with a DHIS2
WebMessage (JSON, or XML when asked) for every error — never an HTML page."""

import logging

import pytest
from defusedxml import ElementTree
from django.core.exceptions import RequestDataTooBig
from django.test import Client, RequestFactory
from django.urls import clear_url_caches, include, path

from qicop.accounts.services import create_api_token
from qicop.api.dhis2.routing import dhis2_path, parse_suffix
from qicop.api.errors import bad_request

DXF = "{http://dhis2.org/schema/dxf/2.0}"


def token_for(user):
    return create_api_token(user=user, name="script")[1]


def _echo(request, uid=None):
    from django.http import JsonResponse

    return JsonResponse(
        {"uid": uid, "format": request.dhis2_format, "compression": request.dhis2_compression}
    )


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path(
        "api/",
        include(
            [
                dhis2_path("things", _echo, name="things"),
                dhis2_path("things/<str:uid>", _echo, name="thing"),
                dhis2_path("boom", _boom, name="boom"),
            ]
        ),
    )
]


@pytest.fixture
def echo_routes(settings):
    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    yield
    clear_url_caches()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/things", {"uid": None, "format": None, "compression": None}),
        ("/api/things.json", {"uid": None, "format": "json", "compression": None}),
        ("/api/things.xml", {"uid": None, "format": "xml", "compression": None}),
        ("/api/things.csv", {"uid": None, "format": "csv", "compression": None}),
        ("/api/things.json.gz", {"uid": None, "format": "json", "compression": "gzip"}),
        ("/api/things.csv.zip", {"uid": None, "format": "csv", "compression": "zip"}),
        ("/api/things/O6uvpzGd5pu", {"uid": "O6uvpzGd5pu", "format": None, "compression": None}),
        ("/api/things/O6uvpzGd5pu.json", {"uid": "O6uvpzGd5pu", "format": "json", "compression": None}),
        ("/api/40/things/O6uvpzGd5pu.xml", {"uid": "O6uvpzGd5pu", "format": "xml", "compression": None}),
        ("/api/29/things", {"uid": None, "format": None, "compression": None}),
        ("/api/things/", {"uid": None, "format": None, "compression": None}),
    ],
)
def test_a_route_answers_with_every_suffix_and_version_and_passes_the_suffix_on(echo_routes, url, expected):
    response = Client().get(url)
    assert response.status_code == 200, url
    assert response.json() == expected


def test_a_suffix_is_split_into_format_and_compression():
    assert parse_suffix("") == (None, None)
    assert parse_suffix(".xml") == ("xml", None)
    assert parse_suffix(".json.gz") == ("json", "gzip")
    assert parse_suffix(".json.zip") == ("json", "zip")


def test_a_path_segment_may_not_swallow_the_suffix():
    with pytest.raises(ValueError, match="swallow"):
        dhis2_path("files/<path:name>", _echo, name="files")


@pytest.mark.parametrize("url", ["/api/27/things", "/api/45/things", "/api/1/things", "/api/things.exe"])
def test_versions_and_suffixes_dhis2_does_not_know_are_not_found(echo_routes, url):
    response = Client().get(url)
    assert response.status_code == 404
    assert response.json()["httpStatusCode"] == 404


def test_an_unknown_path_under_api_is_a_json_web_message_not_the_html_page(db):
    response = Client().get("/api/nothingHere")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "httpStatus": "Not Found",
        "httpStatusCode": 404,
        "status": "ERROR",
        "message": "Nothing is here: check the address.",
    }


def test_an_unknown_path_asked_for_in_xml_is_an_xml_web_message(db):
    for response in (
        Client().get("/api/nothingHere.xml"),
        Client().get("/api/nothingHere", HTTP_ACCEPT="application/xml"),
    ):
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/xml")
        root = ElementTree.fromstring(response.content)
        assert root.tag == f"{DXF}webMessage"
        assert root.get("httpStatusCode") == "404"
        assert root.get("status") == "ERROR"
        assert root.find(f"{DXF}message").text == "Nothing is here: check the address."


def test_the_pages_outside_the_api_keep_their_html_error_page(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_qicops_own_api_keeps_its_json_errors_and_fhir_answers_an_operation_outcome(db):
    own = Client().get("/api/v1/no-such-thing")
    assert own.status_code == 404
    assert own.json() == {"detail": "Nothing is here: check the address."}
    fhir = Client().get("/api/fhir/NoSuchResource")
    assert fhir.status_code == 404
    assert fhir["Content-Type"].startswith("application/fhir+json")
    assert fhir.json()["resourceType"] == "OperationOutcome"
    assert fhir.json()["issue"][0]["code"] == "not-supported"  # a resource type the server does not have


def test_a_401_challenges_for_basic_authentication_as_dhis2_does(db):
    response = Client().get("/api/dataValueSets")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="DHIS2"'
    assert response.json()["httpStatus"] == "Unauthorized"


def test_a_401_for_a_wrong_token_names_the_scheme_the_client_used(db):
    api_token = Client().get("/api/dataValueSets", HTTP_AUTHORIZATION="ApiToken wrong")
    assert api_token["WWW-Authenticate"] == 'ApiToken realm="DHIS2"'
    bearer = Client().get("/api/dataValueSets", HTTP_AUTHORIZATION="Bearer wrong")
    assert bearer["WWW-Authenticate"] == 'Bearer realm="DHIS2", error="invalid_token"'


def test_a_401_in_xml_keeps_its_challenge(db):
    response = Client().get("/api/dataValueSets.xml")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/xml")
    assert response["WWW-Authenticate"] == 'Basic realm="DHIS2"'


def test_a_method_the_resource_does_not_take_is_a_405_web_message(world):
    secret = token_for(world.dan.user)
    response = Client().put("/api/dataValueSets", HTTP_AUTHORIZATION=f"ApiToken {secret}")
    assert response.status_code == 405
    assert response.json()["httpStatus"] == "Method Not Allowed"


def test_a_bug_is_a_500_web_message_and_is_logged(echo_routes, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/boom")
    assert response.status_code == 500
    assert response.json()["httpStatusCode"] == 500
    assert response.json()["status"] == "ERROR"
    assert "a bug" not in response.content.decode()
    assert any(record.exc_info and "a bug" in str(record.exc_info[1]) for record in caplog.records)


def test_a_500_asked_for_in_xml_is_xml(echo_routes):
    response = Client(raise_request_exception=False).get("/api/boom.xml")
    assert response.status_code == 500
    assert ElementTree.fromstring(response.content).get("httpStatusCode") == "500"


def test_a_body_too_large_for_django_is_a_413_web_message():
    request = RequestFactory().post("/api/dataValueSets")
    response = bad_request(request, RequestDataTooBig("too big"))
    assert response.status_code == 413
    assert b"Payload Too Large" in response.content
