"""The dashboard, chart and comparison pages are kept per read scope and data version (page_cache.py): a
write changes exactly the pages of the countries it wrote, and readers of different data never share one."""

import base64
import re
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

COORDINATOR = "coordinator@example.org"
FOCAL_POINT_KE = "focal.ke@example.org"
DATA_MANAGER_KE = "data.ke@example.org"
MEMBER_HT = "member.ht@example.org"
OBSERVER = "observer.na@example.org"


def signed_in(email: str) -> Client:
    from qicop.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def root(iso2: str):
    from qicop.indicators.models import OrgUnit

    return OrgUnit.objects.get(level=1, country__iso2=iso2)


def chart_url(iso2: str, code: str = "third-95") -> str:
    return f"/n/virtual/charts/{code}/{root(iso2).uid}/"


def queries_of(client: Client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def overview_cell(page: str, iso2: str, code: str = "third-95") -> str:
    """A country's latest value of an indicator on the dashboard's overview, with a decimal point."""
    cell = re.search(rf'/charts/{code}/{root(iso2).uid}/">([^<]+)</a>', page)
    assert cell is not None, f"no {code} cell for {iso2}"
    return cell.group(1).replace(",", ".")


def numbers_table(page: str) -> str:
    """The chart page's table of the numbers behind the chart."""
    start = page.index("<caption")
    return page[start : page.index("</table>", start)]


def latest_kenyan_value():
    """The demo's latest monthly 'viral load tested' of a Kenyan facility (a denominator of third-95)."""
    from qicop.indicators.models import DataValue

    return (
        DataValue.objects.filter(org_unit__code="KE_N01", data_element__code="VL_TESTED", deleted=False)
        .filter(period__period_type="Monthly")
        .select_related("period", "data_element", "org_unit")
        .order_by("-period__start_date")
        .first()
    )


def import_into_kenya(value: str) -> dict:
    from qicop.accounts.models import User
    from qicop.indicators.importer import ImportOptions, import_data_values
    from qicop.integrations.dhis2.rows import DataValueRow

    latest = latest_kenyan_value()
    row = DataValueRow("VL_TESTED", latest.period.dhis2_id, "KE_N01", value=value)
    return import_data_values(
        actor=User.objects.get(email=DATA_MANAGER_KE), rows=[row], options=ImportOptions(id_scheme="CODE")
    )


def in_english(*emails: str) -> None:
    """The same language for these readers: what they are shown then differs by what they may read only."""
    from qicop.accounts.models import User

    User.objects.filter(email__in=emails).update(language="en")


def kept_fragments(call) -> list[str]:
    """What was put into the page cache while ``call()`` ran."""
    pages = caches["pages"]
    with mock.patch.object(pages, "set", wraps=pages.set) as kept:
        call()
    return [args[1] for args, _kwargs in kept.call_args_list]


@pytest.mark.usefixtures("demo")
@pytest.mark.django_db
class TestKeptPages:
    def test_a_kept_dashboard_is_served_again_in_seven_queries(self):
        client = signed_in(MEMBER_HT)
        first, computed = queries_of(client, "/n/virtual/dashboard/")
        again, kept = queries_of(client, "/n/virtual/dashboard/")
        # session, user, member, memberships, network, the countries with their data versions, and the
        # countries with a collaborative this reader may see (read per reader, outside the kept part)
        assert kept == 7 < computed
        assert overview_cell(again, "KE") == overview_cell(first, "KE")

    def test_a_kept_chart_page_is_served_again_in_eight_queries(self):
        client = signed_in(MEMBER_HT)
        queries_of(client, chart_url("KE"))
        _page, kept = queries_of(client, chart_url("KE"))
        # session, user, member, memberships, network, indicator, org unit with its data version, discussions
        assert kept == 8

    def test_a_kept_comparison_is_served_again_in_seven_queries(self):
        client = signed_in(MEMBER_HT)
        queries_of(client, "/n/virtual/compare/third-95/")
        _page, kept = queries_of(client, "/n/virtual/compare/third-95/")
        # session, user, member, memberships, network, indicator, and the countries with their versions
        assert kept == 7

    def test_an_editors_kept_chart_page_adds_only_the_coordinated_countries(self):
        client = signed_in(COORDINATOR)
        queries_of(client, chart_url("KE"))
        page, kept = queries_of(client, chart_url("KE"))
        assert kept == 9  # a member's eight, and the countries of the networks the coordinator coordinates
        assert page.count('name="csrfmiddlewaretoken"') >= 3  # sign-out and both forms, this request's

    def test_an_import_into_kenya_changes_kenyas_dashboard_cell_on_the_next_request(self):
        client = signed_in(COORDINATOR)
        before, _queries = queries_of(client, "/n/virtual/dashboard/?indicator=third-95")
        tested = latest_kenyan_value()
        summary = import_into_kenya(str(int(tested.numeric) + 20000))
        assert summary["importCount"]["updated"] == 1
        after, computed = queries_of(client, "/n/virtual/dashboard/?indicator=third-95")
        assert computed > 6  # computed again
        assert float(overview_cell(after, "KE")) < float(overview_cell(before, "KE"))
        assert overview_cell(after, "HT") == overview_cell(before, "HT")

    def test_an_import_into_kenya_leaves_haitis_kept_chart_page_in_place(self):
        client = signed_in(COORDINATOR)
        haiti, _queries = queries_of(client, chart_url("HT"))
        kenya, _queries = queries_of(client, chart_url("KE"))
        import_into_kenya(str(int(latest_kenyan_value().numeric) + 20000))
        haiti_again, haiti_queries = queries_of(client, chart_url("HT"))
        kenya_again, kenya_queries = queries_of(client, chart_url("KE"))
        assert haiti_queries == 9  # kept: as in the test above
        assert numbers_table(haiti_again) == numbers_table(haiti)
        assert kenya_queries > 9
        assert numbers_table(kenya_again) != numbers_table(kenya)

    def test_a_single_value_sent_through_the_dhis2_api_changes_the_kept_chart_page(self):
        from qicop.indicators.models import OrgUnit

        client = signed_in(DATA_MANAGER_KE)
        region = OrgUnit.objects.get(code="KE_NAIROBI")  # KE_N01's county: a chart of few facilities
        url = f"/n/virtual/charts/third-95/{region.uid}/"
        before, _queries = queries_of(client, url)
        tested = latest_kenyan_value()
        response = client.post(
            "/api/dataValues",
            {
                "de": tested.data_element.uid,
                "pe": tested.period.dhis2_id,
                "ou": tested.org_unit.uid,
                "value": str(int(tested.numeric) + 20000),
            },
            HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{DATA_MANAGER_KE}:demo".encode()).decode(),
        )
        assert response.status_code in (200, 201, 204), response.content
        after, _queries = queries_of(client, url)
        assert numbers_table(after) != numbers_table(before)

    def test_an_import_that_changes_nothing_keeps_every_page(self):
        client = signed_in(COORDINATOR)
        queries_of(client, "/n/virtual/dashboard/")
        summary = import_into_kenya(latest_kenyan_value().value)  # the value it has
        assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 1, "deleted": 0}
        _page, kept = queries_of(client, "/n/virtual/dashboard/")
        assert kept == 8  # seven, and the coordinated countries

    def test_a_publication_changes_what_another_countrys_member_sees(self):
        from qicop.accounts.models import User
        from qicop.indicators.services import publish_period
        from qicop.network.models import Country

        henri, faith = signed_in(MEMBER_HT), signed_in(FOCAL_POINT_KE)
        kenyans_see, _queries = queries_of(faith, "/n/virtual/dashboard/")
        before, _queries = queries_of(henri, "/n/virtual/dashboard/")
        # Kenya has published all but its latest month: Haiti's member sees the month before.
        assert overview_cell(before, "KE") != overview_cell(kenyans_see, "KE")
        publish_period(
            actor=User.objects.get(email=FOCAL_POINT_KE),
            country=Country.objects.get(iso2="KE"),
            period_id=latest_kenyan_value().period.dhis2_id,
        )
        after, _queries = queries_of(henri, "/n/virtual/dashboard/")
        assert overview_cell(after, "KE") == overview_cell(kenyans_see, "KE")

    def test_a_haitian_member_never_gets_kenyas_unpublished_values_from_a_coordinators_kept_page(self):
        in_english(MEMBER_HT, COORDINATOR)
        henri = signed_in(MEMBER_HT)
        own, _queries = queries_of(henri, chart_url("KE"))
        caches["pages"].clear()
        coordinators, _queries = queries_of(signed_in(COORDINATOR), chart_url("KE"))
        after_coordinator, _queries = queries_of(henri, chart_url("KE"))
        assert numbers_table(coordinators) != numbers_table(own)  # the coordinator sees the latest month
        assert numbers_table(after_coordinator) == numbers_table(own)

    def test_an_observer_never_gets_a_members_kept_dashboard(self):
        in_english(MEMBER_HT, OBSERVER)
        members, _queries = queries_of(signed_in(MEMBER_HT), "/n/virtual/dashboard/")
        observers, computed = queries_of(signed_in(OBSERVER), "/n/virtual/dashboard/")
        assert computed > 6  # not the member's entry
        # Haiti's member reads Haiti's latest month, which the observer (published totals) does not.
        assert overview_cell(members, "HT") != overview_cell(observers, "HT")

    def test_kenyas_focal_point_and_data_manager_share_the_kept_dashboard(self):
        queries_of(signed_in(FOCAL_POINT_KE), "/n/virtual/dashboard/")
        _page, kept = queries_of(signed_in(DATA_MANAGER_KE), "/n/virtual/dashboard/")
        assert kept == 7

    def test_a_note_on_a_chart_is_on_the_next_request(self):
        client = signed_in(FOCAL_POINT_KE)
        url = chart_url("KE")
        queries_of(client, url)
        period = latest_kenyan_value().period.dhis2_id
        response = client.post(url, {"form": "annotation", "period": period, "text": "New register in use"})
        assert response.status_code == 302
        page, _queries = queries_of(client, url)
        assert "New register in use" in page

    def test_a_new_baseline_is_on_the_next_request(self):
        client = signed_in(FOCAL_POINT_KE)
        url = chart_url("KE")
        before, _queries = queries_of(client, url)
        response = client.post(url, {"form": "settings", "freeze": "12", "phase_starts": ""})
        assert response.status_code == 302
        after, _queries = queries_of(client, url)
        assert 'value="12"' in after and 'value="12"' not in before
        assert numbers_table(after) != numbers_table(before)  # the limits of the first twelve points

    def test_what_is_kept_carries_no_csrf_token_and_no_name_of_the_viewer(self):
        client = signed_in(COORDINATOR)
        kept = kept_fragments(lambda: [client.get(url) for url in (chart_url("KE"), "/n/virtual/dashboard/")])
        assert len(kept) == 4  # the chart, its two forms' fields, the dashboard
        for fragment in kept:
            assert "csrfmiddlewaretoken" not in fragment
            assert COORDINATOR not in fragment and "Sign out" not in fragment

    def test_a_language_has_pages_of_its_own(self):
        from qicop.accounts.models import User

        client = signed_in(FOCAL_POINT_KE)
        english, _queries = queries_of(client, "/n/virtual/dashboard/")
        User.objects.filter(email=FOCAL_POINT_KE).update(language="fr")
        french, computed = queries_of(client, "/n/virtual/dashboard/")
        assert computed > 6
        assert "Tableau de bord" in french and "Tableau de bord" not in english
