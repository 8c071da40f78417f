"""One search box: ranked, filtered, permission-scoped, current after every change, never a 500."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from qicop.meetings.models import AgendaItem, Meeting
from qicop.search.models import SearchEntry
from qicop.search.selectors import forget_vocabulary


def search(world, persona: str, query: str, **params) -> str:
    response = world.client_for(persona).get("/n/vln/search/", {"q": query, **params})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def make_meeting(world, title: str, **fields) -> Meeting:
    start = fields.pop("start", datetime(2029, 5, 4, 12, tzinfo=UTC))
    return Meeting.objects.create(
        network=world.network, title=title, start=start, end=start + timedelta(hours=1), **fields
    )


def test_meetings_are_found_by_their_title_agenda_and_minutes(world):
    meeting = make_meeting(
        world, "Consumer involvement in clinic committees", minutes="Peer educators joined."
    )
    AgendaItem.objects.create(
        meeting=meeting,
        start=meeting.start,
        end=meeting.end,
        kind=AgendaItem.Kind.EXPERT,
        title="Differentiated service delivery",
    )
    assert "Consumer involvement" in search(world, "kim", "committee")
    assert "Consumer involvement" in search(world, "kim", "differentiated delivery")
    assert "Consumer involvement" in search(world, "kim", "educator")


def test_results_highlight_the_words_found(world):
    make_meeting(world, "Retention", description="Tracing clients lost to follow-up in Kisumu.")
    assert "<mark>Kisumu</mark>" in search(world, "kim", "kisumu")


def test_observers_find_members_but_not_meetings(world):
    make_meeting(world, "Quarterly review of the cascade")
    assert "Quarterly review" in search(world, "kim", "quarterly")
    assert "Quarterly review" not in search(world, "olga", "quarterly")
    assert "Kim Member" in search(world, "olga", "kim")


def test_outsiders_and_visitors_cannot_search_the_network(world):
    assert world.client_for("oscar").get("/n/vln/search/", {"q": "kim"}).status_code == 404
    assert world.client_for("anonymous").get("/n/vln/search/", {"q": "kim"}).status_code == 302


def test_the_index_follows_every_change(world):
    meeting = make_meeting(world, "Knowledge management")
    assert "Knowledge management" in search(world, "kim", "knowledge")
    meeting.title = "Coach certification"
    meeting.save()
    assert "Coach certification" in search(world, "kim", "certification")
    assert "Coach certification" not in search(world, "kim", "knowledge")
    meeting.delete()
    assert not SearchEntry.objects.filter(kind="meeting", object_id=str(meeting.pk)).exists()


def test_a_new_agenda_item_is_searchable_at_once(world):
    meeting = make_meeting(world, "Collaboratives")
    AgendaItem.objects.create(
        meeting=meeting,
        start=meeting.start,
        end=meeting.end,
        kind=AgendaItem.Kind.PANEL,
        title="Zanzibar panel",
    )
    assert "Collaboratives" in search(world, "kim", "zanzibar")


@pytest.mark.parametrize(
    "query", ['"', "*", "NEAR", "(((", "a)b(", '"unbalanced', "AND OR NOT", "^-:", "x" * 200, "é*ü"]
)
def test_queries_that_would_break_full_text_syntax_are_answered_cleanly(world, query):
    make_meeting(world, "Near the target")
    search(world, "kim", query)


def test_an_empty_search_asks_for_words(world):
    page = search(world, "kim", "")
    assert "Type one or more words" in page


def test_a_too_long_query_is_refused_with_the_reason(world):
    response = world.client_for("kim").get("/n/vln/search/", {"q": "x" * 500})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


def test_filters_narrow_by_type_year_and_country(world):
    make_meeting(world, "Cascade review 2029", host_country=world.kenya)
    make_meeting(world, "Cascade review 2031", start=datetime(2031, 1, 5, 9, tzinfo=UTC))
    assert "Cascade review 2031" not in search(world, "kim", "cascade", year=2029)
    assert "Cascade review 2029" in search(world, "kim", "cascade", year=2029)
    assert "Cascade review 2031" not in search(world, "kim", "cascade", country=world.kenya.pk)
    assert "Cascade review" not in search(world, "kim", "cascade", kind="member")


def test_words_with_a_typo_or_another_spelling_find_similar_words(world):
    make_meeting(world, "Relatório de avaliação nacional")
    forget_vocabulary()
    page = search(world, "kim", "evaluacao")
    assert "Relatório de avaliação nacional" in page
    assert "similar words" in page


def test_the_rebuild_command_recreates_the_index(world):
    make_meeting(world, "Quality policy and strategy")
    SearchEntry.objects.all().delete()
    assert "Quality policy" not in search(world, "kim", "policy")
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "entries indexed" in out.getvalue()
    assert "Quality policy" in search(world, "kim", "policy")


def test_a_results_page_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for i in range(30):
        make_meeting(world, f"Cascade session {i}")
    client = world.client_for("kim")
    client.get("/n/vln/search/", {"q": "cascade"})
    with django_assert_max_num_queries(12):
        response = client.get("/n/vln/search/", {"q": "cascade", "page": 2})
    assert "Cascade session" in response.content.decode()


def test_a_topic_added_later_is_a_filter_at_once(world):
    from qicop.network.models import Topic

    meeting = make_meeting(world, "Coaching circle")
    topic = Topic.objects.create(network=world.network, slug="coaching", name="Coaching")
    assert "Coaching circle" not in search(world, "kim", "circle", topic=topic.pk)
    meeting.topics.add(topic)
    assert "Coaching circle" in search(world, "kim", "circle", topic=topic.pk)


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_text(world):
    make_meeting(world, "Quarterly review", description="Retention of clients in care, tracing.")
    make_meeting(world, "Retention in care", description="Quarterly review of the cascade.")
    page = search(world, "kim", "retention")
    assert page.index("Retention in care") < page.index("Quarterly review")


def test_a_page_past_the_last_shows_the_last_page(world):
    for i in range(3):
        make_meeting(world, f"Mentoring visit {i}")
    page = search(world, "kim", "mentoring", page=9)
    assert "3 results" in page and "Mentoring visit 0" in page


def test_a_portuguese_discussion_is_found_by_another_form_of_its_words(world):
    """Discussions have no language of their own: their words are stemmed in all three languages, so a
    thread about "avaliações" is found by "avaliação" even when other results match the word exactly."""
    from qicop.knowledge.discussions import services as discussions

    discussions.thread_start(
        actor=world.henri.user,
        author=world.henri,
        network=world.network,
        title="Três avaliações da rede",
        body="Como organizar as avaliações nacionais?",
    )
    make_meeting(world, "Relatório de avaliação nacional")
    page = search(world, "kim", "avaliação")
    assert "Três avaliações da rede" in page and "Relatório de avaliação nacional" in page
    assert "similar words" not in page


def test_results_go_page_by_page_with_next_and_previous_links_that_keep_the_filters(world):
    for i in range(25):  # 20 a page: two pages
        make_meeting(world, f"Coaching call {i}", host_country=world.kenya)
    first = search(world, "kim", "coaching", country=world.kenya.pk)
    assert 'rel="next"' in first and 'rel="prev"' not in first
    link = re.search(r'<a rel="next" href="\?([^"]+)"', first)[1].replace("&amp;", "&")
    assert f"country={world.kenya.pk}" in link and "page=2" in link
    second = world.client_for("kim").get(f"/n/vln/search/?{link}").content.decode()
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert second.count("Coaching call") == 5
