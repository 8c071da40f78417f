"""The ``qicop`` command: ``demo``, ``serve``, ``worker``, ``backup``, ``restore``, and every ``manage.py``
command passed through."""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

DEFAULT_ADDR = "127.0.0.1:8000"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qicop.settings")
    import django

    django.setup()
    from qicop.core.i18n import compile_catalogs  # local: Django is set up first, by _setup_django()

    compile_catalogs()


def _parse_addr(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, e.g. {DEFAULT_ADDR}, got {value!r}")
    return host, int(port)


def _serve(addr: tuple[str, int], workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    from qicop.wsgi import application  # local: sets Django up; only `serve` needs it

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{addr[0]}:{addr[1]}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-")

        def load(self):
            return application

    Server().run()


def demo(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="qicop demo", description="Serve the demo network on a local SQLite database."
    )
    parser.add_argument("--reset", action="store_true", help="delete the demo database and start afresh")
    parser.add_argument(
        "--addr", type=_parse_addr, default=DEFAULT_ADDR, help=f"where to listen (default {DEFAULT_ADDR})"
    )
    parser.add_argument("--no-serve", action="store_true", help="prepare the database and exit")
    args = parser.parse_args(argv)
    os.environ["QICOP_DEMO"] = "1"
    host, port = args.addr
    os.environ.setdefault("QICOP_BASE_URL", f"http://{host}:{port}")
    os.environ.setdefault("ALLOWED_HOSTS", f"{host},127.0.0.1,localhost")
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if args.reset:
        _reset_demo_database(settings)
    call_command("migrate", interactive=False, verbosity=0)
    from qicop.demo import (  # local: Django is set up first, by _setup_django()
        DEMO_LOGINS,
        DEMO_PASSWORD,
        load_demo,
    )

    created = load_demo()
    print(
        "qicop demo:",
        "loaded the demo network" if created else "using the existing demo database",
        flush=True,
    )
    print(f"  Open {settings.BASE_URL}/  — sign in with any of these (password: {DEMO_PASSWORD}):")
    for email, description in DEMO_LOGINS:
        print(f"    {email:<34} {description}")
    if args.no_serve:
        return 0
    _serve(args.addr, workers=2)
    return 0


def _reset_demo_database(settings) -> None:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        raise SystemExit(
            "qicop demo --reset only deletes a SQLite database; unset DATABASE_URL to use the demo one."
        )
    from django.db import connections

    connections.close_all()
    for suffix in ("", "-wal", "-shm"):
        path = f"{database['NAME']}{suffix}"
        if os.path.exists(path):
            os.remove(path)


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="qicop serve", description="Run the production web server.")
    parser.add_argument("--addr", type=_parse_addr, default=DEFAULT_ADDR)
    # gunicorn's rule for its workers, two per CPU and one: each has 4 threads, so that a worker waiting on
    # the database serves others meanwhile. Measured on 2 CPUs (bench/load.py), 3 workers did no better than
    # 5; the pages kept by page_cache.py are computed once per worker, which fewer workers would save.
    parser.add_argument("--workers", type=int, default=max(2, usable_cpus() * 2 + 1))
    args = parser.parse_args(argv)
    _setup_django()
    _collect_static_if_changed()
    _create_cache_tables()
    _serve(args.addr, workers=args.workers)
    return 0


def _create_cache_tables() -> None:
    """The page cache's table, when it is kept in the database (QICOP_PAGE_CACHE=database); a no-op when
    it is there already."""
    from django.conf import settings
    from django.core.management import call_command

    if any(cache["BACKEND"].endswith("DatabaseCache") for cache in settings.CACHES.values()):
        call_command("createcachetable", verbosity=0)


def usable_cpus(*, cgroup: Path = Path("/sys/fs/cgroup/cpu.max")) -> int:
    """The CPUs this process may use: those it may run on (taskset, cpusets), fewer under a cgroup's CPU
    quota (a container's ``--cpus``). ``os.cpu_count()`` counts the host's: on a 64-CPU host a 2-CPU
    container would start 129 workers, and run out of memory."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    try:
        quota, period = cgroup.read_text().split()[:2]
        if quota != "max":
            count = min(count, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass  # no cgroup v2 quota here
    return count


STATIC_STAMP = ".qicop-static"


def _collect_static_if_changed() -> bool:
    """Gather and compress the static files (gzip and brotli) for whitenoise, unless those gathered already
    are of the same files: compressing takes a quarter of a minute of CPU, which every restart paid.
    Returns whether it gathered them."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    if settings.STATIC_ROOT is None:  # the demo and DEBUG serve them from the apps
        return False
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    stamp = Path(settings.STATIC_ROOT) / STATIC_STAMP
    if stamp.is_file() and stamp.read_text() == digest.hexdigest():
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(digest.hexdigest())
    return True


def backup(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="qicop backup",
        description="Write the database and every uploaded file into one archive (.tar.gz) with a manifest "
        "of checksums, consistent while the server and the workers run. Secrets (SECRET_KEY, "
        "QICOP_ENCRYPTION_KEYS) are not in it: keep them apart.",
    )
    parser.add_argument(
        "destination",
        nargs="?",
        default=".",
        help="the archive to write, or a folder to write qicop-backup-<time>.tar.gz in (default: here)",
    )
    args = parser.parse_args(argv)
    _setup_django()
    from pathlib import Path

    from qicop.backup import BackupError  # local: Django is set up first, by _setup_django()
    from qicop.backup.backup import create_backup  # local: Django is set up first, by _setup_django()

    try:
        path, manifest = create_backup(Path(args.destination))
    except BackupError as error:
        print(f"qicop backup: {error}", file=sys.stderr)
        return 1
    print(f"qicop backup: wrote {path} ({path.stat().st_size / 1_000_000:,.1f} MB)")
    for line in manifest.summary():
        print(f"  {line}")
    return 0


def restore(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="qicop restore",
        description="Restore a backup made by `qicop backup` into the database (DATABASE_URL) and the file "
        "storages of this configuration, which must be empty. Stop the server and the workers first.",
    )
    parser.add_argument("archive", help="the backup (.tar.gz)")
    parser.add_argument(
        "--force", action="store_true", help="replace the database and the files that are there"
    )
    parser.add_argument("--check", action="store_true", help="only check the archive; write nothing")
    args = parser.parse_args(argv)
    _setup_django()
    from pathlib import Path

    from qicop.backup import BackupError  # local: Django is set up first, by _setup_django()
    from qicop.backup.restore import (  # local: Django is set up first, by _setup_django()
        check_backup,
        restore_backup,
    )

    try:
        if args.check:
            lines = [
                "the archive is complete: every member matched its SHA-256",
                *check_backup(Path(args.archive)).summary(),
            ]
        else:
            lines = ["restored the backup", *restore_backup(Path(args.archive), force=args.force).summary()]
    except BackupError as error:
        print(f"qicop restore: {error}", file=sys.stderr)
        return 1
    print(f"qicop restore: {lines[0]}")
    for line in lines[1:]:
        print(f"  {line}")
    return 0


def main(argv: list[str] | None = None) -> int:
    from django.core.exceptions import ImproperlyConfigured

    try:
        return _main(argv)
    except ImproperlyConfigured as error:
        print(f"qicop: configuration error: {error}", file=sys.stderr)
        return 2


def _main(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "help"
    if command == "demo":
        return demo(argv[1:])
    if command == "serve":
        return serve(argv[1:])
    if command == "backup":
        return backup(argv[1:])
    if command == "restore":
        return restore(argv[1:])
    if command in ("receive-mail", "mail-in"):  # said with a hyphen, as mail servers' pipes are written
        argv[0] = command.replace("-", "_")
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qicop", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
