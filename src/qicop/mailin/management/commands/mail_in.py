"""``qicop mail-in [--addr HOST:PORT]``: run the SMTP server that takes replies to notifications (see
mailin/smtp.py); the domain's mail server relays ``reply+*@QICOP_MAIL_DOMAIN`` to it."""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qicop.mailin.smtp import controller

DEFAULT_ADDR = "127.0.0.1:8025"


class Command(BaseCommand):
    help = "Run the SMTP server that receives replies to notifications."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=DEFAULT_ADDR, help=f"where to listen (default {DEFAULT_ADDR})")

    def handle(self, *args, addr, **options):
        host, _colon, port = addr.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise CommandError(f"--addr: expected HOST:PORT, e.g. {DEFAULT_ADDR}, got {addr!r}")
        server = controller(host, int(port))
        server.start()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        self.stdout.write(
            f"qicop mail-in: listening on {host}:{port} for reply+…@{settings.QICOP_MAIL_DOMAIN}",
        )
        self.stdout.flush()
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
