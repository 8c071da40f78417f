"""Talking to a country's DHIS2 (2.38 and later) over its Web API, with httpx.

Every failure becomes a ``RemoteError`` whose message says, in the reader's words, what went wrong and what
to check: the answer's HTTP status (401, 403, 404, 409, 5xx), a timeout, a failed TLS handshake, an address
that cannot be reached, a redirect, an answer that is not JSON, or one larger than ``QICOP_IMPORT_MAX_BYTES``.
Compressed answers (gzip, deflate) are unpacked as they arrive; the size limit counts unpacked bytes.
"""

from __future__ import annotations

import contextlib
import ssl
from dataclasses import dataclass
from typing import IO
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from qicop.integrations.errors import FormatError
from qicop.integrations.limits import load_json

# Hosts where plain http is allowed: a DHIS2 on the same machine (tests, a local demo). Anywhere else the
# token would cross the network in clear.
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
SMALL_ANSWER = 1024 * 1024  # /api/system/info and /api/me are a few kilobytes
USER_AGENT = "qicop (DHIS2 pull)"


class RemoteError(Exception):
    """A pull or a test that could not be done; ``str()`` is the message for people."""


def check_base_url(url: str) -> str:
    """The base URL as DHIS2 clients want it (no ``/api``, no trailing slash); raises ValueError with the
    reason when it is not one we may send a token to."""
    url = url.strip().rstrip("/")
    if url.endswith("/api"):
        url = url[: -len("/api")]
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(_("Give the address of the DHIS2 server, e.g. https://dhis2.health.go.ke"))
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise ValueError(_("Use https: the token must not travel over the network unencrypted."))
    if parts.query or parts.fragment or parts.username:
        raise ValueError(_("Give only the server's address, without query, fragment or password."))
    return url


@dataclass(frozen=True)
class ServerInfo:
    version: str
    revision: str
    server_date: str
    username: str
    name: str


class Dhis2Server:
    """One DHIS2 server reached with a personal access token (``Authorization: ApiToken …``)."""

    def __init__(self, base_url: str, token: str, *, timeout: float | None = None, transport=None):
        self.base_url = check_base_url(base_url)
        seconds = timeout or settings.QICOP_DHIS2_TIMEOUT
        self._client = httpx.Client(
            base_url=self.base_url + "/api/",
            headers={
                "Authorization": f"ApiToken {token}",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            },
            timeout=httpx.Timeout(seconds, connect=min(15.0, seconds)),
            follow_redirects=False,  # a redirect elsewhere must not take the token with it
            transport=transport,
        )

    def __enter__(self) -> Dhis2Server:
        return self

    def __exit__(self, *exc) -> None:
        self._client.close()

    def info(self) -> ServerInfo:
        """The server's version and the account the token belongs to (``/api/system/info``, ``/api/me``)."""
        system = self._json("system/info")
        me = self._json("me", params={"fields": "username,name,displayName"})
        return ServerInfo(
            version=str(system.get("version", "")),
            revision=str(system.get("revision", "")),
            server_date=str(system.get("serverDate", "")),
            username=str(me.get("username", "")),
            name=str(me.get("displayName") or me.get("name") or ""),
        )

    def download_data_values(self, params: dict, destination: IO[bytes], *, max_bytes: int) -> int:
        """Stream ``GET /api/dataValueSets`` (JSON) into ``destination``; returns the bytes written."""
        with self._request("dataValueSets", params=params) as response:
            self._check(response)
            declared = response.headers.get("Content-Length")
            encoded = response.headers.get("Content-Encoding", "identity") != "identity"
            if declared and declared.isdigit() and not encoded and int(declared) > max_bytes:
                raise RemoteError(_too_large(max_bytes))
            written, first = 0, b""
            for chunk in response.iter_bytes():
                if not first and chunk.strip():
                    first = chunk.lstrip()[:1]
                    if first not in (b"{", b"["):
                        raise RemoteError(_not_json(response))
                written += len(chunk)
                if written > max_bytes:
                    raise RemoteError(_too_large(max_bytes))
                destination.write(chunk)
        if not first:
            raise RemoteError(_("DHIS2 sent an empty answer instead of a data value set."))
        return written

    # ------------------------------------------------------------------------------------------ plumbing

    def _json(self, path: str, params: dict | None = None) -> dict:
        """A small JSON answer (system info, the account): read up to ``SMALL_ANSWER`` bytes and parsed
        within the parsing limits, so that a server answering endlessly or ``[[[[…`` costs nothing."""
        with self._request(path, params=params) as response:
            self._check(response)
            body = _read_at_most(response, SMALL_ANSWER)
            if body is None:
                raise RemoteError(_too_large(SMALL_ANSWER))
        try:
            data = load_json(body)
        except FormatError:
            raise RemoteError(_not_json(response)) from None
        if not isinstance(data, dict):
            raise RemoteError(_not_json(response))
        return data

    def _request(self, path: str, params: dict | None = None):
        return _Guarded(self._client, path, params, self.base_url)

    def _check(self, response: httpx.Response) -> None:
        status = response.status_code
        if 200 <= status < 300:
            content_type = response.headers.get("Content-Type", "")
            if content_type and "json" not in content_type:
                raise RemoteError(_not_json(response))
            return
        if 300 <= status < 400:
            raise RemoteError(
                _("DHIS2 answered with a redirect to %(location)s: use that address as the DHIS2 address.")
                % {"location": response.headers.get("Location", "?")}
            )
        detail = _message_of(response)
        if status == 401:
            text = _(
                "DHIS2 refused the token (401): check that it is a valid personal access token that has "
                "not expired."
            )
        elif status == 403:
            text = _(
                "The DHIS2 account of this token may not read this (403): give it access to the data set "
                "and the organisation units."
            )
        elif status == 404:
            text = _("Not found on this server (404): check the DHIS2 address (without /api).")
        elif status in (400, 409):
            text = _(
                "DHIS2 refused the request (%(status)d): check the data set and organisation unit "
                "identifiers."
            ) % {"status": status}
        elif status >= 500:
            text = _(
                "DHIS2 had an internal error (%(status)d); it may be busy or being updated. The next "
                "pull will try again."
            ) % {"status": status}
        else:
            text = _("DHIS2 answered with HTTP %(status)d.") % {"status": status}
        raise RemoteError(f"{text} {detail}".strip())


class _Guarded:
    """``client.stream(…)`` whose transport errors become RemoteErrors with a plain explanation."""

    def __init__(self, client, path, params, base_url):
        self._context = client.stream("GET", path, params=params)
        self._host = urlsplit(base_url).hostname
        self._timeout = client.timeout.read

    def __enter__(self) -> httpx.Response:
        try:
            return self._context.__enter__()
        except httpx.HTTPError as error:
            raise self._explain(error) from None

    def __exit__(self, exc_type, exc, tb):
        with contextlib.suppress(httpx.HTTPError):
            self._context.__exit__(exc_type, exc, tb)
        if isinstance(exc, httpx.HTTPError):
            raise self._explain(exc) from None
        return False

    def _explain(self, error: httpx.HTTPError) -> RemoteError:
        if isinstance(error, httpx.TimeoutException):
            return RemoteError(
                _("DHIS2 at %(host)s did not answer within %(seconds)g seconds.")
                % {"host": self._host, "seconds": self._timeout or 0}
            )
        if _is_tls(error):
            return RemoteError(
                _(
                    "The secure connection to %(host)s failed (%(reason)s): its certificate may be expired, "
                    "self-signed or for another name."
                )
                % {"host": self._host, "reason": _reason(error)}
            )
        if isinstance(error, httpx.ConnectError):
            return RemoteError(
                _("Cannot reach %(host)s (%(reason)s): check the address and that the server is up.")
                % {"host": self._host, "reason": _reason(error)}
            )
        if isinstance(error, httpx.DecodingError):
            return RemoteError(
                _("DHIS2's compressed answer could not be unpacked (%(reason)s).")
                % {"reason": _reason(error)}
            )
        return RemoteError(
            _("The connection to %(host)s broke off (%(reason)s).")
            % {"host": self._host, "reason": _reason(error)}
        )


def _is_tls(error: Exception) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLError) or "CERTIFICATE" in str(cause).upper() or "SSL" in str(cause):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _reason(error: Exception) -> str:
    return str(error) or error.__class__.__name__


def _read_at_most(response: httpx.Response, size: int) -> bytes | None:
    """The answer's body if it is at most ``size`` bytes (unpacked), else None; never reads more."""
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > size:
            return None
    return bytes(body)


def _message_of(response: httpx.Response) -> str:
    """DHIS2's own message in a WebMessage error answer, if there is one (at most 300 characters)."""
    try:
        body = _read_at_most(response, 65536)
        data = load_json(body) if body is not None else None
    except (FormatError, httpx.HTTPError):
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    return f"DHIS2: “{str(message)[:300]}”" if message else ""


def _not_json(response: httpx.Response) -> str:
    return _(
        "The server did not answer with JSON (%(type)s): is this the address of a DHIS2 server, and does the "
        "token reach its API?"
    ) % {"type": response.headers.get("Content-Type") or _("no content type")}


def _too_large(max_bytes: int) -> str:
    return _(
        "DHIS2's answer is larger than %(limit)d MB (QICOP_IMPORT_MAX_BYTES): pull fewer months or a smaller "
        "organisation unit."
    ) % {"limit": max_bytes // 1_000_000}
