"""The demo's indicator data: three years, every country, real improvement shifts, loaded by the importer."""

import pytest
from django.db.models import Sum

from qicop.indicators.demo import MONTHS, SHIFTS
from qicop.indicators.models import (
    DataImport,
    DataValue,
    IndicatorMapping,
    NetworkIndicator,
    Period,
    Publication,
)
from qicop.network.models import Country


def rate(periods, country, numerator, denominator):
    values = DataValue.objects.filter(org_unit__country=country, period__in=periods)
    above = values.filter(data_element__code=numerator).aggregate(s=Sum("numeric"))["s"]
    below = values.filter(data_element__code=denominator).aggregate(s=Sum("numeric"))["s"]
    return above / below


@pytest.mark.usefixtures("demo")
@pytest.mark.django_db
class TestDemoData:
    def test_every_country_reports_three_years_of_monthly_facility_data(self):
        months = Period.objects.filter(period_type="Monthly").count()
        assert months == MONTHS
        for country in Country.objects.all():
            per_month = DataValue.objects.filter(org_unit__country=country, period__period_type="Monthly")
            assert per_month.values("period").distinct().count() == MONTHS, country

    def test_the_network_compares_the_three_95s_and_qi_measures_with_each_countrys_mapping(self):
        codes = set(NetworkIndicator.objects.values_list("code", flat=True))
        assert {"first-95", "second-95", "third-95", "retention-12m"} <= codes
        assert IndicatorMapping.objects.filter(network_indicator__code="third-95").count() == 16
        assert IndicatorMapping.objects.exclude(definition_differences="").exists()

    def test_suppression_steps_up_where_a_story_says_it_did_and_stays_level_elsewhere(self):
        months = list(Period.objects.filter(period_type="Monthly").order_by("start_date"))
        first_year, last_year = months[:10], months[-10:]
        raised = {iso2 for iso2, shifts in SHIFTS.items() if any(s.measure == "suppression" for s in shifts)}
        assert raised == {"KE", "ZM", "KH", "VN"}

        for country in Country.objects.all():
            change = rate(last_year, country, "VL_SUPPRESSED", "VL_TESTED") - rate(
                first_year, country, "VL_SUPPRESSED", "VL_TESTED"
            )
            if country.iso2 in raised:
                assert change > 0.03, country
            else:
                assert abs(change) < 0.015, country

    def test_kenyas_retention_has_fallen_in_the_last_months(self):
        months = list(Period.objects.filter(period_type="Monthly").order_by("start_date"))
        kenya = Country.objects.get(iso2="KE")
        before = rate(months[-17:-5], kenya, "RET_12M_N", "RET_12M_D")
        since = rate(months[-5:], kenya, "RET_12M_N", "RET_12M_D")
        assert before - since > 0.07

    def test_most_months_are_published_and_two_countries_lag(self):
        assert Publication.objects.filter(country__iso2="KE").count() >= MONTHS - 1
        assert (
            Publication.objects.filter(country__iso2="PG").count()
            < Publication.objects.filter(country__iso2="KE").count()
        )

    def test_the_data_went_through_the_importer(self):
        assert not DataImport.objects.exists()  # loaded as rows, not as a file
        assert not DataValue.objects.filter(stored_by="").exists()
