"""Discussions: threads in topics or attached to meetings, case studies and charts; replies, quotes,
edits, accepted answers, following; safe Markdown; limits that keep what was typed; bounded lists."""

from __future__ import annotations

import pytest

from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.models import CaseStudy, Post, Subscription, Thread
from qicop.network.models import Topic
from qicop.search.models import SearchEntry

THREADS = "/n/vln/discussions/"


def start(world, persona="kim", title="Courier delays", body="Samples wait for days.", **attached) -> Thread:
    member = getattr(world, persona)
    return discussions.thread_start(
        actor=member.user, author=member, network=world.network, title=title, body=body, **attached
    )


def reply(world, thread, persona, body, quote_of=None) -> Post:
    member = getattr(world, persona)
    return discussions.post_reply(
        actor=member.user, author=member, thread=thread, body=body, quote_of=quote_of
    )


def page(world, persona, path) -> str:
    response = world.client_for(persona).get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_member_starts_a_discussion_and_follows_it(world):
    topic = Topic.objects.create(network=world.network, slug="vl", name="Viral load")
    response = world.client_for("kim").post(
        THREADS + "new/",
        {"title": "Keeping samples moving", "topic": topic.pk, "body": "How do you do it?"},
    )
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{THREADS}{thread.pk}/"
    assert thread.created_by == world.kim and thread.topic == topic and thread.post_count == 1
    assert Subscription.objects.filter(thread=thread, member=world.kim).exists()
    assert "Keeping samples moving" in page(world, "henri", THREADS)
    assert "How do you do it?" in page(world, "henri", f"{THREADS}{thread.pk}/")


def test_the_list_filters_by_topic(world):
    topic = Topic.objects.create(network=world.network, slug="vl", name="Viral load")
    start(world, title="About viral load", topic=topic)
    start(world, title="About retention")
    listing = page(world, "kim", THREADS + "?topic=vl")
    assert "About viral load" in listing and "About retention" not in listing


def test_a_reply_appears_in_order_and_makes_the_author_follow(world):
    thread = start(world)
    response = world.client_for("henri").post(f"{THREADS}{thread.pk}/reply/", {"body": "We use motorbikes."})
    post = Post.objects.get(body="We use motorbikes.")
    assert response.status_code == 302 and response["Location"].endswith(f"#post-{post.pk}")
    text = page(world, "kim", f"{THREADS}{thread.pk}/")
    assert text.index("Samples wait for days.") < text.index("We use motorbikes.")
    assert Subscription.objects.filter(thread=thread, member=world.henri).exists()
    thread.refresh_from_db()
    assert thread.post_count == 2 and thread.last_post_at == post.created_at


def test_a_quote_link_prefills_the_reply_and_the_quote_shows_with_its_author(world):
    thread = start(world, body="Our courier failed twice in March.")
    first = thread.posts.get()
    form = page(world, "henri", f"{THREADS}{thread.pk}/?quote={first.pk}")
    assert f'name="quote_of" value="{first.pk}"' in form
    assert "Quoting Kim Member" in form and "Our courier failed twice in March." in form
    world.client_for("henri").post(
        f"{THREADS}{thread.pk}/reply/", {"body": "Same here.", "quote_of": first.pk}
    )
    answer = Post.objects.get(body="Same here.")
    assert answer.quote_of == first
    text = page(world, "faith", f"{THREADS}{thread.pk}/")
    assert "<blockquote>" in text and "Kim Member wrote:" in text


def test_a_long_thread_is_paginated_and_a_post_link_finds_its_page(world, settings):
    settings.PAGE_SIZE = 5
    thread = start(world)
    posts = [reply(world, thread, "henri", f"Reply number {i}") for i in range(11)]
    response = world.client_for("kim").get(f"{THREADS}{thread.pk}/posts/{posts[-1].pk}/")
    assert response["Location"] == f"{THREADS}{thread.pk}/?page=3#post-{posts[-1].pk}"
    assert "Reply number 10" in page(world, "kim", f"{THREADS}{thread.pk}/?page=3")
    assert "Reply number 10" not in page(world, "kim", f"{THREADS}{thread.pk}/")


def test_authors_edit_their_own_posts_and_the_page_says_so(world):
    thread = start(world)
    post = thread.posts.get()
    url = f"{THREADS}{thread.pk}/posts/{post.pk}/edit/"
    assert world.client_for("henri").post(url, {"body": "Vandalised"}).status_code == 403
    world.client_for("kim").post(url, {"body": "Samples wait for a week."})
    post.refresh_from_db()
    assert post.body == "Samples wait for a week." and post.edited_at is not None
    assert "(edited " in page(world, "kim", f"{THREADS}{thread.pk}/")


def test_the_starter_accepts_an_answer_shown_at_the_top(world):
    thread = start(world)
    answer = reply(world, thread, "henri", "Pool samples at the district hub.")
    url = f"{THREADS}{thread.pk}/posts/{answer.pk}/accept/"
    assert world.client_for("faith").post(url).status_code == 403
    world.client_for("kim").post(url)
    thread.refresh_from_db()
    assert thread.accepted_post == answer
    text = page(world, "dan", f"{THREADS}{thread.pk}/")
    assert text.index("Accepted answer") < text.index("Samples wait for days.")
    assert f"{THREADS}{thread.pk}/posts/{answer.pk}/" in text


def test_a_coordinator_may_accept_an_answer_too(world):
    thread = start(world)
    answer = reply(world, thread, "henri", "Pool samples.")
    world.client_for("carla").post(f"{THREADS}{thread.pk}/posts/{answer.pk}/accept/")
    thread.refresh_from_db()
    assert thread.accepted_post == answer


def test_members_follow_and_unfollow(world):
    thread = start(world)
    url = f"{THREADS}{thread.pk}/follow/"
    world.client_for("dan").post(url, {"action": "follow"})
    assert Subscription.objects.filter(thread=thread, member=world.dan).exists()
    world.client_for("dan").post(url, {"action": "unfollow"})
    assert not Subscription.objects.filter(thread=thread, member=world.dan).exists()


def test_threads_started_from_a_meeting_link_back_and_are_listed_for_it(world):
    from qicop.knowledge.discussions.selectors import threads_for
    from qicop.network.permissions import viewer_for

    response = world.client_for("kim").post(
        f"{THREADS}new/?meeting={world.meeting.pk}",
        {"title": "Questions for the session", "body": "Ask here."},
    )
    thread = Thread.objects.get()
    assert response.status_code == 302 and thread.meeting == world.meeting
    assert f"/n/vln/meetings/{world.meeting.pk}/" in page(world, "kim", f"{THREADS}{thread.pk}/")
    attached = threads_for(viewer_for(world.henri.user), world.network, meeting=world.meeting)
    assert [t.pk for t in attached] == [thread.pk] and attached.can_start
    assert attached.attach == f"meeting={world.meeting.pk}"
    assert not threads_for(viewer_for(world.olga.user), world.network, meeting=world.meeting).can_start


def test_the_threads_include_renders_for_other_pages(world):
    from django.template.loader import render_to_string

    from qicop.knowledge.discussions.selectors import threads_for
    from qicop.network.permissions import viewer_for

    start(world, title="On this chart", chart=("VL_SUPPRESSION", "KeNyA000001"))
    attached = threads_for(viewer_for(world.kim.user), world.network, chart="VL_SUPPRESSION/KeNyA000001")
    html = render_to_string("knowledge/_threads_for.html", {"discussions": attached})
    assert "On this chart" in html
    assert "/n/vln/discussions/new/?chart=VL_SUPPRESSION/KeNyA000001" in html


def _chart(world):
    from qicop.indicators.models import NetworkIndicator, OrgUnit

    NetworkIndicator.objects.create(network=world.network, code="VL_SUPPRESSION", name="VL suppression")
    OrgUnit.objects.create(
        uid="KeNyA000001", code="KE", name="Kenya", country=world.kenya, path="/KeNyA000001"
    )


def test_a_thread_about_a_chart_links_to_the_chart(world):
    _chart(world)
    world.client_for("kim").post(
        f"{THREADS}new/?chart=VL_SUPPRESSION/KeNyA000001", {"title": "The dip in May", "body": "Why?"}
    )
    thread = Thread.objects.get()
    assert (thread.chart_indicator, thread.chart_org_unit) == ("VL_SUPPRESSION", "KeNyA000001")
    assert "/n/vln/charts/VL_SUPPRESSION/KeNyA000001/" in page(world, "kim", f"{THREADS}{thread.pk}/")


def test_a_chart_a_thread_is_about_is_named_by_its_measure_and_place_not_by_codes(world):
    _chart(world)
    kim = world.client_for("kim")
    form = kim.get(f"{THREADS}new/?chart=VL_SUPPRESSION/KeNyA000001").content.decode()
    assert "Chart: VL suppression, Kenya" in form and "KeNyA000001</p>" not in form
    kim.post(f"{THREADS}new/?chart=VL_SUPPRESSION/KeNyA000001", {"title": "The dip in May", "body": "Why?"})
    thread = page(world, "kim", f"{THREADS}{Thread.objects.get().pk}/")
    assert ">Chart: VL suppression, Kenya</a>" in thread
    listed = page(world, "kim", THREADS)
    assert "Chart: VL suppression, Kenya" in listed and "KeNyA000001" not in listed.replace("chart=", "")


def test_a_thread_about_a_draft_case_study_is_read_only_by_those_who_may_read_the_draft(world):
    draft = CaseStudy.objects.create(
        network=world.network, country=world.kenya, title="Draft", created_by=world.kim.user
    )
    draft.authors.add(world.kim)
    thread = start(world, title="Feedback on our draft", case_study=draft)
    url = f"{THREADS}{thread.pk}/"
    for persona in ("kim", "faith", "carla"):
        assert world.client_for(persona).get(url).status_code == 200, persona
    assert world.client_for("henri").get(url).status_code == 404
    assert "Feedback on our draft" not in page(world, "henri", THREADS)
    assert world.client_for("henri").get(f"{THREADS}new/?case_study={draft.pk}").status_code == 404


def test_observers_and_outsiders_do_not_take_part(world):
    thread = start(world)
    assert world.client_for("olga").get(f"{THREADS}{thread.pk}/").status_code == 403
    assert world.client_for("olga").post(f"{THREADS}{thread.pk}/reply/", {"body": "x"}).status_code == 403
    assert world.client_for("oscar").post(f"{THREADS}{thread.pk}/reply/", {"body": "x"}).status_code == 404
    assert Post.objects.count() == 1


@pytest.mark.parametrize(
    ("attack", "forbidden"),
    [
        ("<script>alert('x')</script>", "<script>"),
        ("<style>body{display:none}</style>", "<style>"),
        ("[click me](javascript:alert(1))", 'href="javascript:'),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("![pic](javascript:alert(1))", "<img"),
    ],
)
def test_an_injection_attempt_renders_as_text(world, attack, forbidden):
    thread = start(world, title="<script>alert('title')</script>", body=attack)
    text = page(world, "henri", f"{THREADS}{thread.pk}/")
    assert forbidden not in text
    assert "<script>alert('title')" not in text and "&lt;script&gt;alert(&#x27;title&#x27;)" in text


def test_links_in_posts_are_nofollow(world):
    thread = start(world, body="See [the guideline](https://example.org/vl).")
    assert 'rel="nofollow noopener"' in page(world, "henri", f"{THREADS}{thread.pk}/")


def test_a_post_over_twenty_thousand_characters_is_refused_and_kept(world):
    thread = start(world)
    long_text = "Samples " * 2600  # 20,800 characters
    response = world.client_for("henri").post(f"{THREADS}{thread.pk}/reply/", {"body": long_text})
    assert response.status_code == 400
    text = response.content.decode()
    assert "at most 20,000 characters" in text and long_text.strip()[:500] in text
    assert Post.objects.count() == 1


def test_a_new_thread_with_a_long_title_and_no_message_is_refused_with_what_was_typed(world):
    title = "T" * 201
    response = world.client_for("kim").post(THREADS + "new/", {"title": title, "body": ""})
    assert response.status_code == 400
    text = response.content.decode()
    assert "at most 200 characters" in text and "Write a message." in text and title in text
    assert not Thread.objects.exists() and not Post.objects.exists()


def test_the_list_and_thread_pages_take_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    topic = Topic.objects.create(network=world.network, slug="vl", name="Viral load")
    for i in range(30):
        thread = start(world, title=f"Thread {i}", topic=topic)
    for i in range(30):
        reply(world, thread, "henri" if i % 2 else "faith", f"Reply {i}", quote_of=thread.posts.first())
    client = world.client_for("kim")
    with django_assert_max_num_queries(12):
        assert client.get(THREADS).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(f"{THREADS}{thread.pk}/").status_code == 200


def test_discussions_are_found_by_participants_only_and_replies_reindex(world):
    thread = start(world, title="Courier failures", body="Motorbike riders")
    reply(world, thread, "henri", "Hub-and-spoke transport")
    entry = SearchEntry.objects.get(kind="discussion", object_id=str(thread.pk))
    assert entry.audience == SearchEntry.Audience.PARTICIPANTS
    assert "Hub-and-spoke" in entry.body
    assert "Courier failures" in page(world, "kim", "/n/vln/search/?q=spoke")
    assert "Courier failures" not in page(world, "olga", "/n/vln/search/?q=spoke")


def test_hidden_threads_and_threads_of_drafts_are_not_in_the_index(world):
    draft = CaseStudy.objects.create(network=world.network, country=world.kenya, title="Draft")
    on_draft = start(world, title="On the draft", case_study=draft)
    hidden = start(world, title="Spam")
    discussions.thread_moderate(actor=world.carla.user, thread=hidden, hidden=True)
    kept = SearchEntry.objects.filter(kind="discussion").values_list("object_id", flat=True)
    assert str(on_draft.pk) not in kept and str(hidden.pk) not in kept
    draft.status = CaseStudy.Status.PUBLISHED
    draft.save()
    assert SearchEntry.objects.filter(kind="discussion", object_id=str(on_draft.pk)).exists()


def test_hidden_posts_are_left_out_of_the_index(world):
    thread = start(world, title="Courier failures", body="Motorbike riders")
    spam = reply(world, thread, "henri", "Buy cheap watches")
    discussions.post_hide(actor=world.carla.user, post=spam, hidden=True)
    assert "watches" not in SearchEntry.objects.get(kind="discussion", object_id=str(thread.pk)).body
