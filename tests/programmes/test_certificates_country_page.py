"""A country's page counts its QI coaches (certified and in force, those of them expiring with the next to
expire, candidates) and links to its register; the gap map links to the network's register."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coaches_world import coaches_of
from personas import make_member
from qicop.core.when import when
from qicop.programmes.models import CoachCertification

KENYA = "/n/vln/countries/KE/"


def test_the_country_page_counts_its_coaches_and_names_the_next_to_expire(world):
    coaches = coaches_of(world)
    for persona in ("kim", "henri", "olga"):
        page = world.client_for(persona).get(KENYA).content.decode()
        assert 'href="/n/vln/programmes/certified-coaches/KE/">QI coaches</a>' in page, persona
        until = when(coaches.faith.valid_until, "date")
        line = f"1 certified · 1 of them expiring within 90 days (next: Faith Focal, {until}) · 1 candidate"
        assert line in page, persona


def test_a_country_with_certified_and_lapsed_coaches_counts_those_in_force(world):
    coaches_of(world)
    page = world.client_for("kim").get("/n/vln/countries/HT/").content.decode()
    assert "1 certified · 0 of them expiring within 90 days · 0 candidates" in page  # not Rose, lapsed
    assert "next:" not in page


def test_the_gap_map_links_to_the_register_of_certified_coaches(world):
    for persona in ("carla", "olga"):
        page = world.client_for(persona).get("/n/vln/programmes/gap-map/").content.decode()
        assert 'href="/n/vln/programmes/certified-coaches/"' in page


def test_the_coaches_line_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    coaches_of(world)
    client = world.client_for("kim")
    client.get(KENYA)
    with CaptureQueriesContext(connection) as few:
        client.get(KENYA)
    today = timezone.localdate()
    for i in range(30):
        member = make_member(f"coach{i}@example.org", f"Coach {i}", world.kenya)
        CoachCertification.objects.create(
            network=world.network,
            country=world.kenya,
            member=member,
            status=CoachCertification.Status.CERTIFIED,
            started_on=today - timedelta(days=200),
            decided_on=today - timedelta(days=100),
            valid_until=today + timedelta(days=900),
            created_by=world.carla.user,
        )
    with django_assert_max_num_queries(len(few)):
        assert "31 certified · 1 of them" in client.get(KENYA).content.decode()
