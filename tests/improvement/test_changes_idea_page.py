"""A change idea's page: its description, what it targets, the teams that tested it by country with their
ramps, the charts after adoption (at most six), the case studies that tell its story and where it came
from; and the case study's page lists the ideas it tells the story of."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from improvement_world import improvement_of
from qicop.improvement.models import PdsaCycle
from qicop.knowledge.models import CaseStudy
from qicop.meetings.models import CasePresentation


def page_of(world, persona, idea):
    return world.client_for(persona).get(f"/n/vln/change-ideas/{idea.pk}/")


def published_case(world, title="Daily review in Nakuru"):
    return CaseStudy.objects.create(
        network=world.network,
        country=world.kenya,
        title=title,
        status="published",
        published_at=timezone.now(),
        created_by=world.kim.user,
    )


def test_the_page_shows_the_description_as_markdown_and_what_the_idea_targets(world):
    work = improvement_of(world)
    work.idea.description = "Review **every** result.\n\n- on the day it arrives"
    work.idea.save()
    page = page_of(world, "henri", work.idea).content.decode()
    assert "<strong>every</strong>" in page and "<li>on the day it arrives</li>" in page
    assert "Aims to move: Viral suppression" in page
    assert "First proposed by Kenya" in page


def test_the_ramps_are_grouped_by_country_with_each_decision_in_words(world):
    work = improvement_of(world)
    work.cycle.decision, work.cycle.decided_on, work.cycle.stage = "adapt", work.start, "done"
    work.cycle.save()
    PdsaCycle.objects.create(
        team=work.team,
        change_idea=work.idea,
        previous=work.cycle,
        title="Review results daily for a month",
        objective="Does it hold for a month?",
        prediction="Yes.",
        start=work.start + timedelta(days=10),
        end=work.start + timedelta(days=40),
        stage="done",
        decision="adopt",
        decided_on=work.start + timedelta(days=41),
        created_by=world.kim.user,
    )
    page = page_of(world, "kim", work.idea).content.decode()
    assert "<h3>Kenya</h3>" in page
    first, second = page.index("Review results daily for one week"), page.index("for a month")
    assert first < second
    assert "Adapted" in page and "Adopted" in page
    assert "After adoption" in page and "<svg" in page
    assert "No data you may see for this team" not in page


def test_for_an_idea_without_an_indicator_the_chart_after_adoption_is_of_the_measure_the_cycle_watched(world):
    from qicop.improvement.collaboratives.services import add_measure

    work = improvement_of(world)
    work.idea.indicator = None
    work.idea.save()
    work.cycle.measure = add_measure(
        actor=world.faith.user,
        collaborative=work.kenya,
        kind="process",
        name="Suppressed among tested",
        numerator=work.data.vl_suppressed,
        denominator=work.data.vl_tested,
        factor=100,
    )
    work.cycle.decision, work.cycle.decided_on, work.cycle.stage = "adopt", work.start, "done"
    work.cycle.save()
    page = page_of(world, "kim", work.idea).content.decode()
    after = page.split("After adoption")[1]
    assert "— Suppressed among tested ·" in after and "<svg" in after


def test_charts_after_adoption_are_bounded_to_six(world):
    from qicop.improvement.changes.selectors import MAX_CHARTS, adoptions, ramps_of
    from qicop.network.permissions import viewer_for

    work = improvement_of(world)
    work.cycle.decision, work.cycle.decided_on = "adopt", work.start
    work.cycle.save()
    ramps = ramps_of(viewer_for(world.carla.user), world.network, work.idea)
    assert len(adoptions(ramps)) == 1 <= MAX_CHARTS == 6


def test_an_idea_nobody_tested_says_how_a_team_tests_it(world):
    work = improvement_of(world)
    work.cycle.delete()
    page = page_of(world, "kim", work.idea).content.decode()
    assert "planning a PDSA cycle on it in its workspace" in page


def test_the_idea_lists_the_published_case_studies_that_cite_it_and_the_case_study_lists_the_idea(world):
    work = improvement_of(world)
    case = published_case(world)
    draft = published_case(world, "A draft")
    draft.status = "draft"
    draft.save()
    work.idea.case_studies.set([case, draft])
    page = page_of(world, "olga", work.idea).content.decode()
    assert f'href="/n/vln/case-studies/{case.pk}/"' in page
    assert "A draft" not in page
    case_page = world.client_for("olga").get(f"/n/vln/case-studies/{case.pk}/").content.decode()
    assert "Change ideas it tells the story of" in case_page
    assert f'href="/n/vln/change-ideas/{work.idea.pk}/"' in case_page


def test_an_idea_recommended_at_a_case_presentation_says_where_it_came_from(world):
    work = improvement_of(world)
    presentation = CasePresentation.objects.create(
        meeting=world.meeting,
        country=world.kenya,
        title="Results that wait",
        deadline=datetime(2030, 3, 1, tzinfo=UTC),
    )
    work.idea.source_presentation = presentation
    work.idea.save()
    page = page_of(world, "kim", work.idea).content.decode()
    assert "Where it came from" in page and "Results that wait" in page
    assert f'href="/n/vln/meetings/{world.meeting.pk}/"' in page
    olga = page_of(world, "olga", work.idea).content.decode()
    assert "Results that wait" in olga and f"/meetings/{world.meeting.pk}/" not in olga


def test_the_page_stays_light(world):
    work = improvement_of(world)
    work.cycle.decision, work.cycle.decided_on = "adopt", work.start
    work.cycle.save()
    assert len(page_of(world, "carla", work.idea).content) < 100_000


def test_an_idea_of_another_network_is_not_found(world):
    from qicop.improvement.models import ChangeIdea

    other = ChangeIdea.objects.create(
        network=world.other_network, title="Elsewhere", created_by=world.carla.user
    )
    assert page_of(world, "carla", other).status_code == 404
