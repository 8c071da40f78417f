"""The results pages read a fixed number of queries and stay light however many years and countries there
are: seven domains of three items, every year from 2010 to 2026, in every country of the network."""

import pytest

from qicop.programmes.models import Answer, AssessmentRound, Domain, Instrument, Item

YEARS = range(2010, 2027)
DOMAINS = [
    "Leadership and commitment",
    "Quality management plan and structure",
    "Performance measurement and data use",
    "Quality improvement activity",
    "Building capacity",
    "Consumer involvement",
    "Evaluation and sustainability",
]


@pytest.fixture
def history(world):
    instrument = Instrument.objects.create(
        slug="national-qm-programme",
        version=1,
        kind=Instrument.Kind.NATIONAL,
        names={"en": "National quality management programme assessment"},
        levels=[0, 1, 2, 3, 4, 5],
    )
    items = []
    for order, name in enumerate(DOMAINS):
        domain = Domain.objects.create(
            instrument=instrument, code=f"d{order}", names={"en": name}, order=order
        )
        items += [
            Item.objects.create(
                domain=domain, code=f"d{order}-{n}", lineage=f"d{order}-{n}", texts={"en": "?"}
            )
            for n in range(3)
        ]
    for c, country in enumerate([world.kenya, world.haiti, world.namibia, world.thailand]):
        for y, year in enumerate(YEARS):
            round_ = AssessmentRound.objects.create(
                network=world.network,
                country=country,
                instrument=instrument,
                year=year,
                status=AssessmentRound.Status.LOCKED,
                shared=True,
                created_by=world.carla.user,
            )
            Answer.objects.bulk_create(
                Answer(round=round_, item=item, level=min(5, (y + i + c) // 4))
                for i, item in enumerate(items)
            )
    return world


def test_a_countrys_results_read_a_fixed_number_of_queries_and_weigh_under_100_kb(
    history, django_assert_max_num_queries
):
    client = history.client_for("kim")
    client.get("/n/vln/programmes/countries/KE/")  # warm the session
    # The session, the account, the viewer, the network and the country; then the rounds (with their
    # instruments), their assessors and domain_results' three: 12 whatever the number of years.
    with django_assert_max_num_queries(12):
        response = client.get("/n/vln/programmes/countries/KE/")
    assert response.status_code == 200
    assert len(response.content) < 100_000
    assert response.context["histories"][0][0].earlier == len(YEARS) - 5


def test_the_gap_map_reads_a_fixed_number_of_queries_and_weighs_under_100_kb(
    history, django_assert_max_num_queries
):
    client = history.client_for("carla")
    client.get("/n/vln/programmes/gap-map/")
    # The session, the account, the viewer and the network; then the instruments, the rounds, domain_results'
    # three, the current version's domains and the countries not on the map: 13 whatever the years; and one
    # for the line of teams with a consumer member (programmes/consumers): 14.
    with django_assert_max_num_queries(14):
        response = client.get("/n/vln/programmes/gap-map/")
    assert response.status_code == 200 and len(response.context["gaps"].rows) == 4
    assert {row.round.year for row in response.context["gaps"].rows} == {2026}
    assert len(response.content) < 100_000


def test_the_country_page_adds_a_fixed_number_of_queries_for_its_results(
    history, django_assert_max_num_queries
):
    client = history.client_for("kim")
    client.get("/n/vln/countries/KE/")
    # The page read 13 queries before; its results read the rounds, their assessors and domain_results (5);
    # the consumer-involvement line its representatives, teams, meetings and panel roles (4, 6 with linked
    # members who speak at meetings); the QI coaches line its counts and its next expiry (2).
    with django_assert_max_num_queries(24):
        response = client.get("/n/vln/countries/KE/")
    assert "in 2026" in response.content.decode()
