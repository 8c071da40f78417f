"""Configuration comes from the environment and a bad value stops start-up with the variable's name."""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from qicop.core.env import env_bool, env_database, env_int, env_list, env_object_storage


def start_with(env: dict) -> subprocess.CompletedProcess:
    """Import the production settings in a fresh interpreter, with only ``env`` set beyond the basics."""
    code = "import os; os.environ['DJANGO_SETTINGS_MODULE']='qicop.settings'; import django; django.setup()"
    base = {"PATH": "/usr/bin:/bin", "QICOP_VAR_DIR": "var-test-unused"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**base, **env})


def test_a_missing_secret_key_is_named():
    result = start_with({})
    assert result.returncode != 0
    assert "SECRET_KEY: required" in result.stderr


def test_a_short_secret_key_is_refused():
    assert "SECRET_KEY: must be at least 32" in start_with({"SECRET_KEY": "short"}).stderr


def test_a_bad_database_url_is_named_without_leaking_its_password():
    result = start_with({"SECRET_KEY": "k" * 40, "DATABASE_URL": "mysql://me:hunter2@db/qicop"})
    assert "DATABASE_URL: unsupported database 'mysql'" in result.stderr
    assert "hunter2" not in result.stderr


def test_a_bad_debug_value_is_named():
    assert "DEBUG: expected one of" in start_with({"SECRET_KEY": "k" * 40, "DEBUG": "maybe"}).stderr


def test_a_bad_base_url_is_named():
    result = start_with({"SECRET_KEY": "k" * 40, "QICOP_BASE_URL": "qicop.example.org"})
    assert "QICOP_BASE_URL: must start with http" in result.stderr


def test_good_values_start_cleanly():
    result = start_with(
        {
            "SECRET_KEY": "k" * 40,
            "DATABASE_URL": "postgres://u:p@localhost:5432/qicop",
            "ALLOWED_HOSTS": "qicop.example.org",
            "DEBUG": "no",
        }
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("", False)])
def test_booleans_accept_the_usual_spellings(raw, expected):
    assert env_bool("X", environ={"X": raw}) is expected


def test_numbers_and_lists_are_parsed_or_named():
    assert env_int("N", 3, environ={"N": "12"}) == 12
    with pytest.raises(ImproperlyConfigured, match="N: expected a whole number"):
        env_int("N", 3, environ={"N": "twelve"})
    assert env_list("HOSTS", [], environ={"HOSTS": "a.org, b.org,"}) == ["a.org", "b.org"]


def test_database_urls_for_sqlite_and_postgresql():
    assert env_database("D", "sqlite:///tmp/x.sqlite3", environ={})["ENGINE"] == "django.db.backends.sqlite3"
    pg = env_database("D", "", environ={"D": "postgres://u:p@h:5433/qicop"})
    assert (pg["ENGINE"], pg["NAME"], pg["PORT"]) == ("django.db.backends.postgresql", "qicop", 5433)
    with pytest.raises(ImproperlyConfigured, match="D: no database name"):
        env_database("D", "", environ={"D": "postgres://u:p@h:5433/"})


def test_object_storage_is_one_url_with_its_endpoint_and_region():
    found = env_object_storage(
        "S",
        environ={
            "S": "s3://qicop-files/prod?endpoint=https://objects.example.org&region=eu-1&addressing=path"
        },
    )
    assert found == {
        "bucket_name": "qicop-files",
        "prefix": "prod",
        "endpoint_url": "https://objects.example.org",
        "region_name": "eu-1",
        "addressing_style": "path",
    }
    assert env_object_storage("S", environ={}) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("ftp://qicop-files", "S: expected s3://bucket"),
        ("s3://key:secret@qicop-files", "S: put no credentials in the URL"),
        ("s3://Q_icop", "S: 'Q_icop' is not an S3 bucket name"),
        ("s3://qicop-files?endpoint=objects.example.org", "S: endpoint must start with http"),
        ("s3://qicop-files?bucket=other", "S: unknown parameter 'bucket'"),
        ("s3://qicop-files?addressing=sideways", "S: addressing must be path or virtual"),
    ],
)
def test_a_bad_object_storage_url_says_what_is_wrong(raw, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("?", r"\?")):
        env_object_storage("S", environ={"S": raw})


def test_a_bad_storage_url_or_cache_stops_start_up_with_the_variables_name():
    assert (
        "QICOP_STORAGE_URL: expected s3://"
        in start_with({"SECRET_KEY": "k" * 40, "QICOP_STORAGE_URL": "/srv/files"}).stderr
    )
    assert (
        "QICOP_CACHE: expected files or database"
        in start_with({"SECRET_KEY": "k" * 40, "QICOP_CACHE": "redis"}).stderr
    )


def test_object_storage_and_a_database_cache_start_cleanly():
    result = start_with(
        {
            "SECRET_KEY": "k" * 40,
            "QICOP_STORAGE_URL": "s3://qicop-files?endpoint=http://127.0.0.1:9000",
            "QICOP_CACHE": "database",
        }
    )
    assert result.returncode == 0, result.stderr


def test_a_misspelt_page_cache_is_named():
    result = start_with({"SECRET_KEY": "k" * 40, "QICOP_PAGE_CACHE": "memcache"})
    assert "QICOP_PAGE_CACHE: expected memory, database, redis://… or off, got 'memcache'" in result.stderr


def test_a_redis_page_cache_without_its_client_library_says_what_to_install():
    # redis is not among qicop's dependencies: whoever configures a Redis cache installs it
    try:
        import redis  # noqa: F401
    except ImportError:
        result = start_with({"SECRET_KEY": "k" * 40, "QICOP_PAGE_CACHE": "redis://localhost:6379/0"})
        assert "QICOP_PAGE_CACHE: a Redis cache needs the redis package" in result.stderr
    else:
        pytest.skip("the redis package is installed here: nothing to explain")
