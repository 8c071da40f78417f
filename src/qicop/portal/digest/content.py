"""What one member's weekly digest of one network holds: the week's new signals of improvement, case studies
and change ideas new this week, the coming meetings, and what the member owes there. Each part is read
through the owning app's selectors and permissions, as that member (``viewer_for(user)``): nothing of
another country's unpublished data, no meetings for observers. Every list is bounded; a fixed number of
queries whatever the data.

Call it inside ``translation.override`` and ``timezone.override`` of the reader: the sentences of what is
owed and the signals' words are written in the active language, "today" is the reader's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from qicop.dashboards import plain_words
from qicop.deviance import selectors as signal_selectors
from qicop.improvement import permissions as improvement_rules
from qicop.improvement import selectors as improvement_selectors
from qicop.knowledge.whats_new import whats_new
from qicop.network.models import Network
from qicop.network.permissions import Viewer
from qicop.portal.owed import waiting_for

WEEK = dt.timedelta(days=7)
SIGNALS = 5
CHANGE_IDEAS = 5
CASE_STUDIES = 5
MEETINGS = 5
OWED = 10


@dataclass(frozen=True)
class Line:
    """One line of the digest: what, in words, and its address (absolute: it is read in a mail)."""

    text: str
    url: str
    detail: str = ""
    when: dt.datetime | dt.date | None = None
    late: bool = False


@dataclass
class Digest:
    network: Network
    since: dt.datetime
    signals: list[Line] = field(default_factory=list)
    case_studies: list[Line] = field(default_factory=list)
    change_ideas: list[Line] = field(default_factory=list)
    meetings: list[Line] = field(default_factory=list)
    owed: list[Line] = field(default_factory=list)
    feed_url: str = ""
    network_url: str = ""

    @property
    def empty(self) -> bool:
        return not (self.signals or self.case_studies or self.change_ideas or self.meetings or self.owed)


def _absolute(path: str) -> str:
    return settings.BASE_URL + path


def weekly_digest(user, viewer: Viewer, network: Network, *, now: dt.datetime) -> Digest:
    """What ``viewer`` (the account ``user``) reads in ``network``'s digest of the week ending ``now``."""
    since = now - WEEK
    digest = Digest(
        network=network,
        since=since,
        feed_url=_absolute(reverse("deviance:feed", args=[network.slug])),
        network_url=_absolute(reverse("portal:network_home", args=[network.slug])),
    )
    digest.signals = _signals(user, network, since)
    news = whats_new(viewer, network, since=since)
    digest.case_studies = [
        Line(
            case.title,
            _absolute(reverse("knowledge:case_detail", args=[network.slug, case.pk])),
            case.country.display_name if case.country_id else "",
            case.published_at,
        )
        for case in news["case_studies"][:CASE_STUDIES]
    ]
    digest.change_ideas = _change_ideas(viewer, network, since)
    digest.meetings = [
        Line(
            meeting.title,
            _absolute(reverse("meetings:detail", args=[network.slug, meeting.pk])),
            "",
            meeting.start,
        )
        for meeting in news["meetings"][:MEETINGS]
    ]
    digest.owed = [
        Line(item.text, _absolute(item.url), "", item.due, item.late)
        for item in waiting_for(user, viewer, [network], now=now)[:OWED]
    ]
    return digest


def _signals(user, network: Network, since: dt.datetime) -> list[Line]:
    """The feed's first signals (its ranking, its reader's scope) among those first seen this week: a
    signal found again at every refresh is news once, the week it appeared."""
    found = signal_selectors.signals(user, network, first_seen_since=since, limit=SIGNALS)
    lines = []
    for signal in found:
        chart = reverse("dashboards:chart", args=[network.slug, signal.indicator.code, signal.org_unit.uid])
        words = {
            "since": plain_words.period_names([signal.since])[0],
            "size": signal_selectors.size_in_words(signal),
        }
        detail = (
            _("since %(since)s, %(size)s; it holds through the latest month") % words
            if signal.sustained
            else _("since %(since)s, %(size)s") % words
        )
        lines.append(
            Line(f"{signal.indicator.name}, {signal.org_unit.display_name}", _absolute(chart), detail)
        )
    return lines


def _change_ideas(viewer: Viewer, network: Network, since: dt.datetime) -> list[Line]:
    if not improvement_rules.can_see_change_ideas(viewer, network):
        return []
    ideas = (
        improvement_selectors.change_ideas(network)
        .filter(created_at__gte=since, retired=False)
        .order_by("-created_at", "-pk")[:CHANGE_IDEAS]
    )
    return [
        Line(
            idea.title,
            _absolute(reverse("improvement:change_idea_detail", args=[network.slug, idea.pk])),
            idea.indicator.name if idea.indicator_id else "",
            idea.created_at,
        )
        for idea in ideas
    ]
