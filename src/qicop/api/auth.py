from ninja.security import HttpBearer, SessionAuth

from qicop.accounts import throttle


class PersonalTokenAuth(HttpBearer):
    """``Authorization: Bearer qicop_…`` with a token created on the profile page. Wrong tokens are
    throttled per client address (``Throttled``, answered 429 by the API's exception handler)."""

    def authenticate(self, request, token):
        user = throttle.user_for_token(request, token)
        if user is not None:
            request.user = user
        return user


class SignedInSession(SessionAuth):
    """The browser's session, for scripts on our own pages (CSRF-checked on writes)."""
