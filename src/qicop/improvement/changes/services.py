"""Writes of the change-idea library: propose, edit, retire (and bring back), delete an unused idea, and the
ideas a case study cites. Each is
atomic and audited. Two ideas of a network never share a title (letter case aside); an idea that PDSA cycles
or driver diagrams use is never deleted — it is retired, and its ramps stay readable."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qicop.core.audit import audit
from qicop.improvement.changes.selectors import title_taken
from qicop.improvement.models import ChangeIdea
from qicop.knowledge.models import CaseStudy
from qicop.network.models import Network


def _refuse_duplicate(network: Network, title: str, exclude: ChangeIdea | None = None) -> None:
    existing = title_taken(network, title, exclude=exclude)
    if existing is not None:
        url = reverse("improvement:change_idea_detail", args=[network.slug, existing.pk])
        raise ValidationError(
            {
                "title": format_html(
                    _(
                        "The library already has this change idea: {link}. Add what you learned to it, or "
                        "choose a title that says how yours differs."
                    ),
                    link=format_html('<a href="{}">{}</a>', url, existing.title),
                )
            }
        )


def _refuse_other_network(network: Network, *, indicator=None, case_studies=()) -> None:
    if indicator is not None and indicator.network_id != network.pk:
        raise ValidationError({"indicator": _("Choose one of this network's indicators.")})
    if any(c.network_id != network.pk for c in case_studies):
        raise ValidationError({"case_studies": _("Choose case studies of this network.")})


@transaction.atomic
def create_change_idea(
    *,
    actor,
    network: Network,
    title: str,
    description: str = "",
    indicator=None,
    country=None,
    case_studies=(),
    source_presentation=None,
) -> ChangeIdea:
    """A new idea in ``network``'s library. Raises ValidationError (on "title") when the library has one
    of that title, with a link to it."""
    # Lock the network row: two people proposing the same title at once must not both pass the check.
    Network.objects.select_for_update().filter(pk=network.pk).first()
    _refuse_duplicate(network, title)
    _refuse_other_network(network, indicator=indicator, case_studies=case_studies)
    idea = ChangeIdea.objects.create(
        network=network,
        title=title.strip(),
        description=description,
        indicator=indicator,
        country=country,
        source_presentation=source_presentation,
        created_by=actor,
    )
    if case_studies:
        idea.case_studies.set(case_studies)
    audit(actor=actor, verb="change_idea.create", target=idea, title=idea.title)
    return idea


@transaction.atomic
def update_change_idea(
    *,
    actor,
    idea: ChangeIdea,
    title: str,
    description: str = "",
    indicator=None,
    country=None,
    case_studies=(),
) -> ChangeIdea:
    """Edit an idea's text, what it targets and the case studies that tell its story."""
    network = idea.network
    Network.objects.select_for_update().filter(pk=network.pk).first()
    _refuse_duplicate(network, title, exclude=idea)
    _refuse_other_network(network, indicator=indicator, case_studies=case_studies)
    changed = {}
    if idea.title != title.strip():
        changed["title"] = [idea.title, title.strip()]
    if idea.description != description:
        changed["description"] = True
    if idea.indicator_id != (indicator.pk if indicator else None):
        changed["indicator"] = [idea.indicator_id, indicator.pk if indicator else None]
    if idea.country_id != (country.pk if country else None):
        changed["country"] = [idea.country_id, country.pk if country else None]
    before = set(idea.case_studies.values_list("pk", flat=True))
    after = {c.pk for c in case_studies}
    if before != after:
        changed["case_studies"] = sorted(after)
    idea.title, idea.description = title.strip(), description
    idea.indicator, idea.country = indicator, country
    idea.save(update_fields=["title", "description", "indicator", "country", "updated_at"])
    if before != after:
        idea.case_studies.set(list(case_studies))
    if changed:
        audit(actor=actor, verb="change_idea.update", target=idea, **changed)
    return idea


@transaction.atomic
def set_cited_change_ideas(*, actor, case_study: CaseStudy, ideas) -> list[ChangeIdea]:
    """The change ideas ``case_study`` tells the story of (the same link the idea's own form sets, seen from
    the case study). Ideas of another network are refused (on "ideas")."""
    ideas = list(ideas)
    if any(idea.network_id != case_study.network_id for idea in ideas):
        raise ValidationError({"ideas": _("Choose change ideas of this network's library.")})
    before = set(case_study.change_ideas.values_list("pk", flat=True))
    after = {idea.pk for idea in ideas}
    if before != after:
        case_study.change_ideas.set(ideas)
        audit(
            actor=actor,
            verb="case_study.cite_change_ideas",
            target=case_study,
            added=sorted(after - before),
            removed=sorted(before - after),
        )
    return ideas


@transaction.atomic
def set_change_idea_retired(*, actor, idea: ChangeIdea, retired: bool) -> ChangeIdea:
    """Retire an idea (it leaves the library's default view; its cycles and page stay), or bring it back."""
    if idea.retired != retired:
        idea.retired = retired
        idea.save(update_fields=["retired", "updated_at"])
        audit(actor=actor, verb="change_idea.retire" if retired else "change_idea.unretire", target=idea)
    return idea


@transaction.atomic
def delete_change_idea(*, actor, idea: ChangeIdea) -> None:
    """Delete an idea nobody used. Raises ValidationError when PDSA cycles test it or driver diagrams name
    it: retire it instead, so that the teams' ramps and diagrams keep it."""
    idea = ChangeIdea.objects.select_for_update().get(pk=idea.pk)
    cycles = idea.cycles.count()
    if cycles:
        raise ValidationError(
            ngettext(
                "A team has tested this change idea in %(count)d PDSA cycle, so it cannot be deleted: its "
                "ramp would lose it. Retire it instead: it leaves the library's list and stays readable.",
                "Teams have tested this change idea in %(count)d PDSA cycles, so it cannot be deleted: their "
                "ramps would lose it. Retire it instead: it leaves the library's list and stays readable.",
                cycles,
            )
            % {"count": cycles},
            code="used",
        )
    if idea.driver_nodes.exists():
        raise ValidationError(
            _(
                "A team's driver diagram names this change idea, so it cannot be deleted. Retire it instead, "
                "or ask the team to take it out of its diagram first."
            ),
            code="used",
        )
    audit(actor=actor, verb="change_idea.delete", target=idea, title=idea.title)
    idea.delete()
