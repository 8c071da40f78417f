from ninja.security import HttpBearer, SessionAuth

from qicop.accounts.services import user_for_api_token


class PersonalTokenAuth(HttpBearer):
    """``Authorization: Bearer qicop_…`` with a token created on the profile page."""

    def authenticate(self, request, token):
        user = user_for_api_token(token)
        if user is not None:
            request.user = user
        return user


class SignedInSession(SessionAuth):
    """The browser's session, for scripts on our own pages (CSRF-checked on writes)."""
