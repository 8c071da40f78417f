"""Reads of the positive-deviance feed: a network's signals of improvement as one reader may see them,
ranked, each with what explains it. A fixed number of queries for a page, whatever its length."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from qicop.charts.small import sparkline
from qicop.dashboards import plain_words
from qicop.deviance import permissions as rules
from qicop.deviance.models import ImprovementSignal
from qicop.improvement.models import PdsaCycle, PresentationEvidence
from qicop.indicators.models import NetworkIndicator
from qicop.knowledge.models import CaseStudy, CaseStudyChart
from qicop.meetings.selectors import meetings_of_network

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

    @property
    def explained(self) -> bool:
        return bool(self.case_studies or self.cycles or self.meetings)


def indicators_of(network) -> list[NetworkIndicator]:
    """The network's indicators, for the feed's filter (one query)."""
    return list(NetworkIndicator.objects.filter(network=network).order_by("order", "name"))


def signals(user, network, *, indicator=None, country=None, limit: int = PAGE_SIZE) -> list:
    """The network's signals ``user`` may read, the largest sustained ones first (one query)."""
    rows = ImprovementSignal.objects.filter(rules.readable_signals(user), network=network)
    if indicator is not None:
        rows = rows.filter(indicator=indicator)
    if country is not None:
        rows = rows.filter(country=country)
    return list(
        rows.select_related("indicator", "org_unit__country", "country").order_by(
            "-sustained", "-relative", "-points", "pk"
        )[:limit]
    )


def feed(viewer, user, network, *, indicator=None, country=None, limit: int = PAGE_SIZE) -> list[FeedItem]:
    """The feed's items with their stories; five queries whatever the number of items."""
    found = signals(user, network, indicator=indicator, country=country, limit=limit)
    items = [_item(network, s) for s in found]
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


def _explain(viewer, network, items: list[FeedItem], *, ask: bool) -> None:
    units = {i.signal.org_unit_id for i in items}
    measures = {i.signal.indicator_id for i in items}
    charts = CaseStudyChart.objects.filter(
        case_study__network=network,
        case_study__status=CaseStudy.Status.PUBLISHED,
        indicator_id__in=measures,
        org_unit_id__in=units,
    ).values_list("indicator_id", "org_unit_id", "case_study_id", "case_study__title")[:200]
    cases: dict = {}
    for indicator_id, unit_id, case_id, title in charts:
        url = reverse("knowledge:case_detail", args=[network.slug, case_id])
        entry = cases.setdefault((indicator_id, unit_id), [])
        if (title, url) not in entry:
            entry.append((title, url))
    cycles = (
        PdsaCycle.objects.filter(
            team__collaborative__network=network, team__org_unit_id__in=units, measure_id__in=measures
        )
        .select_related("team__collaborative", "change_idea")
        .prefetch_related("team__collaborative__other_countries")
        .order_by("start", "pk")[:200]
    )
    work: dict = {}
    for cycle in cycles:
        if rules.can_see_team_work(viewer, cycle.team.collaborative):
            work.setdefault((cycle.measure_id, cycle.team.org_unit_id), []).append(cycle)
    shown = (
        PresentationEvidence.objects.filter(
            team__org_unit_id__in=units,
            measure_id__in=measures,
            case_presentation__meeting__in=meetings_of_network(network),
        )
        .select_related("case_presentation__meeting", "team")
        .order_by("case_presentation__meeting__start", "pk")[:200]
    )
    presented: dict = {}
    for evidence in shown:
        presented.setdefault((evidence.measure_id, evidence.team.org_unit_id), []).append(evidence)
    for item in items:
        signal = item.signal
        key = (signal.indicator_id, signal.org_unit_id)
        item.case_studies = cases.get(key, [])
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


def ask_url(network, signal: ImprovementSignal, item: FeedItem) -> str:
    """The new-discussion form, attached to the chart and prefilled with a question to the country."""
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
        "url": item.chart_url,
    }
    query = urlencode(
        {"chart": f"{signal.indicator.code}/{signal.org_unit.uid}", "title": title, "body": body}
    )
    return f"{reverse('knowledge:discussion_new', args=[network.slug])}?{query}"
