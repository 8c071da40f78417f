"""The positive-deviance feed: a network's signals of improvement, ranked, with what explains each (page
and Atom)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from qicop.core.i18n import by_display_name
from qicop.dashboards import selectors as dashboard_selectors
from qicop.deviance import permissions as rules
from qicop.deviance import selectors, services
from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.discussions.forms import ThreadForm
from qicop.network import selectors as network_selectors
from qicop.network.models import Member

FEED_SIZE = 30


def _page(request, slug):
    viewer, network = network_selectors.network_page(request.user, slug)
    if not rules.can_read_feed(viewer, network):
        raise PermissionDenied
    return viewer, network


def _filters(request, network):
    """The indicator (by code) and country (by ISO code) asked for; unknown values are ignored."""
    indicators = selectors.indicators_of(network)
    countries = by_display_name(network.countries.all())
    code, iso2 = request.GET.get("indicator", ""), request.GET.get("country", "")
    indicator = next((i for i in indicators if i.code == code), None)
    country = next((c for c in countries if c.iso2 == iso2), None)
    return indicators, countries, indicator, country


@login_required
def improvement_peers(request, slug):
    """Who solved the problem I have: places that started from this org unit's level on the same measure
    and improved, with their stories and the people to ask (``?indicator=<code>&org_unit=<uid>``)."""
    viewer, network = _page(request, slug)
    indicator = dashboard_selectors.indicator_in_network(network, request.GET.get("indicator", ""))
    unit = dashboard_selectors.org_unit_in_network(network, request.GET.get("org_unit", ""))
    today = timezone.localdate()
    level = selectors.level_now(request.user, indicator, unit, today)
    peers = []
    if level is not None:
        peers = selectors.peers_for(
            viewer,
            request.user,
            network,
            indicator=indicator,
            org_unit=unit,
            baseline_level=level.value,
            today=today,
        )
    can_ask = rules.can_ask(viewer, network)
    return render(
        request,
        "deviance/peers.html",
        {
            "network": network,
            "indicator": indicator,
            "unit": unit,
            "level": level,
            "level_words": selectors.level_words(indicator, level),
            "band_words": selectors.band_words(indicator),
            "peers": peers,
            "ask_url": selectors.ask_network_url(network, indicator, unit, level) if can_ask else "",
            "chart_url": reverse("dashboards:chart", args=[network.slug, indicator.code, unit.uid]),
        },
    )


@login_required
def ask_them_how(request, slug):
    """A discussion about a chart (``?chart=<indicator code>/<org unit uid>``, with the ``title`` and
    ``body`` offered by the feed), put to the place's country's focal points and the team working there:
    the form names them before anything is posted."""
    viewer, network = _page(request, slug)
    if not rules.can_ask(viewer, network):
        raise PermissionDenied
    code, _slash, uid = request.GET.get("chart", "").partition("/")
    indicator = dashboard_selectors.indicator_in_network(network, code)
    unit = dashboard_selectors.org_unit_in_network(network, uid)
    asked = selectors.asked(viewer, network, unit)
    form = ThreadForm(
        request.POST or None, topics=network_selectors.topics_of_network(network), initial=_offered(request)
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.ask_them_how(
                actor=request.user,
                author=Member.objects.get(pk=viewer.member_id),
                network=network,
                indicator=indicator,
                org_unit=unit,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                topic=form.cleaned_data["topic"],
                asked=[person.member for person in asked],
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, _("Your question is asked; replies will be notified to you."))
            return redirect("knowledge:thread", network.slug, thread.pk)
    context = {"network": network, "indicator": indicator, "unit": unit, "asked": asked, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "deviance/ask.html", {**context, "error": error}, status=status)


def _offered(request) -> dict:
    """The title and message the feed's link offers: in the boxes, to be changed before posting."""
    if request.method != "GET":
        return {}
    return {
        name: request.GET[name][:limit]
        for name, limit in (("title", discussions.MAX_TITLE), ("body", discussions.MAX_BODY))
        if request.GET.get(name)
    }


@login_required
def improvement_feed(request, slug):
    viewer, network = _page(request, slug)
    indicators, countries, indicator, country = _filters(request, network)
    new_since = selectors.last_visit(viewer, network, now=timezone.now())
    items = selectors.feed(
        viewer, request.user, network, indicator=indicator, country=country, new_since=new_since
    )
    return render(
        request,
        "deviance/feed.html",
        {
            "network": network,
            "items": items,
            "indicators": indicators,
            "countries": countries,
            "indicator": indicator,
            "country": country,
            "filtered": indicator is not None or country is not None,
        },
    )


class ImprovementFeed(Feed):
    """The same ranking as the page, for feed readers of signed-in members."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, slug):
        viewer, network = _page(request, slug)
        self.viewer = viewer
        return network

    def title(self, network):
        return _("What improved in %(network)s") % {"network": network.name}

    def subtitle(self, network):
        return _("Where a measure got better, as the control charts show it: largest and lasting first.")

    def link(self, network):
        return reverse("deviance:feed", args=[network.slug])

    def items(self, network):
        return selectors.feed(self.viewer, self.request.user, network, limit=FEED_SIZE)

    def item_title(self, item):
        signal = item.signal
        return _("%(measure)s at %(place)s: better since %(since)s") % {
            "measure": signal.indicator.name,
            "place": signal.org_unit.display_name,
            "since": item.since_words,
        }

    def item_description(self, item):
        return escape(item.size_words)

    def item_link(self, item):
        return item.chart_url

    def item_guid(self, item):
        signal = item.signal
        return f"{item.chart_url}#since-{signal.since}-{signal.audience}"

    def item_pubdate(self, item):
        return item.signal.first_seen

    def item_updateddate(self, item):
        return item.signal.computed_at


improvement_atom = login_required(ImprovementFeed())
