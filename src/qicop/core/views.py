from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qicop.accounts.services import update_preferences
from qicop.core.i18n import language_codes
from qicop.network import permissions, selectors


def home(request):
    """Signed-in people go straight to their network when they have one; others see what qicop is."""
    viewer = permissions.viewer_for(request.user)
    networks = list(selectors.networks_for_viewer(viewer)) if viewer.is_authenticated else []
    if len(networks) == 1 and "stay" not in request.GET:
        return redirect("network:network_home", slug=networks[0].slug)
    return render(request, "core/home.html", {"networks": networks})


@require_POST
def set_language(request):
    """Switch the interface language; remembered on the profile of a signed-in user, in a cookie otherwise."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in language_codes():
        from django.contrib import messages

        messages.error(request, _("Unknown language."))
        return response
    if request.user.is_authenticated:
        update_preferences(user=request.user, language=language, time_zone=request.user.time_zone)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def healthz(request):
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# Photos keep their name for as long as they are shown (a new photo is stored under a name of its own).
MEDIA_MAX_AGE = 24 * 3600


@require_GET
def media(request, path: str):
    """A photo kept in object storage (``QICOP_STORAGE_URL``): what the web server does for MEDIA_ROOT on one
    machine, for anyone holding its address. Only images are shown; anything else is a download."""
    import mimetypes

    from django.core.exceptions import SuspiciousOperation
    from django.core.files.storage import storages
    from django.http import FileResponse, Http404
    from django.utils.cache import patch_cache_control

    from qicop.core.uploads import FILE_CSP

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
