"""The change-idea library's list: every idea with what it targets, who tested it and what they decided,
filtered by indicator, country and outcome, counted only from the collaboratives the viewer may see."""

from __future__ import annotations

from datetime import timedelta

from improvement_world import improvement_of
from qicop.improvement.models import ChangeIdea, PdsaCycle

LIBRARY = "/n/vln/change-ideas/"


def cycle(work, team, idea, decision="", title="A test"):
    return PdsaCycle.objects.create(
        team=team,
        change_idea=idea,
        title=title,
        objective="Does it work?",
        prediction="It does.",
        start=work.start,
        end=work.start + timedelta(days=7),
        stage=PdsaCycle.Stage.DONE if decision else PdsaCycle.Stage.PLAN,
        decision=decision,
        decided_on=work.start + timedelta(days=8) if decision else None,
        created_by=work.world.kim.user,
    )


def idea(work, title, **fields):
    return ChangeIdea.objects.create(
        network=work.world.network, title=title, created_by=work.world.carla.user, **fields
    )


def rows(response) -> str:
    return response.content.decode()


def test_the_library_lists_each_idea_with_its_first_line_target_testers_and_outcomes(world):
    work = improvement_of(world)
    work.idea.description = "# Review\n\nA clinician reviews every new result.\nSecond line."
    work.idea.save()
    work.cycle.decision, work.cycle.decided_on = "adapt", work.start
    work.cycle.save()
    cycle(work, work.team, work.idea, "adopt")
    cycle(work, work.jacmel, work.idea, "abandon")
    work.data.indicator.topic = "Viral load suppression"
    work.data.indicator.save()
    page = rows(world.client_for("carla").get(LIBRARY))
    assert "Same-day viral load result review" in page
    assert "Review" in page and "Second line" not in page
    # A topic that is not a step of the cascade is shown as the network wrote it.
    assert "Viral suppression" in page and '<span class="muted">Viral load suppression</span>' in page
    assert "Kenya" in page and "Haiti" in page and "Nakuru" in page
    assert "1 adopted · 1 adapted · 1 abandoned" in page
    assert "3 PDSA cycles" in page


def test_outcomes_of_a_collaborative_its_country_has_not_shared_are_not_counted_for_other_countries(world):
    work = improvement_of(world)
    cycle(work, work.team, work.idea, "adopt")  # Kenya's collaborative is not shared
    cycle(work, work.jacmel, work.idea, "abandon")  # Haiti's is
    henri = rows(world.client_for("henri").get(LIBRARY))
    assert "0 adopted · 0 adapted · 1 abandoned" in henri
    assert "Nakuru" not in henri
    kim = rows(world.client_for("kim").get(LIBRARY))
    assert "1 adopted · 0 adapted · 1 abandoned" in kim


def test_observers_see_ideas_and_outcomes_but_no_link_to_a_team_or_cycle(world):
    work = improvement_of(world)
    cycle(work, work.jacmel, work.idea, "adopt", title="Jacmel tries daily review")
    response = world.client_for("olga").get(LIBRARY)
    assert response.status_code == 200
    assert "1 adopted" in rows(response) and "Jacmel" in rows(response)
    detail = rows(world.client_for("olga").get(f"{LIBRARY}{work.idea.pk}/"))
    assert "Adopted" in detail
    assert "Jacmel tries daily review" not in detail  # the cycle's title is the workspace's
    assert "for the network&#x27;s participants" in detail or "for the network's participants" in detail
    henri = rows(world.client_for("henri").get(f"{LIBRARY}{work.idea.pk}/"))
    assert "Jacmel tries daily review" in henri


def test_the_library_filters_by_indicator_country_and_outcome(world):
    work = improvement_of(world)
    other = idea(work, "Text message reminders", country=world.haiti)
    untargeted = idea(work, "Peer navigators")
    cycle(work, work.jacmel, other, "adopt")
    cycle(work, work.team, untargeted, "abandon")
    client = world.client_for("carla")

    def titles(query):
        page = rows(client.get(LIBRARY + query))
        return {t for t in ("Same-day viral load", "Text message reminders", "Peer navigators") if t in page}

    assert titles(f"?indicator={work.data.indicator.pk}") == {"Same-day viral load"}
    assert titles(f"?country={world.haiti.pk}") == {"Text message reminders"}
    assert titles(f"?country={world.kenya.pk}") == {"Same-day viral load", "Peer navigators"}
    assert titles("?outcome=adopt") == {"Text message reminders"}
    assert titles("?outcome=abandon") == {"Peer navigators"}
    assert titles("?outcome=adapt") == set()


def test_a_filter_that_matches_nothing_says_so_and_links_back_to_every_idea(world):
    improvement_of(world)
    page = rows(world.client_for("kim").get(LIBRARY + "?outcome=adapt"))
    assert "No change idea matches these filters." in page
    assert f'href="{LIBRARY}"' in page


def test_a_filter_value_that_is_not_a_choice_is_a_clear_error(world):
    improvement_of(world)
    response = world.client_for("kim").get(LIBRARY + "?outcome=maybe&country=abc")
    assert response.status_code == 400
    assert "Select a valid choice" in rows(response)


def test_retired_ideas_are_left_out_unless_asked_for_and_say_so_in_words(world):
    work = improvement_of(world)
    idea(work, "Paper appointment cards", retired=True)
    client = world.client_for("kim")
    assert "Paper appointment cards" not in rows(client.get(LIBRARY))
    shown = rows(client.get(LIBRARY + "?retired=on"))
    assert "Paper appointment cards" in shown and "(retired)" in shown


def test_an_empty_library_invites_participants_to_propose_the_first_idea(world):
    page = rows(world.client_for("kim").get(LIBRARY))
    assert "Propose the first change idea" in page
    assert "Propose" not in rows(world.client_for("olga").get(LIBRARY))


def test_the_library_is_paginated_and_its_query_count_does_not_grow_with_the_page(
    world, django_assert_max_num_queries
):
    work = improvement_of(world)
    client = world.client_for("kim")
    for n in range(30):
        extra = idea(work, f"Idea {n:02}", indicator=work.data.indicator, country=world.kenya)
        cycle(work, work.team if n % 2 else work.jacmel, extra, "adopt")
    with django_assert_max_num_queries(12):
        response = client.get(LIBRARY)
    assert response.status_code == 200
    assert "Page 1 of 2" in rows(response)
    assert len(response.content) < 100_000


def test_the_library_names_the_cascade_step_an_idea_targets_once_and_other_topics_as_written(world):
    work = improvement_of(world)
    indicator = work.data.indicator
    indicator.topic = "Cascade step 3"
    indicator.save(update_fields=["topic"])
    client = world.client_for("kim")
    page = rows(client.get(LIBRARY))
    assert "Cascade step 3: Virally suppressed" in page and "Cascade step: Cascade step" not in page
    detail = rows(client.get(f"{LIBRARY}{work.idea.pk}/"))
    assert "Cascade step 3: Virally suppressed" in detail and "Cascade step: Cascade step" not in detail
    indicator.topic = "Retention"
    indicator.save(update_fields=["topic"])
    page = rows(client.get(LIBRARY))
    assert '<span class="muted">Retention</span>' in page and "Cascade step" not in page
