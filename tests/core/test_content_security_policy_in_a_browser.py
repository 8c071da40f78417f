"""The Content-Security-Policy blocks nothing the pages need: Chromium, driven by Playwright, walks the main
journeys of the demo served by ``qicop demo`` and reports no violation (issue 12; the policy and why styles
may be inline are in docs/decisions/0013-content-security-policy.md).

Skipped, saying why, where no Chromium is installed (Debian's ``chromium`` package provides one). The server
is its own process and keeps the real clock.
"""

from __future__ import annotations

import re

import pytest

from demo_server import CHROMIUM, served_demo, skip_without_a_browser

pytestmark = pytest.mark.live_qicop


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
    skip_without_a_browser()
    with served_demo(tmp_path_factory, "csp-demo") as url:
        yield url


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
