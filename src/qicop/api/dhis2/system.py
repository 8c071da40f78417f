"""What DHIS2 clients call first: ``/api/system/info``, ``/api/system/ping`` and ``/api/me``.

Client libraries read the server's version from ``system/info`` (dhis2.py takes the number after ``2.``
as the API version; others compare it with what they support), then the user and their org units from
``me``. The shapes follow DHIS2 2.40 (``SystemInfo``, ``MeDto`` with its ``userCredentials`` kept for older
clients); what qicop has no equivalent for is left out rather than invented.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.api.dhis2.common import api_user, error_response, respond, unauthorized
from qicop.indicators import permissions as data_permissions
from qicop.indicators import selectors
from qicop.network.models import Role
from qicop.network.permissions import viewer_for

# The DHIS2 Web API version qicop answers as. "Compatible" covers what DHIS2 clients of that version call
# here, with 2.40's shapes and parameters: data value sets (import sync and async, export, compression),
# single data values, metadata import and export, the task endpoints, system/info, system/ping and me, with
# format suffixes and /api/<version>/ prefixes. It does not cover tracker, analytics, apps, dashboards or
# user administration, which qicop does not have. dhis2.py reads 40 from this; others compare "2.40".
DHIS2_COMPATIBLE_VERSION = "2.40.0"

# DHIS2 authorities that say, in DHIS2's terms, what each qicop role may do through this API.
ROLE_AUTHORITIES = {
    Role.COORDINATOR: ("F_DATAVALUE_ADD", "F_DATAVALUE_DELETE", "F_METADATA_IMPORT", "F_METADATA_EXPORT"),
    Role.FOCAL_POINT: ("F_DATAVALUE_ADD", "F_DATAVALUE_DELETE", "F_METADATA_IMPORT", "F_METADATA_EXPORT"),
    Role.DATA_MANAGER: ("F_DATAVALUE_ADD", "F_DATAVALUE_DELETE", "F_METADATA_IMPORT", "F_METADATA_EXPORT"),
    Role.MEMBER: ("F_METADATA_EXPORT",),
    Role.CERTIFIER: ("F_METADATA_EXPORT",),
    Role.OBSERVER: ("F_METADATA_EXPORT",),
}
# Fixed UIDs for qicop's roles, shown as DHIS2 user roles.
ROLE_UIDS = {
    Role.COORDINATOR: "qcRoleCoord",
    Role.FOCAL_POINT: "qcRoleFocal",
    Role.DATA_MANAGER: "qcRoleDataM",
    Role.MEMBER: "qcRoleMembr",
    Role.CERTIFIER: "qcRoleCertB",
    Role.OBSERVER: "qcRoleObsvr",
}
MAX_DATA_SETS = 1000


def ping(request):
    """``pong``, for load balancers and clients checking the server is up; open to all as in DHIS2."""
    response = HttpResponse("pong", content_type="text/plain; charset=UTF-8")
    response["Cache-Control"] = "no-store"
    return response


def info(request):
    user = api_user(request)
    if user is None:
        return unauthorized()
    if request.method != "GET":
        return error_response(405, _("Use GET."))
    now = timezone.localtime(timezone.now(), timezone.get_default_timezone())
    body = {
        "contextPath": request.build_absolute_uri(request.META.get("SCRIPT_NAME", "") or "/").rstrip("/"),
        "userAgent": request.headers.get("User-Agent", ""),
        "calendar": "iso8601",
        "dateFormat": "yyyy-mm-dd",
        "serverDate": dhis2_datetime(now),
        "serverTimeZoneId": settings.TIME_ZONE,
        "serverTimeZoneDisplayName": now.tzname(),
        "version": DHIS2_COMPATIBLE_VERSION,
        "revision": _qicop_version(),
        "systemId": _system_id(),
        "systemName": "qicop",
        "instanceBaseUrl": settings.BASE_URL,
        "emailConfigured": bool(getattr(settings, "EMAIL_HOST", "")),
        "isMetadataVersionEnabled": False,
        "isMetadataSyncEnabled": False,
        "databaseInfo": {"spatialSupport": False},
    }
    return _answer(request, body, "systemInfo")


def me(request):
    user = api_user(request)
    if user is None:
        return unauthorized()
    if request.method != "GET":
        return error_response(405, _("Use GET."))
    viewer = viewer_for(user)
    member = getattr(user, "member", None)
    roles = sorted({role for network_roles in viewer.roles.values() for role in network_roles})
    user_roles = [{"id": ROLE_UIDS[role], "name": str(Role(role).label)} for role in roles]
    authorities = sorted({a for role in roles for a in ROLE_AUTHORITIES[role]})
    if user.is_superuser:
        authorities = ["ALL", *authorities]
    name = member.full_name if member else user.email
    first, _space, last = name.partition(" ")
    writable = data_permissions.data_countries_for(user)
    readable = None if roles or user.is_superuser else set()
    body = {
        "id": user_uid(user),
        "username": user.email,
        "firstName": first,
        "surname": last,
        "name": name,
        "displayName": name,
        "email": user.email,
        "jobTitle": member.title if member else "",
        "created": dhis2_datetime(user.date_joined),
        "lastUpdated": dhis2_datetime(user.date_joined),
        "organisationUnits": _org_units(writable),
        "dataViewOrganisationUnits": _org_units(readable),
        "teiSearchOrganisationUnits": [],
        "userRoles": user_roles,
        "userGroups": [],
        "authorities": authorities,
        "programs": [],
        "dataSets": list(selectors.data_set_uids()[:MAX_DATA_SETS]) if roles or user.is_superuser else [],
        "favorites": [],
        "settings": {"keyUiLocale": user.language or "en", "keyDbLocale": user.language or "en"},
        "userCredentials": {
            "id": user_uid(user),
            "username": user.email,
            "userRoles": user_roles,
            "lastLogin": dhis2_datetime(user.last_login) if user.last_login else None,
            "disabled": not user.is_active,
            "externalAuth": False,
            "twoFA": False,
        },
    }
    return _answer(request, body, "user")


def _org_units(country_ids: set[int] | None) -> list[dict]:
    """The countries' root org units (all countries for None), as DHIS2 lists a user's org units."""
    return [
        {"id": unit.uid, "code": unit.code, "name": unit.name, "displayName": unit.name, "path": unit.path}
        for unit in selectors.country_roots(country_ids)
    ]


def _answer(request, body: dict, xml_root: str):
    try:
        body = select_fields(body, request.GET.get("fields", ""))
    except ValueError as error:
        return error_response(400, str(error))
    response = respond(request, body, xml_root=xml_root)
    response["Cache-Control"] = "no-store"
    return response


def user_uid(user) -> str:
    """A stable DHIS2-style UID for an account (accounts have integer keys; DHIS2 clients expect UIDs)."""
    digest = hashlib.sha256(f"qicop-user:{user.pk}".encode()).digest()
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    alphabet = letters + "0123456789"
    return letters[digest[0] % len(letters)] + "".join(alphabet[b % len(alphabet)] for b in digest[1:11])


def dhis2_datetime(moment: datetime) -> str:
    """DHIS2's timestamp: ``2024-06-15T14:30:00.000``, in the server's zone, without an offset."""
    return timezone.localtime(moment, timezone.get_default_timezone()).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def _system_id() -> str:
    """A UUID that stays the same for this installation and reveals nothing of the secret it comes from."""
    digest = hashlib.sha256(f"qicop-system:{settings.SECRET_KEY}".encode()).hexdigest()
    return str(uuid.UUID(digest[:32]))


def _qicop_version() -> str:
    try:
        return f"qicop {package_version('qicop')}"
    except PackageNotFoundError:  # pragma: no cover - run from a source tree that was never installed
        return "qicop"


def select_fields(data, expression: str):
    """DHIS2's ``fields`` for these two resources: ``id,name,organisationUnits[id,name]``, ``*``, and
    ``!name`` to leave one out. Unknown names are ignored, as DHIS2 does; brackets that do not balance are
    a ValueError naming the expression."""
    expression = expression.strip()
    if not expression:
        return data
    fields = _split(expression)
    if isinstance(data, list):
        return [select_fields(item, expression) for item in data]
    if not isinstance(data, dict):
        return data
    wanted: dict[str, str | None] = {}
    excluded = set()
    everything = False
    for field in fields:
        name, _bracket, rest = field.partition("[")
        name = name.strip()
        if name in ("*", ":all", ":owner", ":identifiable", ":nameable"):
            everything = True
        elif name.startswith("!"):
            excluded.add(name[1:])
        elif name:
            wanted[name] = rest[:-1] if rest else None
    keys = [key for key in data if (everything or key in wanted) and key not in excluded]
    return {key: select_fields(data[key], wanted.get(key) or "") for key in keys}


def _split(expression: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for position, char in enumerate(expression):
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
            if depth < 0:
                break
        elif char == "," and depth == 0:
            parts.append(expression[start:position])
            start = position + 1
    if depth != 0:
        raise ValueError(_("The fields expression does not parse: %(fields)s") % {"fields": expression})
    parts.append(expression[start:])
    return [part.strip() for part in parts if part.strip()]
