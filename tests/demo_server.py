"""``qicop demo`` served as its own process on a free port, for the tests that drive a browser through it.

The demo is the run's one loaded demo (tests/demo_folder.py), copied into a folder of its own so that what a
journey writes (a registration, an import) stays in it. The server keeps the real clock: it is another
process. Browser tests run in the SQLite run only — the demo has its own SQLite database whatever the suite's.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from demo_folder import copy_of_demo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
STARTUP_SECONDS = 240


def skip_without_a_browser() -> None:
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (apt install chromium)")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("runs in the SQLite run: the demo it walks has its own SQLite database")


@contextlib.contextmanager
def served_demo(tmp_path_factory, name: str) -> Iterator[str]:
    """The demo's base URL while the server runs."""
    var = copy_of_demo(tmp_path_factory, tmp_path_factory.mktemp(name) / "var")
    with served_demo_folder(var) as url:
        yield url


def demo_environment(var: Path, url: str = "", **extra: str) -> dict[str, str]:
    """The environment of a ``qicop`` command on the demo in ``var`` (served at ``url``): the suite's own
    settings left out, ``extra`` added."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"QICOP_VAR_DIR": str(var), **extra})
    if url:
        env.update({"QICOP_DEMO": "1", "QICOP_BASE_URL": url})
    return env


@contextlib.contextmanager
def served_demo_folder(var: Path, **extra: str) -> Iterator[str]:
    """The demo in ``var`` served while the context lasts, with ``extra`` in its environment."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = demo_environment(var, **extra)
    log_path = var / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "qicop.cli", "demo", "--addr", f"127.0.0.1:{port}"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, server, log_path)
            yield url
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def _wait_until_up(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"qicop demo stopped:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/accounts/login/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"qicop demo did not answer within {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")
