"""A country's values of a year, exported through /api/dataValueSets and posted back unchanged under the same
id scheme, change nothing anywhere (issue 11). The demo is where names repeat across countries: every country
but Kenya (whose facilities carry Kenyan names) has a "North District Hospital 1". For a coordinator, who may
change every country's data, such a name names fifteen facilities and is refused with a conflict listing
them; for Zimbabwe's data manager it names Zimbabwe's. Kenya's names each name one facility.
"""

import json

import pytest
from django.test import Client
from django.utils import timezone

from qicop.accounts.models import User
from qicop.accounts.services import create_api_token
from qicop.indicators.models import AggregateValue, DataSet, DataValue, DataValueAudit, OrgUnit

COORDINATOR, KENYAN_DATA_MANAGER = "coordinator@example.org", "data.ke@example.org"
ZIMBABWEAN_DATA_MANAGER = "zw.02@example.org"


def token(email: str) -> str:
    user = User.objects.get(email=email)
    return create_api_token(user=user, name=f"round trip {user.api_tokens.count()}")[1]


def last_year() -> int:
    return timezone.localdate().year - 1  # wholly inside the demo's three years, whatever the pinned date


def export_country(email: str, scheme: str, iso2: str = "KE") -> bytes:
    year = last_year()
    query = (
        f"dataSet={DataSet.objects.get(code='HIV_QI_MONTHLY').uid}&orgUnit={OrgUnit.objects.get(code=iso2).uid}"
        f"&children=true&startDate={year}-01-01&endDate={year}-12-31&idScheme={scheme}"
    )
    response = Client().get(f"/api/dataValueSets.json?{query}", HTTP_AUTHORIZATION=f"ApiToken {token(email)}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def post(email: str, body: bytes, scheme: str):
    return Client().post(
        f"/api/dataValueSets?importStrategy=UPDATE&idScheme={scheme}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"ApiToken {token(email)}",
    )


def everything() -> tuple:
    """Every country's values (with when they last changed), audit rows and analytics sums."""
    return (
        list(
            DataValue.objects.order_by("id").values_list("id", "value", "last_updated", "deleted", "comment")
        ),
        DataValueAudit.objects.count(),
        list(AggregateValue.objects.order_by("id").values_list("id", "total", "count")),
    )


@pytest.mark.usefixtures("demo")
@pytest.mark.django_db
class TestRoundTripsOnTheDemo:
    def test_the_demos_facility_names_repeat_across_countries_but_kenyas(self):
        named = OrgUnit.objects.filter(name="North District Hospital 1")
        assert named.count() == 15
        assert not named.filter(country__iso2="KE").exists()
        kenyan = list(OrgUnit.objects.filter(country__iso2="KE").values_list("name", flat=True))
        assert len(kenyan) == 1 + 3 + 12  # the country, its counties, its facilities
        assert OrgUnit.objects.filter(name__in=kenyan).count() == len(kenyan)

    def test_a_coordinators_name_round_trip_is_refused_naming_the_candidates_and_changes_nothing(self):
        body = export_country(COORDINATOR, "NAME", "ZW")
        document = json.loads(body)
        assert "North District Hospital 1" in {v["orgUnit"] for v in document["dataValues"]}
        before = everything()
        response = post(COORDINATOR, body, "NAME")
        assert response.status_code == 409
        summary = response.json()["response"]
        assert summary["status"] == "ERROR"
        assert summary["importCount"]["updated"] == summary["importCount"]["imported"] == 0
        hospital = next(c for c in summary["conflicts"] if c["object"] == "North District Hospital 1")
        assert hospital["errorCode"] == "E7612"
        assert "names 15 organisation units" in hospital["value"]
        assert "and 10 more" in hospital["value"]
        assert {c["errorCode"] for c in summary["conflicts"]} == {"E7612"}
        # Only facility names are ambiguous: the country and its regions are named once in the network.
        assert not {c["object"] for c in summary["conflicts"]} & {"Zimbabwe", "Zimbabwe North"}
        assert everything() == before
        assert document["orgUnitIdScheme"] == "NAME"  # the file says how it names things, as DHIS2's do

    @pytest.mark.parametrize(
        ("email", "scheme"),
        [
            (KENYAN_DATA_MANAGER, "NAME"),
            (KENYAN_DATA_MANAGER, "CODE"),
            (KENYAN_DATA_MANAGER, "UID"),
            (COORDINATOR, "NAME"),  # Kenya's names each name one facility
            (COORDINATOR, "CODE"),
            (COORDINATOR, "UID"),
        ],
    )
    def test_an_unchanged_round_trip_changes_nothing_anywhere(self, email, scheme):
        body = export_country(email, scheme)
        count = len(json.loads(body)["dataValues"])
        assert count > 12 * 12  # a year of Kenya's facilities, and its yearly estimate
        before = everything()
        response = post(email, body, scheme)
        assert response.status_code == 200, response.json()["response"]["conflicts"][:3]
        summary = response.json()["response"]
        assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": count, "deleted": 0}
        assert everything() == before

    def test_a_changed_value_in_a_data_managers_name_round_trip_updates_exactly_her_countrys_value(self):
        document = json.loads(export_country(ZIMBABWEAN_DATA_MANAGER, "NAME", "ZW"))
        changed = next(v for v in document["dataValues"] if v["orgUnit"] == "North District Hospital 1")
        old = changed["value"]
        changed["value"] = str(int(old) + 1)
        twins = DataValue.objects.filter(
            org_unit__name="North District Hospital 1", period__dhis2_id=changed["period"]
        ).exclude(org_unit__country__iso2="ZW")
        twins_before = list(twins.order_by("id").values_list("id", "value", "last_updated"))
        assert len(twins_before) >= 14 * 8
        values_before = DataValue.objects.count()
        response = post(ZIMBABWEAN_DATA_MANAGER, json.dumps(document).encode(), "NAME")
        assert response.status_code == 200
        summary = response.json()["response"]
        assert summary["importCount"]["updated"] == 1
        assert summary["importCount"]["imported"] == 0
        audit = DataValueAudit.objects.get()
        assert (audit.previous_value, audit.new_value) == (old, changed["value"])
        assert audit.data_value.org_unit.country.iso2 == "ZW"
        assert audit.data_value.org_unit.code == "ZW_N01"
        assert list(twins.order_by("id").values_list("id", "value", "last_updated")) == twins_before
        assert DataValue.objects.count() == values_before

    def test_after_the_round_trips_the_dashboard_and_zimbabwes_charts_answer(self, settings):
        for email, scheme in ((COORDINATOR, "NAME"), (KENYAN_DATA_MANAGER, "NAME"), (COORDINATOR, "CODE")):
            post(email, export_country(email, scheme), scheme)
        client = Client()
        assert client.login(username=COORDINATOR, password="demo")
        assert client.get("/n/virtual/dashboard/").status_code == 200
        zimbabwe = OrgUnit.objects.get(code="ZW")
        facility = OrgUnit.objects.get(code="ZW_N01")
        for unit in (zimbabwe, facility):
            for indicator in ("third-95", "retention-12m"):
                assert client.get(f"/n/virtual/charts/{indicator}/{unit.uid}/").status_code == 200
