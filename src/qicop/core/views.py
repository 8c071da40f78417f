"""What every server answers whatever the apps: its health, and photos kept in object storage."""

import mimetypes

from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import storages
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from qicop.core.uploads import FILE_CSP


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# Photos keep their name for as long as they are shown (a new photo is stored under a name of its own).
MEDIA_MAX_AGE = 24 * 3600


@require_GET
def media(request, path: str):
    """A photo kept in object storage (``QICOP_STORAGE_URL``): what the web server does for MEDIA_ROOT on one
    machine, for anyone holding its address. Only images are shown; anything else is a download."""
    try:
        handle = storages["default"].open(path, "rb")
    except (FileNotFoundError, SuspiciousOperation):
        raise Http404 from None
    guessed = mimetypes.guess_type(path)[0] or ""
    image = guessed.startswith("image/") and guessed != "image/svg+xml"
    response = FileResponse(
        handle, content_type=guessed if image else "application/octet-stream", as_attachment=not image
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    patch_cache_control(response, public=True, max_age=MEDIA_MAX_AGE)
    return response
