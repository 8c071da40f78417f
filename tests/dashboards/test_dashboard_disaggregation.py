"""The dashboard filtered by a disaggregation."""

from test_chart_page import data  # noqa: F401 - the fixture

from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import IndicatorMapping
from qicop.integrations.dhis2.rows import DataValueRow


def test_the_dashboard_offers_and_applies_the_disaggregations(data):  # noqa: F811
    mapping = IndicatorMapping.objects.get(network_indicator=data.indicator)
    mapping.numerator, mapping.denominator = "#{TxCurr0001a}", "#{VlTested01a}"
    mapping.save()
    rows = [
        DataValueRow(
            "TxCurr0001a", data.periods[-2], "NakuruHosp1", category_option_combo=combo, value=value, index=i
        )
        for i, (combo, value) in enumerate((("CocFemale01", "60"), ("CocMale0001", "40")))
    ]
    import_data_values(actor=data.world.carla.user, rows=rows, options=ImportOptions())
    client = data.world.client_for("kim")
    total = client.get("/n/vln/dashboard/").content.decode()
    assert 'name="combo"' in total and "Female" in total
    assert ">100.0<" in total
    women = client.get("/n/vln/dashboard/?combo=CocFemale01").content.decode()
    assert ">60.0<" in women
