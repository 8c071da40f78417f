"""Change ideas in the search index: every idea of a network, found by every member (observers included),
in any of the three languages. An idea's language is not recorded (teams write in English, French or
Portuguese), so it is indexed under its words' stems in all three; its title weighs more than its text, as
every entry's does."""

from __future__ import annotations

from django.urls import reverse

from qicop.improvement.models import ChangeIdea
from qicop.search.index import Entry, register
from qicop.search.models import SearchEntry


def change_idea_entry(idea: ChangeIdea) -> Entry:
    indicator = idea.indicator
    body = "\n".join(
        part
        for part in (
            idea.description,
            indicator.name if indicator else "",
            indicator.topic if indicator else "",
            idea.country.name if idea.country else "",
        )
        if part
    )
    return Entry(
        network_id=idea.network_id,
        audience=SearchEntry.Audience.MEMBERS,
        title=idea.title,
        body=body,
        url=reverse("improvement:change_idea_detail", args=[idea.network.slug, idea.pk]),
        language="",
        country_id=idea.country_id,
        year=idea.created_at.year,
        updated_at=idea.updated_at,
    )


def change_idea_queryset():
    return ChangeIdea.objects.select_related("network", "indicator", "country")


def register_change_ideas() -> None:
    """Register "change_idea" with qicop.search.index.register (from ImprovementConfig.ready)."""
    register(ChangeIdea, "change_idea", build=change_idea_entry, queryset=change_idea_queryset)
