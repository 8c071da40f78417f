"""Proposing, editing, retiring and deleting change ideas: participants propose, the proposer, the
country's focal point and coordinators edit; a title is never taken twice; an idea that cycles use is
retired, never deleted."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from improvement_world import improvement_of
from qicop.core.models import AuditEntry
from qicop.improvement.changes import services
from qicop.improvement.models import ChangeIdea

IDEAS = "/n/vln/change-ideas/"


def test_a_participant_proposes_an_idea_with_the_case_studies_that_tell_its_story(world):
    from django.utils import timezone

    from qicop.knowledge.models import CaseStudy

    work = improvement_of(world)
    case = CaseStudy.objects.create(
        network=world.network,
        country=world.haiti,
        title="Retention in Jacmel",
        status="published",
        published_at=timezone.now(),
        created_by=world.henri.user,
    )
    response = world.client_for("henri").post(
        IDEAS + "new/",
        {
            "title": "  SMS reminders before appointments ",
            "description": "A text the day before.",
            "indicator": work.data.indicator.pk,
            "country": world.haiti.pk,
            "case_studies": [case.pk],
        },
    )
    idea = ChangeIdea.objects.get(title="SMS reminders before appointments")
    assert response.status_code == 302 and response["Location"] == f"{IDEAS}{idea.pk}/"
    assert list(idea.case_studies.all()) == [case] and idea.created_by == world.henri.user
    assert AuditEntry.objects.filter(verb="change_idea.create", target_id=str(idea.pk)).exists()


def test_the_form_proposes_the_viewers_country(world):
    page = world.client_for("henri").get(IDEAS + "new/").content.decode()
    assert f'<option value="{world.haiti.pk}" selected>' in page


def test_a_duplicate_title_is_refused_with_a_link_to_the_existing_idea_and_the_form_keeps_what_was_typed(
    world,
):
    work = improvement_of(world)
    response = world.client_for("kim").post(
        IDEAS + "new/", {"title": "same-day VIRAL load result review", "description": "My words"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The library already has this change idea" in page
    assert f'<a href="{IDEAS}{work.idea.pk}/">Same-day viral load result review</a>' in page
    assert "My words" in page
    assert ChangeIdea.objects.count() == 1


def test_renaming_an_idea_to_another_ideas_title_is_refused(world):
    work = improvement_of(world)
    other = ChangeIdea.objects.create(
        network=world.network, title="Peer navigators", created_by=world.carla.user
    )
    with pytest.raises(ValidationError) as refused:
        services.update_change_idea(actor=world.carla.user, idea=other, title=work.idea.title)
    assert "already has this change idea" in str(refused.value.message_dict["title"])


def test_the_proposer_edits_the_idea_and_chooses_its_case_studies(world):
    work = improvement_of(world)
    response = world.client_for("faith").post(
        f"{IDEAS}{work.idea.pk}/edit/",
        {"title": "Same-day result review", "description": "New words", "country": world.kenya.pk},
    )
    assert response.status_code == 302
    work.idea.refresh_from_db()
    assert work.idea.title == "Same-day result review" and work.idea.indicator is None
    assert AuditEntry.objects.filter(verb="change_idea.update").exists()


def test_a_member_who_did_not_propose_the_idea_may_not_edit_it(world):
    work = improvement_of(world)
    assert world.client_for("kim").post(f"{IDEAS}{work.idea.pk}/edit/", {"title": "Mine"}).status_code == 403
    assert world.client_for("henri").post(f"{IDEAS}{work.idea.pk}/retire/").status_code == 403


def test_an_idea_is_retired_and_brought_back(world):
    work = improvement_of(world)
    client = world.client_for("carla")
    client.post(f"{IDEAS}{work.idea.pk}/retire/", {"retired": "1"})
    work.idea.refresh_from_db()
    assert work.idea.retired
    assert "(retired)" not in client.get(IDEAS).content.decode()
    assert "Retired" in client.get(f"{IDEAS}{work.idea.pk}/").content.decode()
    client.post(f"{IDEAS}{work.idea.pk}/retire/", {"retired": "0"})
    work.idea.refresh_from_db()
    assert not work.idea.retired
    verbs = list(AuditEntry.objects.filter(target_id=str(work.idea.pk)).values_list("verb", flat=True))
    assert "change_idea.retire" in verbs and "change_idea.unretire" in verbs


def test_deleting_an_idea_that_cycles_use_is_refused_with_an_offer_to_retire_it(world):
    work = improvement_of(world)
    with pytest.raises(ValidationError) as refused:
        services.delete_change_idea(actor=world.carla.user, idea=work.idea)
    assert "tested this change idea in 1 PDSA cycle" in refused.value.messages[0]
    assert "Retire it instead" in refused.value.messages[0]
    response = world.client_for("carla").post(f"{IDEAS}{work.idea.pk}/delete/", follow=True)
    assert "Retire it instead" in response.content.decode()
    assert ChangeIdea.objects.filter(pk=work.idea.pk).exists()


def test_an_unused_idea_is_deleted_and_audited(world):
    idea = ChangeIdea.objects.create(network=world.network, title="Unused", created_by=world.kim.user)
    response = world.client_for("kim").post(f"{IDEAS}{idea.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == IDEAS
    assert not ChangeIdea.objects.filter(pk=idea.pk).exists()
    assert AuditEntry.objects.filter(verb="change_idea.delete", target_id=str(idea.pk)).exists()


def test_an_indicator_of_another_network_is_refused(world):
    from qicop.indicators.models import NetworkIndicator

    foreign = NetworkIndicator.objects.create(network=world.other_network, code="x", name="Other")
    with pytest.raises(ValidationError) as refused:
        services.create_change_idea(actor=world.kim.user, network=world.network, title="T", indicator=foreign)
    assert "indicator" in refused.value.message_dict
