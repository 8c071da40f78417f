"""Writes of a case presentation's evidence and of what its recommendations become: each atomic and
audited, each refusal a ValidationError naming the field it is about.

Actions are made here rather than by meetings.minutes.add_action: that service is the coordinators' own
(the minutes), while a country's focal point also turns its case's recommendations into work."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.core.when import when
from qicop.improvement.models import ChangeIdea, PdsaCycle, PresentationEvidence, Team
from qicop.improvement.presentations import permissions
from qicop.improvement.presentations.selectors import is_measure_of, is_over, meeting_date
from qicop.meetings.models import ActionItem, CasePresentation
from qicop.network.permissions import viewer_for


def _may_attach(actor, case: CasePresentation) -> None:
    if not permissions.can_attach_evidence(viewer_for(actor), case):
        raise PermissionDenied(
            _("Only the country's focal point or a coordinator binds the case to evidence.")
        )


@transaction.atomic
def attach_evidence(
    *, actor, case: CasePresentation, team: Team, measure, change_idea: ChangeIdea | None = None
) -> PresentationEvidence:
    """Bind ``case`` to a team of its country: the chart of ``measure`` (one of the team's collaborative's
    measures) and the PDSA ramp of ``change_idea`` (one the team tested). Replaces earlier evidence."""
    _may_attach(actor, case)
    errors: dict[str, str] = {}
    if team.org_unit.country_id != case.country_id:
        errors["team"] = _(
            "%(team)s is a team of %(other)s: %(country)s's case presentation shows one of "
            "%(country)s's teams."
        ) % {
            "team": team.display_name,
            "other": team.org_unit.country.display_name,
            "country": case.country.display_name,
        }
    elif measure is not None and not is_measure_of(measure, team):
        errors["measure"] = _(
            "%(measure)s is not a measure of %(collaborative)s: choose one of its measures."
        ) % {"measure": measure.title, "collaborative": team.collaborative.name}
    tested = change_idea is None or PdsaCycle.objects.filter(team=team, change_idea=change_idea).exists()
    if not errors and not tested:
        errors["change_idea"] = _(
            "%(team)s has not tested “%(idea)s” in a PDSA cycle: choose an idea the team tested."
        ) % {"team": team.display_name, "idea": change_idea.title}
    if measure is None:
        errors.setdefault("measure", _("Choose the measure whose chart the presentation shows."))
    if errors:
        raise ValidationError(errors)
    evidence, created = PresentationEvidence.objects.update_or_create(
        case_presentation=case, defaults={"team": team, "measure": measure, "change_idea": change_idea}
    )
    audit(
        actor=actor,
        verb="case.evidence",
        target=case,
        team=team.pk,
        measure=measure.pk,
        change_idea=change_idea.pk if change_idea else None,
        replaced=not created,
    )
    return evidence


@transaction.atomic
def remove_evidence(*, actor, case: CasePresentation) -> None:
    _may_attach(actor, case)
    deleted, _rows = PresentationEvidence.objects.filter(case_presentation=case).delete()
    if deleted:
        audit(actor=actor, verb="case.evidence_remove", target=case)


def _evidence_for_work(actor, case: CasePresentation) -> PresentationEvidence:
    """The preconditions shared by both ways a recommendation becomes work."""
    if not permissions.can_turn_recommendations(viewer_for(actor), case):
        raise PermissionDenied(
            _("Only the country's focal point or a coordinator acts on the recommendations.")
        )
    if not is_over(case.meeting):
        raise ValidationError(_("Recommendations become work once the session has taken place."))
    evidence = (
        PresentationEvidence.objects.filter(case_presentation=case)
        .select_related("team", "team__lead", "team__org_unit", "measure__indicator")
        .first()
    )
    if evidence is None:
        raise ValidationError(_("Bind the case to its team's evidence first: the work goes to that team."))
    return evidence


@transaction.atomic
def recommendation_to_action(*, actor, case: CasePresentation, text: str, due: date | None) -> ActionItem:
    """An action of the case's meeting for the team: owned by its lead, for the case's country, due on
    ``due`` (after the session). Open actions carry forward to the series' next session."""
    evidence = _evidence_for_work(actor, case)
    errors: dict[str, str] = {}
    if not text.strip():
        errors["recommendation"] = _("Write the recommendation the action carries out.")
    if due is None:
        errors["due"] = _("Give the action a due date.")
    elif due < meeting_date(case.meeting):
        errors["due"] = _("The action is due after the session of %(date)s.") % {
            "date": when(meeting_date(case.meeting), "date")
        }
    if errors:
        raise ValidationError(errors)
    action = ActionItem.objects.create(
        meeting=case.meeting,
        description=text.strip()[:500],
        owner=evidence.team.lead,
        country=case.country,
        due=due,
    )
    audit(
        actor=actor, verb="case.recommendation_action", target=case, action=action.pk, team=evidence.team_id
    )
    return action


@transaction.atomic
def recommendation_to_change_idea(
    *, actor, case: CasePresentation, title: str, description: str = ""
) -> ChangeIdea:
    """A new change idea in the network's library, proposed at ``case`` (its source), aiming at the network
    indicator the case showed (none for a measure on data elements), first proposed by the team's country. A
    title already in the library is refused."""
    evidence = _evidence_for_work(actor, case)
    title = title.strip()
    if not title:
        raise ValidationError({"recommendation": _("Write the change idea's title.")})
    if len(title) > 200:
        raise ValidationError(
            {
                "recommendation": _(
                    "A change idea's title is at most 200 characters (this one has %(count)d): shorten "
                    "it and put the rest in the description."
                )
                % {"count": len(title)}
            }
        )
    network = case.meeting.network
    existing = ChangeIdea.objects.filter(network=network, title__iexact=title).first()
    if existing is not None:
        raise ValidationError(
            {
                "recommendation": _(
                    "The library already has the change idea “%(title)s”: give this one another title, or "
                    "test that one."
                )
                % {"title": existing.title}
            }
        )
    idea = ChangeIdea.objects.create(
        network=network,
        title=title,
        description=description.strip(),
        # The indicator the case showed; a measure on the country's data elements is not the network's.
        indicator=evidence.measure.indicator if evidence.measure else None,
        country=evidence.team.org_unit.country,
        source_presentation=case,
        created_by=actor,
    )
    audit(actor=actor, verb="case.recommendation_idea", target=case, change_idea=idea.pk)
    return idea
