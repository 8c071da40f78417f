"""GET /api/v1/networks/{slug}/coaches: the register of certified QI coaches as its page shows it — public
fields only, each coach at their latest certification, in force by default, filtered by country and stage,
for every member of the network (observers too); paginated, with a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coaches_world import coaches_of
from personas import make_member
from qicop.programmes.models import CoachCertification

API = "/api/v1/networks/vln/coaches"
MEMBERS = ["carla", "faith", "dan", "kim", "henri", "olga"]


def items(world, persona, query=""):
    response = world.client_for(persona).get(API + query)
    assert response.status_code == 200, response.content
    return response.json()["items"]


@pytest.mark.parametrize("persona", MEMBERS)
def test_every_member_reads_the_coaches_in_force_with_public_fields_only(world, persona):
    coaches = coaches_of(world)
    found = items(world, persona)
    assert found == [
        {
            "name": "Henri Haïtien",
            "country": "HT",
            "country_name": "Haiti",
            "stage": "certified",
            "stage_name": "Certified",
            "certified_on": coaches.henri.decided_on.isoformat(),
            "valid_until": coaches.henri.valid_until.isoformat(),
        },
        {
            "name": "Faith Focal",
            "country": "KE",
            "country_name": "Kenya",
            "stage": "expiring",
            "stage_name": "Expiring",
            "certified_on": coaches.faith.decided_on.isoformat(),
            "valid_until": coaches.faith.valid_until.isoformat(),
        },
    ]


def test_outsiders_get_404_and_visitors_401(world):
    coaches_of(world)
    assert world.client_for("oscar").get(API).status_code == 404
    assert world.client_for("anonymous").get(API).status_code == 401


def test_the_register_filters_by_country_and_stage(world):
    coaches_of(world)
    assert [c["name"] for c in items(world, "kim", "?country=ht")] == ["Henri Haïtien"]
    assert [c["name"] for c in items(world, "kim", "?stage=lapsed")] == ["Rose Lapsée"]
    assert [c["name"] for c in items(world, "kim", "?stage=expiring")] == ["Faith Focal"]
    assert [c["name"] for c in items(world, "kim", "?stage=certified")] == ["Henri Haïtien"]
    assert len(items(world, "kim", "?stage=all")) == 3  # never Dan, a candidate
    assert world.client_for("kim").get(API + "?stage=candidate").status_code == 422


def test_a_renewal_supersedes_and_a_withdrawal_removes(world):
    coaches = coaches_of(world)
    today = timezone.localdate()
    CoachCertification.objects.create(
        network=world.network,
        country=world.haiti,
        member=coaches.rose_member,
        kind=CoachCertification.Kind.RENEWAL,
        renews=coaches.rose,
        status=CoachCertification.Status.CERTIFIED,
        started_on=today - timedelta(days=60),
        decided_on=today - timedelta(days=3),
        valid_until=today + timedelta(days=1000),
        created_by=world.carla.user,
    )
    CoachCertification.objects.filter(pk=coaches.henri.pk).update(status=CoachCertification.Status.WITHDRAWN)
    assert [(c["name"], c["stage"]) for c in items(world, "olga", "?stage=all&country=HT")] == [
        ("Rose Lapsée", "certified")
    ]


def test_names_come_in_the_language_asked_codes_stay_the_same(world):
    coaches_of(world)
    found = items(world, "kim", "?language=fr&country=HT")
    assert (found[0]["stage"], found[0]["country"], found[0]["country_name"]) == ("certified", "HT", "Haïti")


def test_the_register_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    coaches_of(world)
    client = world.client_for("olga")
    client.get(API)
    with CaptureQueriesContext(connection) as few:
        client.get(API + "?page_size=25")
    today = timezone.localdate()
    for i in range(30):
        member = make_member(f"coach{i}@example.org", f"Coach {i:02d}", world.namibia)
        CoachCertification.objects.create(
            network=world.network,
            country=world.namibia,
            member=member,
            status=CoachCertification.Status.CERTIFIED,
            started_on=today - timedelta(days=200),
            decided_on=today - timedelta(days=100),
            valid_until=today + timedelta(days=900),
            created_by=world.carla.user,
        )
    with django_assert_max_num_queries(len(few)):
        response = client.get(API + "?page_size=25")
    assert response.json()["count"] == 32 and len(response.json()["items"]) == 25
    assert len(few) <= 10


def test_the_openapi_document_describes_the_register(client, db):
    assert "/api/v1/networks/{slug}/coaches" in client.get("/api/v1/openapi.json").json()["paths"]
