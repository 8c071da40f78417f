"""The demo's indicator data: three years, every country, real improvement shifts, loaded by the importer."""

import pytest
from django.db.models import Sum

from qicop.indicators.demo import MONTHS
from qicop.indicators.models import (
    DataImport,
    DataValue,
    IndicatorMapping,
    NetworkIndicator,
    Period,
    Publication,
)
from qicop.network.models import Country


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

    def test_suppression_steps_up_after_each_countrys_change(self):
        months = list(Period.objects.filter(period_type="Monthly").order_by("start_date"))
        first_year, last_year = months[:10], months[-10:]

        def rate(periods, country):
            values = DataValue.objects.filter(org_unit__country=country, period__in=periods)
            suppressed = values.filter(data_element__code="VL_SUPPRESSED").aggregate(s=Sum("numeric"))["s"]
            tested = values.filter(data_element__code="VL_TESTED").aggregate(s=Sum("numeric"))["s"]
            return suppressed / tested

        for country in Country.objects.all():
            assert rate(last_year, country) - rate(first_year, country) > 0.04, country

    def test_most_months_are_published_and_two_countries_lag(self):
        assert Publication.objects.filter(country__iso2="KE").count() >= MONTHS - 1
        assert (
            Publication.objects.filter(country__iso2="PG").count()
            < Publication.objects.filter(country__iso2="KE").count()
        )

    def test_the_data_went_through_the_importer(self):
        assert not DataImport.objects.exists()  # loaded as rows, not as a file
        assert not DataValue.objects.filter(stored_by="").exists()
