"""The Content-Security-Policy blocks nothing the pages need: Chromium, driven by Playwright, walks the main
journeys of the demo served by ``qicop demo`` and reports no violation (issue 12; the policy and why styles
may be inline are in docs/decisions/0013-content-security-policy.md).

Skipped, saying why, where no Chromium is installed (Debian's ``chromium`` package provides one). The server
is its own process and keeps the real clock.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from demo_folder import copy_of_demo

pytestmark = pytest.mark.live_qicop

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
STARTUP_SECONDS = 240

# Collects what the browser reports, before any script of the page could run (init scripts are exempt).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (apt install chromium)")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # The demo it walks runs on its own SQLite whatever the suite's database: once, in the SQLite run.
        pytest.skip("runs in the SQLite run: the demo it walks has its own SQLite database")
    # The demo, loaded once for the run (tests/demo_folder.py), copied into a folder of its own.
    var = copy_of_demo(tmp_path_factory, tmp_path_factory.mktemp("csp-demo") / "var")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"QICOP_VAR_DIR": str(var)})
    log = (var / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "qicop.cli", "demo", "--addr", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, var / "server.log")
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


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
        time.sleep(1)
    pytest.fail(f"qicop demo did not answer within {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")


def test_the_main_journeys_report_no_content_security_policy_violation(demo_server):
    playwright = pytest.importorskip("playwright.sync_api")
    violations: list[str] = []
    visited: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_context().new_page()
        page.add_init_script(LISTEN)
        page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))

        def visit(path: str) -> None:
            response = page.goto(demo_server + path)
            assert response.status < 400, f"{path}: {response.status}"
            assert "script-src 'self'" in response.headers["content-security-policy"]
            visited.append(path)
            violations.extend(f"{path}: {v}" for v in page.evaluate("window.__violations"))

        def first_link(path: str, pattern: str) -> str:
            visit(path)
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
            found = next((h.split("#")[0] for h in hrefs if re.fullmatch(pattern, h.split("#")[0])), None)
            assert found, f"no link like {pattern} on {path}"
            return found

        visit("/accounts/login/")
        page.fill("input[name=username]", "coordinator@example.org")
        page.fill("input[name=password]", "demo")
        page.click("form button[type=submit]")
        page.wait_for_load_state()
        visit("/")
        visit("/n/virtual/")
        visit("/n/virtual/dashboard/")
        visit(first_link("/n/virtual/dashboard/", r"/n/virtual/charts/[^?]+/"))
        visit(first_link("/n/virtual/meetings/", r"/n/virtual/meetings/\d+/"))
        visit(first_link("/n/virtual/case-studies/", r"/n/virtual/case-studies/\d+/"))
        visit("/n/virtual/data/import/")
        visit("/api/v1/docs")  # the API documentation (Swagger UI, from our static files)
        page.wait_for_selector(".swagger-ui .info")
        visited.append("/api/v1/docs (drawn)")
        violations.extend(f"/api/v1/docs: {v}" for v in page.evaluate("window.__violations"))
        visit("/accounts/login/")  # signed in: the page that asks whether to switch account
        browser.close()
    assert len(visited) == 14
    assert violations == []
