"""The search index: one row per findable thing (case study, resource, meeting, discussion, member…).

Each app tells the index what to store through ``qicop.search.index.register``; the row keeps what the
results page shows (title, excerpt source, link) and what permission filtering needs (network, audience),
so a search never joins back to the apps' tables. The full-text structures (an FTS5 table on SQLite, a
tsvector column with a GIN index on PostgreSQL) are made by migration 0002 and kept current by the
database itself.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    class Audience(models.TextChoices):
        MEMBERS = "members", _("Every member, observers included")
        PARTICIPANTS = "participants", _("Members except observers")

    kind = models.CharField(max_length=24)
    object_id = models.CharField(max_length=64)
    network_id = models.IntegerField(db_index=True)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    country_id = models.IntegerField(null=True, blank=True)
    topic_ids = models.CharField(max_length=200, blank=True)  # " 3 7 " (spaces around each id)
    year = models.IntegerField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    title_terms = models.TextField(blank=True)
    terms = models.TextField(blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class SearchTerm(models.Model):
    """Every term the index holds: the vocabulary that "did you mean" draws similar words from."""

    term = models.CharField(max_length=64, primary_key=True)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.term
