"""Each country's data version: a token that every write changing what the dashboards show of the country
replaces, in the write's own transaction. The dashboards' page cache keys its pages by the tokens of the
countries a page shows (dashboards/page_cache.py), so an import into Kenya makes exactly the pages that
show Kenya be computed again, and nothing else.

Who calls what: the importer (values, deletions, single DHIS2 dataValues, pulls) and publications bump the
countries they wrote; chart settings and notes, their org unit's country; metadata imports, the admin's
changes to indicators, mappings and org units, and a rebuild of the analytics table bump every country
(shared metadata changes every country's charts).

Readers must read the tokens before the data: a write commits its data and its new token together, so the
tokens read first are never newer than the data read after them, and a page is never kept under a token
newer than what it shows.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from qicop.indicators.metadata_import import import_metadata
from qicop.indicators.models import DataVersion
from qicop.indicators.signals import data_changed
from qicop.network.models import Country


def _token() -> int:
    return secrets.randbits(63)  # a positive BigIntegerField


def bump_data_versions(country_ids: Iterable[int | None], *, periods: dict | None = None) -> None:
    """Give these countries new data versions, in the caller's transaction (which, on PostgreSQL, holds
    their rows until it commits: call it at the end of a long write; ids are taken in order, so that two
    writers never wait for each other in a circle).

    ``periods``: country id → the ids of every stored period whose values (and so analytics rows) the write
    changed, when the writer knows them (the importer). Receivers of ``data_changed`` then get
    ``changes``: country id → (version before, version after, those period ids), which lets the signals'
    refresh read again only those periods of what it kept (deviance/kept.py)."""
    ids = sorted({pk for pk in country_ids if pk is not None})
    if not ids:
        return
    before = {}
    if periods is not None:
        before = dict(DataVersion.objects.filter(country_id__in=ids).values_list("country_id", "token"))
    now = timezone.now()
    tokens = {pk: _token() for pk in ids}
    DataVersion.objects.bulk_create(
        [DataVersion(country_id=pk, token=tokens[pk], changed_at=now) for pk in ids],
        update_conflicts=True,
        unique_fields=["country"],
        update_fields=["token", "changed_at"],
    )
    changes = {
        pk: (before[pk], tokens[pk], sorted(periods.get(pk, ()))) for pk in ids if before.get(pk) is not None
    }
    data_changed.send(sender=DataVersion, country_ids=ids, changes=changes)


def bump_every_data_version() -> None:
    """A change every country's pages may show (shared metadata, a rebuilt analytics table)."""

    bump_data_versions(Country.objects.order_by("pk").values_list("pk", flat=True))


def import_metadata_and_bump(**kwargs) -> dict:
    """``metadata_import.import_metadata``, and new data versions for every country when it stored
    anything, in the same transaction: a renamed org unit, a data element's new aggregation or a moved
    facility changes charts of any country."""

    with transaction.atomic():
        report = import_metadata(**kwargs)
        stats = report.get("stats", {})
        stored = stats.get("created") or stats.get("updated") or stats.get("deleted")
        if stored and not kwargs.get("dry_run"):  # a dry run counts what it would have stored
            bump_every_data_version()
    return report
