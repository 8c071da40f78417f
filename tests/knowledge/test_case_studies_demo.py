"""The demo's case studies and resources: twelve published from twelve countries in three languages,
successes and honest challenges, one draft; live charts of the demo data at the improvement shift."""

from __future__ import annotations

from qicop.knowledge.cases.demo import load_demo
from qicop.knowledge.models import CaseStudy, CaseStudyChart, Resource


def test_the_demo_has_a_dozen_case_studies_in_three_languages_and_a_draft(demo):
    published = CaseStudy.objects.filter(network__slug="virtual", status="published")
    assert published.count() == 12
    assert published.values("country").distinct().count() >= 10
    assert published.filter(language="fr").count() >= 2 and published.filter(language="pt").count() >= 2
    assert published.filter(outcome="success").count() >= 7
    assert published.filter(outcome="challenge").count() >= 3
    assert CaseStudy.objects.filter(status="draft").count() == 1
    assert Resource.objects.filter(network__slug="virtual").count() == 12
    assert all(case.authors.exists() for case in published)


def test_loading_the_demo_twice_changes_nothing(demo):
    before = (CaseStudy.objects.count(), Resource.objects.count(), CaseStudyChart.objects.count())
    load_demo()
    assert (CaseStudy.objects.count(), Resource.objects.count(), CaseStudyChart.objects.count()) == before


def test_the_demo_logins_read_the_case_studies_in_their_network(demo):
    from django.test import Client

    from qicop.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email="observer.na@example.org"))
    page = client.get("/n/virtual/case-studies/").content.decode()
    assert "Community refill groups" in page and "Index testing" not in page


def test_with_the_data_each_case_study_shows_a_live_chart_of_its_shift(demo):
    from django.test import Client

    from qicop.accounts.models import User
    from qicop.dashboards.models import ChartSettings

    charts = CaseStudyChart.objects.select_related("case_study")
    assert charts.count() == 12
    assert all(chart.snapshot_svg.startswith("<svg") for chart in charts)
    assert ChartSettings.objects.exclude(phase_starts=[]).count() >= 10
    client = Client()
    client.force_login(User.objects.get(email="member.ht@example.org"))
    kenya = CaseStudy.objects.get(title__startswith="Community refill groups")
    page = client.get(f"/n/virtual/case-studies/{kenya.pk}/").content.decode()
    assert "<svg" in page and "Community refill groups started" in page
    assert len(page.encode()) < 100_000
    for query, title in (
        ("rétention patients experts", "comités de patients"),
        ("cobertura carga viral", "Paragens únicas"),
        ("refill groups", "Community refill groups"),
    ):
        found = client.get("/n/virtual/search/", {"q": query}).content.decode()
        assert title.lower() in found.lower(), query


def test_the_demo_topics_gather_sessions_and_case_studies_together(demo):
    from django.test import Client

    from qicop.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email="focal.ke@example.org"))
    page = client.get("/n/virtual/topics/viral-load/").content.decode()
    assert "Community refill groups raise viral load suppression" in page
    assert "Reaching the third 95" in page  # the meetings' session on the same topic
