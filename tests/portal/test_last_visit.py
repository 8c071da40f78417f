"""What changed since my last visit: the network's home remembers each member's last visit (written at most
once every few minutes) and shows what is new since the visit before this one — case studies, replies in
the discussions they follow, the last meeting's decisions and open actions, their country's signals."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qicop.knowledge.models import CaseStudy, Post, Subscription, Thread
from qicop.meetings.models import ActionItem, Decision, Meeting
from qicop.network.models import LastVisit
from qicop.network.services import VISIT_GAP, VISIT_LOOK_BACK, record_visit

HOME = "/n/vln/"


@pytest.fixture
def stopped_clock(clock):
    """The pinned moment, standing still: a test moves it on by hand (``stopped_clock.shift``)."""
    with time_machine.travel(clock.now, tick=False) as traveller:
        yield traveller


def changed_part(text: str) -> str:
    start = text.index('id="changed"')
    return text[start : text.index("</section>", start)]


def published(world, title, country=None) -> CaseStudy:
    return CaseStudy.objects.create(
        network=world.network,
        country=country or world.haiti,
        title=title,
        status=CaseStudy.Status.PUBLISHED,
        published_at=timezone.now(),
    )


def test_a_first_visit_looks_back_thirty_days_and_is_remembered(world, stopped_clock):
    now = timezone.now()
    assert record_visit(member_id=world.kim.pk, network=world.network) == now - VISIT_LOOK_BACK
    assert LastVisit.objects.get(member=world.kim, network=world.network).seen_at == now


def test_hits_within_a_visit_write_seldom_and_keep_counting_from_the_visit_before(world, stopped_clock):
    record_visit(member_id=world.kim.pk, network=world.network)
    first = timezone.now()
    stopped_clock.shift(VISIT_GAP * 2)  # a new visit
    assert record_visit(member_id=world.kim.pk, network=world.network) == first
    second = timezone.now()
    stopped_clock.shift(timedelta(minutes=1))  # the same visit: nothing is written
    with CaptureQueriesContext(connection) as queries:
        assert record_visit(member_id=world.kim.pk, network=world.network) == first
    assert len(queries) == 1
    assert LastVisit.objects.get(member=world.kim).seen_at == second
    stopped_clock.shift(VISIT_GAP / 2)  # still the same visit, long enough to note it goes on
    assert record_visit(member_id=world.kim.pk, network=world.network) == first
    assert LastVisit.objects.get(member=world.kim).seen_at == timezone.now()


def test_a_case_study_published_since_the_last_visit_shows_once_the_next_visit_comes(world, stopped_clock):
    kim = world.client_for("kim")
    kim.get(HOME)
    stopped_clock.shift(timedelta(hours=3))
    published(world, "Same-day results in Haiti")
    stopped_clock.shift(timedelta(hours=3))
    part = changed_part(kim.get(HOME).content.decode())
    assert "Same-day results in Haiti" in part and "New case studies" in part
    # Reloading within the visit keeps showing it; the next visit, a day later, no more.
    assert "Same-day results in Haiti" in changed_part(kim.get(HOME).content.decode())
    stopped_clock.shift(timedelta(days=1))
    assert "Same-day results in Haiti" not in changed_part(kim.get(HOME).content.decode())


def test_replies_show_in_the_discussions_the_reader_follows_only(world, stopped_clock):
    kim = world.client_for("kim")
    kim.get(HOME)
    stopped_clock.shift(timedelta(hours=2))
    followed = Thread.objects.create(network=world.network, title="Tracing lost clients")
    other = Thread.objects.create(network=world.network, title="Not followed")
    Subscription.objects.create(member=world.kim, thread=followed)
    for thread in (followed, other):
        Post.objects.create(thread=thread, author=world.henri, body="We phone them within a week.")
    stopped_clock.shift(timedelta(hours=2))
    part = changed_part(kim.get(HOME).content.decode())
    assert "Tracing lost clients" in part and "Not followed" not in part


def test_the_last_meeting_held_since_brings_its_decisions_and_open_actions(world, stopped_clock):
    faith = world.client_for("faith")
    faith.get(HOME)
    stopped_clock.shift(timedelta(days=2))
    held = Meeting.objects.create(
        network=world.network,
        title="Retention clinic",
        kind=Meeting.Kind.VIRTUAL,
        start=timezone.now() - timedelta(days=1),
        end=timezone.now() - timedelta(days=1) + timedelta(hours=1),
        time_zone="Africa/Nairobi",
        status=Meeting.Status.HELD,
    )
    Decision.objects.create(meeting=held, text="Every country tracks losses monthly.")
    ActionItem.objects.create(meeting=held, description="Share the tracing script", owner=world.faith)
    ActionItem.objects.create(meeting=held, description="Already done", status=ActionItem.Status.DONE)
    part = changed_part(faith.get(HOME).content.decode())
    assert "From the last meeting: Retention clinic" in part
    assert "Every country tracks losses monthly." in part and "Share the tracing script" in part
    assert "Already done" not in part
    olga = changed_part(world.client_for("olga").get(HOME).content.decode())
    assert "Retention clinic" not in olga  # observers read proceedings, not minutes


def test_nothing_new_says_what_to_do(world):
    part = changed_part(world.client_for("olga").get(HOME).content.decode())
    assert "Nothing new since your last visit." in part and "Follow a discussion" in part


def test_in_the_demo_kenyas_focal_point_sees_what_kenya_owes_and_kenyas_signals_with_links_to_charts(demo):
    from django.test import Client

    client = Client()
    client.login(username="focal.ke@example.org", password="demo")
    response = client.get("/n/virtual/")
    text = response.content.decode()
    assert len(response.content) < 100_000
    assert 'id="waiting"' in text
    part = changed_part(text)
    assert "Signals in the data of Kenya" in part
    assert "/n/virtual/charts/" in part
    for other in ("Haiti", "Uganda", "Thailand"):
        assert f"Signals in the data of {other}" not in part
    # She follows the topic of retention in care, where Haiti asked, four days ago, how to find the
    # clients a hurricane scattered: a discussion started since her last visit, in a topic she follows.
    assert "New discussions in topics you follow" in part
    assert "In “Retention in care”:" in part
    assert "Comment retrouver les patients perdus de vue après un ouragan ?" in part
