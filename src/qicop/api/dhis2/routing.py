"""How DHIS2 clients address a resource: ``/api/<resource>``, with a format suffix and a versioned prefix.

DHIS2 answers ``/api/dataValueSets``, ``/api/dataValueSets.json``, ``/api/dataValueSets.xml``,
``/api/dataValueSets.json.gz`` and ``/api/40/dataValueSets`` alike; scripts and client libraries use all of
these (dhis2.py appends ``.json`` to every GET; many scripts pin ``/api/29/`` or ``/api/40/``).

Two pieces, so a new resource needs nothing special:

- :func:`dhis2_path` declares a route. It accepts every suffix DHIS2 accepts and hands the one asked for to
  the view on the request, as ``request.dhis2_format`` (``"json"``, ``"xml"``, ``"csv"``…, or None when
  there was no suffix) and ``request.dhis2_compression`` (``"gzip"``, ``"zip"`` or None). One URL name per
  resource, whatever the suffix::

      dhis2_path("organisationUnits", views.org_units, name="org_units"),
      dhis2_path("organisationUnits/<str:uid>", views.org_unit, name="org_unit"),

  ``/api/organisationUnits/O6uvpzGd5pu.json`` then calls ``views.org_unit(request, uid="O6uvpzGd5pu")``
  with ``request.dhis2_format == "json"``. A view that cannot answer in the format asked for returns
  ``common.error_response(406, …)``; :func:`preferred_format` says what the client wants all told (suffix,
  then ``Accept``, then the body it sent).
- :class:`qicop.api.dhis2.middleware.Dhis2ApiMiddleware` strips the version (``/api/40/…`` → ``/api/…``,
  the numbers DHIS2 itself accepts) before URL resolution, and makes every error under ``/api/`` a DHIS2
  WebMessage (see that module).

``/api/v1/`` (qicop's own API) and ``/api/fhir/`` (FHIR, with its own errors) are not DHIS2 paths:
:func:`is_dhis2_path` says which paths are.
"""

from __future__ import annotations

import functools
import re

from django.urls import path, register_converter

# Formats DHIS2 answers by suffix (its content negotiation), and the compressions it adds to some of them.
FORMATS = ("json", "xml", "csv", "adx", "xlsx", "xls", "pdf", "html", "txt")
COMPRESSIONS = {"gz": "gzip", "gzip": "gzip", "zip": "zip"}

_SUFFIX = r"(?:\.(?:{})(?:\.(?:{}))?)?".format("|".join(FORMATS), "|".join(COMPRESSIONS))

# Paths under /api/ that are not DHIS2's: qicop's own API and FHIR answer their own errors.
NOT_DHIS2 = ("/api/v1/", "/api/fhir/")

# /api/<version>/…: DHIS2 2.40 accepts the versions 28 to 40 and later servers up to theirs (44 in 2.44's
# filter); the version selects nothing here, as it selects nothing in DHIS2 any more.
VERSIONED = re.compile(r"^/api/(?:2[8-9]|3\d|4[0-4])/(?!v1/)")


class _Suffix:
    regex = _SUFFIX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value or ""


class _Segment:
    """A path segment before a suffix: ``str``, but lazy, so ``O6uvpzGd5pu.json`` leaves the suffix."""

    regex = r"[^/]+?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_Suffix, "dhis2suffix")
register_converter(_Segment, "dhis2segment")


def dhis2_path(route: str, view, *, name: str):
    """A DHIS2 route that also answers with any format suffix (see the module docstring).

    ``route`` is a Django ``path()`` route relative to ``/api/`` without a leading slash; its ``<str:…>``
    segments stop before a suffix. Use ``<path:…>`` nowhere: it would swallow the suffix.
    """
    if "<path:" in route:
        raise ValueError(f"dhis2_path({route!r}): a <path:…> segment would swallow the format suffix")
    route = route.replace("<str:", "<dhis2segment:")

    @functools.wraps(view)
    def with_suffix(request, *args, dhis2_suffix: str = "", **kwargs):
        request.dhis2_format, request.dhis2_compression = parse_suffix(dhis2_suffix)
        return view(request, *args, **kwargs)

    return path(f"{route}<dhis2suffix:dhis2_suffix>", with_suffix, name=name)


def parse_suffix(suffix: str) -> tuple[str | None, str | None]:
    """``".json.gz"`` → ``("json", "gzip")``; ``""`` → ``(None, None)``."""
    parts = suffix.lstrip(".").split(".") if suffix else []
    fmt = parts[0] if parts else None
    compression = COMPRESSIONS[parts[1]] if len(parts) > 1 else None
    return fmt, compression


def is_dhis2_path(path_info: str) -> bool:
    return (path_info == "/api" or path_info.startswith("/api/")) and not path_info.startswith(NOT_DHIS2)


def suffix_of(path_info: str) -> str | None:
    """The format suffix of a path that may match no route (for errors): ``/api/nothing.xml`` → ``"xml"``."""
    last = path_info.rstrip("/").rsplit("/", 1)[-1]
    parts = last.split(".")
    for part in reversed(parts[1:]):
        if part in FORMATS:
            return part
    return None


XML_TYPES = ("application/xml", "text/xml", "application/adx+xml")


def preferred_format(request, default: str = "json") -> str:
    """What the client wants back: the path's suffix first, then ``Accept`` (when it names a type), then the
    kind of body it sent (DHIS2 answers an XML import in XML), else ``default``."""
    fmt = getattr(request, "dhis2_format", None) or suffix_of(request.path_info)
    if fmt:
        return fmt
    accept = request.headers.get("Accept", "")
    if accept and accept.strip() not in ("*/*", "*"):
        best = request.get_preferred_type(["application/json", *XML_TYPES, "application/csv", "text/csv"])
        if best in XML_TYPES:
            return "xml"
        if best == "application/json":
            return "json"
        if best in ("application/csv", "text/csv"):
            return "csv"
    if (request.content_type or "").lower() in XML_TYPES:
        return "xml"
    return default


def wants_xml(request) -> bool:
    return preferred_format(request) in ("xml", "adx")
