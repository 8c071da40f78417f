"""The search page of a network: one box across its case studies, resources, meetings, discussions and
members. The engine (``qicop.search``) finds; this page decides whom it searches for."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from qicop.network import selectors as network_selectors
from qicop.network.permissions import is_participant
from qicop.search import query
from qicop.search.selectors import search as find
from qicop.search.text import LANGUAGES

KINDS = [
    ("case_study", _("Case studies")),
    ("resource", _("Resources")),
    ("meeting", _("Meetings")),
    ("discussion", _("Discussions")),
    ("member", _("Members")),
    ("change_idea", _("Change ideas")),
]
MAX_QUERY = 200
LANGUAGE_NAMES = [("en", "English"), ("fr", "Français"), ("pt", "Português")]  # each in itself


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=MAX_QUERY, required=False, strip=True)
    kind = forms.ChoiceField(label=_("Type"), required=False)
    country = forms.TypedChoiceField(label=_("Country"), required=False, coerce=int, empty_value=None)
    topic = forms.TypedChoiceField(label=_("Topic"), required=False, coerce=int, empty_value=None)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, countries, topics, **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["kind"].choices = anything + KINDS
        self.fields["country"].choices = anything + [(c.pk, c.display_name) for c in countries]
        self.fields["topic"].choices = anything + [(t.pk, t.name) for t in topics]
        self.fields["language"].choices = [
            *anything,
            ("en", "English"),
            ("fr", "Français"),
            ("pt", "Português"),
        ]


def filters_for(viewer, network_ids: list[int], **chosen) -> query.Filters:
    """The networks searched: those given that the viewer belongs to; participants see meetings and
    discussions, observers case studies, resources and members only."""
    member = [n for n in network_ids if viewer.is_superuser or n in viewer.network_ids()]
    participant = [n for n in member if is_participant(viewer, n)]
    return query.Filters(member_networks=member, participant_networks=participant, **chosen)


@login_required
def search(request, slug):
    viewer, network = network_selectors.network_page(request.user, slug)
    countries = list(network_selectors.countries_of_network(network))
    topics = list(network.topics.all()[:200])
    form = SearchForm(request.GET or None, countries=countries, topics=topics)
    results = None
    status = 200
    if request.GET:
        if form.is_valid():
            data = form.cleaned_data
            filters = filters_for(
                viewer,
                [network.pk],
                kind=data["kind"] or "",
                country_id=data["country"],
                topic_id=data["topic"],
                year=data["year"],
                language=data["language"] if data["language"] in LANGUAGES else "",
            )
            try:
                page = int(request.GET.get("page", "1"))
            except ValueError:
                page = 1
            if data["q"]:
                results = find(data["q"], filters, page=min(max(page, 1), 50))
        else:
            status = 400
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "portal/search.html",
        {
            "network": network,
            "form": form,
            "results": results,
            "kinds": dict(KINDS),
            "languages": LANGUAGE_NAMES,  # a result's language by its name, never its code
            "query_string": query_string.urlencode(),
        },
        status=status,
    )
