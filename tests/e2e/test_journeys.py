"""Each demo persona's main journeys, in a real browser, in English, French and Portuguese, on a wide screen
and a phone: every page opens, is in the reader's language, shows no code where a person expects a name, and
has no accessibility violation that axe-core finds (tests/e2e/conftest.py says what is read on each page).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import make_msgid

import pytest

pytestmark = pytest.mark.live_qicop


# Each language once on a wide screen or a phone; the coordinator's journey on both in English.
def readers(*shapes):
    return [pytest.param(shape, id=f"{shape[0]}-{shape[1]}px") for shape in shapes]


READERS = readers(("en", 1280), ("fr", 390), ("pt", 1280))
NETWORK = "/n/virtual"
QICOP = [sys.executable, "-m", "qicop.cli"]
# What each reader would type to search the demo (its case studies are in English, French and Portuguese).
SEARCHES = {"en": "viral load", "fr": "charge virale", "pt": "carga viral"}
# What the import's result says, as each language writes it (the catalogs in src/qicop/locale).
DRY_RUN = {
    "en": ("Dry run of the import of", "Dry run: nothing was stored.", "2 values have conflicts"),
    "fr": (
        "Essai à blanc de l'importation de",
        "Essai à blanc : rien n'a été enregistré.",
        "2 valeurs présentent",
    ),
    "pt": ("Ensaio da importação de", "Ensaio: nada foi guardado.", "2 valores têm conflitos"),
}


def text_of(page, selector: str = "main") -> str:
    """What a person reads there, with the narrow spaces French puts before a colon made plain."""
    return re.sub(r"[\u00a0\u202f\u2009]", " ", page.inner_text(selector))


@pytest.mark.parametrize("reader", [*READERS, *readers(("en", 390))], indirect=True)
def test_the_coordinator_reads_the_network_its_data_and_its_meetings(reader):
    reader.sign_in("coordinator@example.org")
    reader.open("/")
    reader.open(f"{NETWORK}/")
    reader.open(f"{NETWORK}/dashboard/")
    reader.follow(rf"{NETWORK}/charts/[^?]+/")
    reader.open(f"{NETWORK}/meetings/")
    reader.follow(rf"{NETWORK}/meetings/\d+/")
    reader.open(f"{NETWORK}/meetings/find-a-time/")
    plan_a_session(reader)
    reader.open(f"{NETWORK}/data/completeness/")
    reader.open("/n/all-country/meetings/")
    reader.follow(r"/n/all-country/meetings/\d+/")
    reader.open(f"{NETWORK}/search/?q={SEARCHES[reader.language].replace(' ', '+')}")
    found = reader.page.locator("ol.results > li")
    assert found.count() >= 1, text_of(reader.page)[:600]
    assert reader.problems == [], "\n".join(reader.problems)


@pytest.mark.parametrize("reader", READERS, indirect=True)
def test_a_data_manager_checks_a_file_and_reads_what_is_wrong_with_it(reader, tmp_path):
    reader.sign_in("data.ke@example.org")
    reader.open(f"{NETWORK}/data/")
    reader.open(f"{NETWORK}/data/import/")
    upload = tmp_path / "kenya.csv"
    upload.write_text(
        "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"
        "TX_CURR,202610,KE,,,1200\n"
        "TX_CURR,202610,NOWHERE,,,1300\n"
        "TX_CURR,202610,ELSEWHERE,,,1400\n"
    )
    page = reader.page
    page.set_input_files("input[name=file]", str(upload))
    page.select_option("select[name=id_scheme]", "CODE")
    page.check("input[name=dry_run]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    reader.read()
    # A dry run says so in its title and its account; it counts in the reader's language, plurals and all.
    title, said, counted = DRY_RUN[reader.language]
    shown = text_of(page)
    assert title in text_of(page, "main h1"), shown[:600]
    assert said in shown and counted in shown, shown[:1000]
    # Each unknown org unit is named, at its line of the file (the header is line 1).
    where = {
        row.locator("td").nth(3).inner_text(): row.locator("td").nth(2).inner_text()
        for row in page.locator("main table tbody tr").all()
    }
    lines = " ".join(place for unit, place in where.items() if unit in ("NOWHERE", "ELSEWHERE"))
    assert re.search(r"(?<!\d)3(?!\d)", lines) and re.search(r"(?<!\d)4(?!\d)", lines), where
    assert not re.search(r"(?<!\d)2(?!\d)", lines), where  # the good line is no conflict
    reader.open(f"{NETWORK}/data/imports/")
    reader.open(f"{NETWORK}/data/export/")
    assert reader.problems == [], "\n".join(reader.problems)


@pytest.mark.parametrize("reader", READERS, indirect=True)
def test_a_member_finds_a_meeting_reads_its_proceedings_and_the_discussions(reader):
    reader.sign_in("member.ht@example.org")
    reader.open("/")
    reader.open(f"{NETWORK}/meetings/")
    reader.follow(rf"{NETWORK}/meetings/\d+/")
    reader.open("/n/all-country/proceedings/")
    reader.follow(r"/n/all-country/proceedings/\d{4}/")
    reader.open(f"{NETWORK}/discussions/")
    reader.follow(rf"{NETWORK}/discussions/\d+/[^/]*/?")
    reader.open(f"{NETWORK}/case-studies/")
    reader.follow(rf"{NETWORK}/case-studies/\d+/")
    assert reader.problems == [], "\n".join(reader.problems)


@pytest.mark.parametrize("reader", READERS, indirect=True)
def test_kenyas_focal_point_sees_what_is_owed_and_registers_for_a_meeting(reader):
    reader.sign_in("focal.ke@example.org")
    reader.open("/")
    # What she owes is on her home, each item a link to the work: she follows the most urgent.
    waiting = reader.links_in("section[aria-labelledby=waiting] ol.waiting")
    assert waiting, text_of(reader.page)[:800]
    reader.open(waiting[0])
    reader.open(f"{NETWORK}/")
    reader.open(f"{NETWORK}/meetings/")
    meeting = reader.follow(rf"{NETWORK}/meetings/\d+/")
    register(reader, meeting)
    reader.open(f"{NETWORK}/countries/KE/")
    reader.open(f"{NETWORK}/data/publish/")
    assert reader.problems == [], "\n".join(reader.problems)


@pytest.mark.parametrize("reader", READERS, indirect=True)
def test_an_observer_reads_the_dashboard_a_chart_and_the_funnel(reader):
    reader.sign_in("observer.na@example.org")
    reader.open(f"{NETWORK}/dashboard/")
    reader.follow(rf"{NETWORK}/charts/[^?]+/")
    # The chart leads to its indicator's comparison across the countries: the funnel plot.
    reader.follow(rf"{NETWORK}/compare/[\w-]+/")
    page = reader.page
    # It opens on the latest month with data the observer may see (what countries have published), named
    # as people name it, in the period line and the picker.
    month = page.locator("select#period option:checked").inner_text().strip()
    assert re.search(r"\b20\d\d\b", month) and not re.search(r"20\d{4}", month), month
    assert month in text_of(page, "main h1 + p"), text_of(page)[:400]
    # The reader's own country (Namibia) is ringed and named on the plot and marked in the table …
    own = page.locator("main table tbody tr.own th").inner_text()
    assert page.locator(".chart-wide svg text.qc-label-own").first.text_content() in own
    # … which gives each country's value and whether it lies outside the funnel's limits.
    assert page.locator("main table thead th").count() == 5
    rows = page.locator("main table tbody tr")
    assert rows.count() >= 3
    for row in rows.all():
        cells = row.locator("td")
        assert re.fullmatch(r"\d+[.,]\d", cells.nth(2).inner_text().strip()), row.inner_text()
        assert cells.nth(3).inner_text().strip(), row.inner_text()
    reader.open(f"{NETWORK}/members/")
    assert reader.problems == [], "\n".join(reader.problems)


def plan_a_session(reader):
    """The coordinator plans a virtual session with the form's native date and time inputs, in Bangkok's time,
    and reads it back as a member would (the demo is shared by every journey: each language plans its own)."""
    page = reader.page
    reader.open(f"{NETWORK}/meetings/new/")
    title = f"Retention in care: tracing lost clients ({reader.language}, {page.viewport_size['width']} px)"
    page.fill("input[name=title]", title)
    page.select_option("select[name=kind]", "virtual")
    page.select_option("select[name=time_zone]", "Asia/Bangkok")
    page.fill("input[name=start]", "2027-01-20T13:00")
    page.fill("input[name=end]", "2027-01-20T14:30")
    page.fill("input[name=topic]", "Tracing clients lost to follow-up")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/agenda/" in page.url, page.inner_text("main")[:500]
    reader.read()
    reader.open(page.url.removeprefix(reader.site).split("agenda/")[0])
    assert title in page.inner_text("main h1")
    # 13:00 in Bangkok is 06:00 UTC: the coordinator (who reads in Bangkok's time) sees the hour typed.
    shown = page.inner_text("main")
    assert "13:00" in shown or re.search(r"(?<!\d)1:00\W?PM", shown), shown[:800]


def register(reader, meeting):
    """Register for ``meeting``, withdrawing first where an earlier journey on the shared demo registered."""
    page = reader.page
    form = f"form[action='{meeting}register/']"
    attend = page.locator(f"{form} button[value=yes]")
    if not attend.count():
        page.locator(f"{form} button[value=no]").first.click()
        page.wait_for_load_state()
        reader.read()
    assert attend.count() == 1, f"no way to register on {meeting}"
    attend.click()
    page.wait_for_load_state()
    reader.read()
    assert page.locator(f"{form} button[value=yes]").count() == 0, "still not registered"
    assert page.locator(f"{form} button[value=no]").count() == 1


@pytest.mark.parametrize("reader", [*READERS, *readers(("en", 390))], indirect=True)
def test_the_coordinator_follows_kenyas_collaborative_to_its_teams_and_the_change_ideas(reader):
    reader.sign_in("coordinator@example.org")
    reader.open(f"{NETWORK}/improvement/")
    collaborative = reader.follow(rf"{NETWORK}/improvement/\d+/")
    reader.follow(rf"{collaborative}teams/\d+/")
    reader.follow(rf"{NETWORK}/improvement/\d+/teams/\d+/cycles/\d+/")
    reader.open(f"{collaborative}report/")
    reader.open(f"{NETWORK}/change-ideas/")
    reader.follow(rf"{NETWORK}/change-ideas/\d+/")
    assert reader.problems == [], "\n".join(reader.problems)


@pytest.mark.parametrize("reader", READERS, indirect=True)
def test_a_kenyan_team_lead_files_the_months_report_and_logs_a_pdsa_cycle_from_plan_to_act(reader, own_demo):
    reader.site = own_demo  # she files the report: each language's run finds it owed on a demo of its own
    reader.sign_in("lead.ke@example.org")
    reader.open(f"{NETWORK}/")
    page = reader.page
    # What the lead owes is on the network's home: last month's report, a link to its form.
    owed = rf"{NETWORK}/improvement/\d+/teams/\d+/reports/\d{{4}}-\d{{2}}/edit/"
    report = reader.follow(owed)
    page.fill("textarea[name=tested]", "Reminder calls the day before each viral-load appointment.")
    page.check("input[name=self_score][value='3.5']")
    page.click("main form button[name=submit]")
    page.wait_for_load_state()
    reader.read()
    assert page.url.removeprefix(reader.site) == report.removesuffix("edit/"), text_of(page)[:600]
    reader.open(f"{NETWORK}/")
    assert report not in reader.links(owed), "the report filed is still owed"
    team = re.match(rf"({NETWORK}/improvement/\d+/teams/\d+/)", report).group(1)
    reader.open(team)
    reader.open(f"{team}cycles/new/")
    page.select_option("select[name=change_idea]", index=1)
    page.fill("input[name=title]", f"Reminder calls before appointments ({reader.language})")
    page.fill("textarea[name=objective]", "Do reminder calls bring clients to their viral-load test?")
    page.fill("textarea[name=prediction]", "Nine in ten clients called come on the day.")
    page.select_option("select[name=measure]", index=1)
    # The served demo runs on the real clock (so does the browser): a test of last week, decided yesterday.
    day = "d => new Date(Date.now() - d * 86400000).toISOString().slice(0, 10)"
    page.fill("input[name=start]", page.evaluate(day, 6))
    page.fill("input[name=end]", page.evaluate(day, 2))
    steps = [
        ("main form button[type=submit]", {}),
        ("do/", {"textarea[name=observations]": "Forty clients called; thirty-six came."}),
        (
            "study/",
            {
                "textarea[name=result]": "36 of 40 came: as predicted.",
                "textarea[name=learned]": "Calls work.",
            },
        ),
        (
            "act/",
            {
                "textarea[name=next_steps]": "Call every client due.",
                "input[name=decided_on]": page.evaluate(day, 1),
            },
        ),
    ]
    cycle = None
    for stage, fields in steps:
        if cycle is not None:
            reader.open(f"{cycle}{stage}")
            for selector, value in fields.items():
                page.fill(selector, value)
            if stage == "act/":
                choice = page.locator("[name=decision]").first
                if choice.evaluate("e => e.tagName") == "SELECT":
                    page.select_option("select[name=decision]", "adopt")
                else:
                    page.check("input[name=decision][value=adopt]")
            page.click("main form button[type=submit]")
        else:
            page.click(stage)
        page.wait_for_load_state()
        reader.read()
        cycle = re.match(rf"({team}cycles/\d+/)", page.url.removeprefix(reader.site))
        assert cycle, f"{stage}: {page.url}\n{page.inner_text('main')[:600]}"
        cycle = cycle.group(1)
    assert "adopt" in page.inner_text("main").lower() or "adot" in page.inner_text("main").lower()
    assert reader.problems == [], "\n".join(reader.problems)


@pytest.mark.parametrize("reader", READERS, indirect=True)
def test_kenyas_focal_point_fills_this_years_assessment_and_reads_the_gaps(reader):
    reader.sign_in("focal.ke@example.org")
    page = reader.page
    reader.open(f"{NETWORK}/programmes/assessments/?country=KE")
    # Newest year first: this year's round, a draft started from last year's, then its first domain's form.
    latest = reader.follow(rf"{NETWORK}/programmes/assessments/\d+/")
    reader.follow(rf"{latest}fill/[\w-]+/")
    # The first item at level 3, with the evidence level 3 and above ask for.
    first = page.locator("fieldset input[type=radio][name^=level_]").first.get_attribute("name")
    item = first.removeprefix("level_")
    page.check(f"input[name={first}][value='3']")
    page.fill(f"textarea[name=evidence_{item}]", "Quality committee minutes, signed")
    page.click("main form button[name=save]")
    page.wait_for_load_state()
    reader.read()
    assert page.locator(f"input[name={first}][value='3']").is_checked(), page.inner_text("main")[:800]
    reader.open(f"{NETWORK}/programmes/countries/KE/")
    reader.open(f"{NETWORK}/programmes/gap-map/")
    assert reader.problems == [], "\n".join(reader.problems)


@pytest.mark.parametrize("reader", READERS, indirect=True)
def test_a_mentor_observes_kenyas_candidate_the_certifying_body_certifies_him_and_anyone_verifies(reader):
    page = reader.page
    day = "d => new Date(Date.now() - d * 86400000).toISOString().slice(0, 10)"
    # Nadège (Haiti), a certified mentor, finds Kenya's candidate one observation short of its standard.
    reader.sign_in("member.ht@example.org")
    reader.open(f"{NETWORK}/programmes/coaches/KE/")
    portfolio = page.locator("tr", has_text="Kamau Kariuki").locator("a").first.get_attribute("href")
    reader.open(portfolio)
    observe = reader.links(rf"{NETWORK}/programmes/coaches/certifications/\d+/observe/")
    if observe:  # an earlier journey on the shared demo may have observed and certified him already
        reader.open(observe[0])
        page.fill("input[name=observed_on]", page.evaluate(day, 1))
        page.fill("textarea[name=summary]", "He let the team read its own run chart before saying a word.")
        for name in dict.fromkeys(
            page.eval_on_selector_all("input[name^=rating_]", "e => e.map(i => i.name)")
        ):
            page.check(f"input[name={name}][value='3']")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        reader.read()
        assert page.url.removeprefix(reader.site) == portfolio, page.inner_text("main")[:800]
    # Kenya's certifying body reads the portfolio, every requirement now met, and certifies.
    page.context.clear_cookies()
    reader.sign_in("certifier.ke@example.org")
    reader.open(portfolio)
    decide = reader.links(rf"{NETWORK}/programmes/coaches/certifications/\d+/decide/")
    if decide:
        reader.open(decide[0])
        page.check("input[name=decision][value=certify]")
        page.fill("input[name=decided_on]", page.evaluate(day, 0))
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        reader.read()
        assert page.url.removeprefix(reader.site) == portfolio, page.inner_text("main")[:800]
    verify = reader.links(rf"{NETWORK}/programmes/certified-coaches/verify/\?code=.+")
    assert verify, page.inner_text("main")[:800]
    # Anyone with the link, signed in or not, reads that the certificate is genuine and in force.
    page.context.clear_cookies()
    reader.open(verify[0])
    assert "Kamau Kariuki" in page.inner_text("main")
    assert reader.problems == [], "\n".join(reader.problems)


@pytest.mark.parametrize("reader", READERS, indirect=True)
def test_kenyas_focal_point_follows_a_deterioration_to_who_solved_it_and_answers_by_e_mail(
    reader, another_reader, served
):
    """The daily loop (issue 17's "Done when"): what Kenya owes and what changed, a deterioration followed to
    the countries that solved it and their change ideas; asked in a discussion, answered from Haiti, and
    the answer's notification answered by replying to the e-mail."""
    page = reader.page
    reader.sign_in("focal.ke@example.org")
    reader.open(f"{NETWORK}/")
    assert page.locator("main #waiting").count() == 1 and page.locator("main ol.waiting li").count() >= 1
    assert page.locator("main #changed ~ ul .signal-down").count() >= 1, "no deterioration on the home"
    peers = reader.follow(rf"{NETWORK}/improvements/peers/\?indicator=retention-12m&org_unit=\w+")
    assert page.locator("main ol.peers > li").count() >= 1, "nobody solved it"
    reader.follow(rf"{NETWORK}/change-ideas/\d+/")
    reader.open(peers)
    reader.follow(rf"{NETWORK}/discussions/new/\?.+")
    assert page.input_value("input[name=title]"), "the question is not prefilled"
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    thread = re.match(rf"{re.escape(reader.site)}({NETWORK}/discussions/\d+/)", page.url)
    assert thread, page.url
    reader.read()
    thread = thread.group(1)

    answer = f"Haiti's tracing answer ({reader.language}): a peer phones every missed visit within the week."
    haiti = another_reader(reader.language)
    haiti.sign_in("member.ht@example.org")
    haiti.open(thread)
    haiti.page.fill("textarea[name=body]", answer)
    haiti.page.click(f"form[action='{thread}reply/'] button[type=submit]")
    haiti.page.wait_for_load_state()
    haiti.read()
    assert answer in haiti.page.inner_text("main"), "Haiti's answer was not posted"

    mail = mail_to(served, "focal.ke@example.org", thread)
    reply = f"Thank you: we start peer tracing in Nairobi next month ({reader.language})."
    assert reply_by_e_mail(served, mail, sender="focal.ke@example.org", text=reply) == "posted (posted)"

    reader.open(thread)
    posts = page.locator("main article.post")
    assert reply in posts.last.inner_text()
    assert answer not in posts.last.inner_text(), "the quoted text was posted too"
    assert posts.last.locator(".post-author strong").inner_text() == (
        posts.first.locator(".post-author strong").inner_text()
    ), "the reply is not posted as Kenya's focal point"
    problems = reader.problems + haiti.problems
    assert problems == [], "\n".join(problems)


def mail_to(served, address, thread, *, seconds=10):
    """The latest e-mail the demo sent ``address`` about ``thread``."""
    link = f"{served.url}{thread}"
    deadline = time.monotonic() + seconds
    while True:
        found = [m for m in sent_mail(served) if address in m["To"] and link in m.get_body().get_content()]
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert found, f"no e-mail to {address} about {thread}"
    return found[-1]


def sent_mail(served):
    """Every message the demo sent, oldest first: its file backend writes a file per connection, messages
    separated by a line of dashes."""
    for path in sorted(served.mail.glob("*.log"), key=lambda p: p.stat().st_mtime):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                yield BytesParser(policy=policy.default).parsebytes(chunk.lstrip())


def reply_by_e_mail(served, mail, *, sender, text):
    """Reply to ``mail`` as a mail program does (its text quoted below), through ``qicop receive-mail``
    as a mail server's pipe would deliver it; returns the outcome the command prints."""
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = mail["Reply-To"]
    reply["Subject"] = f"Re: {mail['Subject']}"
    reply["In-Reply-To"] = mail["Message-ID"]
    reply["Message-ID"] = make_msgid()
    quoted = "\n".join(f"> {line}" for line in mail.get_body().get_content().splitlines())
    reply.set_content(f"{text}\n\nOn a recent day, qicop wrote:\n{quoted}\n")
    delivered = subprocess.run(
        [*QICOP, "receive-mail", "--sender", sender, "--recipient", mail["Reply-To"]],
        input=reply.as_bytes(),
        env=served.environment(),
        capture_output=True,
        timeout=60,
        check=True,
    )
    return delivered.stdout.decode().strip().splitlines()[-1]  # "<status> (<reason>)"
