"""What changed in a network since the reader's last visit, for its home page: new case studies and
resources, replies in the discussions they follow (knowledge's "what's new", read as it is), the new
discussions in the topics they follow (a few of each, and how many more), the decisions and open actions of
the last meeting held since, the signals in the reader's country's data, and the improvements in it first
seen since (the positive-deviance signals).

A fixed number of queries whatever the data; every list bounded.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from qicop.dashboards import plain_words
from qicop.dashboards.dashboard import country_panel
from qicop.dashboards.indicator_series import last_periods
from qicop.deviance import selectors as signal_selectors
from qicop.knowledge.discussions.selectors import new_in_followed_topics
from qicop.knowledge.whats_new import whats_new
from qicop.meetings.models import ActionItem, Meeting
from qicop.meetings.permissions import can_see_meetings
from qicop.network.models import Network
from qicop.network.permissions import Viewer, is_participant

MEETING_LINES = 5
SIGNALS_SHOWN = 5


def changes_since(
    user,
    viewer: Viewer,
    network: Network,
    *,
    since: dt.datetime,
    countries: list | None = None,
    upcoming: list | None = None,
) -> dict:
    """What changed in ``network`` since ``since`` that ``viewer`` may read. ``countries`` (the network's)
    and ``upcoming`` (the coming meetings ``viewer`` may see): where the page has read them already."""
    news = whats_new(viewer, network, since=since, meetings=upcoming)
    return {
        "since": since,
        "case_studies": news["case_studies"],
        "resources": news["resources"],
        "replies": news["replies"],
        "followed_topics": new_in_followed_topics(viewer, network, since=since),
        "last_meeting": _last_meeting(viewer, network, since),
        "signals": _country_signals(user, viewer, network, countries),
        "new_improvements": _new_improvements(user, viewer, network, since),
    }


def _last_meeting(viewer: Viewer, network: Network, since: dt.datetime) -> dict | None:
    """The last meeting held since the visit, with its decisions and the actions still open (three
    queries; none for observers, who read proceedings instead)."""
    if not can_see_meetings(viewer, network):
        return None
    meeting = (
        Meeting.objects.filter(network=network, end__gte=since, end__lte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-end", "-pk")
        .first()
    )
    if meeting is None:
        return None
    decisions = list(meeting.decisions.all()[:MEETING_LINES])
    actions = list(
        meeting.actions.filter(status=ActionItem.Status.OPEN).select_related("owner", "country")[
            :MEETING_LINES
        ]
    )
    if not decisions and not actions:
        return None
    return {"meeting": meeting, "decisions": decisions, "actions": actions}


def _country_signals(user, viewer: Viewer, network: Network, countries: list | None) -> list[dict]:
    """The recent SPC signals of the reader's own country's national series, as the country page computes
    them (dashboards.country_panel: the reader's own country, so nothing of another country's unpublished
    data), deteriorations first; each links to its chart, whose page tells the signal in plain words.

    These are the signals among the last points of each series, whether new or not (the state of the
    country's charts); the improvements new since the visit are ``_new_improvements``."""
    if viewer.country_id is None or not is_participant(viewer, network):
        return []
    if countries is None:
        country = network.countries.filter(pk=viewer.country_id).first()
    else:
        country = next((c for c in countries if c.pk == viewer.country_id), None)
    if country is None:
        return []
    panel = country_panel(user, network, country, last_periods("Monthly", 36, timezone.localdate()))
    if panel is None:
        return []
    rows = [row for row in panel["rows"] if row["signal"]]
    rows.sort(
        key=lambda row: (row["signal"] != "deterioration", row["indicator"].order, row["indicator"].name)
    )
    return [{**row, "root": panel["root"], "country": country} for row in rows[:SIGNALS_SHOWN]]


def _new_improvements(user, viewer: Viewer, network: Network, since: dt.datetime) -> list[dict]:
    """The signals of improvement in the reader's country's data (any org unit they may read) first seen
    since the visit, as the feed ranks them, each with its place, size in words and chart (one query)."""
    if viewer.country_id is None or not is_participant(viewer, network):
        return []
    found = signal_selectors.signals(
        user, network, country=viewer.country_id, first_seen_since=since, limit=SIGNALS_SHOWN
    )
    return [
        {
            "signal": signal,
            "since": plain_words.period_names([signal.since])[0],
            "size": signal_selectors.size_in_words(signal),
            "chart_url": reverse(
                "dashboards:chart", args=[network.slug, signal.indicator.code, signal.org_unit.uid]
            ),
        }
        for signal in found
    ]
