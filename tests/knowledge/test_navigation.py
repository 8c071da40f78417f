"""The main navigation offers each member what they may open in the current network: "What's new" for
every member (observers included), the proceedings instead of the meetings for someone who is only an
observer there, and no link that would answer 403. It adds no query to a page."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from qicop.network.models import Membership, Role

HOME = "/n/vln/case-studies/"


def menu(world, persona, path=HOME) -> dict[str, str]:
    """The main navigation's links: label → address."""
    response = world.client_for(persona).get(path)
    assert response.status_code == 200
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', response.content.decode(), re.S).group(1)
    return {label.strip(): href for href, label in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>([^<]+)</a>', nav)}


def test_every_member_of_the_network_finds_whats_new_in_the_menu(world):
    for persona in ("carla", "faith", "kim", "olga"):
        links = menu(world, persona)
        assert links["What's new"] == "/n/vln/whats-new/"
        assert world.client_for(persona).get(links["What's new"]).status_code == 200


def test_an_observer_is_led_to_the_proceedings_and_not_to_pages_that_refuse_them(world):
    links = menu(world, "olga")
    assert links["Proceedings"] == "/n/vln/proceedings/"
    assert "Meetings" not in links and "Discussions" not in links
    for href in links.values():
        if href.startswith("/n/vln/"):
            assert world.client_for("olga").get(href).status_code == 200, href


def test_participants_are_led_to_the_meetings_and_the_discussions(world):
    for persona in ("carla", "kim"):
        links = menu(world, persona)
        assert links["Meetings"] == "/n/vln/meetings/"
        assert links["Discussions"] == "/n/vln/discussions/"
        assert "Proceedings" not in links


def test_an_observer_who_also_holds_another_role_sees_the_meetings(world):
    Membership.objects.create(member=world.olga, network=world.network, role=Role.MEMBER)
    links = menu(world, "olga")
    assert links["Meetings"] == "/n/vln/meetings/" and "Proceedings" not in links


def test_pages_outside_a_network_show_no_network_links(world):
    links = menu(world, "kim", "/notifications/")
    assert "What's new" not in links and "Meetings" not in links


def test_the_menu_adds_no_query_to_a_page(world, settings):
    client = world.client_for("olga")
    client.get(HOME)  # sessions, caches: the first request warms up

    def count() -> tuple[int, bool]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(HOME)
        assert response.status_code == 200
        return len(queries), "/n/vln/whats-new/" in response.content.decode()

    with_menu, linked = count()
    assert linked
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [
                    p
                    for p in settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
                    if not p.endswith(".navigation")
                ],
            },
        }
    ]
    assert count() == (with_menu, False)
