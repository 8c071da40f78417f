"""What the benchmarks share: each phase runs in a fresh process against its own database, so that its
time and memory are its own.

A benchmark script runs itself again with ``--phase NAME ARGS…`` (``run_phase``); the phase prints one
line of JSON as its last output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def child_env(database_url: str, var_dir: str, **extra: str) -> dict:
    """The environment of a phase: production settings on the given database, tasks run at once."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "QICOP_VAR_DIR": var_dir,
            "SECRET_KEY": "bench-" + "x" * 40,
            "DJANGO_SETTINGS_MODULE": "qicop.settings",
            "QICOP_TASKS_IMMEDIATE": "1",
            **extra,
        }
    )
    return env


def run_phase(script: str, phase: str, args: list[str], env: dict) -> dict:
    """Run one phase of ``script`` in a fresh process; returns what it printed last (JSON)."""
    done = subprocess.run(
        [sys.executable, script, "--phase", phase, *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"phase {phase} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def setup_django() -> None:
    """Inside a phase: load Django from this checkout's sources."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
