"""Where uploaded files live: outside every served folder, handed out only by views that check permission.

``settings.STORAGES["private"]`` says which storage: ``PrivateStorage`` (a local folder) by default, or a
bucket of S3-compatible object storage (``qicop.core.object_storage``) when several servers share the files.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


class PrivateStorage(FileSystemStorage):
    """A file system storage under ``settings.PRIVATE_ROOT``, read when used (not when the models load),
    so that a changed setting — a test's own folder, say — takes effect at once."""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return str(settings.PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None  # never served by URL: views hand the files out


def private_storage() -> Storage:
    """Files no web server serves: uploaded data files, meeting materials, attachments."""
    return storages["private"]
