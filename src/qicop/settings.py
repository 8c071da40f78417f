"""qicop settings, read from the environment.

See README.md for the variables. A bad value stops start-up with the variable's name.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from qicop.core.env import env_bool, env_database, env_int, env_list, env_object_storage, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("QICOP_VAR_DIR") or Path.cwd() / "var").resolve()

# Demo mode: a local, throw-away network with fixed logins whose password is "demo".
DEMO_MODE = env_bool("QICOP_DEMO")

DEBUG = env_bool("DEBUG", default=False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY: must be at least 32 characters long")
        return key
    if not DEMO_MODE:
        raise ImproperlyConfigured("SECRET_KEY: required (only the demo generates one for itself)")
    # The demo keeps its key in ./var so that sessions survive a restart.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if (DEBUG or DEMO_MODE) else [])
BASE_URL = (env_str("QICOP_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
if not BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"QICOP_BASE_URL: must start with http:// or https://, got {BASE_URL!r}")
CSRF_TRUSTED_ORIGINS = [BASE_URL]

INSTALLED_APPS = [
    "qicop.network.apps.QicopAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "csp",
    "qicop.core",
    "qicop.accounts",
    "qicop.network",
    "qicop.indicators",
    "qicop.dashboards",
    "qicop.meetings",
    "qicop.knowledge",
    "qicop.improvement",
    "qicop.programmes",
    "qicop.mailin",
    "qicop.deviance",
    "qicop.search",
    "qicop.exchange",
    "qicop.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before URL resolution (strips /api/<version>/) and last to see the response (errors as WebMessages).
    "qicop.api.dhis2.middleware.Dhis2ApiMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qicop.api.errors.ThrottledMiddleware",
    "qicop.core.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "qicop.urls"
WSGI_APPLICATION = "qicop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "qicop.core.context_processors.site",
                "qicop.network.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {"default": env_database("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'qicop.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite creates the file but not its folder: a fresh ./var would fail to "open database file".
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets pages read while the worker imports; a larger cache and NORMAL sync make bulk imports fast
    # while staying safe against corruption (a power cut can lose the last commit, never the database).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
            "PRAGMA temp_store=MEMORY;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["qicop.accounts.backends.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a day: long enough for slow mail, short enough to be safe
INVITATION_VALID_DAYS = env_int("QICOP_INVITATION_VALID_DAYS", 14)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("pt", _("Portuguese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "qicop_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

STATIC_URL = "/static/"
# The demo and DEBUG serve static files straight from the apps; production serves what collectstatic gathered.
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE
STATIC_ROOT = None if WHITENOISE_USE_FINDERS else VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("QICOP_MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or DEMO_MODE)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Source maps are fetched by developer tools only: compressing the API docs' maps doubled collectstatic.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
PHOTO_MAX_BYTES = 2 * 1024 * 1024
# Uploaded data files are kept outside MEDIA_ROOT: nothing serves them, only the import task reads them.
PRIVATE_ROOT = Path(env_str("QICOP_PRIVATE_ROOT") or VAR_DIR / "private")
# Data files larger than this are refused before anything is read.
QICOP_IMPORT_MAX_BYTES = env_int("QICOP_IMPORT_MAX_BYTES", 1024 * 1024 * 1024)
# A running import whose worker has not said it is alive for this many seconds is taken as orphaned (its
# worker died) and marked failed; the worker says so every fifth of it, at most every 30 s.
QICOP_IMPORT_STALE_AFTER = env_int("QICOP_IMPORT_STALE_AFTER", 300)
if QICOP_IMPORT_STALE_AFTER <= 0:
    raise ImproperlyConfigured("QICOP_IMPORT_STALE_AFTER: expected a number of seconds above 0")
# Secrets that encrypt what qicop must give back to other servers (DHIS2 tokens): the first encrypts, all
# decrypt, so a new one can be put first and the old one removed after `qicop reencrypt_secrets`.
QICOP_ENCRYPTION_KEYS = env_list("QICOP_ENCRYPTION_KEYS", [])
for _key in QICOP_ENCRYPTION_KEYS:
    if len(_key) < 32:
        raise ImproperlyConfigured("QICOP_ENCRYPTION_KEYS: each secret must be at least 32 characters long")
# Seconds to wait for a DHIS2 server to connect and for each part of its answer.
QICOP_DHIS2_TIMEOUT = env_int("QICOP_DHIS2_TIMEOUT", 120)
# Meeting materials and other attachments: one file at most this large.
QICOP_UPLOAD_MAX_BYTES = env_int("QICOP_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)

# Import progress is shared between the worker and the web processes through files, on every database.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}

# What the refresh of the signals of improvement keeps of what it read (deviance/kept.py): a cache, safe to
# delete, not backed up. Each server keeps its own.
SIGNAL_INPUTS_DIR = VAR_DIR / "signal-inputs"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEMO_MODE or DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
# A mail server that hangs must not hold a request (or the transaction that records a sent mail) for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "qicop <noreply@localhost>")
# Where django.core.mail.backends.filebased.EmailBackend writes each message (a file per connection).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "sent-mail"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Replying to notifications by e-mail (mailin): reply+<token>@QICOP_MAIL_DOMAIN reaches `qicop mail-in` or
# `qicop receive-mail`; a token works QICOP_MAIL_REPLY_DAYS days; a larger message than
# QICOP_MAIL_MAX_BYTES is refused whole. QICOP_MAIL_REPLIES=0 sends notifications without reply addresses.
QICOP_MAIL_REPLIES = env_bool("QICOP_MAIL_REPLIES", default=True)
QICOP_MAIL_DOMAIN = (env_str("QICOP_MAIL_DOMAIN") or urlsplit(BASE_URL).hostname or "localhost").lower()
QICOP_MAIL_REPLY_DAYS = env_int("QICOP_MAIL_REPLY_DAYS", 60)
QICOP_MAIL_MAX_BYTES = env_int("QICOP_MAIL_MAX_BYTES", 25 * 1024 * 1024)
if QICOP_MAIL_REPLY_DAYS < 1 or QICOP_MAIL_MAX_BYTES < 1:
    raise ImproperlyConfigured("QICOP_MAIL_REPLY_DAYS and QICOP_MAIL_MAX_BYTES: must be at least 1")

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if DEMO_MODE or env_bool("QICOP_TASKS_IMMEDIATE")
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# ---------------------------------------------------------------------------------------------------------
# Headers, HTTPS and sign-in throttling (issue 12). Kept together: each reads QICOP_BASE_URL or a proxy's
# headers, and each is documented in the README's "Behind a proxy" table.
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

HTTPS = BASE_URL.startswith("https://")
# Cookies only over HTTPS, and browsers told to use nothing else, when the public address is https.
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("QICOP_HSTS_SECONDS", 365 * 24 * 3600) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("QICOP_HSTS_INCLUDE_SUBDOMAINS", default=False)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured(f"QICOP_HSTS_SECONDS: must be 0 or more, got {SECURE_HSTS_SECONDS}")
# Behind a proxy that ends TLS, the proxy says the request came over HTTPS in this header, which it must
# set itself on every request (nginx: `proxy_set_header X-Forwarded-Proto $scheme;`). Empty: no proxy,
# gunicorn itself is reached over HTTPS.
_ssl_header = env_str("QICOP_PROXY_SSL_HEADER", "X-Forwarded-Proto") if HTTPS else ""
SECURE_PROXY_SSL_HEADER = ("HTTP_" + _ssl_header.upper().replace("-", "_"), "https") if _ssl_header else None
# The header in which a trusted reverse proxy names the client's address (X-Forwarded-For, X-Real-IP); the
# last address in it is used. Empty: the connection's address (no header is believed).
QICOP_CLIENT_IP_HEADER = env_str("QICOP_CLIENT_IP_HEADER", "")

# Content-Security-Policy on every response (django-csp; Django 6 has it built in as SECURE_CSP): only this
# server's own scripts, styles, images and fonts, no plugin, no framing. Styles may be inline, scripts never:
# the SPC charts are SVG drawn inline with their own <style> (also in downloads and published snapshots,
# which must stand alone); see docs/decisions/0013-content-security-policy.md.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF, "'unsafe-inline'"],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    }
}
# ---------------------------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden_on_one_line": {"()": "qicop.core.errors.ForbiddenOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Every 403 is one warning line (path, user id), never a traceback (core/errors.py).
        "django.request": {"filters": ["forbidden_on_one_line"]},
    },
}

# Pages and API lists never return more than this many rows at once.
PAGE_SIZE = 25
API_MAX_PAGE_SIZE = 100

# ------------------------------------------------------------------------------------------------------------
# Uploads and the cache, for one server or several (README: "Running several servers"; issue 12).
# By default uploads stay in PRIVATE_ROOT and MEDIA_ROOT and the cache in VAR_DIR/cache: one machine sees
# them. Servers and workers on several machines share them instead: QICOP_STORAGE_URL puts every upload in a
# bucket of S3-compatible object storage (s3://bucket[/prefix][?endpoint=…&region=…]; credentials in
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), and QICOP_CACHE=database keeps the cache (an import's
# progress) in the database.
QICOP_OBJECT_STORAGE = env_object_storage("QICOP_STORAGE_URL")
if QICOP_OBJECT_STORAGE is None:
    STORAGES["private"] = {"BACKEND": "qicop.core.storage.PrivateStorage"}
else:
    STORAGES["default"] = {
        "BACKEND": "qicop.core.object_storage.ObjectMediaStorage",
        "OPTIONS": dict(QICOP_OBJECT_STORAGE),
    }
    STORAGES["private"] = {
        "BACKEND": "qicop.core.object_storage.ObjectPrivateStorage",
        "OPTIONS": dict(QICOP_OBJECT_STORAGE),
    }
QICOP_CACHE = env_str("QICOP_CACHE") or "files"
if QICOP_CACHE == "database":
    # The table is made by `qicop createcachetable` (once, after `qicop migrate`).
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "qicop_cache"}
    }
elif QICOP_CACHE != "files":
    raise ImproperlyConfigured(f"QICOP_CACHE: expected files or database, got {QICOP_CACHE!r}")

# --- Load and slow links (issue 12): the dashboards' page cache, compression -------------------------------
# The network dashboard, chart and comparison pages keep what they show for readers of the same data, keyed
# by each country's data version (dashboards/page_cache.py). The versions live in the database, so a cache
# local to each process is correct with any number of servers; a shared one only saves computing a page
# once per process. QICOP_PAGE_CACHE: "memory" (default), "database" (a table of the database, made by
# `qicop serve`), "redis://host:6379/0" (needs the redis package), or "off".


def _page_cache(value: str) -> dict:
    if value == "memory":
        # About 50 KB a page: at most some 25 MB per server process.
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "qicop-pages",
            "OPTIONS": {"MAX_ENTRIES": 500},
        }
    if value == "database":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "qicop_page_cache"}
    if value.startswith(("redis://", "rediss://")):
        try:
            import redis  # noqa: F401
        except ImportError:
            raise ImproperlyConfigured(
                "QICOP_PAGE_CACHE: a Redis cache needs the redis package (uv pip install redis)"
            ) from None
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": value}
    if value == "off":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"QICOP_PAGE_CACHE: expected memory, database, redis://… or off, got {value!r}"
    )


CACHES["pages"] = _page_cache(env_str("QICOP_PAGE_CACHE") or "memory")
# How long a page is kept at most: data changes replace it at once; this bounds what the versions do not
# follow (a member's new name on a chart note, a country renamed in the admin).
QICOP_PAGE_CACHE_SECONDS = env_int("QICOP_PAGE_CACHE_SECONDS", 60 * 60)
# gzip for text answers (core/compression.py); first, so that it sees every answer last.
MIDDLEWARE.insert(0, "qicop.core.compression.CompressionMiddleware")
# BREACH needs many requests that carry the victim's session: no other site's page may send them
# (docs/decisions/0020). Lax is Django's default; said here because compression depends on it.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"


# ------------------------------------------------------------------------------------------------------------
# Bounded parsing (issue 12). What one uploaded or posted file may hold before it is refused with a message
# naming the limit (README, "Limits on files"); each is read from the environment variable of the same name.


def _at_least_one(name: str, default: int) -> int:
    value = env_int(name, default)
    if value < 1:
        raise ImproperlyConfigured(f"{name}: must be at least 1, got {value}")
    return value


QICOP_PARSE_MAX_DEPTH = _at_least_one("QICOP_PARSE_MAX_DEPTH", 64)  # JSON arrays/objects, XML elements
QICOP_PARSE_MAX_TEXT_BYTES = _at_least_one("QICOP_PARSE_MAX_TEXT_BYTES", 1_000_000)  # a string, line, cell
QICOP_PARSE_MAX_DOCUMENT_BYTES = _at_least_one("QICOP_PARSE_MAX_DOCUMENT_BYTES", 50_000_000)  # read whole
QICOP_PARSE_MAX_VALUES = _at_least_one("QICOP_PARSE_MAX_VALUES", 2_000_000)  # in a document read whole
QICOP_PARSE_MAX_VALUES_PER_ITEM = _at_least_one("QICOP_PARSE_MAX_VALUES_PER_ITEM", 1_000)  # one data value
QICOP_XLSX_MAX_EXPANDED_BYTES = _at_least_one("QICOP_XLSX_MAX_EXPANDED_BYTES", 100_000_000)
QICOP_ARCHIVE_MAX_RATIO = _at_least_one("QICOP_ARCHIVE_MAX_RATIO", 200)  # expanded size / compressed size
QICOP_SPREADSHEET_MAX_ROWS = _at_least_one("QICOP_SPREADSHEET_MAX_ROWS", 1_048_576)
QICOP_SPREADSHEET_MAX_COLUMNS = _at_least_one("QICOP_SPREADSHEET_MAX_COLUMNS", 100)
# An import's answer lists this many conflicts, with a count per kind; its page offers every one as CSV.
QICOP_IMPORT_CONFLICTS_LISTED = _at_least_one("QICOP_IMPORT_CONFLICTS_LISTED", 100)
# The highest page number an API list takes (a larger one is refused with 400/422 saying so).
QICOP_API_MAX_PAGE = _at_least_one("QICOP_API_MAX_PAGE", 1_000_000)
# A NUL character in an address is a 400 saying so, never a 500 from PostgreSQL (issue 12).
MIDDLEWARE = [*MIDDLEWARE, "qicop.core.request_checks.RefuseNulCharactersMiddleware"]

# Positive deviance (deviance/): refresh the signals of improvement of the countries an import (or a
# publication) changed, by a task once it commits. The test suite turns it off (its tests of other apps
# pin their queries); deviance's own tests turn it on.
QICOP_REFRESH_SIGNALS_AFTER_IMPORT = env_bool("QICOP_REFRESH_SIGNALS_AFTER_IMPORT", True)
