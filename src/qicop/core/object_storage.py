"""Uploads on S3-compatible object storage, for several servers that must all see every file
(``QICOP_STORAGE_URL``; see README, "Running several servers").

Both storages hand out no bucket URL: private files (meeting materials, attachments, data files) are streamed
by the views that check permission, exactly as from the local folder, and photos by qicop's ``/media/`` view.
Browsers therefore fetch nothing from another host, and a bucket that is not public is all a deployment needs.
This module imports boto3: settings name it only when object storage is configured.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage

# Larger objects are spooled to a temporary file, not kept in memory, while a view or an import reads them.
SPOOL_IN_MEMORY_BYTES = 5 * 1024 * 1024


def _options(options: dict, folder: str) -> dict:
    prefix = options.pop("prefix", "")
    return {
        **options,
        "location": f"{prefix}/{folder}" if prefix else folder,
        "default_acl": None,  # the bucket's own policy: private unless its owner made it otherwise
        "querystring_auth": True,
        # Like the local folders: a second file of the same name gets a name of its own, never replaces one.
        "file_overwrite": False,
        "max_memory_size": SPOOL_IN_MEMORY_BYTES,
    }


class ObjectMediaStorage(S3Storage):
    """Photos, under ``<prefix>/media/``; their URLs are qicop's own ``/media/…`` (``core.views.media``)."""

    def __init__(self, **options):
        super().__init__(**_options(options, "media"))

    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + filepath_to_uri(name)


class ObjectPrivateStorage(S3Storage):
    """Private files, under ``<prefix>/private/``; they have no URL at all (like ``PrivateStorage``)."""

    def __init__(self, **options):
        super().__init__(**_options(options, "private"))

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("private files have no URL: a view that checks permission streams them")
