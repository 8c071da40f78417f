"""FHIR reads and the HTTP rules around them: ``metadata``, ``Measure/<id>``, ``MeasureReport/<id>``;
JSON or 406; every refusal an OperationOutcome; a report read by its id with the search's rights."""

import json
from decimal import Decimal

import pytest
from django.conf import settings

import fhir_validation
from data_world import DataWorld
from qicop.accounts.services import create_api_token
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import DataValue, IndicatorMapping, NetworkIndicator, Period
from qicop.indicators.services import publish_period
from qicop.integrations.dhis2.rows import DataValueRow

REPORT = "/api/fhir/MeasureReport/vln.vl-coverage.KenyaRoot01.202401"


@pytest.fixture
def data(world):
    data = DataWorld(world)
    indicator = NetworkIndicator.objects.create(
        network=world.network,
        code="vl-coverage",
        name="VL coverage",
        description="People on ART with a viral load test in the period.",
        numerator_label="Viral load tests",
        denominator_label="People on ART",
        factor=100,
    )
    IndicatorMapping.objects.create(
        network_indicator=indicator,
        country=world.kenya,
        numerator="#{VlTested01a}",
        denominator="#{TxCurr0001a}",
    )
    import_data_values(
        actor=world.carla.user,
        options=ImportOptions(),
        rows=[
            DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="30"),
            DataValueRow(
                "TxCurr0001a", "202401", "NakuruHosp1", category_option_combo="CocFemale01", value="40"
            ),
        ],
    )
    return data


def valid_json(response, status=200):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/fhir+json"
    fhir_validation.assert_valid(response.content)
    return json.loads(response.content, parse_float=Decimal)


def test_the_capability_statement_is_public_and_says_json_only_r4(client):
    statement = valid_json(client.get("/api/fhir/metadata"))
    assert statement["resourceType"] == "CapabilityStatement"
    assert (statement["fhirVersion"], statement["format"], statement["kind"]) == (
        "4.0.1",
        ["json"],
        "instance",
    )
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert {i["code"] for i in resources["MeasureReport"]["interaction"]} == {"read", "search-type"}
    assert {"measure", "subject", "period"} <= {p["name"] for p in resources["MeasureReport"]["searchParam"]}
    assert resources["Measure"]["interaction"] == [{"code": "read"}]
    assert "406" in statement["rest"][0]["documentation"]


def test_a_measure_is_the_network_indicator_as_a_proportion(data):
    measure = valid_json(data.world.client_for("olga").get("/api/fhir/Measure/vln.vl-coverage"))
    assert measure["url"] == f"{settings.BASE_URL}/api/fhir/Measure/vln.vl-coverage"
    assert (measure["title"], measure["publisher"]) == ("VL coverage", "Virtual Learning Network")
    assert measure["scoring"]["coding"][0]["code"] == "proportion"
    assert measure["improvementNotation"]["coding"][0]["code"] == "increase"
    populations = measure["group"][0]["population"]
    assert [(p["code"]["coding"][0]["code"], p["description"]) for p in populations] == [
        ("numerator", "Viral load tests"),
        ("denominator", "People on ART"),
    ]


def test_a_report_read_by_its_id_is_the_one_the_search_gives(data):
    client = data.world.client_for("kim")
    report = valid_json(client.get(REPORT))
    found = client.get("/api/fhir/MeasureReport?measure=vln.vl-coverage&subject=KenyaRoot01&period=202401")
    [entry] = json.loads(found.content, parse_float=Decimal)["entry"]
    assert {**report, "date": None} == {**entry["resource"], "date": None}
    assert report["id"] == "vln.vl-coverage.KenyaRoot01.202401"
    assert report["group"][0]["measureScore"]["value"] == Decimal("75")
    assert report["status"] == "complete"


def test_ids_that_name_nothing_or_another_form_of_the_same_thing_are_not_found(data):
    client = data.world.client_for("carla")
    for path in (
        "/api/fhir/Measure/vln.nope",
        "/api/fhir/Measure/other.vl-coverage",
        f"/api/fhir/Measure/{NetworkIndicator.objects.get().pk}",  # the number is used only when needed
        "/api/fhir/Measure/vln..vl-coverage",
        "/api/fhir/MeasureReport/vln.vl-coverage.KenyaRoot01.2024-01",  # one spelling per period
        "/api/fhir/MeasureReport/vln.vl-coverage.KenyaRoot01.2024Q9",
        "/api/fhir/MeasureReport/vln.vl-coverage.Nowhere0001.202401",
        "/api/fhir/MeasureReport/vln.vl-coverage.KenyaRoot01",
        "/api/fhir/MeasureReport/vln",
        "/api/fhir/MeasureReport/" + "x" * 80,
        "/api/fhir/MeasureReport/%3Cscript%3E",
    ):
        outcome = valid_json(client.get(path), status=404)
        assert outcome["issue"][0]["code"] == "not-found", path


def test_a_report_for_an_org_unit_outside_the_networks_countries_is_not_found(data, world):
    from qicop.network.models import Country, Network

    solo = Network.objects.create(slug="solo", name="Solo")
    solo.countries.set([Country.objects.get(iso2="TH")])
    NetworkIndicator.objects.create(network=solo, code="vl-coverage", name="VL")
    valid_json(
        world.client_for("carla").get("/api/fhir/MeasureReport/solo.vl-coverage.KenyaRoot01.202401"), 404
    )


@pytest.mark.parametrize(
    ("persona", "status", "numerator"),
    [
        ("carla", 200, 30),  # coordinator: everything
        ("kim", 200, 30),  # Kenyan member: Kenya's unpublished values too
        ("henri", 200, None),  # Haitian member: not Kenya's unpublished values
        ("olga", 200, None),  # observer: published national totals only
        ("oscar", 404, None),  # outsider: no network, no measure
    ],
)
def test_a_report_shows_each_persona_what_the_pages_show_them(data, persona, status, numerator):
    response = data.world.client_for(persona).get(REPORT)
    body = valid_json(response, status)
    if status == 200:
        assert body["group"][0]["population"][0].get("count") == numerator


def test_once_published_members_and_observers_see_the_national_total_but_observers_not_below(data):
    publish_period(actor=data.world.faith.user, country=data.world.kenya, period_id="202401")
    for persona in ("henri", "olga"):
        report = valid_json(data.world.client_for(persona).get(REPORT))
        assert [p.get("count") for p in report["group"][0]["population"]] == [30, 40], persona
    hospital = REPORT.replace("KenyaRoot01", "NakuruHosp1")
    below = valid_json(data.world.client_for("olga").get(hospital))
    assert [p.get("count") for p in below["group"][0]["population"]] == [None, None]
    assert [
        p.get("count")
        for p in valid_json(data.world.client_for("henri").get(hospital))["group"][0]["population"]
    ] == [30, 40]


def test_a_personal_token_reads_and_no_credentials_get_401_with_an_operation_outcome(data, client):
    _token, secret = create_api_token(user=data.world.kim.user, name="fhir")
    report = valid_json(client.get(REPORT, HTTP_AUTHORIZATION=f"ApiToken {secret}"))
    assert report["group"][0]["population"][0]["count"] == 30
    for path in (REPORT, "/api/fhir/Measure/vln.vl-coverage", "/api/fhir/MeasureReport?period=202401"):
        response = client.get(path)
        outcome = valid_json(response, status=401)
        assert outcome["issue"][0]["code"] == "login"
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("", ""),
        ("", "application/fhir+json"),
        ("", "application/json"),
        ("", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),  # a browser
        ("", "application/fhir+xml;q=0.9, application/fhir+json;q=0.5"),
        ("?_format=json", "application/fhir+xml"),  # _format wins over Accept
        ("?_format=application/fhir%2Bjson", ""),
    ],
)
def test_json_is_served_whenever_it_is_acceptable(data, query, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    valid_json(data.world.client_for("kim").get(REPORT + query, **headers))


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("", "application/fhir+xml"),
        ("", "application/xml"),
        ("", "application/fhir+json;q=0, application/fhir+xml"),
        ("?_format=xml", ""),
        ("?_format=application/fhir%2Bxml", "application/fhir+json"),
        ("?_format=ttl", ""),
    ],
)
def test_xml_or_any_other_format_alone_gets_406_saying_json_only(data, query, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    for path in (REPORT, "/api/fhir/metadata", "/api/fhir/MeasureReport"):
        outcome = valid_json(data.world.client_for("kim").get(path + query, **headers), status=406)
        assert outcome["issue"][0]["code"] == "not-supported"
        assert "JSON only" in outcome["issue"][0]["diagnostics"]


def test_writes_are_refused_with_405_and_store_nothing(data):
    client = data.world.client_for("carla")
    values, periods = DataValue.objects.count(), Period.objects.count()
    body = json.dumps({"resourceType": "MeasureReport"})
    for method in ("post", "put", "patch", "delete"):
        for path in (
            REPORT,
            "/api/fhir/MeasureReport",
            "/api/fhir/Measure/vln.vl-coverage",
            "/api/fhir/metadata",
        ):
            response = getattr(client, method)(path, body, content_type="application/fhir+json")
            outcome = valid_json(response, status=405)
            assert outcome["issue"][0]["code"] == "not-supported"
            assert response["Allow"] == "GET, HEAD"
    assert (DataValue.objects.count(), Period.objects.count()) == (values, periods)


def test_an_overlong_query_is_refused(data):
    response = data.world.client_for("kim").get("/api/fhir/MeasureReport?subject=" + "a" * 5000)
    assert valid_json(response, status=414)["issue"][0]["code"] == "too-long"


def test_reading_a_report_stores_no_period(data):
    before = Period.objects.count()
    valid_json(
        data.world.client_for("carla").get("/api/fhir/MeasureReport/vln.vl-coverage.KenyaRoot01.2019W7")
    )
    assert Period.objects.count() == before


def test_a_period_that_has_not_ended_in_the_org_units_country_gives_a_pending_report(data):
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from qicop.integrations.dhis2.periods import period_of

    # The month that is running in Kenya (the report's org unit), whoever asks and wherever they are.
    current = period_of("Monthly", timezone.localdate(timezone=ZoneInfo("Africa/Nairobi")))
    for reader in ("carla", "kim"):
        address = REPORT.replace("202401", current.id)
        assert valid_json(data.world.client_for(reader).get(address))["status"] == "pending"
        address = REPORT.replace("202401", current.previous().id)
        assert valid_json(data.world.client_for(reader).get(address))["status"] == "complete"


def test_an_indicator_whose_ids_do_not_fit_a_fhir_id_is_named_by_its_number(data, world):
    odd = NetworkIndicator.objects.create(network=world.network, code="tx_curr", name="On ART", factor=1)
    client = world.client_for("kim")
    measure = valid_json(client.get(f"/api/fhir/Measure/{odd.pk}"))
    assert measure["id"] == str(odd.pk)
    valid_json(client.get("/api/fhir/Measure/vln.tx_curr"), status=404)
    report = valid_json(client.get(f"/api/fhir/MeasureReport/{odd.pk}.KenyaRoot01.202401"))
    assert report["measure"] == measure["url"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/fhir/MeasureReport?measure=%00&subject=%00&period=%00",
        "/api/fhir/MeasureReport?measure=vln.vl-coverage&subject=KE&period=2024%E2%80%9301",
        "/api/fhir/MeasureReport?measure=vln.vl-coverage&subject=Location/&period=202401",
        "/api/fhir/MeasureReport?measure=|&subject=KE&period=202401",
        "/api/fhir/MeasureReport?measure=http://evil.example/Measure/vln.vl-coverage&subject=KE&period=202401",
        "/api/fhir/MeasureReport?network=vln&indicator=%27%3B--&orgUnit=KE&period=202401",
        "/api/fhir/MeasureReport?network=vln&indicator=vl-coverage&orgUnit=KE&period=99999999999999",
        "/api/fhir/MeasureReport?network=vln&indicator=vl-coverage&orgUnit=KE&period=2024W99",
        "/api/fhir/MeasureReport/vln.vl-coverage.KE.%E2%82%AC",
        "/api/fhir/Measure/%F0%9F%98%80",
        "/api/fhir/MeasureReport?_format=%00",
        "/api/fhir/metadata?_format=",
    ],
)
def test_hostile_requests_get_a_4xx_operation_outcome_or_a_valid_bundle(data, path):
    response = data.world.client_for("carla").get(path)
    assert response.status_code < 500
    body = valid_json(response, status=response.status_code)
    if response.status_code >= 400:
        assert body["resourceType"] == "OperationOutcome" and body["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    "path", ["/api/fhir/", "/api/fhir/Patient/1", "/api/fhir/metadata/", "/api/fhir/Measure/"]
)
def test_paths_the_server_does_not_serve_get_an_operation_outcome_not_a_web_page(client, path):
    outcome = valid_json(client.get(path), status=404)
    assert outcome["issue"][0]["code"] == "not-supported"
    assert "MeasureReport" in outcome["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/fhir/MeasureReport/vln.vl-coverage.KenyaRoot01.2024Q1",
        "/api/fhir/MeasureReport?measure=vln.vl-coverage&subject=KenyaRoot01&period=2024Q1",
        "/api/fhir/MeasureReport?measure=vln.vl-coverage&subject=KenyaRoot01&period=2023",
    ],
)
def test_reading_a_report_of_a_period_never_stored_writes_no_period(data, path):
    stored = set(Period.objects.values_list("dhis2_id", flat=True))
    response = data.world.client_for("carla").get(path)
    assert response.status_code == 200, response.content
    assert set(Period.objects.values_list("dhis2_id", flat=True)) == stored
    assert "2024Q1" not in stored and "2023" not in stored
