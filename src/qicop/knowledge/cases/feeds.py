"""An Atom feed of a network's published case studies, for its signed-in members (observers included),
and the same feed at a private address of each member's, for feed readers (which carry no session).

Drafts and case studies in review are never in it, whoever reads it: the feed lists published ones only.

The private address carries a token signed with SECRET_KEY (django.core.signing) naming the member and
the network, and a keyed fingerprint of the member's password hash and feed key (never the hash itself: the
token is signed, not secret-proof). It stops working, with a 404 like any bad token, when the member asks
for a new address (a new feed key: the list page has the button), changes their password, leaves the
network, or their account is deactivated; changing SECRET_KEY revokes every token at once.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core import signing
from django.http import Http404
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.knowledge.cases import selectors
from qicop.knowledge.models import CaseStudy, NotificationSettings
from qicop.network.models import Member, Network
from qicop.network.permissions import viewer_for

FEED_SIZE = 30
FEED_SALT = "qicop.knowledge.case_feed"


def _feed_key(member: Member) -> str:
    try:
        return member.notification_settings.feed_key
    except NotificationSettings.DoesNotExist:
        return ""


def _member_print(member: Member) -> str:
    secret = f"{member.user.password or ''}:{_feed_key(member)}"
    return salted_hmac(FEED_SALT, secret, algorithm="sha256").hexdigest()[:16]


def feed_token(member: Member, network: Network) -> str:
    """The member's private feed token for ``network``."""
    return signing.dumps(
        {"m": member.pk, "n": network.pk, "p": _member_print(member)}, salt=FEED_SALT, compress=True
    )


def renew_private_feeds(*, member: Member) -> None:
    """Give the member new private feed addresses (of every network): the ones they had stop working."""
    settings, _created = NotificationSettings.objects.get_or_create(member=member)
    settings.feed_key = secrets.token_urlsafe(16)
    settings.save(update_fields=["feed_key"])
    member.notification_settings = settings
    audit(actor=member.user, verb="case_feed.renew", target=member)


def private_feed_path(member: Member, network: Network) -> str:
    return reverse("knowledge:case_feed_private", args=[network.slug, feed_token(member, network)])


def network_for_token(slug: str, token: str) -> Network:
    """The network a valid token of ``slug`` opens; 404 for any token that is bad, revoked or elsewhere."""
    try:
        data = signing.loads(token, salt=FEED_SALT)
        member_id, network_id, fingerprint = int(data["m"]), int(data["n"]), str(data["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404("No such feed") from None
    member = Member.objects.select_related("user", "notification_settings").filter(pk=member_id).first()
    user = member.user if member is not None else None
    if user is None or not user.is_active or not constant_time_compare(fingerprint, _member_print(member)):
        raise Http404("No such feed")
    viewer = viewer_for(user)
    network = Network.objects.filter(slug=slug, pk=network_id).first()
    if network is None or (network.pk not in viewer.network_ids() and not viewer.is_superuser):
        raise Http404("No such feed")
    return network


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


class PrivateCaseStudyFeed(CaseStudyFeed):
    """The same feed through a member's token: published case studies only, as for everyone."""

    def get_object(self, request, slug, token):
        return network_for_token(slug, token)

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "no-referrer"
        return response


case_feed = login_required(CaseStudyFeed())
case_feed_private = PrivateCaseStudyFeed()
