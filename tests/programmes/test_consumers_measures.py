"""The measures of consumer involvement on a small world: teams with a consumer member, meetings with a
consumer speaker, and the consumer-involvement level of the latest confirmed round each viewer may see; on
the network's overview, a country's register, the country page and the gap map."""

from __future__ import annotations

import datetime
from datetime import UTC

from consumers_world import consumers_of
from improvement_world import improvement_of
from qicop.meetings.models import AgendaItem
from qicop.network.permissions import viewer_for
from qicop.programmes.consumers import selectors, services

BASE = "/n/vln/programmes/consumers/"


def _measures(world, persona="carla"):
    viewer = viewer_for(getattr(world, persona).user)
    countries = [world.kenya, world.haiti, world.thailand]
    return selectors.measures(viewer, world.network, countries)


def _speak(world, member):
    item = AgendaItem.objects.create(
        meeting=world.meeting,
        start=datetime.datetime(2030, 3, 10, 13, 0, tzinfo=UTC),
        end=datetime.datetime(2030, 3, 10, 13, 30, tzinfo=UTC),
        kind=AgendaItem.Kind.COUNTRY,
        title="Peer support in Nakuru",
    )
    item.presenters.set([member])


def test_a_team_counts_with_a_consumer_member_marked_on_the_team_or_a_representatives_role_on_it(world):
    work = consumers_of(world)
    teams = improvement_of(world)  # Kenya's Nakuru team has Grace, marked consumer; Haiti's Jacmel no one
    figures = _measures(world)
    assert (figures[world.kenya.pk].teams_with_consumer, figures[world.kenya.pk].teams) == (1, 1)
    assert figures[world.kenya.pk].team_share == 100
    assert (figures[world.haiti.pk].teams_with_consumer, figures[world.haiti.pk].teams) == (0, 1)
    assert figures[world.thailand.pk].team_share is None
    services.add_role(
        actor=world.carla.user,
        representative=work.jean,
        kind="team",
        team=teams.jacmel,
        since=work.grace.consent_on,
    )
    assert _measures(world)[world.haiti.pk].team_share == 100


def test_a_meeting_counts_once_with_a_linked_member_presenting_or_a_representative_on_its_panel(world):
    work = consumers_of(world)  # Jean (Haiti) is on the meeting's panel
    figures = _measures(world)
    assert figures[world.haiti.pk].meetings_with_speaker == 1
    assert figures[world.kenya.pk].meetings_with_speaker == 0
    assert figures[world.kenya.pk].meetings == 1
    _speak(world, world.kim)  # Kim is the member linked to Grace
    _speak(world, world.kim)
    assert _measures(world)[world.kenya.pk].meetings_with_speaker == 1
    assert work.grace.member == world.kim


def test_a_member_who_is_no_representative_is_no_consumer_speaker(world):
    consumers_of(world)
    _speak(world, world.dan)
    assert _measures(world)[world.kenya.pk].meetings_with_speaker == 0


def test_the_level_is_the_consumer_domain_of_the_latest_confirmed_round_the_viewer_may_see(world):
    consumers_of(world)
    carla, henri = _measures(world, "carla"), _measures(world, "henri")
    assert carla[world.kenya.pk].level == 2.0  # 2026 is a draft: the locked 2025 round counts
    assert carla[world.kenya.pk].round.year == 2025
    assert carla[world.haiti.pk].level == 4.0
    assert carla[world.thailand.pk].level == 1.0
    assert henri[world.thailand.pk].level is None  # Thailand does not share its round


def test_the_overview_shows_each_countrys_figures(world):
    consumers_of(world)
    improvement_of(world)
    page = world.client_for("henri").get(BASE).content.decode()
    assert "100% (1 of 1 teams)" in page
    assert "4.0 of 5 (2026)" in page
    assert "<td>1</td>" in page  # meetings with a consumer speaker


def test_the_country_page_has_a_consumer_involvement_line(world):
    consumers_of(world)
    improvement_of(world)
    page = world.client_for("olga").get("/n/vln/countries/KE/").content.decode()
    assert BASE + "KE/" in page
    assert "3 representatives" in page
    assert "100% (1 of 1 teams)" in page
    assert "Grace" not in page.split("Consumer involvement")[1].split("</p>")[0]


def test_the_gap_map_lists_each_countrys_share_of_teams_with_a_consumer_member(world):
    consumers_of(world)
    improvement_of(world)
    page = world.client_for("henri").get("/n/vln/programmes/gap-map/").content.decode()
    line = page.split("Collaborative teams with a consumer member")[1].split("</p>")[0]
    assert "Kenya 100% (1 of 1 teams)" in line
    assert "Haiti 0% (0 of 1 teams)" in line


def test_the_measures_read_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    consumers_of(world)
    improvement_of(world)
    _speak(world, world.kim)
    with django_assert_max_num_queries(16):
        _measures(world)
