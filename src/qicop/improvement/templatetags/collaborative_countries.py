"""``{% collaborative_countries network %}``: the countries of ``network`` that run or take part in a QI
collaborative the reader may see, each a link to its collaboratives.

A template tag, so that the network dashboard (a lower floor) leads to the collaboratives without importing
the improvement app; outside the dashboard's kept fragment, since what a reader may see is theirs.
"""

from __future__ import annotations

from django import template
from django.db.models import Q

from qicop.core.i18n import by_display_name
from qicop.improvement.models import Collaborative
from qicop.improvement.selectors import visible_collaboratives
from qicop.network.models import Country
from qicop.network.permissions import viewer_for

register = template.Library()


@register.inclusion_tag("improvement/collaboratives/_countries.html", takes_context=True)
def collaborative_countries(context, network):
    visible = visible_collaboratives(viewer_for(context["request"].user), network)
    taking_part = Collaborative.other_countries.through.objects.filter(collaborative__in=visible)
    countries = Country.objects.filter(networks=network).filter(
        Q(pk__in=visible.order_by().values("country_id"))
        | Q(pk__in=taking_part.order_by().values("country_id"))
    )
    return {"network": network, "countries": by_display_name(countries)}
