from django.conf import settings
from django.contrib.auth.backends import ModelBackend

DEMO_PASSWORD = "demo"


class EmailBackend(ModelBackend):
    """Sign in by e-mail, case-insensitively; the demo password works only in demo mode."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if password == DEMO_PASSWORD and not settings.DEMO_MODE:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
