"""An attendance report waiting for the coordinator's confirmation, kept server-side between the two steps.

Re-importing replaces a meeting's attendance, so the page first shows what would change; the file stays
in private storage (never served) under the meeting's folder and a random token until it is confirmed or
cancelled. Only the latest upload of a meeting is kept: a new one drops the earlier.
"""

from __future__ import annotations

import re
import secrets
from pathlib import PurePosixPath

from django.core.files.base import ContentFile

from qicop.core.storage import private_storage

FOLDER = "attendance-pending"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
_EXTENSION = re.compile(r"\.[a-z0-9]{1,5}")


def _folder(meeting) -> str:
    return f"{FOLDER}/{int(meeting.pk)}"


def _names(meeting) -> list[str]:
    storage = private_storage()
    try:
        return storage.listdir(_folder(meeting))[1]
    except FileNotFoundError:
        return []


def keep(meeting, data: bytes, filename: str) -> str:
    """Store the upload until it is confirmed; its token (the earlier pending upload is dropped)."""
    for name in _names(meeting):
        private_storage().delete(f"{_folder(meeting)}/{name}")
    token = secrets.token_urlsafe(24)
    suffix = PurePosixPath(filename or "").suffix.lower()
    extension = suffix if _EXTENSION.fullmatch(suffix) else ""
    private_storage().save(f"{_folder(meeting)}/{token}{extension}", ContentFile(data))
    return token


def _find(meeting, token: str) -> str | None:
    if not _TOKEN.fullmatch(token or ""):
        return None
    return next((name for name in _names(meeting) if PurePosixPath(name).stem == token), None)


def read(meeting, token: str) -> tuple[bytes, str] | None:
    """(content, file name) of the pending upload; None when it is gone (confirmed, cancelled, replaced)."""
    name = _find(meeting, token)
    if name is None:
        return None
    with private_storage().open(f"{_folder(meeting)}/{name}", "rb") as handle:
        return handle.read(), name


def drop(meeting, token: str) -> None:
    name = _find(meeting, token)
    if name is not None:
        private_storage().delete(f"{_folder(meeting)}/{name}")
