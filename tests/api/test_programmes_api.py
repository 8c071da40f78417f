"""The national quality programmes endpoints of /api/v1: instruments in the language asked, assessment
rounds with exactly the pages' permissions (observers: the confirmed shared rounds the gap map shows, without
their answers), the gap map as its page computes it; nothing of a draft or an unshared round of another
country under any identifier; bounded pages and pinned query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes_world import programmes_of
from qicop.accounts.services import create_api_token
from qicop.programmes.models import Answer, AssessmentRound, Domain, Instrument, Item

API = "/api/v1/networks/vln"
MEMBERS = ["carla", "faith", "dan", "kim", "henri", "olga"]


def get(world, persona, path):
    return world.client_for(persona).get(API + path)


def rounds_seen(world, persona, query=""):
    response = get(world, persona, "/assessment-rounds" + query)
    assert response.status_code == 200
    return {(r["country"], r["year"]) for r in response.json()["items"]}


# --- instruments ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", MEMBERS)
def test_every_member_reads_the_instruments_with_domains_items_and_levels(world, persona):
    programmes_of(world)
    [instrument] = get(world, persona, "/instruments").json()["items"]
    assert (instrument["slug"], instrument["version"], instrument["evidence_from"]) == (
        "national-qm-programme",
        1,
        3,
    )
    leadership = instrument["domains"][0]
    assert leadership["code"] == "leadership" and leadership["name"] == "Leadership"
    item = leadership["items"][0]
    assert item["code"] == "leadership-1" and item["text"] == "Leadership question 1"
    assert item["levels"][2] == {"level": 2, "definition": "Leadership 1, level 2"}
    assert [level["level"] for level in item["levels"]] == [0, 1, 2, 3, 4, 5]


def test_outsiders_and_visitors_read_no_instrument(world):
    programmes_of(world)
    assert get(world, "oscar", "/instruments").status_code == 404
    assert get(world, "oscar", "/instruments/national-qm-programme/versions/1").status_code == 404
    assert world.client_for("anonymous").get(API + "/instruments").status_code == 401


def test_instruments_come_in_the_language_asked_else_the_callers(world, client):
    programmes_of(world)
    french = get(world, "kim", "/instruments?language=fr").json()["items"][0]
    assert french["name"] == "National quality management programme assessment (fr)"
    assert french["domains"][1]["items"][0]["levels"][0]["definition"] == "Measurement 1, level 0 (fr)"
    world.henri.user.language = "pt"
    world.henri.user.save()
    _token, secret = create_api_token(user=world.henri.user, name="script")
    path = API + "/instruments/national-qm-programme/versions/1"
    one = client.get(path, headers={"Authorization": f"Bearer {secret}"}).json()
    assert one["domains"][0]["name"] == "Leadership (pt)"
    assert get(world, "kim", "/instruments?language=de").status_code == 422


def test_every_version_of_an_instrument_is_listed_and_read_by_its_number(world):
    work = programmes_of(world)
    Instrument.objects.filter(pk=work.instrument.pk).update(current=False)
    Instrument.objects.create(
        slug="national-qm-programme", version=2, kind="national", names={"en": "Second"}, levels=[0, 1]
    )
    versions = [(i["version"], i["current"]) for i in get(world, "olga", "/instruments").json()["items"]]
    assert versions == [(2, True), (1, False)]
    assert get(world, "olga", "/instruments/national-qm-programme/versions/2").json()["name"] == "Second"
    for missing in ("/versions/3", "/versions/0", "/versions/99999999999"):
        assert get(world, "olga", "/instruments/national-qm-programme" + missing).status_code == 404
    assert get(world, "olga", "/instruments/nothing/versions/1").status_code == 404


# --- assessment rounds ------------------------------------------------------------------------------------


def test_the_rounds_list_is_scoped_like_the_pages(world):
    programmes_of(world)
    kenya_and_shared = {("KE", 2025), ("KE", 2026), ("HT", 2026)}
    assert rounds_seen(world, "carla") == kenya_and_shared | {("TH", 2026)}
    assert rounds_seen(world, "faith") == rounds_seen(world, "kim") == rounds_seen(world, "dan")
    assert rounds_seen(world, "kim") == kenya_and_shared
    assert rounds_seen(world, "henri") == {("KE", 2025), ("HT", 2026)}
    assert get(world, "oscar", "/assessment-rounds").status_code == 404
    assert world.client_for("anonymous").get(API + "/assessment-rounds").status_code == 401


def test_observers_list_the_confirmed_shared_rounds_as_the_gap_map_shows_them(world):
    programmes_of(world)
    assert rounds_seen(world, "olga") == {("KE", 2025), ("HT", 2026)}


def test_each_round_carries_its_domains_levels(world):
    programmes_of(world)
    [haiti] = get(world, "henri", "/assessment-rounds?country=ht").json()["items"]
    assert haiti["status"] == "confirmed" and haiti["shared"] is True
    assert [(d["code"], d["level"], d["answered"]) for d in haiti["domains"]] == [
        ("leadership", 1.5, 2),
        ("measurement", 3.0, 2),
    ]
    assert haiti["overall"] == 2.25 and haiti["country_name"] == "Haiti"


def test_rounds_filter_by_country_instrument_and_year(world):
    programmes_of(world)
    assert rounds_seen(world, "carla", "?country=ke") == {("KE", 2025), ("KE", 2026)}
    assert rounds_seen(world, "carla", "?year=2025") == {("KE", 2025)}
    assert rounds_seen(world, "carla", "?instrument=national-qm-programme&year=2026&country=TH") == {
        ("TH", 2026)
    }
    assert rounds_seen(world, "carla", "?instrument=nothing") == set()
    assert rounds_seen(world, "henri", "?country=KE&year=2026") == set()  # the draft, filtered or not
    assert get(world, "carla", "/assessment-rounds?year=99999").status_code == 422


def test_a_round_gives_its_answers_to_those_who_may_read_its_page(world):
    work = programmes_of(world)
    for persona in ("carla", "faith", "dan", "kim"):
        draft = get(world, persona, f"/assessment-rounds/{work.kenya_2026.pk}").json()
        assert draft["status"] == "draft" and draft["started_from"] == work.kenya_2025.pk, persona
        assert [(a["item"], a["level"]) for a in draft["answers"]] == [
            ("leadership-1", 2),
            ("leadership-2", 3),
            ("measurement-1", 2),
            ("measurement-2", 2),
        ]
        assert draft["answers"][1]["evidence"] == "Minutes of the committee"
        assert draft["answers"][1]["level_definition"] == "Leadership 2, level 3"
    haiti = get(world, "kim", f"/assessment-rounds/{work.haiti_2026.pk}?language=fr").json()
    assert haiti["answers"][0]["item_text"] == "Leadership question 1 (fr)"
    assert haiti["domains"][0]["name"] == "Leadership (fr)"


def test_observers_read_a_shared_rounds_levels_but_not_its_answers(world):
    work = programmes_of(world)
    haiti = get(world, "olga", f"/assessment-rounds/{work.haiti_2026.pk}").json()
    assert haiti["domains"][1]["level"] == 3.0
    assert haiti["answers"] is None and haiti["comments"] is None and haiti["started_from"] is None


@pytest.mark.parametrize("persona", ["henri", "olga", "oscar"])
def test_a_draft_of_another_country_is_not_found_under_any_identifier(world, persona):
    work = programmes_of(world)
    draft = work.kenya_2026
    assert get(world, persona, f"/assessment-rounds/{draft.pk}").status_code == 404
    assert get(world, persona, f"/assessment-rounds/{draft.pk}?language=fr").status_code == 404
    if persona != "oscar":
        listed = get(world, persona, "/assessment-rounds?country=KE&year=2026&page_size=100").json()
        assert draft.pk not in [r["id"] for r in listed["items"]]
        gap_map = get(world, persona, "/gap-map").json()
        assert draft.pk not in [r["round"] for r in gap_map["rows"]]


@pytest.mark.parametrize("persona", ["faith", "kim", "dan", "henri", "olga"])
def test_an_unshared_round_of_another_country_is_not_found(world, persona):
    work = programmes_of(world)
    assert get(world, persona, f"/assessment-rounds/{work.thailand_2026.pk}").status_code == 404
    assert ("TH", 2026) not in rounds_seen(world, persona)


def test_a_submitted_round_of_another_country_stays_hidden_even_when_marked_shared(world):
    work = programmes_of(world)
    AssessmentRound.objects.filter(pk=work.kenya_2026.pk).update(
        status=AssessmentRound.Status.SUBMITTED, shared=True
    )
    for persona in ("henri", "olga"):
        assert get(world, persona, f"/assessment-rounds/{work.kenya_2026.pk}").status_code == 404


def test_a_round_of_another_network_or_none_is_not_found(world):
    work = programmes_of(world)
    elsewhere = AssessmentRound.objects.create(
        network=world.other_network,
        country=world.kenya,
        instrument=work.instrument,
        year=2026,
        status=AssessmentRound.Status.CONFIRMED,
        shared=True,
        created_by=world.carla.user,
    )
    assert get(world, "carla", f"/assessment-rounds/{elsewhere.pk}").status_code == 404
    assert get(world, "carla", "/assessment-rounds/999999").status_code == 404


def test_a_personal_token_reads_the_same_rounds_as_the_session(world, client):
    work = programmes_of(world)
    _token, secret = create_api_token(user=world.henri.user, name="script")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(API + f"/assessment-rounds/{work.kenya_2026.pk}", headers=headers).status_code == 404
    assert client.get(API + f"/assessment-rounds/{work.haiti_2026.pk}", headers=headers).status_code == 200


# --- the gap map ------------------------------------------------------------------------------------------


def test_the_gap_map_gives_the_pages_rows(world):
    programmes_of(world)
    henri = get(world, "henri", "/gap-map?instrument=national-qm-programme").json()
    assert henri["instrument"]["slug"] == "national-qm-programme"
    assert [(r["country"], r["year"], r["overall"]) for r in henri["rows"]] == [
        ("KE", 2025, 2.0),
        ("HT", 2026, 2.25),
    ]
    assert henri["rows"][0]["levels"] == {"leadership": 2.5, "measurement": 1.5}
    assert [c["code"] for c in henri["columns"]] == [d["code"] for d in henri["distribution"]]
    assert "TH" in henri["missing"]
    assert sum(henri["distribution"][0]["counts"]) == 2


def test_the_gap_map_shows_each_persona_what_its_page_shows(world):
    programmes_of(world)

    def countries(persona):
        return [r["country"] for r in get(world, persona, "/gap-map").json()["rows"]]

    assert set(countries("carla")) == {"KE", "HT", "TH"}
    assert set(countries("olga")) == set(countries("kim")) == {"KE", "HT"}
    assert get(world, "oscar", "/gap-map").status_code == 404
    assert world.client_for("anonymous").get(API + "/gap-map").status_code == 401
    assert get(world, "kim", "/gap-map?instrument=nothing").status_code == 404


def test_without_any_instrument_the_gap_map_is_empty(world):
    empty = get(world, "kim", "/gap-map").json()
    assert empty == {"instrument": None, "columns": [], "rows": [], "missing": [], "distribution": []}


def test_the_gap_map_speaks_the_language_asked(world):
    programmes_of(world)
    names = {c["name"] for c in get(world, "olga", "/gap-map?language=pt").json()["columns"]}
    assert names == {"Leadership (pt)", "Measurement (pt)"}


# --- bounds and query counts ------------------------------------------------------------------------------


def test_pages_are_bounded(world):
    programmes_of(world)
    assert get(world, "kim", "/assessment-rounds?page_size=1000").status_code == 422
    assert get(world, "kim", "/instruments?page_size=1000").status_code == 422


def _more(world, work, count):
    for n in range(count):
        instrument = Instrument.objects.create(
            slug=f"extra-{n}", version=1, kind="facility", names={"en": f"Extra {n}"}, levels=[0, 1, 2]
        )
        domain = Domain.objects.create(instrument=instrument, code="d", names={"en": "D"})
        Item.objects.create(
            domain=domain, code="i", lineage="i", texts={"en": "I"}, level_texts={"0": {"en": "-"}}
        )
        made = AssessmentRound.objects.create(
            network=world.network,
            country=world.haiti,
            instrument=work.instrument,
            year=2000 + n,
            status=AssessmentRound.Status.CONFIRMED,
            shared=True,
            created_by=world.carla.user,
        )
        Answer.objects.bulk_create(Answer(round=made, item=item, level=1) for item in work.items)


@pytest.mark.parametrize("persona", ["carla", "kim", "olga"])
@pytest.mark.parametrize("path", ["/instruments", "/assessment-rounds", "/gap-map"])
def test_query_counts_do_not_grow_with_the_rows(world, persona, path, django_assert_max_num_queries):
    work = programmes_of(world)
    client = world.client_for(persona)
    client.get(API + path)
    with CaptureQueriesContext(connection) as small:
        client.get(API + path + "?page_size=25" * (path != "/gap-map"))
    _more(world, work, 20)
    with django_assert_max_num_queries(len(small)):
        response = client.get(API + path + "?page_size=25" * (path != "/gap-map"))
    assert response.status_code == 200
    assert len(small) <= (14 if path == "/gap-map" else 12)  # the gap map: its page's six queries


def test_a_round_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    work = programmes_of(world)
    client = world.client_for("kim")
    with django_assert_max_num_queries(14):  # the request's 6, the round's 2, levels 2, answers 2
        assert client.get(API + f"/assessment-rounds/{work.kenya_2026.pk}").status_code == 200


def test_the_openapi_document_describes_the_programmes_endpoints(client, db):
    paths = set(client.get("/api/v1/openapi.json").json()["paths"])
    assert {
        "/api/v1/networks/{slug}/instruments",
        "/api/v1/networks/{slug}/instruments/{instrument}/versions/{version}",
        "/api/v1/networks/{slug}/assessment-rounds",
        "/api/v1/networks/{slug}/assessment-rounds/{round_id}",
        "/api/v1/networks/{slug}/gap-map",
    } <= paths
