"""Reads of the positive-deviance feed: a network's signals of improvement as one reader may see them,
ranked, each with what explains it; and "who solved the problem I have": the places that started from the
reader's level on the same measure and then improved, with their stories and the people to ask. A fixed
number of queries for a page, whatever its length."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

import numpy as np
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Abs
from django.urls import reverse
from django.utils.translation import gettext as _

from qicop.charts.small import sparkline
from qicop.dashboards import plain_words
from qicop.dashboards.indicator_series import indicator_series, last_periods
from qicop.deviance import permissions as rules
from qicop.deviance.models import ImprovementSignal
from qicop.improvement.models import ChangeIdea, Collaborative, PdsaCycle, PresentationEvidence, Team
from qicop.indicators.models import NetworkIndicator, OrgUnit
from qicop.knowledge.models import CaseStudy, CaseStudyChart
from qicop.meetings.selectors import meetings_of_network
from qicop.network.models import LastVisit, Member, Membership, Network, Role
from qicop.network.permissions import Viewer
from qicop.network.services import VISIT_GAP, VISIT_LOOK_BACK

PAGE_SIZE = 30
#: "around that time": work that ran from six months before the new level to three months into it
BEFORE, AFTER = timedelta(days=183), timedelta(days=92)


@dataclass
class FeedItem:
    signal: ImprovementSignal
    since_words: str
    size_words: str
    chart_url: str
    spark: str = ""
    case_studies: list = field(default_factory=list)  # (title, url)
    cycles: list = field(default_factory=list)  # (title, url)
    change_ideas: list = field(default_factory=list)  # (title, url)
    meetings: list = field(default_factory=list)  # (title, date, url)
    ask_url: str = ""
    new: bool = False  # first seen since the reader's last visit

    @property
    def explained(self) -> bool:
        return bool(self.case_studies or self.cycles or self.meetings)


def last_visit(viewer: Viewer, network: Network, *, now: datetime) -> datetime | None:
    """When the reader's last visit to the network's home ended, as "what changed" counts it
    (``network.services.record_visit``, read here without writing: the feed is not the home); None on a
    first visit. One query."""
    if viewer.member_id is None:
        return None
    visit = LastVisit.objects.filter(member_id=viewer.member_id, network=network).first()
    if visit is None:
        return None
    if now - visit.seen_at >= VISIT_GAP:  # that visit is over
        return visit.seen_at
    return visit.previous_at or now - VISIT_LOOK_BACK


def indicators_of(network) -> list[NetworkIndicator]:
    """The network's indicators, for the feed's filter (one query)."""
    return list(NetworkIndicator.objects.filter(network=network).order_by("order", "name"))


def signals(
    user,
    network,
    *,
    indicator=None,
    country=None,
    first_seen_since: datetime | None = None,
    limit: int = PAGE_SIZE,
) -> list:
    """The network's signals ``user`` may read, the largest sustained ones first (one query);
    ``first_seen_since``: only those first seen since then (the week's, those new since a visit)."""
    rows = ImprovementSignal.objects.filter(rules.readable_signals(user), network=network)
    if indicator is not None:
        rows = rows.filter(indicator=indicator)
    if country is not None:
        rows = rows.filter(country=country)
    if first_seen_since is not None:
        rows = rows.filter(first_seen__gte=first_seen_since)
    return list(
        rows.select_related("indicator", "org_unit__country", "country").order_by(
            "-sustained", "-relative", "-points", "pk"
        )[:limit]
    )


def feed(
    viewer,
    user,
    network,
    *,
    indicator=None,
    country=None,
    new_since: datetime | None = None,
    limit: int = PAGE_SIZE,
) -> list[FeedItem]:
    """The feed's items with their stories; five queries whatever the number of items. ``new_since``: the
    items first seen since then are marked new (the reader's last visit, ``last_visit``)."""
    found = signals(user, network, indicator=indicator, country=country, limit=limit)
    items = [_item(network, s) for s in found]
    if new_since is not None:
        for item in items:
            item.new = item.signal.first_seen >= new_since
    if items:
        _explain(viewer, network, items, ask=rules.can_ask(viewer, network))
    return items


def size_in_words(signal: ImprovementSignal) -> str:
    percent = (signal.indicator.factor or 1) == 100
    before = plain_words.amount(signal.baseline, percent)
    now = plain_words.amount(signal.level_now, percent)
    if percent:
        change = plain_words.amount(abs(signal.size), False)
        return _("from %(before)s to %(now)s (%(change)s points)") % {
            "before": before,
            "now": now,
            "change": change,
        }
    share = plain_words.amount(signal.relative * 100, True)
    return _("from %(before)s to %(now)s (%(change)s)") % {"before": before, "now": now, "change": share}


def _item(network, signal: ImprovementSignal) -> FeedItem:
    chart_url = reverse("dashboards:chart", args=[network.slug, signal.indicator.code, signal.org_unit.uid])
    values = signal.values()
    since = plain_words.period_names([signal.since])[0]
    return FeedItem(
        signal=signal,
        since_words=since,
        size_words=size_in_words(signal),
        chart_url=chart_url,
        spark=sparkline(
            values,
            title=f"{signal.indicator.name}, {signal.org_unit.display_name}",
            improvement_index=len(values) - 1 if values else None,
        ).to_svg(),
    )


def _places(unit: OrgUnit) -> list[str]:
    """The uids of ``unit`` and of the places above it, nearest first (its path holds them)."""
    return [uid for uid in reversed(unit.path.split("/")) if uid] or [unit.uid]


def _explain(viewer, network, items: list[FeedItem], *, ask: bool) -> None:
    units = {i.signal.org_unit_id for i in items}
    measures = {i.signal.indicator_id for i in items}
    # A case study charting the measure for a country or a region tells the story of its facilities too:
    # the change it describes was made there. Its place's own first, then the nearest above.
    places = {uid for i in items for uid in _places(i.signal.org_unit)}
    charts = CaseStudyChart.objects.filter(
        case_study__network=network,
        case_study__status=CaseStudy.Status.PUBLISHED,
        indicator_id__in=measures,
        org_unit__uid__in=places,
    ).values_list("indicator_id", "org_unit__uid", "case_study_id", "case_study__title")[:200]
    cases: dict = {}
    for indicator_id, uid, case_id, title in charts:
        url = reverse("knowledge:case_detail", args=[network.slug, case_id])
        entry = cases.setdefault((indicator_id, uid), [])
        if (case_id, title, url) not in entry:
            entry.append((case_id, title, url))
    # The change ideas a case study names (the library's "told in" link) say what was changed.
    told = ChangeIdea.objects.filter(
        network=network, case_studies__in={case for found in cases.values() for case, _t, _u in found}
    ).values_list("case_studies", "pk", "title")[:200]
    ideas_of: dict = {}
    for case_id, idea_id, title in told:
        url = reverse("improvement:change_idea_detail", args=[network.slug, idea_id])
        ideas_of.setdefault(case_id, []).append((title, url))
    # A signal is on a network indicator: the cycles and presentations of a measure on that indicator.
    cycles = (
        PdsaCycle.objects.filter(
            team__collaborative__network=network,
            team__org_unit_id__in=units,
            measure__indicator_id__in=measures,
        )
        .select_related("team__collaborative", "change_idea", "measure")
        .prefetch_related("team__collaborative__other_countries")
        .order_by("start", "pk")[:200]
    )
    work: dict = {}
    for cycle in cycles:
        if rules.can_see_team_work(viewer, cycle.team.collaborative):
            work.setdefault((cycle.measure.indicator_id, cycle.team.org_unit_id), []).append(cycle)
    shown = (
        PresentationEvidence.objects.filter(
            team__org_unit_id__in=units,
            measure__indicator_id__in=measures,
            case_presentation__meeting__in=meetings_of_network(network),
        )
        .select_related("case_presentation__meeting", "team", "measure")
        .order_by("case_presentation__meeting__start", "pk")[:200]
    )
    presented: dict = {}
    for evidence in shown:
        presented.setdefault((evidence.measure.indicator_id, evidence.team.org_unit_id), []).append(evidence)
    for item in items:
        signal = item.signal
        key = (signal.indicator_id, signal.org_unit_id)
        for uid in _places(signal.org_unit):
            for case_id, title, url in cases.get((signal.indicator_id, uid), []):
                if (title, url) not in item.case_studies:
                    item.case_studies.append((title, url))
                    named = ideas_of.get(case_id, [])
                    item.change_ideas.extend(i for i in named if i not in item.change_ideas)
        low, high = signal.since_start - BEFORE, signal.since_start + AFTER
        for cycle in work.get(key, []):
            if cycle.start <= high and cycle.end >= low:
                args = [network.slug, cycle.team.collaborative_id, cycle.team_id, cycle.pk]
                item.cycles.append((cycle.title, reverse("improvement:cycle_detail", args=args)))
                idea = (
                    cycle.change_idea.title,
                    reverse("improvement:change_idea_detail", args=[network.slug, cycle.change_idea_id]),
                )
                if idea not in item.change_ideas:
                    item.change_ideas.append(idea)
        for evidence in presented.get(key, []):
            meeting = evidence.case_presentation.meeting
            entry = (
                meeting.title,
                meeting.start,
                reverse("meetings:detail", args=[network.slug, meeting.pk]),
            )
            if entry not in item.meetings:
                item.meetings.append(entry)
        if ask and not item.explained:
            item.ask_url = ask_url(network, signal, item)


def chart_link(indicator: NetworkIndicator, org_unit: OrgUnit, url: str) -> str:
    """A Markdown link to a chart, named as people name it (a bare address shows a code and a uid)."""
    name = f"{indicator.name} — {org_unit.display_name}".replace("[", "(").replace("]", ")")
    return f"[{name}]({url})"


def asked(viewer: Viewer, network: Network, org_unit: OrgUnit) -> list[Person]:
    """Who "Ask them how" puts the question to about ``org_unit``: its country's focal points in
    ``network``, and the leads of the network's improvement teams working at that very org unit (as far
    as the viewer may see those teams); never the viewer. Three queries, at most PEOPLE_EACH of each."""
    focal = (
        Member.objects.filter(
            country_id=org_unit.country_id,
            memberships__network=network,
            memberships__role=Role.FOCAL_POINT,
        )
        .exclude(pk=viewer.member_id)
        .select_related("organisation", "user", "country")
        .distinct()
        .order_by("full_name", "pk")[:PEOPLE_EACH]
    )
    in_network = Membership.objects.filter(network=network).values("member_id")
    teams = (
        Team.objects.filter(collaborative__network=network, org_unit=org_unit, lead_id__in=in_network)
        .exclude(lead_id=viewer.member_id)
        .select_related("lead__organisation", "lead__user", "lead__country", "collaborative", "org_unit")
        .prefetch_related("collaborative__other_countries")
        .order_by("pk")[:TEAMS_READ]
    )
    chosen: dict[int, Person] = {}

    def add(member: Member, role: str) -> None:
        if member.pk not in chosen:
            email = member.user.email if rules.shows_email(viewer, network, member) else ""
            chosen[member.pk] = Person(member=member, email=email)
        chosen[member.pk].roles.append(role)

    country = org_unit.country.display_name
    for member in focal:
        add(member, _("focal point of %(country)s") % {"country": country})
    for team in teams:
        team.collaborative.network = network  # read already: no query per team for the rule below
    shown = [t for t in teams if rules.can_see_team(viewer, t.collaborative)][:PEOPLE_EACH]
    for team in shown:
        words = {"team": team.display_name, "collaborative": team.collaborative.name}
        add(team.lead, _("leads the team %(team)s (%(collaborative)s)") % words)
    return list(chosen.values())


def ask_url(network, signal: ImprovementSignal, item: FeedItem) -> str:
    """The form of "Ask them how": a new discussion attached to the chart, prefilled with a question to the
    country, addressed to its focal points and the team at the place (``asked``)."""
    title = _("How did %(place)s improve %(measure)s?") % {
        "place": signal.org_unit.display_name,
        "measure": signal.indicator.name,
    }
    body = _(
        "To %(country)s: %(measure)s at %(place)s has improved since %(since)s, %(size)s. "
        "What did you change, and what would you advise others who want to do the same?\n\n"
        "The chart: %(url)s"
    ) % {
        "country": signal.country.display_name,
        "measure": signal.indicator.name,
        "place": signal.org_unit.display_name,
        "since": item.since_words,
        "size": item.size_words,
        "url": chart_link(signal.indicator, signal.org_unit, item.chart_url),
    }
    query = urlencode(
        {"chart": f"{signal.indicator.code}/{signal.org_unit.uid}", "title": title, "body": body}
    )
    return f"{reverse('deviance:ask', args=[network.slug])}?{query}"


# --- who solved the problem I have ------------------------------------------------------------------------

#: How close a peer's starting level must be to the reader's level: within 5 points for a percentage (15 %
#: of a level of 69 % would let in anyone from 59 % to 79 %, no longer "like you"), within 15 % of the
#: reader's level for any other measure (counts and rates have no natural unit of closeness).
BAND_POINTS = 5.0
BAND_RELATIVE = 0.15
PEERS_SHOWN = 10
#: the reader's level: the mean of their last three months with a plausible value (one month is noise)
LEVEL_MONTHS = 3
LEVEL_WINDOW = 12  # months searched for them
PEOPLE_EACH = 5  # focal points, team leads and coaches named per peer, at most, of each kind
TEAMS_READ = 100


@dataclass(frozen=True)
class Level:
    value: float
    periods: list[str]  # the months it is the mean of (DHIS2 ids), oldest first


@dataclass
class Person:
    """Someone to ask, as the network's member directory shows them: name, title, organisation, and the
    e-mail address only to those the directory shows it to."""

    member: Member
    email: str
    roles: list[str] = field(default_factory=list)


@dataclass
class Peer:
    item: FeedItem  # the signal, its chart, sparkline and what explains it (as in the feed)
    reason: str
    people: list[Person] = field(default_factory=list)


#: Who answers "the certified QI coaches in force of these countries": ``programmes`` knows, on this app's
#: own floor, so neither may import the other. ``portal``, above both, hands programmes' selector here at
#: start-up (portal/apps.py): ``finder(network, country_ids, today) → {country id: [Member]}``. Unset, the
#: page names no coaches.
_coaches_in_force: Callable[[Network, set[int], date], dict] | None = None


def use_coaches_from(finder: Callable[[Network, set[int], date], dict] | None) -> None:
    global _coaches_in_force
    _coaches_in_force = finder


def band(indicator: NetworkIndicator, level: float) -> float:
    """How far from ``level`` a peer's starting level may be (see BAND_POINTS)."""
    if (indicator.factor or 1) == 100:
        return BAND_POINTS
    return abs(level) * BAND_RELATIVE


def band_words(indicator: NetworkIndicator) -> str:
    if (indicator.factor or 1) == 100:
        return _("within %(points)s points of your level") % {
            "points": plain_words.amount(BAND_POINTS, False)
        }
    return _("within %(share)s of your level") % {"share": plain_words.amount(BAND_RELATIVE * 100, True)}


def level_words(indicator: NetworkIndicator, level: Level | None) -> str:
    """The reader's level in words: "81.3%, the mean of Jan 2026 to Mar 2026"."""
    if level is None:
        return ""
    names = plain_words.period_names([level.periods[0], level.periods[-1]])
    value = plain_words.amount(level.value, (indicator.factor or 1) == 100)
    if len(level.periods) == 1:
        return _("%(value)s in %(month)s") % {"value": value, "month": names[0]}
    return _("%(value)s, the mean of %(first)s to %(last)s") % {
        "value": value,
        "first": names[0],
        "last": names[1],
    }


def level_now(user, indicator: NetworkIndicator, org_unit: OrgUnit, today: date) -> Level | None:
    """The level of ``indicator`` at ``org_unit`` as ``user`` may read it: the mean of the last
    LEVEL_MONTHS months with a plausible value among the last LEVEL_WINDOW (the chart's series,
    ``dashboards.indicator_series``); None when there is none."""
    periods = last_periods("Monthly", LEVEL_WINDOW, today)
    series = indicator_series(user=user, indicator=indicator, org_unit=org_unit, periods=periods)
    plausible, _bits = series.checked(indicator)
    values = plausible.value(indicator.factor or 1)
    present = np.flatnonzero(~np.isnan(values))[-LEVEL_MONTHS:]
    if not present.size:
        return None
    return Level(float(values[present].mean()), [plausible.ids[int(i)] for i in present])


def peer_signals(
    user, network: Network, *, indicator: NetworkIndicator, org_unit: OrgUnit, baseline_level: float
) -> list[ImprovementSignal]:
    """The sustained improvements of ``indicator`` that ``user`` may read, elsewhere than ``org_unit``,
    whose level before the change lay within ``band`` of ``baseline_level``: org units of the same level
    (a facility beside facilities, a country beside countries) first, then the largest improvement, then
    the closest start. One query."""
    if indicator.improvement not in ("up", "down"):
        return []  # no direction: nothing is an improvement
    width = band(indicator, baseline_level)
    better = Q(size__gt=0) if indicator.improvement == "up" else Q(size__lt=0)
    rows = (
        ImprovementSignal.objects.filter(
            rules.readable_signals(user),
            better,
            network=network,
            indicator=indicator,
            sustained=True,
            baseline__gte=baseline_level - width,
            baseline__lte=baseline_level + width,
        )
        .exclude(org_unit=org_unit)
        .annotate(
            other_size=Case(When(level=org_unit.level, then=0), default=1, output_field=IntegerField()),
            distance=Abs(F("baseline") - Value(float(baseline_level), output_field=FloatField())),
        )
        .select_related("indicator", "org_unit__country", "country")
        .order_by("other_size", "-relative", "distance", "-points", "pk")
    )
    return list(rows[:PEERS_SHOWN])


def peers_for(
    viewer: Viewer,
    user,
    network: Network,
    *,
    indicator: NetworkIndicator,
    org_unit: OrgUnit,
    baseline_level: float,
    today: date,
) -> list[Peer]:
    """Who solved the problem ``org_unit`` has with ``indicator``: ``peer_signals``, each with why it was
    chosen in words, what explains it (the feed's case studies, PDSA cycles, change ideas and meetings) and
    the people to ask (its country's focal points, the leads of the teams working on the measure there,
    its certified QI coaches in force). A fixed number of queries (about ten) whatever the number."""
    found = peer_signals(user, network, indicator=indicator, org_unit=org_unit, baseline_level=baseline_level)
    if not found:
        return []
    items = [_item(network, s) for s in found]
    _explain(viewer, network, items, ask=rules.can_ask(viewer, network))
    people = _people(viewer, network, indicator, found, today)
    return [
        Peer(item=item, reason=reason(item.signal, baseline_level, item.since_words), people=people[i])
        for i, item in enumerate(items)
    ]


def reason(signal: ImprovementSignal, level: float, since_words: str) -> str:
    """Why a peer was chosen: "Started at 71.0%, like you at 69.0%; a sustained rise of 9.0 points since
    Mar 2025." """
    percent = (signal.indicator.factor or 1) == 100
    words = {
        "then": plain_words.amount(signal.baseline, percent),
        "you": plain_words.amount(level, percent),
        "since": since_words,
    }
    if percent:
        words["change"] = plain_words.amount(abs(signal.size), False)
        if signal.size > 0:
            text = _(
                "Started at %(then)s, like you at %(you)s; "
                "a sustained rise of %(change)s points since %(since)s."
            )
        else:
            text = _(
                "Started at %(then)s, like you at %(you)s; "
                "a sustained fall of %(change)s points since %(since)s."
            )
    else:
        words["change"] = plain_words.amount(signal.relative * 100, True)
        if signal.size > 0:
            text = _(
                "Started at %(then)s, like you at %(you)s; a sustained rise of %(change)s since %(since)s."
            )
        else:
            text = _(
                "Started at %(then)s, like you at %(you)s; a sustained fall of %(change)s since %(since)s."
            )
    return text % words


def _people(viewer, network, indicator, found: list[ImprovementSignal], today: date) -> list[list[Person]]:
    """For each peer, the people to ask (three or four queries for all of them); never the viewer."""
    countries = {s.country_id for s in found}
    in_network = Membership.objects.filter(network=network).values("member_id")
    focal: dict[int, list[Member]] = {}
    for member in (
        Member.objects.filter(
            country_id__in=countries, memberships__network=network, memberships__role=Role.FOCAL_POINT
        )
        .select_related("organisation", "user", "country")
        .order_by("full_name", "pk")[: PEOPLE_EACH * len(countries)]
    ):
        focal.setdefault(member.country_id, []).append(member)
    places = Q()
    for s in found:
        places |= Q(org_unit=s.org_unit) | Q(org_unit__path__startswith=s.org_unit.path + "/")
    measured = Collaborative.objects.filter(network=network).filter(
        Q(key_measure=indicator) | Q(measures__indicator=indicator)
    )
    teams = list(
        Team.objects.filter(places, collaborative__in=measured.values("pk"), lead_id__in=in_network)
        .select_related("lead__organisation", "lead__user", "lead__country", "collaborative", "org_unit")
        .prefetch_related("collaborative__other_countries")
        .order_by("pk")[:TEAMS_READ]
    )
    for team in teams:
        team.collaborative.network = network
    teams = [t for t in teams if rules.can_see_team(viewer, t.collaborative)]
    coaches = _coaches_in_force(network, countries, today) if _coaches_in_force else {}
    out = []
    for s in found:
        chosen: dict[int, Person] = {}

        def add(member: Member, role: str, chosen=chosen) -> None:
            if member.pk == viewer.member_id:
                return
            person = chosen.get(member.pk)
            if person is None:
                email = member.user.email if rules.shows_email(viewer, network, member) else ""
                person = chosen[member.pk] = Person(member=member, email=email)
            person.roles.append(role)

        for member in focal.get(s.country_id, [])[:PEOPLE_EACH]:
            add(member, _("focal point of %(country)s") % {"country": s.country.display_name})
        mine = [
            t
            for t in teams
            if t.org_unit_id == s.org_unit_id or t.org_unit.path.startswith(s.org_unit.path + "/")
        ]
        for team in mine[:PEOPLE_EACH]:
            add(
                team.lead,
                _("leads the team %(team)s (%(collaborative)s)")
                % {
                    "team": team.display_name,
                    "collaborative": team.collaborative.name,
                },
            )
        for member in coaches.get(s.country_id, [])[:PEOPLE_EACH]:
            add(member, _("certified QI coach in %(country)s") % {"country": s.country.display_name})
        out.append(list(chosen.values()))
    return out


def ask_network_url(
    network: Network, indicator: NetworkIndicator, org_unit: OrgUnit, level: Level | None
) -> str:
    """The new-discussion form, attached to the reader's chart, asking the network who has improved from
    where they stand."""
    percent = (indicator.factor or 1) == 100
    words = {"measure": indicator.name, "place": org_unit.display_name}
    title = _("Who has improved %(measure)s from where %(place)s stands?") % words
    chart_url = reverse("dashboards:chart", args=[network.slug, indicator.code, org_unit.uid])
    link = chart_link(indicator, org_unit, chart_url)
    if level is not None:
        body = _(
            "%(measure)s at %(place)s stands at %(level)s. Has anyone improved it from a similar level? "
            "What did you change, and who could we talk to?\n\nThe chart: %(url)s"
        ) % {**words, "level": plain_words.amount(level.value, percent), "url": link}
    else:
        body = _(
            "We want to improve %(measure)s at %(place)s. Has anyone improved it? What did you change, and "
            "who could we talk to?\n\nThe chart: %(url)s"
        ) % {**words, "url": link}
    query = urlencode({"chart": f"{indicator.code}/{org_unit.uid}", "title": title, "body": body})
    return f"{reverse('knowledge:discussion_new', args=[network.slug])}?{query}"
