"""One demo made by ``qicop demo --no-serve``, once per test run, for the tests that start qicop as its own
process on a demo (the command line, a pull from another qicop, the browser walk of the security policy).

The first test process that asks (an xdist worker, or the only process) runs the command in a folder of the
run's base temporary folder, as a user would in a fresh clone: with no settings, no database and no secret
of its own, so that it creates ``var/`` with all three. The others wait for it, then each copies ``var/``
instead of migrating and loading the demo again (about twenty seconds each).

The demo keeps the real clock: it is built by another process.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

QICOP = [sys.executable, "-m", "qicop.cli"]
# What a user's shell would not have set: the suite's own settings and database.
SUITE_ONLY = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY", "QICOP_VAR_DIR"}


@dataclass(frozen=True)
class LoadedDemo:
    var: Path  # the folder ``qicop demo`` made: its database, its secret, its private files
    printed: str  # what the command printed
    returncode: int
    errors: str


def environment(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: this one without the suite's settings."""
    env = {k: v for k, v in os.environ.items() if k not in SUITE_ONLY}
    env.update(extra)
    return env


def loaded_demo(tmp_path_factory) -> LoadedDemo:
    """The run's demo, made now if no test process of the run has made it yet."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's base folder, which holds each worker's
    folder = root / "loaded-demo"
    folder.mkdir(parents=True, exist_ok=True)
    with (root / "loaded-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other processes wait here while the first one loads it
        done = folder / "returncode"
        if not done.exists():
            made = subprocess.run(
                [*QICOP, "demo", "--no-serve"],
                cwd=folder,
                env=environment(),
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            (folder / "printed").write_text(made.stdout)
            (folder / "errors").write_text(made.stderr)
            done.write_text(str(made.returncode))
    return LoadedDemo(
        var=folder / "var",
        printed=(folder / "printed").read_text(),
        returncode=int(done.read_text()),
        errors=(folder / "errors").read_text(),
    )


def copy_of_demo(tmp_path_factory, into: Path) -> Path:
    """A var folder of the demo's own at ``into`` (which must not exist yet), ready for ``qicop``."""
    demo = loaded_demo(tmp_path_factory)
    if demo.returncode != 0:
        raise RuntimeError(f"qicop demo --no-serve failed:\n{demo.errors[-4000:]}")
    shutil.copytree(demo.var, into)
    return into
