"""Uploaded files, read and written through the configured storages (local folders or object storage)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from django.core.files.storage import Storage, storages

# The archive's name for each kind of upload → the storage that holds it (settings.STORAGES).
AREAS = {"private": "private", "media": "default"}


def storage_of(area: str) -> Storage:
    return storages[AREAS[area]]


def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file of a storage, folder by folder, in name order; nothing for a folder not made yet."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for name in sorted(folders):
        yield from stored_names(storage, posixpath.join(folder, name) if folder else name)


def file_columns() -> list[tuple[str, str, str]]:
    """(area, table, column) of every file field of qicop's models: where the database names its files."""
    from django.apps import apps
    from django.db.models import FileField

    private = type(storage_of("private"))
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.local_fields:
            if isinstance(field, FileField):
                area = "private" if isinstance(field.storage, private) else "media"
                found.append((area, model._meta.db_table, field.column))
    return found
