"""Typed readers for environment variables.

Every reader fails at start-up with the variable's name, so a mistyped value is caught by whoever deploys,
not by the first user who happens to reach the code path that needs it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None) -> str | None:
    environ = os.environ if environ is None else environ
    value = environ.get(name)
    return default if value is None else value.strip()


def env_bool(name: str, default: bool = False, *, environ: Mapping[str, str] | None = None) -> bool:
    raw = env_str(name, environ=environ)
    if raw is None:
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected one of 1/0, true/false, yes/no, on/off, got {raw!r}")


def env_int(name: str, default: int, *, environ: Mapping[str, str] | None = None) -> int:
    raw = env_str(name, environ=environ)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {raw!r}") from None


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    raw = env_str(name, environ=environ)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> dict:
    """Parse a database URL (``sqlite:///path``, ``postgres://user:pw@host:port/db``) into Django's form."""
    import dj_database_url

    raw = env_str(name, environ=environ) or default
    scheme = raw.split(":", 1)[0].lower()
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{name}: unsupported database {scheme!r} in {_redact(raw)!r}; use sqlite:///path or postgres://…"
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=60 if scheme != "sqlite" else 0)
    except Exception as exc:  # dj-database-url raises several types for malformed URLs
        raise ImproperlyConfigured(f"{name}: cannot parse {_redact(raw)!r}: {exc}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}: no database name in {_redact(raw)!r}")
    return config


def _redact(url: str) -> str:
    """Hide the password of a URL, so an error message never leaks it into logs."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_STORAGE_PARAMETERS = {"endpoint", "region", "addressing"}


def env_object_storage(name: str, *, environ: Mapping[str, str] | None = None) -> dict | None:
    """Parse ``s3://bucket[/prefix][?endpoint=URL&region=NAME&addressing=path|virtual]`` into the options of
    django-storages' S3 backend (without the credentials: boto3 reads ``AWS_ACCESS_KEY_ID`` and
    ``AWS_SECRET_ACCESS_KEY`` itself, so that the URL can be shown in logs). None when it is not set."""
    raw = env_str(name, environ=environ)
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme.lower() != "s3":
        raise ImproperlyConfigured(f"{name}: expected s3://bucket[/prefix][?endpoint=…], got {raw!r}")
    if parts.username or parts.password:
        raise ImproperlyConfigured(
            f"{name}: put no credentials in the URL; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        )
    if not _BUCKET.match(parts.hostname or ""):
        raise ImproperlyConfigured(f"{name}: {parts.netloc!r} is not an S3 bucket name")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - _STORAGE_PARAMETERS)
    if unknown:
        raise ImproperlyConfigured(
            f"{name}: unknown parameter {unknown[0]!r}; expected {', '.join(sorted(_STORAGE_PARAMETERS))}"
        )
    endpoint = query.get("endpoint", [""])[-1]
    if endpoint and not endpoint.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"{name}: endpoint must start with http:// or https://, got {endpoint!r}")
    addressing = query.get("addressing", [""])[-1]
    if addressing not in ("", "path", "virtual"):
        raise ImproperlyConfigured(f"{name}: addressing must be path or virtual, got {addressing!r}")
    return {
        "bucket_name": parts.hostname,
        "prefix": parts.path.strip("/"),
        "endpoint_url": endpoint or None,
        "region_name": query.get("region", [""])[-1] or None,
        "addressing_style": addressing or None,
    }
