"""What every browser journey shares: the demo served as its own process, Chromium driven by Playwright, and
a reader that checks every page it opens as a person would and as axe-core does.

Skipped, with the reason, where there is no Chromium (Debian's ``chromium`` package) or no axe-core (this
folder's package.json: ``npm ci`` here installs it; the tests run it themselves when npm is available).
Screenshots of the page a failing journey was on go to ``test-results/e2e/``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from demo_folder import copy_of_demo
from demo_server import CHROMIUM, demo_environment, served_demo, served_demo_folder, skip_without_a_browser
from readable import codes_in

HERE = Path(__file__).parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HERE.parent.parent / "test-results" / "e2e"
PASSWORD = "demo"
LOCALES = {"en": "en-GB", "fr": "fr-FR", "pt": "pt-PT"}

# The accessibility rules the pages are held to: WCAG 2.2 A and AA, and axe's best practices.
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ` +
    v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""

# The text a person reads: the page without code, the values of fields and what is hidden.
READABLE_TEXT = """() => {
  const hidden = "code, pre, kbd, samp, script, style, textarea, select, template, [hidden], .code";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(hidden)) continue;
    if (parent.checkVisibility && !parent.checkVisibility()) continue;
    parts.push(node.textContent);
  }
  return parts.join(" ");
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("no axe-core (run `npm ci` in tests/e2e; npm is not installed)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, capture_output=True)
    return AXE.read_text()


@dataclass(frozen=True)
class ServedDemo:
    url: str
    var: Path  # its folder: database, secret key
    mail: Path  # where it writes the e-mails it sends (Django's file backend)

    def environment(self) -> dict[str, str]:
        """The server's environment, for a ``qicop`` command on the same demo (``receive-mail``…)."""
        return demo_environment(self.var, self.url, **mail_settings(self.mail))


def mail_settings(folder: Path) -> dict[str, str]:
    backend = "django.core.mail.backends.filebased.EmailBackend"
    return {"EMAIL_BACKEND": backend, "EMAIL_FILE_PATH": str(folder)}


@pytest.fixture(scope="session")
def served(tmp_path_factory) -> ServedDemo:
    """The demo every journey walks, writing the mail it sends to files that a journey can read."""
    skip_without_a_browser()
    var = copy_of_demo(tmp_path_factory, tmp_path_factory.mktemp("e2e-demo") / "var")
    mail = var / "sent-mail"
    with served_demo_folder(var, **mail_settings(mail)) as url:
        yield ServedDemo(url=url, var=var, mail=mail)


@pytest.fixture(scope="session")
def demo_site(served) -> str:
    return served.url


@pytest.fixture
def own_demo(tmp_path_factory):
    """A demo of the journey's own, for a journey that changes what it needs to find (a report it files is
    no longer owed): each language's run starts from the demo as loaded, whatever ran before it."""
    skip_without_a_browser()
    with served_demo(tmp_path_factory, "e2e-own-demo") as url:
        yield url


@pytest.fixture
def browser():
    """A browser for one journey. Not shared across tests: while Playwright's synchronous API is open it keeps
    an event loop running in this thread, and Django refuses database work there — every later test on the
    same xdist worker would fail. Launching Chromium costs well under a second."""
    skip_without_a_browser()
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@dataclass
class Reader:
    """A person at a browser, who reads every page the journey opens."""

    page: object
    site: str
    axe: str
    language: str
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        response = self.page.goto(self.site + path)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        self.read()

    def read(self) -> None:
        """Check the page the browser is on now."""
        path = self.page.url.removeprefix(self.site)
        self.visited.append(path)
        language = self.page.evaluate("document.documentElement.lang")
        if language.split("-")[0] != self.language:
            self.problems.append(f"{path}: the page is in {language!r}, not {self.language!r}")
        found = [f"{path}: {f}" for f in codes_in(self.page.evaluate(READABLE_TEXT))]
        # On a phone the page scrolls down, never sideways (wide tables scroll inside their own frame).
        wide = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wide > 1:
            found.append(f"{path}: the page is {wide} px wider than the screen")
        self.page.evaluate(self.axe)
        found += [f"{path}: axe {v}" for v in self.page.evaluate(AXE_RUN)]
        self.problems.extend(f for f in dict.fromkeys(found) if f not in self.problems)

    def sign_in(self, email: str) -> None:
        """Sign in as ``email`` from the sign-in page, read as every page is (the browser asks for the
        reader's language: the page is in it before anyone has chosen), then choose the language."""
        self.open("/accounts/login/")
        self.page.fill("input[name=username]", email)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("main form button[type=submit]")
        self.page.wait_for_load_state()
        assert "/accounts/login/" not in self.page.url, f"{email} could not sign in"
        self.choose_language()

    def choose_language(self) -> None:
        """The language switch every page carries (remembered on the profile)."""
        button = self.page.locator(f"form.language-switch button[value={self.language}]")
        if button.is_enabled():
            button.click()
            self.page.wait_for_load_state()

    def links(self, pattern: str) -> list[str]:
        hrefs = self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        return [h for h in dict.fromkeys(h.split("#")[0] for h in hrefs) if re.fullmatch(pattern, h)]

    def links_in(self, selector: str) -> list[str]:
        """The addresses of the links inside ``selector``, in order."""
        found = self.page.eval_on_selector_all(
            f"{selector} a[href]", "a => a.map(l => l.getAttribute('href'))"
        )
        return list(dict.fromkeys(found))

    def follow(self, pattern: str) -> str:
        """Open the first link on the page whose address matches ``pattern``."""
        found = self.links(pattern)
        assert found, f"no link like {pattern} on {self.page.url}"
        self.open(found[0])
        return found[0]


@pytest.fixture
def reader(request, browser, demo_site, axe_source):
    language, width = request.param
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        bypass_csp=True,  # axe is injected; the policy itself has its own browser test
        locale=LOCALES[language],
    )
    page = context.new_page()
    person = Reader(page=page, site=demo_site, axe=axe_source, language=language)
    yield person
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture
def another_reader(browser, demo_site, axe_source):
    """Another person at a browser of their own (``another_reader(language)``), beside ``reader``."""
    contexts = []

    def open_for(language: str) -> Reader:
        context = browser.new_context(bypass_csp=True, locale=LOCALES[language])
        contexts.append(context)
        return Reader(page=context.new_page(), site=demo_site, axe=axe_source, language=language)

    yield open_for
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
