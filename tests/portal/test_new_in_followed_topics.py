"""What changed since my last visit names the new discussions in the topics I follow: a few of each topic
with a link to each, the others counted with a link to the topic's discussions; only what I may read (never
a discussion of another country's unpublished case study, never a hidden one), never what I started myself
or what was there before my last visit; nothing for those who follow no topic; one query whatever the
number of topics and discussions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.models import CaseStudy, Thread
from qicop.network.models import Topic
from qicop.network.services import VISIT_GAP

HOME = "/n/vln/"
HEADING = "New discussions in topics you follow"


@pytest.fixture
def stopped_clock(clock):
    """The pinned moment, standing still: a test moves it on by hand (``stopped_clock.shift``)."""
    with time_machine.travel(clock.now, tick=False) as traveller:
        yield traveller


def changed_part(text: str) -> str:
    start = text.index('id="changed"')
    return text[start : text.index("</section>", start)]


def topic(world, slug="vl", name="Viral load") -> Topic:
    return Topic.objects.create(network=world.network, slug=slug, name=name)


def follow(world, persona, followed: Topic) -> None:
    member = getattr(world, persona)
    discussions.topic_follow(actor=member.user, member=member, topic=followed, follow=True)


def start(world, persona, title, in_topic, **attached) -> Thread:
    member = getattr(world, persona)
    return discussions.thread_start(
        actor=member.user,
        author=member,
        network=world.network,
        title=title,
        body="How do you do it?",
        topic=in_topic,
        **attached,
    )


def visit(world, persona) -> str:
    return changed_part(world.client_for(persona).get(HOME).content.decode())


def next_visit(world, persona, stopped_clock) -> str:
    stopped_clock.shift(VISIT_GAP * 2)
    return visit(world, persona)


def test_a_follower_sees_the_new_discussions_of_a_topic_they_follow_each_linked(world, stopped_clock):
    viral_load = topic(world)
    follow(world, "kim", viral_load)
    visit(world, "kim")
    stopped_clock.shift(timedelta(hours=2))
    thread = start(world, "henri", "Courier delays in the north", viral_load)
    part = next_visit(world, "kim", stopped_clock)
    assert HEADING in part and "In “Viral load”:" in part
    assert f'<a href="/n/vln/discussions/{thread.pk}/">Courier delays in the north</a>' in part
    assert "Henri" in part
    assert "Nothing new since your last visit." not in part


def test_a_member_who_does_not_follow_the_topic_is_not_told_of_it(world, stopped_clock):
    viral_load = topic(world)
    follow(world, "kim", viral_load)
    visit(world, "faith")
    start(world, "henri", "Courier delays in the north", viral_load)
    start(world, "henri", "A discussion in no topic", None)
    part = next_visit(world, "faith", stopped_clock)
    assert HEADING not in part and "Courier delays in the north" not in part


def test_another_countrys_unpublished_case_studys_discussion_never_shows(world, stopped_clock):
    viral_load = topic(world)
    for persona in ("kim", "faith", "carla"):
        follow(world, persona, viral_load)
        visit(world, persona)
    haiti_draft = CaseStudy.objects.create(
        network=world.network, country=world.haiti, title="Brouillon", created_by=world.henri.user
    )
    kenya_draft = CaseStudy.objects.create(
        network=world.network, country=world.kenya, title="Refill groups", created_by=world.dan.user
    )
    start(world, "henri", "Haiti draft, between us", viral_load, case_study=haiti_draft)
    start(world, "dan", "Kenya draft, between us", viral_load, case_study=kenya_draft)
    stopped_clock.shift(VISIT_GAP * 2)
    kim, faith, carla = (visit(world, persona) for persona in ("kim", "faith", "carla"))
    assert "Haiti draft" not in kim and "Kenya draft" not in kim  # a plain member reads no draft
    assert "Haiti draft" not in faith and "Kenya draft, between us" in faith  # her own country's only
    assert "Haiti draft, between us" in carla and "Kenya draft, between us" in carla  # the coordinator


def test_a_hidden_discussion_is_no_news_even_to_a_coordinator(world, stopped_clock):
    viral_load = topic(world)
    follow(world, "carla", viral_load)
    visit(world, "carla")
    thread = start(world, "henri", "Spam about couriers", viral_load)
    discussions.thread_moderate(actor=world.carla.user, thread=thread, hidden=True)
    part = next_visit(world, "carla", stopped_clock)
    assert "Spam about couriers" not in part


def test_discussions_from_before_the_last_visit_or_started_by_the_reader_are_not_news(world, stopped_clock):
    viral_load = topic(world)
    follow(world, "kim", viral_load)
    visit(world, "kim")
    start(world, "henri", "Seen last time", viral_load)
    next_visit(world, "kim", stopped_clock)
    start(world, "kim", "A question of her own", viral_load)
    part = next_visit(world, "kim", stopped_clock)
    assert "Seen last time" not in part and "A question of her own" not in part and HEADING not in part
    assert "Nothing new since your last visit." in part  # the empty state, as before


def test_a_few_discussions_of_each_topic_show_and_the_others_are_counted_with_a_link_to_the_topic(
    world, stopped_clock
):
    viral_load, retention = topic(world), topic(world, "retention", "Retention")
    follow(world, "kim", viral_load)
    follow(world, "kim", retention)
    visit(world, "kim")
    for n in range(1, 6):
        stopped_clock.shift(timedelta(minutes=1))
        start(world, "henri", f"Viral load question {n}", viral_load)
    stopped_clock.shift(timedelta(minutes=1))
    start(world, "faith", "Tracing lost clients", retention)
    part = next_visit(world, "kim", stopped_clock)
    for n in (5, 4, 3):
        assert f"Viral load question {n}</a>" in part
    assert "Viral load question 2" not in part and "Viral load question 1" not in part
    assert '<a href="/n/vln/discussions/?topic=vl">2 more new discussions in “Viral load”</a>' in part
    assert "In “Retention”:" in part and "Tracing lost clients" in part
    assert "more new discussion in “Retention”" not in part
    # The topic with the newest discussion comes first.
    assert part.index("In “Retention”:") < part.index("In “Viral load”:")


def test_one_more_is_said_in_the_singular(world, stopped_clock):
    viral_load = topic(world)
    follow(world, "kim", viral_load)
    visit(world, "kim")
    for n in range(4):
        stopped_clock.shift(timedelta(minutes=1))
        start(world, "henri", f"Question {n}", viral_load)
    assert "1 more new discussion in “Viral load”</a>" in next_visit(world, "kim", stopped_clock)


def test_observers_who_take_no_part_in_discussions_are_told_of_none(world, stopped_clock):
    viral_load = topic(world)
    follow(world, "olga", viral_load)  # left over from when she took part, say
    visit(world, "olga")
    start(world, "henri", "Courier delays in the north", viral_load)
    assert "Courier delays in the north" not in next_visit(world, "olga", stopped_clock)


def test_the_new_discussions_of_followed_topics_cost_one_query_whatever_their_number(world, stopped_clock):
    kim = world.client_for("kim")
    kim.get(HOME)
    stopped_clock.shift(VISIT_GAP * 2)
    kim.get(HOME)
    with CaptureQueriesContext(connection) as none_followed:
        kim.get(HOME)
    topics = [topic(world, f"t{n}", f"Topic {n}") for n in range(7)]
    for each in topics:
        follow(world, "kim", each)
        for n in range(4):
            start(world, "henri", f"{each.name}, question {n}", each)
    with CaptureQueriesContext(connection) as many:
        text = kim.get(HOME).content.decode()
    assert text.count("more new discussion") == 5  # five topics at most, each with its "more"
    assert len(many) == len(none_followed)
    assert sum("knowledge_topicsubscription" in query["sql"] for query in many.captured_queries) == 1
