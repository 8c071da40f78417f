"""Pages are light, self-contained and usable without JavaScript, on the demo network."""

import re
from pathlib import Path

import pytest
from django.test import Client

import qicop
from improvement_pages import improvement_pages
from qicop.network.models import Member
from readable import codes_in, readable_text

MAX_PAGE_BYTES = 100_000


@pytest.fixture
def coordinator(demo):
    client = Client()
    assert client.login(username="coordinator@example.org", password="demo")
    return client


def demo_pages():
    from qicop.knowledge.models import CaseStudy, Thread
    from qicop.meetings.models import Meeting

    kim = Member.objects.filter(country__iso2="KE").order_by("id").first()
    session = (
        Meeting.objects.filter(network__slug="virtual", kind="virtual", status="held")
        .order_by("-start")
        .first()
    )
    all_country = Meeting.objects.filter(network__slug="all-country").order_by("-start").first()
    case = CaseStudy.objects.filter(status="published").order_by("id").first()
    thread = Thread.objects.order_by("id").first()
    series = session.series_id
    return [
        "/n/virtual/meetings/",
        f"/n/virtual/meetings/{session.pk}/",
        f"/n/virtual/meetings/{session.pk}/edit/",
        f"/n/virtual/meetings/{session.pk}/agenda/",
        f"/n/virtual/meetings/{session.pk}/materials/",
        f"/n/virtual/meetings/{session.pk}/minutes/",
        f"/n/virtual/meetings/{session.pk}/attendance/",
        f"/n/virtual/meetings/{session.pk}/evaluation/",
        f"/n/virtual/meetings/{session.pk}/evaluation/results/",
        f"/n/all-country/meetings/{all_country.pk}/",
        f"/n/all-country/meetings/{all_country.pk}/delegations/",
        "/n/virtual/meetings/statistics/",
        "/n/virtual/meetings/find-a-time/",
        f"/n/virtual/meetings/find-a-time/?series={series}",
        "/n/virtual/meetings/series/",
        f"/n/virtual/meetings/series/{series}/",
        "/n/virtual/meetings/topics/",
        "/n/virtual/proceedings/",
        "/n/virtual/proceedings/2017/",
        "/n/all-country/proceedings/2012/",
        "/n/virtual/case-studies/",
        "/n/virtual/case-studies/?status=review",
        f"/n/virtual/case-studies/{case.pk}/",
        "/n/virtual/resources/",
        "/n/virtual/discussions/",
        f"/n/virtual/discussions/{thread.pk}/",
        "/n/virtual/topics/",
        "/n/virtual/whats-new/",
        "/n/virtual/search/?q=viral+load",
        "/notifications/",
        "/?stay=1",
        "/n/virtual/",
        "/n/virtual/members/",
        "/n/virtual/members/?page=5",
        "/n/virtual/countries/KE/",
        "/n/virtual/data/",
        "/n/virtual/dashboard/",
        "/n/virtual/data/completeness/",
        "/n/virtual/data/export/",
        "/n/virtual/data/publish/",
        "/n/virtual/data/imports/",
        "/n/virtual/data/quality/",
        "/n/virtual/data/quality/?country=KE&check=missing",
        f"/n/virtual/members/{kim.pk}/",
        "/n/virtual/invitations/",
        "/n/virtual/data/",
        "/n/virtual/data/dhis2/",
        "/n/virtual/data/dhis2/KE/",
        "/n/virtual/data/dhis2/KE/edit/",
        "/accounts/profile/",
        "/accounts/profile/tokens/",
        "/accounts/password/",
        "/does-not-exist/",
        *programme_pages(),
        *issue_14_pages(all_country),
    ]


def issue_14_pages(all_country):
    """The pages issue 14 built or changed: the network indicators, their mappings and definition differences,
    the all-country network's dashboard (no shared indicators: an empty state with a next step), and its
    meetings' statistics and attendance."""
    from qicop.indicators.models import IndicatorMapping

    mapping = (
        IndicatorMapping.objects.filter(network_indicator__network__slug="virtual")
        .select_related("network_indicator", "country")
        .order_by("id")
        .first()
    )
    indicator, iso2 = mapping.network_indicator.code, mapping.country.iso2
    return [
        "/n/virtual/data/indicators/",
        "/n/virtual/data/indicators/differences/",
        f"/n/virtual/data/indicators/{indicator}/",
        f"/n/virtual/data/indicators/{indicator}/countries/{iso2}/",
        "/n/all-country/dashboard/",
        "/n/all-country/data/",
        "/n/all-country/meetings/statistics/",
        f"/n/all-country/meetings/{all_country.pk}/attendance/",
    ]


def programme_pages():
    """The national quality programmes' pages (issue 16) on the demo, as the coordinator reads them."""
    from qicop.improvement.models import Collaborative
    from qicop.programmes.models import AssessmentRound, CoachCertification, WorkPlan

    kenya = AssessmentRound.objects.filter(network__slug="virtual", country__iso2="KE")
    draft = kenya.filter(status="draft").order_by("-year").first()
    plan = WorkPlan.objects.filter(round__network__slug="virtual", round__country__iso2="KE").first()
    coaches = CoachCertification.objects.filter(network__slug="virtual", country__iso2="KE")
    candidate = coaches.filter(status="candidate").order_by("id").first()
    certified = coaches.filter(status="certified").order_by("-valid_until").first()
    collaborative = Collaborative.objects.filter(network__slug="virtual", country__iso2="KE").first()
    return [
        "/n/virtual/improvement/",
        f"/n/virtual/improvement/{collaborative.pk}/",
        *improvement_pages(),
        "/n/virtual/programmes/gap-map/",
        "/n/virtual/programmes/countries/KE/",
        "/n/virtual/programmes/assessments/",
        f"/n/virtual/programmes/assessments/{draft.pk}/",
        f"/n/virtual/programmes/assessments/{draft.pk}/fill/leadership/",
        f"/n/virtual/programmes/assessments/{plan.round_id}/work-plan/",
        "/n/virtual/programmes/instruments/",
        "/n/virtual/programmes/instruments/national-qm-programme/v1/",
        "/n/virtual/programmes/consumers/",
        "/n/virtual/programmes/consumers/KE/",
        "/n/virtual/programmes/certified-coaches/",
        "/n/virtual/programmes/certified-coaches/KE/",
        "/n/virtual/programmes/certified-coaches/verify/",
        "/n/virtual/programmes/coaches/KE/",
        "/n/virtual/programmes/coaches/KE/standards/",
        "/n/virtual/programmes/coaches/KE/new/",
        f"/n/virtual/programmes/coaches/certifications/{candidate.pk}/",
        f"/n/virtual/programmes/coaches/certifications/{candidate.pk}/knowledge/",
        f"/n/virtual/programmes/coaches/certifications/{certified.pk}/",
    ]


def test_the_pages_of_issue_14_open_for_the_coordinator_so_the_sweep_reads_them(coordinator):
    from qicop.meetings.models import Meeting

    all_country = Meeting.objects.filter(network__slug="all-country").order_by("-start").first()
    statuses = {path: coordinator.get(path).status_code for path in issue_14_pages(all_country)}
    assert statuses == dict.fromkeys(statuses, 200)


@pytest.mark.parametrize("language", ["en", "fr", "pt"])
def test_every_page_weighs_at_most_100_kb(coordinator, language):
    coordinator.cookies["qicop_language"] = language
    for path in demo_pages():
        response = coordinator.get(path)
        assert response.status_code in (200, 404), path
        assert len(response.content) <= MAX_PAGE_BYTES, f"{path}: {len(response.content)} bytes"


@pytest.mark.parametrize("language", ["en", "fr", "pt"])
def test_no_page_shows_a_code_or_a_machine_date_where_a_person_reads(coordinator, language):
    """Periods read "Nov 2026", not "202611"; elements by name, not by UID; dates as people write them."""
    coordinator.cookies["qicop_language"] = language
    dashboard = coordinator.get("/n/virtual/dashboard/").content.decode()
    chart = re.search(r'href="(/n/virtual/charts/[^"?#]+)"', dashboard)
    problems = []
    for path in [*demo_pages(), chart.group(1)]:
        response = coordinator.get(path)
        if response.status_code == 200:
            problems += [f"{path}: {found}" for found in codes_in(readable_text(response.content.decode()))]
    assert problems == [], "\n".join(problems)


def test_the_reading_check_can_fail():
    page = (
        "<body><p>Period 202611, element OOFPnlI4ly0, on 2026-11-03 at 13:00 (Asia/Bangkok, your time; "
        "America/Port-au-Prince)</p><code>202611 OOFPnlI4ly0 Africa/Nairobi</code>"
    )
    assert [found.split(" '")[0] for found in codes_in(readable_text(page))] == [
        "a DHIS2 period id",
        "a DHIS2 UID",
        "an ISO date in running text",
        "an IANA time zone id",
        "an IANA time zone id",
    ]
    assert codes_in("Bangkok (UTC+7), your time; Port-au-Prince (UTC−5); /n/virtual/meetings/") == []


def test_pages_fetch_nothing_from_other_servers(coordinator):
    for path in demo_pages():
        page = coordinator.get(path).content.decode()
        # Links may lead elsewhere (a recording, a join link); nothing may be loaded or posted there.
        external = re.findall(r'(?:src|action)="(https?://[^"]*|//[^"]*)"', page) + re.findall(
            r'<link[^>]*href="(https?://[^"]*|//[^"]*)"', page
        )
        assert external == [], f"{path} loads {external}"
        assert "@import" not in page and "fonts.googleapis" not in page


def test_pages_need_no_javascript(coordinator):
    for path in demo_pages():
        page = coordinator.get(path).content.decode()
        assert "<script" not in page, path


def test_pages_have_landmarks_a_language_and_labelled_fields(coordinator):
    for path in demo_pages():
        page = coordinator.get(path).content.decode()
        assert re.search(r'<html lang="(en|fr|pt)"', page), path
        assert "<main" in page and "<header" in page and "<footer" in page, path
        for tag, field_id in re.findall(r'(<(?:input|select|textarea)[^>]*\bid="([^"]+)"[^>]*>)', page):
            if 'type="hidden"' in tag:
                continue
            assert f'for="{field_id}"' in page, f"{path}: no label for {field_id}"


def test_the_language_can_be_switched_on_every_page_without_javascript(coordinator):
    page = coordinator.get("/n/virtual/").content.decode()
    assert 'action="/language/"' in page
    response = coordinator.post("/language/", {"language": "pt", "next": "/n/virtual/"})
    assert response.status_code == 302 and response["Location"] == "/n/virtual/"
    assert coordinator.get("/n/virtual/")["Content-Language"] == "pt"


def test_the_language_switch_refuses_to_redirect_elsewhere(coordinator):
    response = coordinator.post("/language/", {"language": "fr", "next": "https://evil.example.com/"})
    assert response["Location"] == "/"


def test_a_visitor_gets_the_browsers_language(db):
    response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr"' in response.content.decode()


def test_error_pages_are_helpful(db):
    page = Client().get("/nothing-here/").content.decode()
    assert "Page not found" in page and 'href="/"' in page


def test_every_table_that_may_scroll_sideways_can_be_reached_by_keyboard():
    """A table wider than a phone scrolls in its frame; without a tab stop, a keyboard cannot scroll it (axe:
    scrollable-region-focusable)."""
    source = Path(qicop.__file__).parent
    frames = [
        f"{path.relative_to(source)}: {line.strip()[:80]}"
        for path in source.rglob("templates/**/*.html")
        for line in path.read_text().splitlines()
        if 'class="table-wrap"' in line and 'tabindex="0"' not in line
    ]
    assert frames == []
