"""Keeping the search index current: apps register what they want found, the index follows every save.

    register(CaseStudy, "case_study", build=case_study_entry)

``build(obj)`` returns an ``Entry`` (what to store) or ``None`` (the object must not be found: a draft, a
hidden post). Saves and deletes update the index when their transaction commits, so the index is never
ahead of the data and a rolled-back change leaves no trace; ``rebuild()`` recreates it from scratch
(``qicop rebuild_search_index``).

A change touches an entry several times (a member, then each of their memberships; a meeting, then its
agenda): inside ``batched()`` each entry is brought up to date once, when the block ends, however many
changes touched it. Loaders that write many objects (the demo, the suite's personas) use it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from qicop.search import text
from qicop.search.models import SearchEntry, SearchTerm

MAX_BODY = 20_000  # characters kept for excerpts and indexing


@dataclass
class Entry:
    network_id: int
    audience: str  # SearchEntry.Audience
    title: str
    body: str
    url: str
    language: str = ""
    country_id: int | None = None
    topic_ids: Iterable[int] = ()
    year: int | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Provider:
    model: type[models.Model]
    kind: str
    build: Callable[[models.Model], Entry | list[Entry] | None]
    queryset: Callable[[], models.QuerySet] | None = None


PROVIDERS: dict[str, Provider] = {}

# The entries waiting for the end of the innermost ``batched()`` block, per thread: (kind, object id).
_batches = threading.local()


@contextmanager
def batched() -> Iterator[None]:
    """Bring each entry touched in the block up to date once, after the block (and, as always, only when
    the transaction commits). Blocks nest: the outermost one does the work."""
    stack = _batches.__dict__.setdefault("stack", [])
    stack.append({})
    try:
        yield
    finally:
        waiting = stack.pop()
    if stack:
        stack[-1].update(waiting)
        return
    by_kind: dict[str, list[str]] = {}
    for kind, pk in waiting:
        by_kind.setdefault(kind, []).append(pk)
    for kind, pks in by_kind.items():
        transaction.on_commit(lambda kind=kind, pks=pks: reindex_many(kind, pks))


def _later(kind: str, pk) -> None:
    """Re-index the object when its transaction commits (or, in a batch, once at the batch's end).
    Re-indexing an object that no longer exists removes its entries."""
    stack = getattr(_batches, "stack", None)
    if stack:
        stack[-1][(kind, str(pk))] = None
    else:
        transaction.on_commit(lambda: reindex(kind, pk))


def register(model, kind: str, *, build, queryset=None, related: dict | None = None) -> None:
    """Make ``model`` findable as ``kind``; call from the app's ``AppConfig.ready``.

    ``related`` maps other models whose changes alter the entry to the name of their foreign key to
    ``model`` (e.g. ``{AgendaItem: "meeting_id"}``): saving or deleting one re-indexes its parent.
    """
    PROVIDERS[kind] = Provider(model, kind, build, queryset)
    post_save.connect(_saved, sender=model, dispatch_uid=f"search-save-{kind}", weak=False)
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-delete-{kind}", weak=False)
    # Topics, authors, countries…: many-to-many changes do not save the object, but change its entry.
    for m2m in model._meta.many_to_many:
        through = m2m.remote_field.through

        def m2m_saved(sender, instance, action, reverse, pk_set=None, kind=kind, owner=model, **kwargs):
            if action not in ("post_add", "post_remove", "post_clear"):
                return
            # From the indexed side the object is ``instance``; from the other side, the ids in pk_set.
            pks = [instance.pk] if isinstance(instance, owner) else sorted(pk_set or ())
            for pk in pks:
                _later(kind, pk)

        uid = f"search-m2m-{kind}-{m2m.name}"
        m2m_changed.connect(m2m_saved, sender=through, dispatch_uid=uid, weak=False)
    for other, attribute in (related or {}).items():

        def changed(sender, instance, raw=False, attribute=attribute, kind=kind, **kwargs):
            parent = getattr(instance, attribute, None)
            if parent is not None and not raw:
                _later(kind, parent)

        uid = f"search-related-{kind}-{other._meta.label}"
        post_save.connect(changed, sender=other, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(changed, sender=other, dispatch_uid=f"{uid}-delete", weak=False)


def _providers_for(model) -> list[Provider]:
    return [p for p in PROVIDERS.values() if p.model is model]


def _saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for provider in _providers_for(sender):
        _later(provider.kind, instance.pk)


def _deleted(sender, instance, **kwargs):
    for provider in _providers_for(sender):
        _later(provider.kind, instance.pk)


def reindex(kind: str, pk) -> None:
    """Bring one object's entry up to date (create, update, or remove it)."""
    reindex_many(kind, [pk])


def reindex_many(kind: str, pks: list[str], *, chunk: int = 200) -> None:
    """Bring many objects' entries up to date (create, update, or remove them), a few queries per
    ``chunk`` objects."""
    provider = PROVIDERS[kind]
    manager = provider.queryset() if provider.queryset else provider.model._default_manager
    for start in range(0, len(pks), chunk):
        ids = [str(pk) for pk in pks[start : start + chunk]]
        found = {str(obj.pk): obj for obj in manager.filter(pk__in=ids)}
        rows = [
            _row(kind, object_id, entry)
            for pk in ids
            if pk in found
            for object_id, entry in _entries(pk, provider.build(found[pk]))
        ]
        with transaction.atomic():
            SearchEntry.objects.filter(kind=kind).filter(
                models.Q(object_id__in=ids) | _any_of(models.Q(object_id__startswith=f"{pk}@") for pk in ids)
            ).delete()
            SearchEntry.objects.bulk_create(rows)
            _add_vocabulary(rows)


def _any_of(conditions: Iterable[models.Q]) -> models.Q:
    combined = models.Q(pk__in=[])
    for condition in conditions:
        combined |= condition
    return combined


def _entries(pk, built) -> list[tuple[str, Entry]]:
    """One entry keeps the object's id; several (one per network) are told apart by "<id>@<network>"."""
    if built is None:
        return []
    if isinstance(built, Entry):
        return [(str(pk), built)]
    return [(f"{pk}@{entry.network_id}", entry) for entry in built]


def reindex_object(obj) -> None:
    """After a change the save signal does not see (e.g. topics added to a saved object)."""
    for provider in _providers_for(type(obj)):
        _later(provider.kind, obj.pk)


def _row(kind: str, object_id: str, entry: Entry) -> SearchEntry:
    language = entry.language if entry.language in text.LANGUAGES else ""
    topics = list(entry.topic_ids)
    body = entry.body[:MAX_BODY]
    title = entry.title[:300]
    return SearchEntry(
        kind=kind,
        object_id=object_id,
        network_id=entry.network_id,
        audience=entry.audience,
        country_id=entry.country_id,
        topic_ids="".join(f" {t} " for t in topics),
        year=entry.year,
        language=language,
        title=title,
        body=body,
        url=entry.url[:300],
        title_terms=text.document_terms(title, language),
        terms=" ".join(
            [
                text.document_terms(body, language),
                *text.filter_terms(
                    kind=kind,
                    country_id=entry.country_id,
                    topic_ids=topics,
                    year=entry.year,
                    language=language,
                ),
            ]
        ),
        updated_at=entry.updated_at or timezone.now(),
    )


def _add_vocabulary(rows: list[SearchEntry]) -> None:
    terms = set()
    for row in rows:
        terms.update(row.title_terms.split())
        terms.update(row.terms.split())
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=t) for t in terms if len(t) <= 64], ignore_conflicts=True, batch_size=500
    )


def rebuild(*, kinds: Iterable[str] | None = None, batch: int = 500) -> int:
    """Recreate the index from the apps' data. Returns the number of entries written."""
    written = 0
    with transaction.atomic():
        chosen = list(kinds) if kinds is not None else list(PROVIDERS)
        SearchEntry.objects.filter(kind__in=chosen).delete()
        if kinds is None:
            SearchTerm.objects.all().delete()
        for kind in chosen:
            provider = PROVIDERS[kind]
            manager = provider.queryset() if provider.queryset else provider.model._default_manager
            rows: list[SearchEntry] = []
            for obj in manager.all().iterator(chunk_size=batch):
                for object_id, entry in _entries(obj.pk, provider.build(obj)):
                    rows.append(_row(kind, object_id, entry))
                if len(rows) >= batch:
                    SearchEntry.objects.bulk_create(rows)
                    _add_vocabulary(rows)
                    written += len(rows)
                    rows = []
            SearchEntry.objects.bulk_create(rows)
            _add_vocabulary(rows)
            written += len(rows)
    return written
