from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from qicop.accounts import throttle

DEMO_PASSWORD = "demo"


class EmailBackend(ModelBackend):
    """Sign in by e-mail, case-insensitively; the demo password works only in demo mode.

    Failed attempts are throttled (``qicop.accounts.throttle``). An attempt refused unheard raises
    PermissionDenied, which ``authenticate()`` turns into None; what the caller tells the client is left on
    the request: ``request.sign_in_wait`` (the wait now running, or None) and ``request.sign_in_refused``
    (True when the password was not even looked at).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        wait = throttle.wait_for(request, email=username)
        if wait is not None:
            _tell(request, wait, refused=True)
            raise PermissionDenied
        if password == DEMO_PASSWORD and not settings.DEMO_MODE:
            user = None
        else:
            user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            _tell(request, throttle.record_failure(request, email=username), refused=False)
        else:
            throttle.record_success(request, email=username)
        return user


def _tell(request, wait, *, refused: bool) -> None:
    if request is not None:
        request.sign_in_wait = wait
        request.sign_in_refused = refused
