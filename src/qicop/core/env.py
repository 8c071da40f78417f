"""Typed readers for environment variables.

Every reader fails at start-up with the variable's name, so a mistyped value is caught by whoever deploys,
not by the first user who happens to reach the code path that needs it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

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
