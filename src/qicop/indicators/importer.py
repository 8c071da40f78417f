"""Importing data values: resolve identifiers, check every value, and store them in bulk.

The import is one service, ``import_data_values``, fed by any reader of ``qicop.integrations`` (DHIS2 JSON,
XML, CSV, ADX, FHIR, the spreadsheet template). It works in chunks so that memory stays flat whatever the
file's size, and writes with multi-row statements (COPY on PostgreSQL) so that a million values take
seconds, not hours.
"""

from __future__ import annotations

import gc
import io
import itertools
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from qicop.core.storage import private_storage
from qicop.indicators import import_messages as english
from qicop.indicators.analytics_table import apply_deltas
from qicop.indicators.data_versions import bump_data_versions
from qicop.indicators.id_schemes import IdScheme, IdSchemes
from qicop.indicators.import_checks import Resolver, _prepare_chunk, prepare_columns
from qicop.indicators.import_conflicts import ConflictLog
from qicop.indicators.import_store import Slices, _store_chunk
from qicop.indicators.import_types import STRATEGIES, Counts
from qicop.indicators.locks import lock_data_values
from qicop.indicators.models import (
    DataImport,
)
from qicop.indicators.permissions import data_countries_for
from qicop.integrations.dhis2.import_summary import ImportSummary
from qicop.integrations.dhis2.rows import DataValueRow, ValueColumns
from qicop.integrations.errors import FormatError

CHUNK = 2000  # rows per round trip: 16,000 bound parameters, well under SQLite's limit of 32,766

# Our option names → DHIS2's parameter names, for messages.
_SCHEME_OPTIONS = {
    "id_scheme": "idScheme",
    "data_element_id_scheme": "dataElementIdScheme",
    "org_unit_id_scheme": "orgUnitIdScheme",
    "category_option_combo_id_scheme": "categoryOptionComboIdScheme",
    "attribute_option_combo_id_scheme": "attributeOptionComboIdScheme",
}


@dataclass(frozen=True)
class ImportOptions:
    """DHIS2's import parameters (spec 1.5). Specific id schemes win over the general ``id_scheme``; each is
    UID, CODE, NAME or ATTRIBUTE:<attribute UID> (any case), kept in its canonical spelling."""

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
        for name, parameter in _SCHEME_OPTIONS.items():
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, str(IdScheme.parse(value, parameter=parameter)))

    @cached_property
    def schemes(self) -> IdSchemes:
        def parsed(value: str | None) -> IdScheme | None:
            return IdScheme.parse(value) if value is not None else None

        return IdSchemes(
            general=IdScheme.parse(self.id_scheme),
            data_element=parsed(self.data_element_id_scheme),
            org_unit=parsed(self.org_unit_id_scheme),
            category_option_combo=parsed(self.category_option_combo_id_scheme),
            attribute_option_combo=parsed(self.attribute_option_combo_id_scheme),
        )


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

    resolver = Resolver(options, allowed_country_ids=data_countries_for(actor))
    # Every conflict goes to a file as it is found when the import has a page to offer it from.
    spool = tempfile.TemporaryFile() if data_import is not None else None  # noqa: SIM115 - closed below
    sink = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="") if spool is not None else None
    conflicts = ConflictLog(listed=settings.QICOP_IMPORT_CONFLICTS_LISTED, sink=sink)
    counts, seen, slices = Counts(), set(), Slices()
    deltas: dict = {}
    user_label = getattr(actor, "email", "") or ""
    read = 0
    error: str | None = None
    changed_countries = _ChangedCountries(resolver)
    try:
        with _without_cycle_collection(), transaction.atomic():
            # Before reading any stored value: what this import replaces, audits and subtracts from the
            # analytics table must be what another import committed, not what it is still writing.
            lock_data_values(resolver.allowed_country_ids)
            for chunk in _chunks(rows):
                read += len(chunk)
                plain = None
                if chunk.__class__ is ValueColumns:
                    plain = prepare_columns(chunk, resolver, options, user_label, seen)
                    prepared = []
                    if plain is None:
                        chunk = chunk.rows()
                if plain is None:
                    _warn_of_unknown_keys(chunk, conflicts)
                    plain, prepared = _prepare_chunk(chunk, resolver, conflicts, options, user_label, seen)
                counts.ignored += len(chunk) - len(plain) - len(prepared)  # refused, or repeated
                written = counts.written
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
                if counts.written > written:
                    changed_countries.add(plain, prepared)
                if progress:
                    progress(read)
            if options.dry_run or (options.atomic and conflicts.blocking_indexes):
                raise _Rollback

            apply_deltas(deltas)
            bump_data_versions(changed_countries.ids, periods=changed_countries.periods)
    except _Rollback:
        pass
    except FormatError as format_error:
        error = str(format_error)
    finally:
        if sink is not None:
            _keep_conflicts(data_import, conflicts, sink)
    return _summary(options, counts, conflicts, read=read, error=error, kept=data_import is not None)


def _chunks(rows: Iterable[DataValueRow]) -> Iterator[list[DataValueRow] | ValueColumns]:
    """The rows in chunks of at most CHUNK: lists of rows, or runs of columns where the reader parsed in
    bulk (``BatchedRows``), which the checks then take a column at a time."""
    batches = getattr(rows, "batches", None)
    if batches is None:
        rows_iter = iter(rows)
        while chunk := list(itertools.islice(rows_iter, CHUNK)):
            yield chunk
        return
    pending: list[DataValueRow] = []
    for batch in batches():
        if batch.__class__ is not ValueColumns:
            pending.append(batch)
            if len(pending) >= CHUNK:
                yield pending
                pending = []
            continue
        if pending:
            yield pending
            pending = []
        for start in range(0, len(batch), CHUNK):
            yield batch.slice(start, start + CHUNK) if len(batch) > CHUNK else batch
    if pending:
        yield pending


def _keep_conflicts(data_import: DataImport, conflicts: ConflictLog, sink) -> None:
    """Keep the file of every conflict where the import's page finds it (none when there was none)."""
    from django.core.files import File

    conflicts.finish()
    spool = sink.detach()  # flushed
    try:
        if conflicts.kinds:
            spool.seek(0)
            private_storage().delete(data_import.conflicts_path)  # a re-run replaces it
            private_storage().save(data_import.conflicts_path, File(spool))
    finally:
        spool.close()


class _ChangedCountries:
    """The countries whose values an import changed: their data versions change with it (data_versions.py),
    with the periods of those values. Both are counted by chunk: every country and period of a chunk that
    wrote anything (more than changed, never less)."""

    def __init__(self, resolver: Resolver):
        self._resolver = resolver
        self.ids: set[int] = set()
        self.periods: dict[int, set[int]] = {}

    @cached_property
    def _country_of(self) -> dict[int, int]:
        return dict(self._resolver.org_units.values())  # org unit id → country id

    def add(self, plain: list, prepared: list) -> None:
        units = {row[2] for row in plain} | {row.key[2] for row in prepared}
        periods = {row[1] for row in plain} | {row.key[1] for row in prepared}
        countries = {self._country_of[unit] for unit in units if unit in self._country_of}
        self.ids |= countries
        for country in countries:
            self.periods.setdefault(country, set()).update(periods)


def _warn_of_unknown_keys(chunk: list[DataValueRow], conflicts: ConflictLog) -> None:
    """A key no DHIS2 data value has is ignored, but said: a misspelt ``categoryOptionCombo`` would
    otherwise store the value under the default disaggregation without a word. A warning, not a refusal."""
    for row in chunk:
        if row.unknown:
            for key in row.unknown:
                conflicts.add(
                    row.index,
                    line=row.line,
                    obj=key,
                    message=english.gettext("Unknown key `%(key)s` in a data value: ignored", key=key),
                    code="",
                    prop=key,
                    blocking=False,
                )


def _summary(
    options: ImportOptions,
    counts: Counts,
    conflicts: ConflictLog,
    *,
    read: int,
    error: str | None,
    kept: bool = False,
) -> dict:
    rolled_back = error is not None or (options.atomic and bool(conflicts.blocking_indexes))
    if rolled_back:
        counts = Counts(ignored=read)
    stored = counts.written
    said: list = []
    if options.dry_run:
        # Said first, whatever the outcome: a failed dry run is still a dry run.
        said.append(english.gettext("Dry run: nothing was stored."))
    if error is not None:
        status = "ERROR"
        said.append(
            english.gettext("The file could not be read: %(error)s. Nothing was stored.", error=error)
        )
    elif rolled_back and options.dry_run:
        status = "ERROR"
        said.append(
            english.ngettext(
                "%(count)d value has conflicts: the import would store nothing (all or nothing). Correct "
                "it, or import with “store what is valid”.",
                "%(count)d values have conflicts: the import would store nothing (all or nothing). Correct "
                "them, or import with “store what is valid”.",
                len(conflicts.blocking_indexes),
            )
        )
    elif rolled_back:
        status = "ERROR"
        said.append(
            english.ngettext(
                "%(count)d value has conflicts, so nothing was stored (all or nothing). Correct it, "
                "or import with “store what is valid”.",
                "%(count)d values have conflicts, so nothing was stored (all or nothing). Correct them, "
                "or import with “store what is valid”.",
                len(conflicts.blocking_indexes),
            )
        )
    elif conflicts.entries:
        status = "WARNING" if stored or not conflicts.blocking_indexes else "ERROR"
        said.append(english.gettext("Import completed with conflicts."))
    else:
        status = "SUCCESS"
        said.append(english.gettext("Import process completed successfully"))
    if conflicts.truncated:
        said += _listed(conflicts, kept=kept)
    summary = ImportSummary(
        status=status,
        description=" ".join(said),
        import_count=replace(counts),
        conflicts=conflicts.as_conflicts(),
        rejected_indexes=conflicts.blocking_indexes.first(conflicts.listed),
        import_options=import_options(options),
    ).to_dict()
    # For people (the import's page, the CLI), not for DHIS2's clients: answers drop it (without_texts).
    summary[english.TEXTS] = {
        "description": [english.to_json(text) for text in said],
        "conflicts": conflicts.as_texts(),
        "rejected": len(conflicts.blocking_indexes),
    }
    return summary


def import_options(options: ImportOptions) -> dict:
    """The ``importOptions`` member of the answer, as DHIS2 writes it."""
    return {
        "dryRun": options.dry_run,
        "importStrategy": options.strategy,
        "atomicMode": "ALL" if options.atomic else "NONE",
        # Empty, as DHIS2 writes it: DHIS2's own clients (the aggregate data exchange among them) read
        # this object into IdScheme fields that cannot be built from text, and would reject the answer.
        "idSchemes": {},
    }


def _listed(conflicts: ConflictLog, *, kept: bool) -> list:
    """What the answer leaves out of a long list of conflicts, and where the whole list is."""
    total = sum(kind.count for kind in conflicts.kinds.values())
    text = english.gettext(
        "There are %(total)s conflicts of %(kinds)s kinds: the first %(listed)s kinds are listed, each with "
        "how many values it concerns and the first %(listed)s of them.",
        total=total,
        kinds=len(conflicts.kinds),
        listed=conflicts.listed,
    )
    if kept:
        return [text, english.gettext("The import's page offers every conflict as a CSV file.")]
    return [
        text,
        english.gettext("Import with async=true to have every conflict on the import's page, as CSV."),
    ]
