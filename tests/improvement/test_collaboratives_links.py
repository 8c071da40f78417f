"""Other pages lead to the collaboratives: the main menu, a country's page and the network dashboard."""

from __future__ import annotations

import re

from improvement_world import improvement_of


def test_a_countrys_page_lists_the_collaboratives_the_viewer_may_see(world):
    work = improvement_of(world)
    kim = world.client_for("kim").get("/n/vln/countries/KE/").content.decode()
    henri = world.client_for("henri").get("/n/vln/countries/KE/").content.decode()
    assert f'href="/n/vln/improvement/{work.kenya.pk}/">{work.kenya.name}</a>' in kim
    assert work.kenya.name not in henri and "No collaborative of Kenya you may see" in henri
    assert 'href="/n/vln/improvement/?country=KE"' in henri


def test_the_main_menu_leads_network_members_to_the_collaboratives(world):
    assert (
        'href="/n/vln/improvement/">Improvement</a>'
        in world.client_for("olga").get("/n/vln/").content.decode()
    )


def test_the_network_dashboard_links_each_country_to_its_collaboratives(world):
    improvement_of(world)
    page = world.client_for("carla").get("/n/vln/dashboard/").content.decode()
    assert "QI collaboratives:" in page and 'href="/n/vln/improvement/?country=KE"' in page


def test_the_dashboard_links_only_the_countries_with_a_collaborative_the_reader_may_see(world):
    improvement_of(world)

    def linked(persona):
        page = world.client_for(persona).get("/n/vln/dashboard/").content.decode()
        return re.findall(r'href="/n/vln/improvement/\?country=(\w+)"', page)

    # Kenya's collaborative is its own; Haiti's is shared with the network; the other countries run none.
    assert linked("carla") == ["HT", "KE"]
    assert linked("henri") == ["HT"]


def test_a_learning_sessions_page_links_back_to_its_collaborative_for_those_who_may_see_it(world):
    from qicop.improvement.models import CollaborativeMeeting

    work = improvement_of(world)
    CollaborativeMeeting.objects.create(
        collaborative=work.kenya, meeting=world.meeting, role="learning_session"
    )
    path = f"/n/vln/meetings/{world.meeting.pk}/"
    kim = world.client_for("kim").get(path).content.decode()
    henri = world.client_for("henri").get(path).content.decode()
    assert f'Learning session of <a href="/n/vln/improvement/{work.kenya.pk}/">{work.kenya.name}</a>' in kim
    assert work.kenya.name not in henri  # Kenya's collaborative is not shared
