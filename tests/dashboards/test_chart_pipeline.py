"""The chart pipeline (dashboards/pipeline.py): the one computation behind every page with an indicator's
chart, its choices, and the one way a drawing is downloaded."""

from unittest import mock

import pytest
from django.utils import timezone, translation

from data_world import DataWorld
from qicop.dashboards import pipeline
from qicop.dashboards.indicator_series import last_periods
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import IndicatorMapping, NetworkIndicator, OrgUnit
from qicop.integrations.dhis2.rows import DataValueRow


@pytest.fixture
def data(world):
    data = DataWorld(world)
    data.indicator = NetworkIndicator.objects.create(
        network=world.network, code="vl-suppression", name="Viral suppression", factor=100, target=95
    )
    IndicatorMapping.objects.create(
        network_indicator=data.indicator,
        country=world.kenya,
        numerator="#{VlSupp0001a}",
        denominator="#{VlTested01a}",
    )
    periods = [p.id for p in last_periods("Monthly", 36, timezone.localdate())]
    rows, index = [], 0
    for m, period in enumerate(periods):
        for element, value in (("VlTested01a", 100), ("VlSupp0001a", 80 + (12 if m >= 20 else 0))):
            rows.append(DataValueRow(element, period, "NakuruHosp1", value=str(value), index=index))
            index += 1
    import_data_values(actor=world.carla.user, rows=rows, options=ImportOptions())
    data.unit = OrgUnit.objects.get(uid="NakuruHosp1")
    return data


def test_options_keep_only_known_values_and_echo_only_the_chart_parameters():
    options = pipeline.ChartOptions.of({"periods": "Weekly", "rules": "ihi", "kind": "run", "next": "//evil"})
    assert (options.period_type, options.rules, options.kind, options.combo) == ("Monthly", "ihi", "run", "")
    assert options.query == "periods=Weekly&rules=ihi&kind=run"
    assert pipeline.ChartOptions.of({}) == pipeline.ChartOptions()


def test_the_choices_are_named_in_the_readers_language():
    with translation.override("fr"):
        assert ("Monthly", "Mois") in pipeline.period_choices()
    assert [code for code, _label in pipeline.rule_set_choices()] == ["anhoej", "ihi", "mdc"]


def test_the_result_holds_what_a_page_shows(data):
    result = pipeline.indicator_chart(data.world.kim.user, data.indicator, data.unit, pipeline.ChartOptions())
    assert len(result.periods) == 36 and result.has_data
    assert result.spc.kind == "p" and "points above the centre line since" in result.summary
    rows = result.rows()
    assert rows[-1]["value"] == pytest.approx(92.0) and rows[0]["numerator"] == 80
    assert result.file_name == f"vl-suppression-{data.unit.code}"


def test_a_reader_who_may_not_see_the_data_gets_a_chart_with_nothing_to_show(data):
    result = pipeline.indicator_chart(
        data.world.henri.user, data.indicator, data.unit, pipeline.ChartOptions()
    )
    assert not result.has_data and result.rows()[-1]["value"] is None


def test_a_drawing_is_made_once_per_size_however_often_it_is_asked_for(data):
    result = pipeline.indicator_chart(data.world.kim.user, data.indicator, data.unit, pipeline.ChartOptions())
    with mock.patch.object(pipeline, "spc_chart", wraps=pipeline.spc_chart) as drawn:
        wide = result.drawing()
        assert result.drawing() is wide
        result.drawing(width=360, height=280)
    assert drawn.call_count == 2


def test_the_chart_page_computes_its_chart_once_and_draws_each_layout_once(data):
    client = data.world.client_for("kim")
    address = "/n/vln/charts/vl-suppression/NakuruHosp1/"
    with (
        mock.patch.object(pipeline, "indicator_series", wraps=pipeline.indicator_series) as computed,
        mock.patch.object(pipeline, "spc_chart", wraps=pipeline.spc_chart) as drawn,
    ):
        assert client.get(address).status_code == 200
        assert (computed.call_count, drawn.call_count) == (1, 2)  # the wide layout and the phones' one
        assert client.get(f"{address}?format=png").status_code == 200
        assert (computed.call_count, drawn.call_count) == (2, 3)


def test_a_chart_page_not_kept_yet_costs_a_bounded_number_of_queries(data, django_assert_max_num_queries):
    client = data.world.client_for("carla")  # a coordinator: the page adds the baseline and note forms
    client.get("/n/vln/")  # session warm-up
    with django_assert_max_num_queries(19):  # 22 before the pipeline
        assert client.get("/n/vln/charts/vl-suppression/NakuruHosp1/").status_code == 200


def test_every_drawing_download_says_its_type_and_names_its_file(data):
    result = pipeline.indicator_chart(data.world.kim.user, data.indicator, data.unit, pipeline.ChartOptions())
    svg = pipeline.drawing_download(result.drawing(), "svg", result.file_name)
    assert svg["Content-Type"] == "image/svg+xml; charset=utf-8" and svg.content.startswith(b"<svg")
    assert svg["Content-Disposition"] == f'attachment; filename="{result.file_name}.svg"'
    png = pipeline.drawing_download(result.drawing(), "png", "funnel")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert png["Content-Disposition"] == 'attachment; filename="funnel.png"'
    with pytest.raises(ValueError, match="not a drawing format"):
        pipeline.drawing_download(result.drawing(), "pdf", "funnel")
