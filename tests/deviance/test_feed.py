"""The positive-deviance feed on the demo network: its hidden improvement shifts are found after the demo
loads, ranked and explained, read only as far as the reader may read the data; refreshed after an import."""

from urllib.parse import parse_qs, urlsplit

import pytest
from defusedxml import ElementTree
from django.test import Client
from django.utils import timezone

from qicop.accounts.models import User
from qicop.deviance.models import ComputedFrom, ImprovementSignal
from qicop.deviance.services import refresh_signals
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import DataElement, DataVersion, OrgUnit
from qicop.integrations.dhis2.rows import DataValueRow
from qicop.network.models import Country

Audience = ImprovementSignal.Audience
ATOM = "{http://www.w3.org/2005/Atom}"


def client_for(email, settings):
    settings.DEMO_MODE = True
    client = Client()
    assert client.login(username=email, password="demo")
    return client


@pytest.mark.usefixtures("demo")
@pytest.mark.django_db
class TestDemoSignals:
    def test_the_demo_load_finds_every_countrys_hidden_improvement(self):
        countries = set(
            ImprovementSignal.objects.filter(network__slug="virtual", level=1).values_list(
                "country__iso2", flat=True
            )
        )
        assert len(countries) == 16

    def test_only_improvements_are_kept(self):
        for signal in ImprovementSignal.objects.select_related("indicator")[:200]:
            better = signal.size > 0 if signal.indicator.improvement == "up" else signal.size < 0
            assert better, signal

    def test_each_signal_is_dated_when_its_revealing_month_was_reported_not_when_the_demo_loaded(self):
        now = timezone.now()
        signals = list(ImprovementSignal.objects.filter(network__slug="virtual"))
        assert all(s.first_seen <= now for s in signals)
        new_this_month = [s for s in signals if s.first_seen > now - timezone.timedelta(days=30)]
        assert 0 < len(new_this_month) < len(signals) / 4  # the recent ones only: the rest came in long ago
        for s in signals:
            # seen no sooner than the month after its first point, no later than its latest point's report
            assert s.first_seen.date() > s.since_start, s

    def test_a_country_with_unpublished_months_has_its_signals_twice_and_one_with_none_once(self):
        papua = ImprovementSignal.objects.filter(country__iso2="PG")  # lags a quarter behind
        assert set(papua.values_list("audience", flat=True)) == {Audience.FULL, Audience.PUBLISHED}


@pytest.mark.usefixtures("demo")
@pytest.mark.django_db
class TestDemoStories:
    """The demo's shifts are where its case studies and collaboratives say a change was made (indicators/
    demo.py, SHIFTS): the feed's first entries each tell their story, the smaller shifts of countries with no
    published story ask them how, and Kenya's fallen retention finds the countries that raised theirs."""

    def test_the_feeds_first_entries_each_show_their_story(self, settings):
        client = client_for("focal.ke@example.org", settings)
        items = client.get("/n/virtual/improvements/").context["items"]
        assert all(item.explained for item in items[:10]), [
            (i.signal.org_unit.code, i.signal.indicator.code) for i in items[:10] if not i.explained
        ]
        countries = {item.signal.country.iso2 for item in items[:10]}
        assert len(countries) >= 3

    def test_a_countrys_case_study_tells_the_story_of_its_facilities(self, settings):
        client = client_for("focal.ke@example.org", settings)
        items = client.get("/n/virtual/improvements/?country=MW&indicator=same-day-art").context["items"]
        facilities = [i for i in items if i.signal.level == 3]
        assert facilities
        for item in facilities:
            titles = [title for title, _url in item.case_studies]
            assert titles == ["Same-day ART in Malawi's district hospitals"]

    def test_a_country_with_no_published_story_is_asked_how(self, settings):
        client = client_for("focal.ke@example.org", settings)
        items = client.get("/n/virtual/improvements/?country=LA&indicator=vl-coverage").context["items"]
        national = [i for i in items if i.signal.level == 1]
        assert national and not national[0].explained and national[0].ask_url

    def test_kenyas_home_shows_its_fallen_retention_and_who_raised_theirs_with_their_change_ideas(
        self, settings
    ):
        client = client_for("focal.ke@example.org", settings)
        home = client.get("/n/virtual/").content.decode()
        kenya = OrgUnit.objects.get(code="KE", level=1)
        link = f"/n/virtual/improvements/peers/?indicator=retention-12m&amp;org_unit={kenya.uid}"
        assert link in home
        peers = client.get(link.replace("&amp;", "&")).context["peers"]
        countries = [p for p in peers if p.item.signal.level == 1]
        assert {"HT", "UG", "NA"} <= {p.item.signal.country.iso2 for p in countries}
        haiti = next(p for p in countries if p.item.signal.country.iso2 == "HT")
        assert haiti.item.case_studies and haiti.item.change_ideas
        assert "like you at" in haiti.reason


@pytest.mark.usefixtures("demo")
@pytest.mark.django_db
class TestFeedPage:
    def test_the_feed_names_places_measures_and_months_in_words_with_a_chart_each(self, settings):
        page = client_for("focal.ke@example.org", settings).get("/n/virtual/improvements/").content.decode()
        signal = (
            ImprovementSignal.objects.filter(network__slug="virtual")
            .order_by("-sustained", "-relative", "-points", "pk")
            .select_related("indicator", "org_unit__country")
            .first()
        )
        assert signal.indicator.name in page and signal.org_unit.display_name in page
        assert "<svg" in page and "/n/virtual/charts/" in page
        assert "holds through the latest month" in page
        assert not any(f">{uid}<" in page for uid in OrgUnit.objects.values_list("uid", flat=True)[:50])

    def test_signals_without_a_story_offer_to_ask_them_how_with_the_chart_attached(self, settings):
        client = client_for("focal.ke@example.org", settings)
        page = client.get("/n/virtual/improvements/?country=LA").content.decode()  # no published story
        assert "Ask them how" in page
        assert "/n/virtual/improvements/ask/?chart=" in page

    def test_the_question_links_the_chart_by_its_measure_and_place(self, settings):
        client = client_for("focal.ke@example.org", settings)
        items = client.get("/n/virtual/improvements/?country=LA&indicator=vl-coverage").context["items"]
        body = parse_qs(urlsplit(items[0].ask_url).query)["body"][0]
        name = f"{items[0].signal.indicator.name} — {items[0].signal.org_unit.display_name}"
        assert f"[{name}]({items[0].chart_url})" in body

    def test_ask_them_how_opens_a_new_discussion_prefilled_and_addressed(self, settings):
        client = client_for("focal.ke@example.org", settings)
        signal = (
            ImprovementSignal.objects.select_related("indicator", "org_unit")
            .filter(network__slug="virtual")
            .first()
        )
        chart = f"{signal.indicator.code}/{signal.org_unit.uid}"
        response = client.get(
            "/n/virtual/improvements/ask/", {"chart": chart, "title": "How did you?", "body": "Tell us"}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert 'value="How did you?"' in page and "Tell us</textarea>" in page
        assert "Who will be asked" in page

    def test_filters_by_measure_and_country(self, settings):
        client = client_for("coordinator@example.org", settings)
        items = client.get("/n/virtual/improvements/?country=KE&indicator=third-95").context["items"]
        assert items
        assert {(i.signal.country.iso2, i.signal.indicator.code) for i in items} == {("KE", "third-95")}

    def test_unpublished_signals_of_another_country_are_never_shown(self, settings):
        papua = Country.objects.get(iso2="PG")
        full = ImprovementSignal.objects.filter(country=papua, audience=Audience.FULL).first()
        assert full is not None
        kenyan = client_for("focal.ke@example.org", settings)
        shown = kenyan.context_for = kenyan.get("/n/virtual/improvements/?country=PG")
        ids = {item.signal.pk for item in shown.context["items"]}
        assert ids and not ids & set(
            ImprovementSignal.objects.filter(country=papua, audience=Audience.FULL).values_list(
                "pk", flat=True
            )
        )

    def test_the_observer_reads_national_published_signals_only(self, settings):
        response = client_for("observer.na@example.org", settings).get("/n/virtual/improvements/")
        items = response.context["items"]
        assert items and all(i.signal.level == 1 for i in items)
        assert all(i.signal.audience != Audience.FULL for i in items)

    def test_the_page_is_light_and_its_queries_bounded(self, settings, django_assert_max_num_queries):
        client = client_for("member.ht@example.org", settings)
        client.get("/n/virtual/improvements/")
        with django_assert_max_num_queries(16):
            response = client.get("/n/virtual/improvements/")
        assert len(response.content) <= 100_000

    def test_the_atom_feed_is_valid_and_lists_the_same_signals(self, settings):
        response = client_for("member.ht@example.org", settings).get("/n/virtual/improvements/feed/")
        assert response["Content-Type"].startswith("application/atom+xml")
        root = ElementTree.fromstring(response.content)
        entries = root.findall(f"{ATOM}entry")
        assert entries and all(e.find(f"{ATOM}title").text for e in entries)
        assert all(e.find(f"{ATOM}link").get("href").startswith("http") for e in entries)


@pytest.mark.usefixtures("demo")
@pytest.mark.django_db
class TestRefresh:
    def test_a_refresh_replaces_a_countrys_signals_and_leaves_the_others(self):
        kenya, haiti = Country.objects.get(iso2="KE"), Country.objects.get(iso2="HT")
        before_haiti = set(ImprovementSignal.objects.filter(country=haiti).values_list("pk", flat=True))
        before_kenya = ImprovementSignal.objects.filter(country=kenya).count()
        refresh_signals(country_ids=[kenya.pk], everything=True)
        after = ImprovementSignal.objects.filter(country=kenya)
        assert after.count() == before_kenya  # the same data, the same signals
        assert (
            set(ImprovementSignal.objects.filter(country=haiti).values_list("pk", flat=True)) == before_haiti
        )

    def test_an_import_refreshes_its_countrys_signals_once_it_commits(self, settings):
        settings.QICOP_REFRESH_SIGNALS_AFTER_IMPORT = True
        kenya = Country.objects.get(iso2="KE")
        before = ComputedFrom.objects.get(country=kenya, network__slug="virtual")
        facility = OrgUnit.objects.filter(country=kenya, level=3).first()
        element = DataElement.objects.get(code="TX_CURR")
        month = timezone.localdate().replace(day=1)
        period = f"{month.year}{month.month:02d}"
        actor = User.objects.get(email="coordinator@example.org")
        import_data_values(
            actor=actor,
            rows=[DataValueRow(element.uid, period, facility.uid, value="1000", index=0)],
            options=ImportOptions(atomic=True),
        )
        # computed again from the data the import left (the month is not charted yet: the same signals)
        after = ComputedFrom.objects.get(country=kenya, network__slug="virtual")
        assert after.data_version == DataVersion.objects.get(country=kenya).token != before.data_version
        assert after.computed_at >= before.computed_at
