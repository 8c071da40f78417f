"""A discussion read as a person reads it: each post set apart with who wrote it (their country and role)
and when, in the reader's language and zone; @mentions and web addresses are links."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from tests.personas import make_member

from qicop.core.when import when
from qicop.knowledge.discussions import services as discussions
from qicop.network.models import Role

THREADS = "/n/vln/discussions/"


def thread_page(world, persona, thread, language="en") -> str:
    client = world.client_for(persona)
    response = client.get(f"{THREADS}{thread.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def start(world, body, persona="kim"):
    member = getattr(world, persona)
    return discussions.thread_start(
        actor=member.user, author=member, network=world.network, title="Courier delays", body=body
    )


def articles(html: str) -> list[str]:
    return re.findall(r'<article class="post[^"]*" id="post-\d+">(.*?)</article>', html, re.S)


def test_each_post_is_an_article_of_its_own_with_author_country_role_and_date(world):
    thread = start(world, "Samples wait for days.")
    reply = discussions.post_reply(
        actor=world.dan.user, author=world.dan, thread=thread, body="We use motorbikes."
    )
    html = thread_page(world, "kim", thread)
    first, second = articles(html)
    assert "Samples wait for days." in first and "We use motorbikes." not in first
    assert "We use motorbikes." in second
    assert f'href="/n/vln/members/{world.dan.pk}/"' in second and "Dan Data" in second
    assert "Kenya · Data manager" in second
    nairobi = ZoneInfo("Africa/Nairobi")  # Kim's country's zone: she chose none of her own
    assert when(reply.created_at, "day_time", language="en", zone=nairobi) in second


def test_post_dates_are_written_in_words_never_as_us_numbers(world):
    thread = start(world, "Samples wait for days.")
    post = thread.posts.get()
    html = thread_page(world, "henri", thread, language="fr")
    haiti = ZoneInfo("America/Port-au-Prince")
    assert when(post.created_at, "day_time", language="fr", zone=haiti) in html
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", html)
    assert "a.m." not in html and "p.m." not in html


def test_a_mention_links_to_the_members_page_and_a_stranger_stays_plain_text(world):
    stranger = make_member(
        "zoe@example.org", "Zoe Elsewhere", world.kenya, network=world.other_network, roles=[Role.MEMBER]
    )
    thread = start(world, f"Over to @kim, @#{world.henri.pk} and @zoe; not `@dan` in code.", persona="carla")
    html = thread_page(world, "kim", thread)
    assert f'<a href="/n/vln/members/{world.kim.pk}/" class="mention"' in html
    assert f'<a href="/n/vln/members/{world.henri.pk}/" class="mention"' in html
    assert f"/members/{stranger.pk}/" not in html and "@zoe" in html
    assert "<code>@dan</code>" in html


def test_web_addresses_in_a_post_become_links(world):
    thread = start(world, "The guide is at https://example.org/guide and www.example.org.")
    html = thread_page(world, "kim", thread)
    assert '<a href="https://example.org/guide" rel="nofollow noopener">https://example.org/guide</a>' in html
    assert '<a href="http://www.example.org" rel="nofollow noopener">www.example.org</a>' in html


def test_the_discussion_list_writes_the_last_post_date_through_the_one_formatter(world):
    thread = start(world, "Samples wait for days.")
    response = world.client_for("henri").get(THREADS, HTTP_ACCEPT_LANGUAGE="pt")
    haiti = ZoneInfo("America/Port-au-Prince")
    assert when(thread.last_post_at, "datetime", language="pt", zone=haiti) in response.content.decode()
