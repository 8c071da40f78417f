"""``qicop backup`` and ``qicop restore``: the database and every uploaded file in one archive.

An archive is a ``.tar.gz`` holding, in this order:

- ``database/qicop.sqlite3`` (a consistent copy made with SQLite's online backup API) or
  ``database/qicop.pgdump`` (``pg_dump`` in its custom format, taken in one exported snapshot);
- ``files/private/…`` the private uploads (meeting materials, attachments, data files) and ``files/media/…``
  the photos, read through the configured storages (local folders or object storage);
- ``manifest.json``: qicop's version, the migrations applied, the database vendor, the rows of every table
  (counted in the same snapshot as the dump), and each file's size and SHA-256.

No secret is in it: ``SECRET_KEY`` and ``QICOP_ENCRYPTION_KEYS`` are kept apart (docs/decisions).

A restore goes into an empty database and empty file storages (``--force`` replaces what is there), checks
every checksum before writing anything, refuses a backup made by a newer qicop, and counts the rows again
after loading them. This package sits above the apps (it reads their models' file fields), like the CLI.
"""

from __future__ import annotations


class BackupError(Exception):
    """Why a backup or a restore could not be done; said to the operator as it is."""
