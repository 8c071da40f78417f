"""Pages of the network's topics: the list, and one topic with what carries it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from qicop.core.markdown import render_markdown
from qicop.core.pagination import paginate
from qicop.knowledge.cases import permissions as rules
from qicop.knowledge.cases import selectors
from qicop.network import selectors as network_selectors


@login_required
def topic_list(request, slug):
    """The network's topics; coordinators manage them on the meetings' topics page."""
    viewer, network = selectors.knowledge_network(request, slug)
    return render(
        request,
        "knowledge/topic_list.html",
        {
            "network": network,
            "page": paginate(request, network_selectors.topics_of_network(network)),
            "can_manage": rules.can_manage_topics(viewer, network),
        },
    )


@login_required
def topic_detail(request, slug, topic_slug):
    viewer, network = selectors.knowledge_network(request, slug)
    topic = selectors.topic_in_network(network, topic_slug)
    return render(
        request,
        "knowledge/topic_detail.html",
        {
            "network": network,
            "topic": topic,
            "description_html": render_markdown(topic.description),
            **selectors.topic_page(viewer, network, topic),
        },
    )
