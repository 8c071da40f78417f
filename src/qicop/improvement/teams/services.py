"""Writes of teams: add a team to a collaborative, change it, set its members, save its driver diagram and
start a new phase on a team's chart. Each atomic and audited; each refuses bad input with a message per
field (ValidationError), whatever form or client called it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.dashboards import services as dashboards_services
from qicop.dashboards.models import ChartSettings
from qicop.improvement.charts import month_id
from qicop.improvement.models import ChangeIdea, Collaborative, DriverNode, Team, TeamMember
from qicop.improvement.teams.outline import Outline
from qicop.indicators.models import OrgUnit
from qicop.network.models import Member


@dataclass(frozen=True)
class Seat:
    """Someone to put on a team: a qicop member, or a named person without an account."""

    member: Member | None = None
    name: str = ""
    role: str = ""
    is_consumer: bool = False


def _check_org_unit(collaborative: Collaborative, org_unit: OrgUnit, team: Team | None = None) -> None:
    countries = collaborative.country_ids()
    if org_unit.country_id not in countries:
        raise ValidationError(
            {
                "org_unit": _(
                    "%(unit)s is not in the countries that run this collaborative. Choose a facility or "
                    "district of %(countries)s."
                )
                % {"unit": org_unit.display_name, "countries": _country_names(collaborative)}
            }
        )
    if org_unit.level < 2:
        raise ValidationError(
            {
                "org_unit": _(
                    "A team is a facility or a district, not a whole country. Choose one in the list."
                )
            }
        )
    taken = collaborative.teams.filter(org_unit=org_unit)
    if team is not None:
        taken = taken.exclude(pk=team.pk)
    if taken.exists():
        raise ValidationError(
            {
                "org_unit": _(
                    "%(unit)s already has a team in this collaborative. Open that team, or choose another "
                    "facility or district."
                )
                % {"unit": org_unit.display_name}
            }
        )


def _country_names(collaborative: Collaborative) -> str:
    names = [
        collaborative.country.display_name,
        *(c.display_name for c in collaborative.other_countries.all()),
    ]
    return ", ".join(dict.fromkeys(names))


def _check_person(collaborative: Collaborative, field: str, member: Member | None) -> None:
    if member is not None and member.country_id not in collaborative.country_ids():
        raise ValidationError(
            {
                field: _("%(name)s is not from a country that runs this collaborative (%(countries)s).")
                % {"name": member.full_name, "countries": _country_names(collaborative)}
            }
        )


def _check_team(collaborative, org_unit, lead, coach, team=None) -> None:
    _check_org_unit(collaborative, org_unit, team)
    _check_person(collaborative, "lead", lead)
    _check_person(collaborative, "coach", coach)


@transaction.atomic
def add_team(
    *,
    actor,
    collaborative: Collaborative,
    org_unit: OrgUnit,
    name: str = "",
    aim: str = "",
    lead: Member | None = None,
    coach: Member | None = None,
    members: list[Seat] | None = None,
) -> Team:
    """A new team of ``collaborative`` at ``org_unit`` (a facility or district of its countries, without a
    team yet), with its members. Raises ValidationError per field."""
    Collaborative.objects.select_for_update().filter(pk=collaborative.pk).first()
    _check_team(collaborative, org_unit, lead, coach)
    team = Team.objects.create(
        collaborative=collaborative,
        org_unit=org_unit,
        name=name.strip(),
        aim=aim.strip(),
        lead=lead,
        coach=coach,
    )
    audit(actor=actor, verb="team.create", target=team, collaborative=collaborative.pk, org_unit=org_unit.uid)
    if members:
        set_team_members(actor=actor, team=team, members=members)
    return team


@transaction.atomic
def update_team(
    *,
    actor,
    team: Team,
    org_unit: OrgUnit,
    name: str = "",
    aim: str = "",
    lead: Member | None = None,
    coach: Member | None = None,
) -> Team:
    """Change a team's org unit, name, aim, lead and coach (the same rules as ``add_team``)."""
    collaborative = team.collaborative
    Collaborative.objects.select_for_update().filter(pk=collaborative.pk).first()
    _check_team(collaborative, org_unit, lead, coach, team)
    new = {"org_unit": org_unit, "name": name.strip(), "aim": aim.strip(), "lead": lead, "coach": coach}
    changed = [field for field, value in new.items() if getattr(team, field) != value]
    for field, value in new.items():
        setattr(team, field, value)
    team.save()
    if changed:
        audit(actor=actor, verb="team.update", target=team, changed=changed)
    return team


#: The longest team aim kept (the forms say so before the service does).
AIM_MAX = 5000


@transaction.atomic
def set_team_aim(*, actor, team: Team, aim: str) -> Team:
    """Change the team's own aim (its members write it in their workspace; the collaborative's aim is those
    who run it). Raises ValidationError (on "aim") for an aim longer than ``AIM_MAX``."""
    aim = aim.strip()
    if len(aim) > AIM_MAX:
        raise ValidationError(
            {
                "aim": _("Keep the aim to %(limit)d characters (it has %(count)d).")
                % {"limit": AIM_MAX, "count": len(aim)}
            }
        )
    if aim != team.aim:
        team.aim = aim
        team.save(update_fields=["aim", "updated_at"])
        audit(actor=actor, verb="team.aim", target=team)
    return team


@transaction.atomic
def set_team_members(*, actor, team: Team, members: list[Seat]) -> list[TeamMember]:
    """Replace the team's members with ``members``. Each is a member of the collaborative's countries or a
    named person; nobody twice. Raises ValidationError (on "members")."""
    seen: set[int] = set()
    for seat in members:
        if seat.member is None and not seat.name.strip():
            raise ValidationError(
                {"members": _("Choose a member, or type the name of someone without an account.")}
            )
        if seat.member is not None:
            _check_person(team.collaborative, "members", seat.member)
            if seat.member.pk in seen:
                raise ValidationError(
                    {"members": _("%(name)s is listed twice.") % {"name": seat.member.full_name}}
                )
            seen.add(seat.member.pk)
    team.members.all().delete()
    rows = TeamMember.objects.bulk_create(
        TeamMember(
            team=team,
            member=seat.member,
            name="" if seat.member else seat.name.strip(),
            role=seat.role.strip(),
            is_consumer=seat.is_consumer,
        )
        for seat in members
    )
    audit(actor=actor, verb="team.members", target=team, count=len(rows))
    return rows


@transaction.atomic
def save_driver_diagram(*, actor, team: Team, outline: Outline) -> list[DriverNode]:
    """Replace the team's driver diagram with ``outline`` (parsed, without problems). Change ideas are the
    network's: matched by title whatever the case, or added to the library (first proposed by the team's
    country) — never duplicated."""
    if not outline.ok:
        raise ValidationError({"outline": [problem.message for problem in outline.problems]})
    network_id = team.collaborative.network_id
    ideas = _change_ideas(actor, team, network_id, [item.text for item in outline.change_ideas()])
    team.driver_nodes.all().delete()
    nodes: list[DriverNode] = []
    for p, primary in enumerate(outline.drivers):
        first = DriverNode.objects.create(team=team, kind=DriverNode.Kind.PRIMARY, text=primary.text, order=p)
        nodes.append(first)
        for s, secondary in enumerate(primary.children):
            second = DriverNode.objects.create(
                team=team, parent=first, kind=DriverNode.Kind.SECONDARY, text=secondary.text, order=s
            )
            nodes.append(second)
            nodes += DriverNode.objects.bulk_create(
                DriverNode(
                    team=team,
                    parent=second,
                    kind=DriverNode.Kind.CHANGE,
                    text=idea.text,
                    change_idea=ideas[idea.text.casefold()],
                    order=c,
                )
                for c, idea in enumerate(secondary.children)
            )
    audit(actor=actor, verb="team.driver_diagram", target=team, lines=len(nodes))
    return nodes


def _change_ideas(actor, team: Team, network_id: int, titles: list[str]) -> dict[str, ChangeIdea]:
    """The network's change idea of each title (by lower-case title), created where there is none."""
    wanted: dict[str, str] = {}
    for title in titles:
        wanted.setdefault(title.casefold(), title)  # a new idea takes its title as first typed
    found: dict[str, ChangeIdea] = {}
    if wanted:
        matches = reduce(or_, (Q(title__iexact=title) for title in wanted.values()))
        for idea in ChangeIdea.objects.filter(matches, network_id=network_id).order_by("pk"):
            found.setdefault(idea.title.casefold(), idea)
    for key, title in wanted.items():
        if key not in found:
            idea = ChangeIdea.objects.create(
                network_id=network_id, title=title, country_id=team.org_unit.country_id, created_by=actor
            )
            audit(actor=actor, verb="change_idea.create", target=idea, team=team.pk, title=title)
            found[key] = idea
    return found


@transaction.atomic
def start_phase(*, actor, team: Team, indicator, month) -> None:
    """Start a new phase of the team's chart of ``indicator`` at ``month`` (a date in it), for everyone who
    views the chart: the dashboards' chart settings, through their service (which decides who may)."""
    # Read only: the dashboards' service writes them (and decides who may).
    saved = ChartSettings.objects.filter(indicator=indicator, org_unit=team.org_unit).first()
    starts = list(saved.phase_starts) if saved else []
    period = month_id(month)
    if period not in starts:
        starts = sorted([*starts, period])
    dashboards_services.save_chart_settings(
        actor=actor,
        indicator=indicator,
        org_unit=team.org_unit,
        freeze=saved.freeze if saved else None,
        phase_starts=starts,
    )
    audit(actor=actor, verb="team.phase", target=team, indicator=indicator.code, period=period)
