"""The DHIS2 token is stored encrypted, never shown again, and survives a key rotation."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection as db

from dhis2_remote import TOKEN, connect
from qicop.core.models import AuditEntry
from qicop.exchange import crypto
from qicop.exchange.models import Dhis2Connection


def raw_token_column(pk: int) -> str:
    table = Dhis2Connection._meta.db_table
    with db.cursor() as cursor:
        cursor.execute(f"SELECT token_encrypted FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_database_holds_no_token_in_clear(data, remote):
    connection = connect(data, remote)
    stored = raw_token_column(connection.pk)
    assert TOKEN not in stored and TOKEN[6:20] not in stored
    assert crypto.decrypt(stored) == TOKEN
    assert connection.token_hint == TOKEN[-4:]


def test_the_token_is_not_in_the_audit_trail(data, remote):
    connect(data, remote)
    entry = AuditEntry.objects.get(verb="dhis2_connection.create")
    assert TOKEN not in str(entry.data) and entry.data["token_changed"] is True


def test_saving_without_a_token_keeps_the_stored_one(data, remote):
    connection = connect(data, remote)
    before = raw_token_column(connection.pk)
    connect(data, remote, token="", months=12)
    assert raw_token_column(connection.pk) == before
    assert AuditEntry.objects.filter(verb="dhis2_connection.update").get().data["changed"] == ["months"]


def test_each_encryption_differs_so_equal_tokens_cannot_be_spotted():
    assert crypto.encrypt(TOKEN) != crypto.encrypt(TOKEN)


def test_keys_are_rotated_by_putting_a_new_one_first_and_reencrypting(data, remote, settings):
    old = "the-old-secret-that-is-long-enough-000000000"
    new = "the-new-secret-that-is-long-enough-111111111"
    settings.QICOP_ENCRYPTION_KEYS = [old]
    connection = connect(data, remote)

    settings.QICOP_ENCRYPTION_KEYS = [new, old]
    out = StringIO()
    call_command("reencrypt_secrets", stdout=out)
    assert "1 token(s)" in out.getvalue()

    settings.QICOP_ENCRYPTION_KEYS = [new]
    assert crypto.decrypt(raw_token_column(connection.pk)) == TOKEN
    settings.QICOP_ENCRYPTION_KEYS = [old]
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(raw_token_column(connection.pk))


def test_by_default_the_key_comes_from_secret_key(settings):
    settings.QICOP_ENCRYPTION_KEYS = []
    stored = crypto.encrypt(TOKEN)
    settings.SECRET_KEY = "a-different-secret-key-that-is-long-enough-98765"
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(stored)


def test_a_short_encryption_key_stops_start_up(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "qicop.settings",
            "SECRET_KEY": "x" * 40,
            "QICOP_ENCRYPTION_KEYS": "too-short",
            "QICOP_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "QICOP_ENCRYPTION_KEYS: each secret must be at least 32 characters long" in result.stderr
