import zoneinfo

from django.conf import settings
from django.utils import timezone, translation

from qicop.core.i18n import is_valid_time_zone
from qicop.core.readers import member_of


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
            zone_name = user.time_zone or _country_time_zone(user) or zone_name
            if not is_valid_time_zone(zone_name):
                zone_name = settings.TIME_ZONE
        timezone.activate(zoneinfo.ZoneInfo(zone_name))
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def _country_time_zone(user) -> str | None:
    """An account without a chosen time zone sees times in its country's zone."""
    member = member_of(user)
    return member.country.time_zone if member is not None else None
