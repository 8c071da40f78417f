"""A country's page shows its latest quality programme results, as the viewer may see them."""

from programmes_world import programmes_of

KENYA = "/n/vln/countries/KE/"


def test_the_country_page_shows_the_latest_confirmed_year_and_level_with_a_link_to_the_results(world):
    programmes_of(world)
    page = world.client_for("henri").get(KENYA).content.decode()
    assert "National quality programme" in page
    assert "National quality management programme assessment: level 2.0 of 5 in 2025" in page
    assert 'href="/n/vln/programmes/countries/KE/"' in page


def test_the_coordinator_sees_thailands_unshared_result_marked_and_others_see_nothing(world):
    programmes_of(world)
    carla = world.client_for("carla").get("/n/vln/countries/TH/").content.decode()
    assert "level 4.3 of 5 in 2026" in carla and "(not shared)" in carla
    assert (
        "National quality programme"
        not in world.client_for("henri").get("/n/vln/countries/TH/").content.decode()
    )


def test_observers_see_no_country_results_on_country_pages(world):
    programmes_of(world)
    assert "National quality programme" not in world.client_for("olga").get(KENYA).content.decode()


def test_a_country_without_results_says_so_only_to_those_who_may_start_a_round(world):
    programmes_of(world)
    carla = world.client_for("carla").get("/n/vln/countries/NA/").content.decode()
    assert "No confirmed assessment of Namibia yet" in carla
    faith = world.client_for("faith").get("/n/vln/countries/NA/").content.decode()
    assert "National quality programme" not in faith
