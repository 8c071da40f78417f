"""Importing data values: resolve identifiers, check every value, and store them in bulk.

The import is one service, ``import_data_values``, fed by any reader of ``qicop.integrations`` (DHIS2 JSON,
XML, CSV, ADX, FHIR, the spreadsheet template). It works in chunks so that memory stays flat whatever the
file's size, and writes with multi-row statements (COPY on PostgreSQL) so that a million values take
seconds, not hours.
"""

from __future__ import annotations

import gc
import itertools
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from qicop.indicators.import_checks import ConflictLog, Resolver, _prepare_chunk
from qicop.indicators.import_store import Counts, Slices, _store_chunk
from qicop.indicators.models import (
    DataImport,
)
from qicop.integrations.dhis2.rows import DataValueRow

STRATEGIES = ("CREATE", "UPDATE", "CREATE_AND_UPDATE", "DELETE")


ID_SCHEMES = ("UID", "CODE", "NAME")


CHUNK = 2000  # rows per round trip: 16,000 bound parameters, well under SQLite's limit of 32,766


@dataclass(frozen=True)
class ImportOptions:
    """DHIS2's import parameters (spec 1.5). Specific id schemes win over the general ``id_scheme``."""

    dry_run: bool = False
    strategy: str = "CREATE_AND_UPDATE"
    atomic: bool = True
    id_scheme: str = "UID"
    data_element_id_scheme: str | None = None
    org_unit_id_scheme: str | None = None
    category_option_combo_id_scheme: str | None = None
    attribute_option_combo_id_scheme: str | None = None
    data_set: str | None = None
    #: ADX: non-numeric data elements (text, yes/no, dates) take their value from ``<annotation>``
    values_in_annotations: bool = False

    def __post_init__(self):
        if self.strategy not in STRATEGIES:
            raise ValueError(
                _("Unknown import strategy %(value)s: use one of %(choices)s.")
                % {"value": self.strategy, "choices": ", ".join(STRATEGIES)}
            )
        for name in (
            "id_scheme",
            "data_element_id_scheme",
            "org_unit_id_scheme",
            "category_option_combo_id_scheme",
            "attribute_option_combo_id_scheme",
        ):
            value = getattr(self, name)
            if value is not None and value not in ID_SCHEMES:
                raise ValueError(
                    _("Unknown id scheme %(value)s for %(name)s: use UID, CODE or NAME.")
                    % {"value": value, "name": name}
                )

    def scheme(self, specific: str | None) -> str:
        return specific or self.id_scheme


_gc_lock = threading.Lock()
_gc_imports = 0  # imports running in this process (threads)
_gc_was_enabled = False


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while an import runs. The import keeps a million duplicate-check keys
    and builds millions of short-lived rows: the collector's full passes over that heap took a quarter of
    a million-value import, and freed almost nothing (rows, tuples and dicts form no cycles). Reference
    counting still frees everything; the collector resumes when the last running import ends."""
    global _gc_imports, _gc_was_enabled
    with _gc_lock:
        if _gc_imports == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_imports += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_imports -= 1
            if _gc_imports == 0 and _gc_was_enabled:
                gc.enable()


class _Rollback(Exception):
    """Raised inside the import's transaction to undo it: dry runs, all-or-nothing imports with conflicts."""


def import_data_values(
    *,
    actor,
    rows: Iterable[DataValueRow],
    options: ImportOptions,
    data_import: DataImport | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Import data values and return a DHIS2-shaped import summary (as a dict, ready for JSON).

    Preconditions: ``rows`` yields ``DataValueRow`` (any reader); the actor may change data of the countries
    ``data_countries_for`` gives. Effects: values created, updated or soft-deleted in one transaction, each
    change audited; nothing at all is written when ``options.dry_run``, or when ``options.atomic`` and any
    value has a blocking conflict. A file that cannot be read (FormatError) gives an ERROR summary.
    """
    from qicop.indicators.permissions import data_countries_for
    from qicop.integrations.errors import FormatError

    resolver = Resolver(options, allowed_country_ids=data_countries_for(actor))
    conflicts, counts, seen, slices = ConflictLog(), Counts(), set(), Slices()
    deltas: dict = {}
    user_label = getattr(actor, "email", "") or ""
    read = 0
    error: str | None = None
    try:
        with _without_cycle_collection(), transaction.atomic():
            rows_iter = iter(rows)
            while chunk := list(itertools.islice(rows_iter, CHUNK)):
                read += len(chunk)
                plain, prepared = _prepare_chunk(chunk, resolver, conflicts, options, user_label, seen)
                counts.ignored += len(chunk) - len(plain) - len(prepared)  # refused, or repeated
                _store_chunk(
                    plain,
                    prepared,
                    options=options,
                    counts=counts,
                    slices=slices,
                    user_id=getattr(actor, "pk", None),
                    import_id=data_import.pk if data_import else None,
                    deltas=deltas,
                    ancestors_of=resolver.ancestors_of,
                )
                if progress:
                    progress(read)
            if options.dry_run or (options.atomic and conflicts.blocking_indexes):
                raise _Rollback
            from qicop.indicators.aggregates import apply_deltas

            apply_deltas(deltas)
    except _Rollback:
        pass
    except FormatError as format_error:
        error = str(format_error)
    return _summary(options, counts, conflicts, read=read, error=error)


def _summary(
    options: ImportOptions, counts: Counts, conflicts: ConflictLog, *, read: int, error: str | None
) -> dict:
    rolled_back = error is not None or (options.atomic and bool(conflicts.blocking_indexes))
    if rolled_back:
        counts = Counts(ignored=read)
    stored = counts.imported + counts.updated + counts.deleted
    if error is not None:
        status, description = (
            "ERROR",
            _("The file could not be read: %(error)s. Nothing was stored.") % {"error": error},
        )
    elif rolled_back:
        status = "ERROR"
        description = _(
            "%(count)d values have conflicts, so nothing was stored (all or nothing). Correct them, "
            "or import with “store what is valid”."
        ) % {"count": len(conflicts.blocking_indexes)}
    elif conflicts.entries:
        status = "WARNING" if stored or not conflicts.blocking_indexes else "ERROR"
        description = _("Import completed with conflicts.")
    else:
        status, description = "SUCCESS", _("Import process completed successfully")
    if options.dry_run and error is None and not rolled_back:
        description = _("Dry run: nothing was stored. %(description)s") % {"description": description}
    return {
        "responseType": "ImportSummary",
        "status": status,
        "importOptions": {
            "dryRun": options.dry_run,
            "importStrategy": options.strategy,
            "atomicMode": "ALL" if options.atomic else "NONE",
            "idSchemes": {"idScheme": options.id_scheme},
        },
        "description": description,
        "importCount": {
            "imported": counts.imported,
            "updated": counts.updated,
            "ignored": counts.ignored,
            "deleted": counts.deleted,
        },
        "conflicts": conflicts.as_dicts(),
        "rejectedIndexes": sorted(conflicts.blocking_indexes),
    }
