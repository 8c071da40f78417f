"""Settings for the test suite: the production settings with fast, local, deterministic services."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-0123456789")
os.environ.setdefault("QICOP_TASKS_IMMEDIATE", "1")

from qicop.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
# Static files are looked up when asked for, not all listed up front: the test client loads the middleware
# for each client, and listing every static file each time took a tenth of the suite's time.
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = None
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
PRIVATE_ROOT = VAR_DIR / "test-private"  # noqa: F405
SIGNAL_INPUTS_DIR = VAR_DIR / "test-signal-inputs"  # noqa: F405
# No console handler of our own (pytest captures the log), but the same one-line 403s as production.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": LOGGING["filters"],  # noqa: F405
    "loggers": {"django.request": LOGGING["loggers"]["django.request"]},  # noqa: F405
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CACHES["pages"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-pages"}
# Signals of improvement are refreshed after an import only in deviance's tests (they turn it on).
QICOP_REFRESH_SIGNALS_AFTER_IMPORT = False
