"""End to end: a reply sent with smtplib to a running ``qicop mail-in`` (its SMTP server, in this process
against the test database) lands in the discussion as the member; the server takes reply addresses only
and refuses what is too large; and ``qicop receive-mail`` run as a mail server's pipe runs it."""

from __future__ import annotations

import os
import smtplib
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from mailing import QUOTE, reply, thread_with_reply_to_kim

from personas import World
from qicop.knowledge.models import Post
from qicop.mailin.smtp import controller

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(transactional_db, settings):
    settings.QICOP_MAIL_MAX_BYTES = 200_000
    running = controller("127.0.0.1", free_port())
    running.start()
    yield running
    running.stop()


def test_a_reply_sent_over_smtp_is_posted_in_the_thread_as_the_member(server):
    world = World()
    thread, address = thread_with_reply_to_kim(world)
    raw = reply(address, "Motorbikes it is.\n\nKim\n-- \nKim Member, QI Officer" + QUOTE)
    with smtplib.SMTP(server.hostname, server.port, timeout=30) as smtp:
        refused = smtp.sendmail("kim@example.org", [address], raw)
    assert refused == {}
    answer = Post.objects.filter(thread=thread).order_by("id").last()
    assert answer.author == world.kim
    assert answer.body == "Motorbikes it is.\n\nKim"
    assert "wrote:" not in answer.body and "QI Officer" not in answer.body
    assert [m.to for m in mail.outbox] == [["henri@example.org"]]  # the follower, as on the site


def test_a_reply_sent_over_smtp_is_posted_with_its_good_file_and_the_bad_one_named_once(server):
    world = World()
    thread, address = thread_with_reply_to_kim(world)
    attachments = [
        ("routes.pdf", PDF, "application", "pdf"),
        ("macro.exe", b"MZ\x90\x00" + b"\0" * 60, "application", "octet-stream"),
    ]
    # On the wire lines end in CRLF, as a mail server relays them (smtplib sends bytes as they are).
    raw = reply(address, "The routes attached." + QUOTE, attachments=attachments).replace(b"\n", b"\r\n")
    with smtplib.SMTP(server.hostname, server.port, timeout=30) as smtp:
        assert smtp.sendmail("kim@example.org", [address], raw) == {}
    answer = Post.objects.filter(thread=thread).order_by("id").last()
    assert (answer.author, answer.body) == (world.kim, "The routes attached.")
    assert [f.original_name for f in answer.files.all()] == ["routes.pdf"]
    [note] = [m for m in mail.outbox if m.to == ["kim@example.org"]]
    assert "- macro.exe: This file is not a PDF" in note.body and "routes.pdf" not in note.body


def test_the_server_refuses_other_recipients_at_rcpt_and_large_messages(server):
    world = World()
    _thread, address = thread_with_reply_to_kim(world)
    with smtplib.SMTP(server.hostname, server.port, timeout=30) as smtp:
        smtp.ehlo()
        smtp.mail("kim@example.org")
        assert smtp.rcpt("someone@example.org")[0] == 550
        assert smtp.rcpt("reply+abc@elsewhere.example.org")[0] == 550
        smtp.rset()
        # Declared with SIZE, it is refused at MAIL FROM already (else after DATA): 552 either way.
        with pytest.raises(smtplib.SMTPResponseException) as too_large:
            smtp.sendmail("kim@example.org", [address], reply(address, "x" * 300_000))
    assert too_large.value.smtp_code == 552
    assert Post.objects.count() == 2  # Kim's opening post and Henri's reply only


def _qicop(args, stdin: bytes, **env):
    return subprocess.run(
        [sys.executable, "-m", "qicop.cli", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": "receive-mail-test-secret-0123456789-abcdef", **env},
    )


def test_receive_mail_asks_the_mail_server_to_try_again_when_the_database_fails(tmp_path):
    broken = f"sqlite:///{tmp_path}/no-such-folder/qicop.sqlite3"
    raw = reply("reply+abc@localhost", "Hello.")
    done = _qicop(["receive-mail"], raw, DATABASE_URL=broken, QICOP_VAR_DIR=str(tmp_path))
    assert done.returncode == 75, done.stderr.decode()
    assert b"try again later" in done.stderr


def test_receive_mail_reads_one_message_on_stdin_and_exits_0_when_refused(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/qicop.sqlite3",
        "QICOP_VAR_DIR": str(tmp_path),
        "QICOP_MAIL_DOMAIN": "localhost",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    migrated = _qicop(["migrate", "--verbosity", "0"], b"", **env)
    assert migrated.returncode == 0, migrated.stderr.decode()
    raw = reply("reply+abc@localhost", "Hello.", sender="stranger@example.net")
    done = _qicop(["receive-mail", "--sender", "stranger@example.net"], raw, **env)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == "bounced (forged)"
    auto = reply("reply+abc@localhost", "Away.", headers={"Auto-Submitted": "auto-replied"})
    done = _qicop(["receive-mail"], auto, **env)
    assert (done.returncode, done.stdout.decode().strip()) == (0, "dropped (auto_reply)")
