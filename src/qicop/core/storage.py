"""Where uploaded files live: outside every served folder, handed out only by views that check permission."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    """Files no web server serves: uploaded data files, meeting materials, attachments."""
    return FileSystemStorage(location=settings.PRIVATE_ROOT)
