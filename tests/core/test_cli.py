"""The `qicop` command: the demo, the production server, and manage.py commands passed through."""

import os
import socket
import subprocess
import time
import urllib.request

import pytest

from demo_folder import QICOP, copy_of_demo, environment, loaded_demo

# The commands run as processes of their own, on the real clock and their own SQLite database: the suite's
# other clocks and its PostgreSQL do not reach them, so they run once, in the SQLite run.
pytestmark = [
    pytest.mark.real_clock,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the commands run on their own SQLite database: once, in the SQLite run",
    ),
]


def run(args, cwd, **env):
    return subprocess.run(
        [*QICOP, *args], cwd=cwd, capture_output=True, text=True, env=environment(**env), timeout=240
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    """A folder of its own where the demo was loaded: a copy of the run's one ``qicop demo --no-serve``
    (tests/demo_folder.py)."""
    path = tmp_path_factory.mktemp("demo")
    copy_of_demo(tmp_path_factory, path / "var")
    return path


def test_the_demo_creates_var_with_its_database_and_secret_and_prints_the_logins(tmp_path_factory):
    # The run's demo was made in a folder holding nothing, with no settings, as in a fresh clone.
    first = loaded_demo(tmp_path_factory)
    assert first.returncode == 0, first.errors
    assert first.var.name == "var"
    assert (first.var / "qicop.sqlite3").exists()
    assert (first.var / "secret_key").stat().st_mode & 0o077 == 0
    assert "loaded the demo network" in first.printed
    assert "coordinator@example.org" in first.printed and "password: demo" in first.printed


def test_running_the_demo_again_reuses_the_database_without_duplicates(demo_dir):
    path = demo_dir
    again = run(["demo", "--no-serve"], cwd=path)
    assert again.returncode == 0, again.stderr
    assert "using the existing demo database" in again.stdout
    assert "coordinator@example.org" in again.stdout
    count = run(
        ["shell", "-c", "from qicop.network.models import Member; print(Member.objects.count())"],
        cwd=path,
        QICOP_DEMO="1",
    )
    assert 190 <= int(count.stdout.split()[-1]) <= 220


def test_reset_starts_afresh(demo_dir):
    path = demo_dir
    marker = "from qicop.network.models import Network; Network.objects.create(slug='extra', name='Extra')"
    run(["shell", "-c", marker], cwd=path, QICOP_DEMO="1")
    reset = run(["demo", "--reset", "--no-serve"], cwd=path)
    assert "loaded the demo network" in reset.stdout
    count = run(
        ["shell", "-c", "from qicop.network.models import Network; print(Network.objects.count())"],
        cwd=path,
        QICOP_DEMO="1",
    )
    assert count.stdout.split()[-1] == "3"  # the two learning networks and the regional one


def test_a_bad_listen_address_is_explained(tmp_path):
    result = run(["demo", "--addr", "localhost"], cwd=tmp_path)
    assert result.returncode == 2
    assert "expected HOST:PORT" in result.stderr


def test_manage_py_commands_pass_through_and_configuration_errors_are_named(tmp_path):
    result = run(["check"], cwd=tmp_path)
    assert result.returncode == 2
    assert "qicop: configuration error: SECRET_KEY: required" in result.stderr
    ok = run(["check"], cwd=tmp_path, SECRET_KEY="s" * 40)
    assert ok.returncode == 0, ok.stderr
    assert "no issues" in ok.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_demo_serves_the_network_over_http(demo_dir):
    path = demo_dir
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY"}
    }
    server = subprocess.Popen(
        [*QICOP, "demo", "--addr", f"127.0.0.1:{port}"],
        cwd=path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/accounts/login/", timeout=2
                ) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "the demo server did not answer within 20 seconds"
        assert "coordinator@example.org" in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/core/qicop.css", timeout=2) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_worker_runs_the_database_task_worker_after_ending_jobs_a_stopped_worker_left(tmp_path):
    result = run(["worker", "--help"], cwd=tmp_path, SECRET_KEY="s" * 40)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: qicop worker")
    assert "first end the jobs a stopped worker left running" in result.stdout
    assert "--batch" in result.stdout and "--queue-name" in result.stdout  # db_worker's own options


def test_migrate_on_a_fresh_machine_creates_the_database_folder(tmp_path):
    result = run(["migrate", "-v", "0"], cwd=tmp_path, SECRET_KEY="s" * 40)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "var" / "qicop.sqlite3").exists()


def test_serve_gathers_static_files_only_when_they_changed(tmp_path, settings):
    """Compressing every static file took a quarter of a minute of CPU at each restart."""
    import os

    from qicop.cli import _collect_static_if_changed

    own = tmp_path / "own"
    own.mkdir()
    (own / "site.css").write_text("body { color: black; }")
    settings.STATICFILES_DIRS = [own]
    settings.STATIC_ROOT = tmp_path / "static"
    assert _collect_static_if_changed() is True
    assert (tmp_path / "static" / "site.css").read_text() == "body { color: black; }"
    assert _collect_static_if_changed() is False  # nothing changed: nothing done
    (own / "site.css").write_text("body { color: navy; }")  # the same length: the time tells
    later = (tmp_path / "static" / "site.css").stat().st_mtime_ns + 10**9
    os.utime(own / "site.css", ns=(later, later))
    assert _collect_static_if_changed() is True
    assert (tmp_path / "static" / "site.css").read_text() == "body { color: navy; }"


def test_serve_makes_the_page_caches_table_when_pages_are_kept_in_the_database(settings, db):
    from django.core.cache import caches

    from qicop.cli import _create_cache_tables

    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "qicop_page_cache"},
    }
    _create_cache_tables()
    caches["pages"].set("qicop:page:test", "<p>kept</p>")
    assert caches["pages"].get("qicop:page:test") == "<p>kept</p>"
    _create_cache_tables()  # again: it is there already


def test_serve_counts_the_cpus_a_containers_quota_allows_not_the_hosts(tmp_path):
    import os

    from qicop.cli import usable_cpus

    mine = len(os.sched_getaffinity(0))
    quota = tmp_path / "cpu.max"
    quota.write_text("100000 100000\n")  # docker run --cpus 1
    assert usable_cpus(cgroup=quota) == 1
    quota.write_text("150000 100000\n")  # 1.5 CPUs: two workers' worth of CPU time
    assert usable_cpus(cgroup=quota) == min(mine, 2)
    quota.write_text("max 100000\n")  # no quota
    assert usable_cpus(cgroup=quota) == mine
    assert usable_cpus(cgroup=tmp_path / "absent") == mine
