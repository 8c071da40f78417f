import zoneinfo

from django.conf import settings
from django.utils import timezone, translation

from qicop.core.i18n import is_valid_time_zone


class UserPreferencesMiddleware:
    """Activate the signed-in user's language and time zone.

    Runs after LocaleMiddleware, so the order of preference is: the user's profile, then the language
    cookie set by the switcher, then the browser's Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone_name = settings.TIME_ZONE
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            if user.time_zone and is_valid_time_zone(user.time_zone):
                zone_name = user.time_zone
        timezone.activate(zoneinfo.ZoneInfo(zone_name))
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
