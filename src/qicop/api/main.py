from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from qicop.accounts.throttle import Throttled
from qicop.api import errors
from qicop.api.auth import PersonalTokenAuth, SignedInSession
from qicop.api.improvement import router as improvement_router
from qicop.api.network import router as network_router
from qicop.api.programmes import router as programmes_router

api = NinjaAPI(
    title="qicop API",
    version="1",
    description="Networks, countries, organisations and members of the qicop learning networks, and their "
    "improvement work (collaboratives, teams, PDSA cycles, reports and scores, the change-idea library) "
    "and national quality programmes (instruments, assessment rounds, the gap map). "
    "Authenticate with a personal token (Authorization: Bearer …) created on your profile page.",
    auth=[PersonalTokenAuth(), SignedInSession()],
    urls_namespace="api",
)
api.add_router("/", network_router)
api.add_router("/", improvement_router)
api.add_router("/", programmes_router)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(Throttled)
def throttled(request, exc):
    return errors.throttled(request, exc)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": _("Sign in or send a personal API token.")}, status=401)
