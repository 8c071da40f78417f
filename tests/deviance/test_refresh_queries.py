"""The refresh of the signals reads and writes a network in a fixed number of queries, the same for one
country as for all of them whatever their org units, and finds the same signals however it reads them."""

import pytest
from django.db import connection

from qicop.deviance import services
from qicop.deviance.models import ImprovementSignal
from qicop.deviance.services import refresh_signals
from qicop.network.models import Country, Network

#: every country computed (``everything``): the data versions, network, its countries, indicators, mappings,
#: data elements, org units, periods, publications, the highest combo id, the analytics table, the values,
#: the charts' saved settings; then the signals written (a savepoint, those stored, the inserts, what they
#: were computed from, the release; a DELETE too when some stored signals are not found again).
#: PostgreSQL takes the inserts as one COPY, which goes past Django's log of queries: one fewer counted there.
QUERIES = 18 if connection.vendor == "sqlite" else 17
COLUMNS = ("indicator_id", "org_unit_id", "country_id", "audience", "rule", "since", "latest", "size")


def signals_of(network) -> list:
    return sorted(ImprovementSignal.objects.filter(network=network).values_list(*COLUMNS))


@pytest.mark.usefixtures("demo")
@pytest.mark.django_db
class TestRefreshQueries:
    def test_a_networks_refresh_takes_as_many_queries_for_one_country_as_for_all(
        self, django_assert_num_queries
    ):
        network = Network.objects.get(slug="virtual")
        kenya = Country.objects.get(iso2="KE")
        assert network.countries.count() == 16
        ImprovementSignal.objects.all().delete()  # nothing stored: every signal found is inserted
        with django_assert_num_queries(QUERIES):
            refresh_signals(network_ids=[network.pk], country_ids=[kenya.pk], everything=True)
        with django_assert_num_queries(QUERIES):
            refresh_signals(network_ids=[network.pk], everything=True)

    def test_every_country_at_once_finds_what_one_country_at_a_time_finds(self):
        network = Network.objects.get(slug="virtual")
        refresh_signals(network_ids=[network.pk])
        together = signals_of(network)
        for country in network.countries.all():
            refresh_signals(network_ids=[network.pk], country_ids=[country.pk], everything=True)
        assert together and together == signals_of(network)

    def test_ids_too_large_to_pack_in_one_column_are_read_in_several_with_the_same_signals(self, monkeypatch):
        network = Network.objects.get(slug="virtual")
        refresh_signals(network_ids=[network.pk])
        packed = signals_of(network)
        monkeypatch.setattr(services, "PACKED", 8)  # bits: the ids in three or four columns
        groups = services._packing([("a", "a", 7), ("b", "b", 6), ("c", "c", 1), ("d", "d", 2)])
        assert [[name for name, _c, _bits in group] for group in groups] == [["a"], ["b", "c"], ["d"]]
        refresh_signals(network_ids=[network.pk], everything=True)
        assert packed and packed == signals_of(network)
