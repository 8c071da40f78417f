"""The assessment rounds' pages, read as each persona would, in their language."""

from __future__ import annotations

import pytest

from programmes_world import programmes_of
from qicop.programmes.models import Answer, AssessmentRound

BASE = "/n/vln/programmes/assessments/"
S = AssessmentRound.Status


def _page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_coordinator_sees_every_countrys_rounds_newest_year_first(world):
    work = programmes_of(world)
    page = _page(world.client_for("carla"), BASE)
    assert page.count("National quality management programme assessment") >= 4
    assert page.index(f"{BASE}{work.kenya_2026.pk}/") < page.index(f"{BASE}{work.kenya_2025.pk}/")
    assert f"{BASE}{work.thailand_2026.pk}/" in page


def test_henri_lists_his_countrys_rounds_and_the_shared_confirmed_ones_only(world):
    work = programmes_of(world)
    page = _page(world.client_for("henri"), BASE)
    assert f"{BASE}{work.haiti_2026.pk}/" in page
    assert f"{BASE}{work.kenya_2025.pk}/" in page
    assert f"{BASE}{work.kenya_2026.pk}/" not in page
    assert f"{BASE}{work.thailand_2026.pk}/" not in page


def test_the_list_filters_by_country_and_says_what_to_do_when_empty(world):
    work = programmes_of(world)
    page = _page(world.client_for("faith"), BASE + "?country=HT")
    assert f"{BASE}{work.haiti_2026.pk}/" in page and f"{BASE}{work.kenya_2025.pk}/" not in page
    page = _page(world.client_for("faith"), BASE + "?country=NA")
    assert "No round you may see matches this choice." in page
    assert f'href="{BASE}new/"' in page


def test_an_empty_list_tells_a_focal_point_to_start_this_years_round(world):
    page = _page(world.client_for("faith"), BASE)
    assert "No assessment round yet." in page and f'href="{BASE}new/"' in page


@pytest.mark.parametrize(
    ("persona", "round_name", "status"),
    [
        ("henri", "haiti_2026", 200),
        ("henri", "kenya_2025", 200),
        ("henri", "kenya_2026", 404),
        ("henri", "thailand_2026", 404),
        ("kim", "kenya_2026", 200),
        ("kim", "thailand_2026", 404),
        ("olga", "haiti_2026", 404),
        ("oscar", "kenya_2025", 404),
    ],
)
def test_who_sees_which_round(world, persona, round_name, status):
    round_ = getattr(programmes_of(world), round_name)
    assert world.client_for(persona).get(f"{BASE}{round_.pk}/").status_code == status


def test_the_round_page_shows_each_domains_level_and_its_change_since_the_round_it_started_from(world):
    work = programmes_of(world)
    page = _page(world.client_for("faith"), f"{BASE}{work.kenya_2026.pk}/")
    # 2025: leadership 2.5, measurement 1.5; 2026: leadership 2.5, measurement 2.0
    assert "no change since 2025" in page
    assert "+0.5 since 2025" in page
    assert "the 2025 round&#x27;s answers" in page or "the 2025 round's answers" in page
    assert "Leadership 1, level 2" in page  # the chosen level's definition
    assert "Minutes of the committee" in page
    assert "Dan Data" in page


def test_the_round_page_offers_each_persona_only_the_actions_they_may_take(world):
    work = programmes_of(world)
    url = f"{BASE}{work.kenya_2026.pk}/"
    faith = _page(world.client_for("faith"), url)
    assert "Submit for confirmation" in faith and "Share with the network" in faith
    assert "Confirm the round" not in faith
    kim = _page(world.client_for("kim"), url)
    assert "Submit for confirmation" not in kim and "fill/leadership/" not in kim
    haiti = _page(world.client_for("carla"), f"{BASE}{work.haiti_2026.pk}/")
    assert "Lock the round" in haiti and "Submit for confirmation" not in haiti


def test_the_fill_page_shows_the_rule_and_each_levels_definition_beside_its_radio_button(world):
    work = programmes_of(world)
    page = _page(world.client_for("dan"), f"{BASE}{work.kenya_2026.pk}/fill/leadership/")
    assert (
        "All the criteria of a level must hold to reach it; when unsure between two levels, choose the lower."
        in page
    )
    assert "Domain 1 of 2" in page
    assert "fill/measurement/" in page
    item = work.items[0]
    assert f'type="radio" name="level_{item.pk}" id="level_{item.pk}-2" value="2" checked' in page
    assert "Leadership 1, level 5" in page
    assert "<script" not in page


def test_the_fill_page_reads_the_level_definitions_in_french(world):
    work = programmes_of(world)
    client = world.client_for("faith")
    client.cookies["qicop_language"] = "fr"
    page = _page(client, f"{BASE}{work.kenya_2026.pk}/fill/measurement/")
    assert '<html lang="fr">' in page
    assert "Measurement 1, level 4 (fr)" in page
    assert "Measurement question 2 (fr)" in page


def test_saving_a_domain_keeps_what_was_typed_and_names_the_item_when_evidence_is_missing(world):
    work = programmes_of(world)
    first, second = work.items[0], work.items[1]
    response = world.client_for("dan").post(
        f"{BASE}{work.kenya_2026.pk}/fill/leadership/",
        {
            f"level_{first.pk}": "1",
            f"comment_{first.pk}": "Met once this year",
            f"level_{second.pk}": "5",
            f"evidence_{second.pk}": "",
            f"comment_{second.pk}": "Our best domain",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Leadership question 2" in page and "level 5 needs evidence" in page
    assert "Met once this year" in page and "Our best domain" in page
    assert f'name="level_{second.pk}" id="level_{second.pk}-5" value="5" checked' in page
    assert Answer.objects.get(round=work.kenya_2026, item=first).level == 2  # nothing saved


def test_saving_a_domain_goes_on_to_the_next_one(world):
    work = programmes_of(world)
    first, second = work.items[0], work.items[1]
    response = world.client_for("dan").post(
        f"{BASE}{work.kenya_2026.pk}/fill/leadership/",
        {
            f"level_{first.pk}": "4",
            f"evidence_{first.pk}": "Signed plan",
            f"level_{second.pk}": "",
            "next": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"{work.kenya_2026.pk}/fill/measurement/")
    assert Answer.objects.get(round=work.kenya_2026, item=first).level == 4
    assert Answer.objects.get(round=work.kenya_2026, item=second).level is None


def test_nobody_fills_a_locked_round_and_those_who_filled_it_are_told_why(world):
    work = programmes_of(world)
    response = world.client_for("carla").get(f"{BASE}{work.kenya_2025.pk}/fill/leadership/", follow=True)
    assert response.redirect_chain == [(f"{BASE}{work.kenya_2025.pk}/", 302)]
    assert "This round is locked: nobody changes its answers any more." in response.content.decode()
    assert world.client_for("faith").post(f"{BASE}{work.kenya_2025.pk}/submit/").status_code == 403
    assert world.client_for("kim").get(f"{BASE}{work.kenya_2025.pk}/fill/leadership/").status_code == 403


def test_a_round_goes_through_its_steps_from_the_round_page(world):
    work = programmes_of(world)
    url = f"{BASE}{work.kenya_2026.pk}/"
    assert world.client_for("faith").post(url + "submit/").status_code == 302
    assert world.client_for("faith").post(url + "confirm/").status_code == 403
    response = world.client_for("carla").post(url + "return/", {"reason": ""})
    assert response.status_code == 400
    assert "Say why the round goes back to draft" in response.content.decode()
    world.client_for("carla").post(url + "return/", {"reason": "Evidence of the plan is missing"})
    assert "Evidence of the plan is missing" in _page(world.client_for("dan"), url)
    world.client_for("faith").post(url + "submit/")
    world.client_for("carla").post(url + "confirm/")
    world.client_for("carla").post(url + "lock/")
    assert AssessmentRound.objects.get(pk=work.kenya_2026.pk).status == S.LOCKED


def test_submitting_with_unanswered_items_lists_them(world):
    work = programmes_of(world)
    Answer.objects.filter(round=work.kenya_2026, item=work.items[3]).update(level=None)
    client = world.client_for("faith")
    response = client.post(f"{BASE}{work.kenya_2026.pk}/submit/", follow=True)
    assert "still without a level: Measurement — Measurement question 2." in response.content.decode()
    assert AssessmentRound.objects.get(pk=work.kenya_2026.pk).status == S.DRAFT


def test_sharing_is_for_the_countrys_focal_point(world):
    work = programmes_of(world)
    url = f"{BASE}{work.kenya_2026.pk}/share/"
    assert world.client_for("kim").post(url, {"shared": "1"}).status_code == 403
    world.client_for("faith").post(url, {"shared": "1"})
    assert AssessmentRound.objects.get(pk=work.kenya_2026.pk).shared


def test_starting_a_round_refuses_a_second_for_the_year_and_keeps_what_was_typed(world):
    work = programmes_of(world)
    data = {
        "instrument": work.instrument.pk,
        "country": world.kenya.pk,
        "year": "2026",
        "assessed_by": "external",
        "assessor_names": "Dr A. Consultant",
        "from_last_year": "on",
    }
    response = world.client_for("faith").post(BASE + "new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kenya already has a round of National quality management programme assessment for 2026" in page
    assert "Dr A. Consultant" in page


def test_a_focal_point_starts_a_round_from_last_years_answers_for_their_own_country_only(world):
    work = programmes_of(world)
    data = {
        "instrument": work.instrument.pk,
        "country": world.haiti.pk,
        "year": "2027",
        "assessed_by": "self",
        "assessors": [world.dan.pk],
        "from_last_year": "on",
    }
    assert world.client_for("faith").post(BASE + "new/", data).status_code == 400
    response = world.client_for("faith").post(BASE + "new/", data | {"country": world.kenya.pk})
    assert response.status_code == 302
    made = AssessmentRound.objects.get(country=world.kenya, year=2027)
    assert made.started_from == work.kenya_2026 and made.answers.count() == 4
    assert list(made.assessors.all()) == [world.dan]


def test_the_csv_has_one_row_an_item_with_its_level_and_definition(world):
    work = programmes_of(world)
    response = world.client_for("kim").get(f"{BASE}{work.kenya_2026.pk}/answers.csv")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("country,instrument,version,year,status,domain,item_code")
    assert len(lines) == 5
    assert 'Leadership question 2,3,"Leadership 2, level 3",Minutes of the committee' in text


def test_the_list_and_the_round_page_ask_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    work = programmes_of(world)
    for year in range(2010, 2025):  # more rows ask no more queries
        AssessmentRound.objects.create(
            network=world.network,
            country=world.kenya,
            instrument=work.instrument,
            year=year,
            created_by=world.carla.user,
        )
    client = world.client_for("faith")
    client.get(BASE)  # warm the session
    with django_assert_max_num_queries(10):
        _page(client, BASE)
    # One more each: the work plan of the round it started from, beside its domains (workplans room).
    with django_assert_max_num_queries(17):
        _page(client, f"{BASE}{work.kenya_2026.pk}/")
    with django_assert_max_num_queries(12):
        _page(client, f"{BASE}{work.kenya_2026.pk}/fill/leadership/")


def test_a_round_not_started_from_another_compares_with_the_countrys_previous_year(world):
    work = programmes_of(world)
    later = AssessmentRound.objects.create(
        network=world.network,
        country=world.haiti,
        instrument=work.instrument,
        year=2027,
        created_by=world.carla.user,
    )
    Answer.objects.bulk_create(
        Answer(round=later, item=item, level=level, evidence="Report")
        for item, level in zip(work.items, [3, 4, 3, 3], strict=True)
    )
    page = _page(world.client_for("henri"), f"{BASE}{later.pk}/")
    # 2026: leadership 1.5, measurement 3.0; 2027: 3.5 and 3.0
    assert "+2.0 since 2026" in page and "no change since 2026" in page
    first = _page(world.client_for("henri"), f"{BASE}{work.haiti_2026.pk}/")
    assert "No earlier round of this instrument to compare with" in first
