"""Live charts in case studies: the dashboards' own chart of an indicator x place, current with the data, its
phases and notes; drawn for each reader as they may see the data; kept as a drawing when published."""

from __future__ import annotations

import pytest
from django.utils import timezone

from data_world import DataWorld
from qicop.dashboards import services as dashboards
from qicop.dashboards.indicator_series import last_periods
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import IndicatorMapping, NetworkIndicator
from qicop.indicators.services import publish_period
from qicop.integrations.dhis2.rows import DataValueRow
from qicop.knowledge.cases import services as cases
from qicop.knowledge.models import CaseStudy, CaseStudyChart


@pytest.fixture
def data(world):
    data = DataWorld(world)
    data.indicator = NetworkIndicator.objects.create(
        network=world.network, code="third-95", name="Viral suppression", factor=100, target=95
    )
    IndicatorMapping.objects.create(
        network_indicator=data.indicator,
        country=world.kenya,
        numerator="#{VlSupp0001a}",
        denominator="#{VlTested01a}",
    )
    data.periods = [p.id for p in last_periods("Monthly", 36, timezone.localdate())]
    rows, index = [], 0
    for m, period in enumerate(data.periods):
        suppressed = 80 + (12 if m >= 20 else 0) + (m % 3)  # refill groups started in month 20
        for element, value in (("VlTested01a", 100), ("VlSupp0001a", suppressed)):
            rows.append(DataValueRow(element, period, "NakuruHosp1", value=str(value), index=index))
            index += 1
    import_data_values(actor=world.carla.user, rows=rows, options=ImportOptions())
    data.case = cases.case_study_create(
        actor=world.kim.user,
        network=world.network,
        fields={"title": "Refill groups in Nakuru", "country": world.kenya, "results": "It rose."},
    )
    return data


def charts_url(data) -> str:
    return f"/n/vln/case-studies/{data.case.pk}/charts/"


def add_chart(data, unit="NakuruHosp1", **options) -> CaseStudyChart:
    from qicop.indicators.models import OrgUnit

    return cases.case_study_add_chart(
        actor=data.world.kim.user,
        case_study=data.case,
        indicator=data.indicator,
        org_unit=OrgUnit.objects.get(uid=unit),
        caption="Suppression at the hospital",
        options=options,
    )


def page(data, persona: str) -> str:
    response = data.world.client_for(persona).get(f"/n/vln/case-studies/{data.case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_author_adds_a_chart_and_the_case_study_shows_the_shift(data):
    response = data.world.client_for("kim").post(
        charts_url(data),
        {
            "indicator": data.indicator.pk,
            "org_unit": data.nakuru_hospital.pk,
            "caption": "Suppression at the hospital",
            "rules": "ihi",
            "periods": "Monthly",
        },
    )
    assert response.status_code == 302
    chart = CaseStudyChart.objects.get()
    assert chart.options == {"rules": "ihi", "periods": "Monthly"}
    html = page(data, "kim")
    assert "<svg" in html and "Suppression at the hospital" in html
    assert "Shift" in html or "above the centre line" in html
    assert f"/n/vln/charts/third-95/{data.nakuru_hospital.uid}/" in html  # open it in the dashboard
    assert data.case.versions.filter(note="Chart added").exists()


def test_only_places_of_the_case_studys_country_are_offered(data):
    client = data.world.client_for("kim")
    form = client.get(charts_url(data)).content.decode()
    assert "Nakuru Level 5 Hospital" in form and "Jacmel" not in form
    response = client.post(
        charts_url(data), {"indicator": data.indicator.pk, "org_unit": data.jacmel.pk, "rules": "anhoej"}
    )
    assert response.status_code == 400
    assert not CaseStudyChart.objects.exists()


def test_the_chart_stays_current_with_saved_phases_and_notes(data):
    add_chart(data)
    dashboards.annotate(
        actor=data.world.dan.user,
        indicator=data.indicator,
        org_unit=data.nakuru_hospital,
        period=data.periods[20],
        text="Community refill groups began",
    )
    dashboards.save_chart_settings(
        actor=data.world.dan.user,
        indicator=data.indicator,
        org_unit=data.nakuru_hospital,
        freeze=None,
        phase_starts=[data.periods[20]],
    )
    html = page(data, "kim")
    assert "Community refill groups began" in html
    assert "Shift" not in html.split("<figcaption>")[1].split("</figcaption>")[0]  # two phases: no shift


def test_readers_see_the_data_they_may_see_and_observers_a_clear_note(data):
    add_chart(data)
    assert "Suppression at the hospital" in page(data, "carla")
    cases.case_study_publish(actor=data.world.carla.user, case_study=data.case)
    henri = page(data, "henri")  # Kenya has published nothing yet: a member elsewhere sees no data
    assert "No data you may see" in henri
    olga = page(data, "olga")
    assert "observers see published national totals only" in olga and "<svg" not in olga


def test_publishing_keeps_a_drawing_of_the_published_data(data):
    chart = add_chart(data)
    for period in data.periods[:30]:
        publish_period(actor=data.world.faith.user, country=data.world.kenya, period_id=period)
    cases.case_study_publish(actor=data.world.carla.user, case_study=data.case)
    chart.refresh_from_db()
    assert chart.snapshot_svg.startswith("<svg") and chart.snapshot_at is not None
    assert "<path" in chart.snapshot_svg  # the published months are drawn
    snapshot_url = f"/n/vln/case-studies/{data.case.pk}/charts/{chart.pk}/published.svg"
    assert snapshot_url in page(data, "olga")  # observers may not see it live, but read what was published
    response = data.world.client_for("olga").get(snapshot_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "sandbox" in response["Content-Security-Policy"]
    assert "<svg" in page(data, "henri")  # published now: members elsewhere see it live


def test_the_snapshot_holds_only_what_was_published(data):
    chart = add_chart(data)
    cases.case_study_publish(actor=data.world.carla.user, case_study=data.case)
    chart.refresh_from_db()
    # Nothing of Kenya's is published: the coordinator who published sees it all, the drawing does not.
    assert chart.snapshot_svg.startswith("<svg") and "<path" not in chart.snapshot_svg  # no line drawn


def test_a_case_study_with_a_chart_stays_a_light_page(data):
    add_chart(data)
    response = data.world.client_for("kim").get(f"/n/vln/case-studies/{data.case.pk}/")
    assert len(response.content) < 100_000


def test_removing_a_chart_is_for_those_who_edit(data):
    chart = add_chart(data)
    delete = f"/n/vln/case-studies/{data.case.pk}/charts/{chart.pk}/delete/"
    assert data.world.client_for("dan").post(delete).status_code == 404  # a draft he may not see
    assert data.world.client_for("kim").post(delete).status_code == 302
    assert not CaseStudyChart.objects.exists()
    assert CaseStudy.objects.get().version == 3


def test_a_facility_below_the_listed_places_is_named_by_its_code_or_uid(data):
    from qicop.indicators.models import OrgUnit

    hospital = data.nakuru_hospital
    clinic = OrgUnit.objects.create(
        uid="NakuruPmtct",
        code="KE_NAK_PMTCT",
        name="Nakuru PMTCT clinic",
        country=data.world.kenya,
        parent=hospital,
        path=f"{hospital.path}/NakuruPmtct",
        level=hospital.level + 1,
    )
    client = data.world.client_for("kim")
    assert "Nakuru PMTCT clinic" not in client.get(charts_url(data)).content.decode()  # below the list
    base = {"indicator": data.indicator.pk, "rules": "anhoej", "periods": "Monthly"}
    for code in ("KE_NOWHERE", data.jacmel.code):  # unknown, or a place of another country
        refused = client.post(charts_url(data), {**base, "org_unit_code": code})
        assert refused.status_code == 400 and "has the code or UID" in refused.content.decode()
        assert code in refused.content.decode()  # what was typed is shown again
    nothing = client.post(charts_url(data), base)
    assert nothing.status_code == 400 and "give a facility" in nothing.content.decode()
    assert client.post(charts_url(data), {**base, "org_unit_code": " KE_NAK_PMTCT "}).status_code == 302
    assert client.post(charts_url(data), {**base, "org_unit_code": clinic.uid}).status_code == 302
    assert list(CaseStudyChart.objects.values_list("org_unit__uid", flat=True)) == [clinic.uid, clinic.uid]


def test_an_implausible_value_on_a_case_studys_chart_is_explained_under_it_as_on_the_chart_page(data):
    from qicop.indicators.models import DataValue

    add_chart(data)
    month = data.periods[-3]
    DataValue.objects.filter(data_element__uid="VlSupp0001a", period__dhis2_id=month).update(
        value="112", numeric=112
    )  # more suppressed than the 100 tested, as an earlier import let through
    kim = page(data, "kim")
    assert "1 implausible value left out of the chart" in kim
    assert "112 of 100 — the numerator is larger than the denominator" in kim
    assert "/n/vln/data/quality/?country=KE" in kim  # Kim, a Kenyan member, may see Kenya's list
