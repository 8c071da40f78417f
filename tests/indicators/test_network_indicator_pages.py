"""The pages a network's coordinators use to define its indicators, map each country's data to them and
review where the countries' definitions differ; and the empty states that lead there."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qicop.core.models import AuditEntry
from qicop.indicators.models import DataElement, DataVersion, Indicator, IndicatorMapping, NetworkIndicator

BASE = "/n/vln/data/indicators/"


@pytest.fixture
def second_95(data):
    return NetworkIndicator.objects.create(
        network=data.world.network,
        code="third-95",
        name="Third 95: virally suppressed",
        description="Among people on ART tested in the past 12 months.",
        numerator_label="People with a suppressed viral load",
        denominator_label="People with a viral load result",
        improvement="up",
        target=95,
    )


def _map(indicator, country, numerator, denominator="1", differences=""):
    return IndicatorMapping.objects.create(
        network_indicator=indicator,
        country=country,
        numerator=numerator,
        denominator=denominator,
        definition_differences=differences,
    )


def _indicator_form(**overrides):
    form = {
        "name": "Viral load coverage",
        "code": "vl-coverage",
        "description": "People on ART with a viral load result in the past 12 months.",
        "numerator_label": "People with a viral load result",
        "denominator_label": "People on ART",
        "factor": "100",
        "improvement": "up",
        "target": "90",
        "chart_kind": "p",
        "topic": "Viral load",
        "order": "1",
    }
    form.update(overrides)
    return form


# --- the list -----------------------------------------------------------------------------------------------


def test_the_list_says_what_each_indicator_counts_and_which_countries_have_not_mapped_it(data, second_95):
    _map(second_95, data.world.kenya, "#{VlSupp0001a}", "#{VlTested01a}")
    page = data.world.client_for("kim").get(BASE).content.decode()
    assert "Third 95: virally suppressed" in page
    assert "Among people on ART tested in the past 12 months." in page
    assert "People with a suppressed viral load" in page and "People with a viral load result" in page
    assert "Higher is better" in page and "95" in page
    assert "Mapped by 1 of 4 countries." in page
    assert "Not yet:" in page and "Haiti" in page and "Namibia" in page and "Thailand" in page


def test_the_list_reads_a_fixed_number_of_queries_whatever_the_number_of_indicators(
    data, second_95, django_assert_max_num_queries
):
    client = data.world.client_for("carla")
    _map(second_95, data.world.kenya, "#{TxCurr0001a.CocFemale01}", "#{VlTested01a}")
    client.get(BASE)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(BASE)
    for number in range(12):
        indicator = NetworkIndicator.objects.create(
            network=data.world.network, code=f"extra-{number}", name=f"Extra {number}", numerator_label="n"
        )
        _map(indicator, data.world.kenya, "#{VlSupp0001a}", "#{VlTested01a}")
        _map(indicator, data.world.haiti, "#{TxCurr0001a.CocMale0001}")
    with django_assert_max_num_queries(len(few)):
        response = client.get(BASE)
    assert "Extra 11" in response.content.decode()


def test_the_data_page_links_to_the_network_indicators(data):
    page = data.world.client_for("dan").get("/n/vln/data/").content.decode()
    assert f'href="{BASE}"' in page


# --- defining an indicator ----------------------------------------------------------------------------------


def test_a_coordinator_defines_an_indicator_and_it_is_audited_and_refreshes_the_dashboards(data):
    DataVersion.objects.create(country=data.world.kenya, token=1, changed_at=timezone.now())
    response = data.world.client_for("carla").post(BASE + "new/", _indicator_form())
    indicator = NetworkIndicator.objects.get(network=data.world.network, code="vl-coverage")
    assert response.status_code == 302 and response["Location"] == BASE + "vl-coverage/"
    assert indicator.name == "Viral load coverage" and indicator.target == 90
    assert indicator.topic == "Viral load"
    assert AuditEntry.objects.filter(verb="network_indicator.create", target_id=str(indicator.pk)).exists()
    assert DataVersion.objects.get(country=data.world.kenya).token != 1


def test_an_indicator_without_a_code_gets_one_made_from_its_name(data):
    data.world.client_for("carla").post(BASE + "new/", _indicator_form(code="", name="Same-day ART start"))
    assert NetworkIndicator.objects.get(network=data.world.network).code == "same-day-art-start"


def test_the_indicator_form_names_each_mistake_and_keeps_what_was_typed(data, second_95):
    response = data.world.client_for("carla").post(
        BASE + "new/",
        _indicator_form(code="third-95", factor="a hundred", target="-5", name="Typed by Carla"),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "This network already has an indicator with the code “third-95”." in page
    assert "The factor is a whole number, e.g. 100." in page
    assert "The target cannot be negative." in page
    assert 'value="Typed by Carla"' in page and "People with a viral load result" in page
    assert NetworkIndicator.objects.count() == 1


def test_a_code_that_names_a_page_is_refused(data):
    response = data.world.client_for("carla").post(BASE + "new/", _indicator_form(code="differences"))
    assert response.status_code == 400
    assert "names a page of qicop" in response.content.decode()


def test_a_coordinator_edits_the_definition_and_the_code_stays(data, second_95):
    form = _indicator_form(name="Third 95 (suppressed)", target="", improvement="up")
    form.pop("code")
    response = data.world.client_for("carla").post(BASE + "third-95/edit/", form)
    second_95.refresh_from_db()
    assert response.status_code == 302
    assert second_95.name == "Third 95 (suppressed)" and second_95.target is None
    assert second_95.code == "third-95"
    entry = AuditEntry.objects.get(verb="network_indicator.update")
    assert entry.data["changes"]["name"] == ["Third 95: virally suppressed", "Third 95 (suppressed)"]


@pytest.mark.parametrize(("persona", "status"), [("dan", 403), ("faith", 403), ("kim", 403), ("oscar", 404)])
def test_only_the_networks_coordinators_define_indicators(data, second_95, persona, status):
    client = data.world.client_for(persona)
    assert client.get(BASE + "new/").status_code == status
    assert client.post(BASE + "new/", _indicator_form()).status_code == status
    assert client.post(BASE + "third-95/edit/", _indicator_form(name="Changed")).status_code == status
    assert NetworkIndicator.objects.get().name == "Third 95: virally suppressed"


# --- mapping a country --------------------------------------------------------------------------------------


def test_the_mapping_form_lists_data_elements_by_name_with_their_code_beneath_and_asks_for_no_uid(
    data, second_95
):
    page = data.world.client_for("carla").get(BASE + "third-95/countries/KE/").content.decode()
    assert "Viral load suppressed" in page and "Code: <code>VL_SUPPRESSED</code>" in page
    assert "On ART: Female" in page and "On ART (all disaggregations)" in page
    assert 'type="checkbox"' in page
    assert 'type="text"' not in page  # nothing is typed but the search and the stated differences


def test_a_coordinator_maps_a_country_by_ticking_its_data_elements(data, second_95):
    DataVersion.objects.create(country=data.world.kenya, token=1, changed_at=timezone.now())
    response = data.world.client_for("carla").post(
        BASE + "third-95/countries/KE/",
        {"numerator": ["VlSupp0001a"], "denominator": ["VlTested01a"], "definition_differences": ""},
    )
    mapping = IndicatorMapping.objects.get(network_indicator=second_95, country=data.world.kenya)
    assert response.status_code == 302
    assert (mapping.numerator, mapping.denominator) == ("#{VlSupp0001a}", "#{VlTested01a}")
    assert AuditEntry.objects.filter(verb="indicator_mapping.create", target_id=str(mapping.pk)).exists()
    assert DataVersion.objects.get(country=data.world.kenya).token != 1  # Kenya's dashboards change


def test_a_mapping_may_count_one_disaggregation_and_add_up_several_elements(data, second_95):
    data.world.client_for("carla").post(
        BASE + "third-95/countries/KE/",
        {"numerator": ["TxCurr0001a.CocFemale01", "VlSupp0001a"], "denominator": ["VlTested01a"]},
    )
    mapping = IndicatorMapping.objects.get()
    assert mapping.numerator == "#{TxCurr0001a.CocFemale01} + #{VlSupp0001a}"


def test_a_mapping_may_take_a_country_indicator_as_it_is(data, second_95):
    Indicator.objects.create(
        uid="KeVlsIndic1",
        code="KE_VLS",
        name="Kenya VL suppression",
        numerator="#{VlSupp0001a}",
        denominator="#{VlTested01a}",
        country=data.world.kenya,
    )
    page = data.world.client_for("dan").get(BASE + "third-95/countries/KE/").content.decode()
    assert "Kenya VL suppression" in page and "Code: <code>KE_VLS</code>" in page
    data.world.client_for("dan").post(BASE + "third-95/countries/KE/", {"indicator": "KeVlsIndic1"})
    mapping = IndicatorMapping.objects.get()
    assert (mapping.numerator, mapping.denominator) == ("#{VlSupp0001a}", "#{VlTested01a}")
    # opened again, the form shows the indicator chosen
    page = data.world.client_for("dan").get(BASE + "third-95/countries/KE/").content.decode()
    assert "checked" in page.split('value="KeVlsIndic1"')[1].split(">")[0]


def test_the_mapping_form_names_each_mistake_and_keeps_what_was_typed(data, second_95):
    client = data.world.client_for("carla")
    response = client.post(BASE + "third-95/countries/KE/", {"definition_differences": "Below 50 copies."})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Tick at least one data element for the numerator" in page
    assert "Below 50 copies." in page
    Indicator.objects.create(
        uid="KeVlsIndic1",
        name="Kenya VL",
        numerator="#{VlSupp0001a}",
        denominator="1",
        country=data.world.kenya,
    )
    response = client.post(
        BASE + "third-95/countries/KE/", {"indicator": "KeVlsIndic1", "numerator": ["VlSupp0001a"]}
    )
    assert "Choose either one of the country" in response.content.decode()
    assert not IndicatorMapping.objects.exists()


def test_data_elements_another_country_keeps_are_neither_offered_nor_accepted(data, second_95):
    DataElement.objects.create(
        uid="HaitiOnly01",
        code="HT_ONLY",
        name="Haitian register count",
        category_combo=data.default_combo,
        country=data.world.haiti,
    )
    client = data.world.client_for("carla")
    assert "Haitian register count" not in client.get(BASE + "third-95/countries/KE/").content.decode()
    assert "Haitian register count" in client.get(BASE + "third-95/countries/HT/").content.decode()
    response = client.post(BASE + "third-95/countries/KE/", {"numerator": ["HaitiOnly01"]})
    assert response.status_code == 400
    assert not IndicatorMapping.objects.exists()


def test_changing_only_the_stated_difference_keeps_an_expression_the_lists_cannot_show(data, second_95):
    _map(second_95, data.world.kenya, "#{VlSupp0001a} - #{VlTested01a}", "#{VlTested01a}")
    client = data.world.client_for("dan")
    page = client.get(BASE + "third-95/countries/KE/").content.decode()
    assert "Viral load suppressed - Viral load tested" in page
    client.post(BASE + "third-95/countries/KE/", {"definition_differences": "Counts transfers."})
    mapping = IndicatorMapping.objects.get()
    assert mapping.numerator == "#{VlSupp0001a} - #{VlTested01a}"
    assert mapping.definition_differences == "Counts transfers."


def test_a_search_narrows_the_data_elements_listed(data, second_95):
    page = data.world.client_for("carla").get(BASE + "third-95/countries/KE/?q=viral").content.decode()
    assert "Viral load tested" in page and "QI score" not in page
    assert "2 data elements match “viral”." in page


@pytest.mark.parametrize(
    ("persona", "country", "status"),
    [
        ("carla", "KE", 200),
        ("carla", "HT", 200),
        ("faith", "KE", 200),
        ("dan", "KE", 200),
        ("dan", "HT", 403),
        ("kim", "KE", 403),
        ("henri", "HT", 403),
        ("olga", "NA", 403),
        ("oscar", "KE", 404),
    ],
)
def test_who_may_map_which_country(data, second_95, persona, country, status):
    client = data.world.client_for(persona)
    url = BASE + f"third-95/countries/{country}/"
    assert client.get(url).status_code == status
    response = client.post(url, {"numerator": ["VlSupp0001a"], "denominator": ["VlTested01a"]})
    assert response.status_code == (302 if status == 200 else status)
    assert IndicatorMapping.objects.exists() == (status == 200)


def test_the_indicator_page_offers_each_persona_only_the_countries_they_may_map(data, second_95):
    page = data.world.client_for("dan").get(BASE + "third-95/").content.decode()
    assert "Map Kenya's data" in page and "Map Haiti's data" not in page
    page = data.world.client_for("henri").get(BASE + "third-95/").content.decode()
    assert "Map " not in page and "focal point or data managers map its data" in page


def test_removing_a_mapping_asks_first_then_removes_it_and_audits(data, second_95):
    _map(second_95, data.world.kenya, "#{VlSupp0001a}")
    client = data.world.client_for("dan")
    assert "No data value is deleted." in client.get(BASE + "third-95/countries/KE/remove/").content.decode()
    assert IndicatorMapping.objects.exists()
    client.post(BASE + "third-95/countries/KE/remove/")
    assert not IndicatorMapping.objects.exists()
    assert AuditEntry.objects.filter(verb="indicator_mapping.delete").exists()
    assert data.world.client_for("henri").post(BASE + "third-95/countries/KE/remove/").status_code == 403


# --- definition differences ---------------------------------------------------------------------------------


def test_the_review_page_says_in_words_where_countries_count_different_things(data, second_95):
    DataElement.objects.filter(uid="VlTested01a").update(aggregation_type="LAST")
    _map(second_95, data.world.kenya, "#{VlSupp0001a}", "#{VlTested01a}")
    _map(second_95, data.world.haiti, "#{VlSupp0001a}", "#{TxCurr0001a}", "Suppression below 50 copies/mL.")
    _map(second_95, data.world.thailand, "#{NoSuchElem1}", "#{VlTested01a}")
    page = data.world.client_for("carla").get(BASE + "differences/").content.decode()
    assert "The countries&#x27; denominators count different things." in page  # escaped: a variable
    assert "Viral load tested" in page and "On ART" in page
    assert "They also combine periods differently" in page
    assert "Suppression below 50 copies/mL." in page
    assert "names a data element this site does not hold" in page and "NoSuchElem1" in page
    assert "Not mapped yet" in page and "Namibia" in page
    # each country is a link to fix its mapping, for those who may
    assert f'href="{BASE}third-95/countries/HT/"' in page and f'href="{BASE}third-95/countries/NA/"' in page
    assert "numerators count different things" not in page  # they agree


def test_the_review_page_links_only_the_countries_the_reader_may_fix(data, second_95):
    _map(second_95, data.world.kenya, "#{VlSupp0001a}", "#{VlTested01a}", "Below 200 copies.")
    _map(second_95, data.world.haiti, "#{VlSupp0001a}", "#{TxCurr0001a}")
    page = data.world.client_for("dan").get(BASE + "differences/").content.decode()
    assert f'href="{BASE}third-95/countries/KE/"' in page
    assert f'href="{BASE}third-95/countries/HT/"' not in page


def test_the_review_page_reads_a_fixed_number_of_queries(data, second_95, django_assert_max_num_queries):
    client = data.world.client_for("carla")
    _map(second_95, data.world.kenya, "#{VlSupp0001a}", "#{VlTested01a}")
    _map(second_95, data.world.haiti, "#{TxCurr0001a.CocFemale01}", "#{VlTested01a}")
    client.get(BASE + "differences/")
    with CaptureQueriesContext(connection) as few:
        client.get(BASE + "differences/")
    for number in range(10):
        indicator = NetworkIndicator.objects.create(network=data.world.network, code=f"x-{number}", name="X")
        _map(indicator, data.world.kenya, "#{VlSupp0001a}", "#{VlTested01a}")
        _map(indicator, data.world.haiti, "#{TxCurr0001a.CocFemale01}", "#{VlTested01a}", "Stated.")
    with django_assert_max_num_queries(len(few)):
        page = client.get(BASE + "differences/").content.decode()
    assert "Stated." in page


# --- empty states -------------------------------------------------------------------------------------------


def test_the_empty_dashboard_says_what_to_do_and_links_to_the_indicator_pages(data):
    page = data.world.client_for("kim").get("/n/vln/dashboard/").content.decode()
    assert "The network has not defined shared indicators yet." in page
    assert "The network's coordinators define the indicators" in page
    assert f'href="{BASE}"' in page


def test_the_empty_data_page_leads_a_coordinator_to_define_the_first_indicator(data):
    page = data.world.client_for("carla").get("/n/vln/data/").content.decode()
    assert "The network has not defined shared indicators yet." in page
    assert f'href="{BASE}new/"' in page and "Define the first indicator" in page


def test_the_empty_data_page_tells_others_whom_to_ask(data):
    page = data.world.client_for("kim").get("/n/vln/data/").content.decode()
    assert f'href="{BASE}new/"' not in page
    assert "The network's coordinators define its indicators." in page
    listing = data.world.client_for("kim").get(BASE).content.decode()
    assert "Carla Coordinator" in listing and f'href="{BASE}new/"' not in listing


# --- on the demo --------------------------------------------------------------------------------------------


def _demo_client(email):
    client = Client()
    assert client.login(username=email, password="demo")
    return client


@pytest.mark.usefixtures("demo")
@pytest.mark.django_db
class TestOnTheDemo:
    def test_the_all_country_dashboard_leads_its_coordinator_to_define_indicators(self):
        client = _demo_client("coordinator@example.org")
        page = client.get("/n/all-country/dashboard/").content.decode()
        assert "The network has not defined shared indicators yet." in page
        assert 'href="/n/all-country/data/indicators/"' in page
        listing = client.get("/n/all-country/data/indicators/").content.decode()
        assert 'href="/n/all-country/data/indicators/new/"' in listing

    def test_the_review_page_shows_every_difference_the_demo_countries_state(self):
        client = _demo_client("member.ht@example.org")
        page = client.get("/n/virtual/data/indicators/differences/").content.decode()
        assert len(page.encode()) <= 100_000
        assert "Suppression below 50 copies/mL instead of 1000." in page
        assert "Counts transfers-out as retained." in page
        assert "count different things" not in page  # every demo country maps the same shared elements
        assert "/countries/" not in page  # a member fixes no mapping

    def test_kenyas_data_manager_reads_kenyas_mapping_by_name(self):
        page = (
            _demo_client("data.ke@example.org")
            .get("/n/virtual/data/indicators/third-95/countries/KE/")
            .content.decode()
        )
        assert "Code: <code>VL_SUPPRESSED</code>" in page
        assert "People on ART with a suppressed viral load" in page
        # the mapping's elements are ticked
        suppressed = page.split("Code: <code>VL_SUPPRESSED</code>")[0].rsplit("<input", 1)[1]
        assert "checked" in suppressed and 'name="numerator"' in suppressed


def test_a_country_outside_the_network_or_another_network_is_not_found(data, second_95):
    client = data.world.client_for("carla")
    assert client.get(BASE + "third-95/countries/ZZ/").status_code == 404
    assert client.get(BASE + "no-such-indicator/countries/KE/").status_code == 404
    assert client.get("/n/acn/data/indicators/").status_code == 404  # Carla has no role there


def test_a_long_list_of_data_elements_is_cut_and_says_how_to_find_the_rest(data, second_95, monkeypatch):
    monkeypatch.setattr("qicop.indicators.network_indicators.selectors.OPERAND_LIMIT", 3)
    _map(second_95, data.world.kenya, "#{VlTested01a}")  # beyond the first three by name, and kept listed
    page = data.world.client_for("carla").get(BASE + "third-95/countries/KE/").content.decode()
    assert "Showing 4 of 5 data elements: find the ones you need by name above." in page
    assert "Viral load tested" in page and "Viral load suppressed" not in page


def test_a_mapping_may_be_narrowed_to_one_attribute(data, second_95):
    from qicop.indicators.models import Category, CategoryCombo, CategoryOptionCombo

    combo = CategoryCombo.objects.create(
        uid="MechCombo01", name="Mechanism", data_dimension_type=Category.DimensionType.ATTRIBUTE
    )
    CategoryOptionCombo.objects.create(
        uid="MechanismA1", code="MECH_A", name="Mechanism A", category_combo=combo
    )
    client = data.world.client_for("carla")
    page = client.get(BASE + "third-95/countries/KE/").content.decode()
    assert "Mechanism A" in page and "Code: <code>MECH_A</code>" in page
    client.post(
        BASE + "third-95/countries/KE/",
        {
            "numerator": ["VlSupp0001a"],
            "denominator": ["TxCurr0001a.CocFemale01"],
            "attribute": "MechanismA1",
        },
    )
    mapping = IndicatorMapping.objects.get()
    assert mapping.numerator == "#{VlSupp0001a.*.MechanismA1}"
    assert mapping.denominator == "#{TxCurr0001a.CocFemale01.MechanismA1}"
    page = client.get(BASE + "third-95/").content.decode()
    assert "Viral load suppressed (Mechanism A)" in page and "On ART (Female, Mechanism A)" in page


def test_the_indicator_page_reads_a_fixed_number_of_queries(data, second_95, django_assert_max_num_queries):
    client = data.world.client_for("dan")
    _map(second_95, data.world.kenya, "#{TxCurr0001a.CocFemale01}", "#{VlTested01a}", "Stated.")
    client.get(BASE + "third-95/")
    with CaptureQueriesContext(connection) as few:
        client.get(BASE + "third-95/")
    _map(second_95, data.world.haiti, "#{VlSupp0001a}", "#{TxCurr0001a.CocMale0001}")
    _map(second_95, data.world.thailand, "#{VlSupp0001a}", "#{VlTested01a}")
    with django_assert_max_num_queries(len(few)):
        page = client.get(BASE + "third-95/").content.decode()
    assert "On ART (Male)" in page
