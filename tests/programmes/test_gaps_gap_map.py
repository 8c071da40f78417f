"""The network's gap map: each country's latest confirmed round the viewer may see, as countries × domains
coloured by level, the weakest first; the distribution per domain; both as CSV."""

import csv
import io

import pytest

from programmes_world import programmes_of
from qicop.programmes.models import Answer, AssessmentRound, Domain, Instrument, Item

GAP_MAP = "/n/vln/programmes/gap-map/"


def _rows(response) -> list[tuple[str, int]]:
    return [(row.country.iso2, row.round.year) for row in response.context["gaps"].rows]


def test_henri_sees_haitis_and_kenyas_shared_rounds_and_not_thailands(world):
    programmes_of(world)
    response = world.client_for("henri").get(GAP_MAP)
    assert response.status_code == 200
    assert sorted(_rows(response)) == [("HT", 2026), ("KE", 2025)]
    page = response.content.decode()
    assert "Not on the map yet" in page and "Thailand" in page  # listed, never its levels


def test_a_countrys_draft_is_never_on_the_map_even_for_its_own_people(world):
    programmes_of(world)
    assert ("KE", 2025) in _rows(world.client_for("kim").get(GAP_MAP))


def test_the_coordinator_sees_every_countrys_latest_confirmed_round_unshared_ones_marked(world):
    programmes_of(world)
    response = world.client_for("carla").get(GAP_MAP)
    assert ("TH", 2026) in _rows(response)
    assert "not shared" in response.content.decode()


def test_a_countrys_own_participants_see_its_unshared_round_marked_and_others_do_not(world):
    work = programmes_of(world)
    AssessmentRound.objects.filter(pk=work.haiti_2026.pk).update(shared=False)
    henri = world.client_for("henri").get(GAP_MAP)
    assert ("HT", 2026) in _rows(henri) and "not shared" in henri.content.decode()
    assert ("HT", 2026) not in _rows(world.client_for("kim").get(GAP_MAP))


def test_observers_see_shared_results_only_without_links_to_country_pages(world):
    programmes_of(world)
    response = world.client_for("olga").get(GAP_MAP)
    assert sorted(_rows(response)) == [("HT", 2026), ("KE", 2025)]
    assert "/programmes/countries/" not in response.content.decode()


def test_countries_come_lowest_mean_first_and_domains_where_most_countries_are_weakest_first(world):
    work = programmes_of(world)
    consumers = Domain.objects.create(
        instrument=work.instrument, code="consumers", names={"en": "Consumers"}, order=2
    )
    item = Item.objects.create(domain=consumers, code="consumers-1", lineage="consumers-1", texts={"en": "?"})
    for round_ in (work.kenya_2025, work.haiti_2026, work.thailand_2026):
        Answer.objects.create(round=round_, item=item, level=0)
    gaps = world.client_for("carla").get(GAP_MAP).context["gaps"]
    # Every country is weakest in consumer involvement, the last domain of the instrument; then leadership
    # (mean 2.7) before measurement (mean 3.0).
    assert [code for code, _name in gaps.columns] == ["consumers", "leadership", "measurement"]
    # Means: Kenya 1.3, Haiti 1.5, Thailand 2.8 (not the alphabet's Haiti, Kenya, Thailand).
    assert [row.country.iso2 for row in gaps.rows] == ["KE", "HT", "TH"]
    assert [cell.level for cell in gaps.rows[0].cells] == [0, 2.5, 1.5]


def test_each_cell_carries_its_number_as_well_as_its_colour(world):
    programmes_of(world)
    page = world.client_for("carla").get(GAP_MAP).content.decode()
    assert '<td style="background:#fc8d59;color:#1a1a1a">1.5</td>' in page  # Kenya's measurement
    assert '<td style="background:#91bfdb;color:#1a1a1a">4.5</td>' in page  # Thailand's measurement


def test_the_distribution_counts_the_countries_at_each_level_of_each_domain(world):
    programmes_of(world)
    response = world.client_for("carla").get(GAP_MAP)
    distribution = {d.name: d.counts for d in response.context["gaps"].distribution}
    assert distribution["Leadership"] == [0, 1, 1, 0, 1, 0]  # Haiti 1.5, Kenya 2.5, Thailand 4.0
    assert distribution["Measurement"] == [0, 1, 0, 1, 1, 0]  # Kenya 1.5, Haiti 3.0, Thailand 4.5
    assert response.content.decode().count("<svg") == 1


def test_another_instrument_is_chosen_by_its_short_name_and_an_unknown_one_is_not_found(world):
    programmes_of(world)
    Instrument.objects.create(slug="who-nqps", version=1, kind=Instrument.Kind.NQPS, names={"en": "WHO NQPS"})
    client = world.client_for("kim")
    response = client.get(GAP_MAP + "?instrument=who-nqps")
    assert response.context["gaps"].instrument.slug == "who-nqps" and _rows(response) == []
    assert "No country has a confirmed assessment on this instrument" in response.content.decode()
    assert "?instrument=national-qm-programme" in response.content.decode()
    assert client.get(GAP_MAP).context["gaps"].instrument.slug == "national-qm-programme"
    assert client.get(GAP_MAP + "?instrument=nope").status_code == 404


def test_without_any_instrument_the_map_says_who_loads_one(world):
    response = world.client_for("kim").get(GAP_MAP)
    assert response.status_code == 200 and response.context["gaps"] is None
    assert "the network's coordinator loads" in response.content.decode()


def test_the_csv_holds_the_map_as_shown_and_the_distribution(world):
    programmes_of(world)
    response = world.client_for("henri").get(GAP_MAP.rstrip("/") + ".csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["country", "year", "shared", "leadership", "measurement", "overall"]
    assert rows[1] == ["", "", "", "Leadership", "Measurement", ""]
    assert rows[2] == ["Kenya", "2025", "yes", "2.5", "1.5", "2.0"]
    assert rows[3] == ["Haiti", "2026", "yes", "1.5", "3.0", "2.25"]
    assert rows[4][0] == "level 0" and len(rows) == 4 + 6
    assert "Thailand" not in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("persona", ["carla", "olga"])
def test_the_menu_links_members_to_the_gap_map(world, persona):
    page = world.client_for(persona).get("/n/vln/").content.decode()
    assert 'href="/n/vln/programmes/gap-map/">Quality programmes</a>' in page
