"""An Atom feed of a network's published case studies, for its signed-in members (observers included).

Drafts and case studies in review are never in it, whoever reads it: the feed lists published ones only.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from qicop.knowledge import selectors_cases as selectors
from qicop.knowledge.models import CaseStudy

FEED_SIZE = 30


class CaseStudyFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        _viewer, network = selectors.knowledge_network(request, slug)
        return network

    def title(self, network):
        return _("Case studies of %(network)s") % {"network": network.name}

    def subtitle(self, network):
        return _("Published case studies: what countries changed, what the data did, what they learned.")

    def link(self, network):
        return reverse("knowledge:case_list", args=[network.slug])

    def items(self, network):
        items = selectors.published_case_studies(network, limit=FEED_SIZE)
        for item in items:
            item.network = network  # each item's link names it: no query per item
        return items

    def item_title(self, item: CaseStudy):
        return f"{item.title} ({item.country.display_name})"

    def item_description(self, item: CaseStudy):
        # Atom1Feed writes it as <summary type="html">: readers render it as HTML once the XML is decoded,
        # so the member's text is escaped here to be shown as written, never run or styled.
        return escape(item.summary or item.context[:500])

    def item_link(self, item: CaseStudy):
        return reverse("knowledge:case_detail", args=[item.network.slug, item.pk])

    def item_pubdate(self, item: CaseStudy):
        return item.published_at

    def item_updateddate(self, item: CaseStudy):
        return item.updated_at

    def item_author_name(self, item: CaseStudy):
        return ", ".join(a.full_name for a in item.authors.all()) or None

    def item_categories(self, item: CaseStudy):
        return [t.name for t in item.topics.all()]


case_feed = login_required(CaseStudyFeed())
