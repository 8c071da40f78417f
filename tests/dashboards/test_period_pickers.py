"""People pick periods by name on the chart and comparison pages; ids stay the values sent."""

import re

from test_chart_page import data, url  # noqa: F401 - the fixture

from qicop.charts.axes import axis_labels
from qicop.dashboards.models import ChartSettings


def period_name(period_id: str) -> str:
    return axis_labels([period_id])[0]  # "Mar 2024": the charts' own label


def options(page: str, name: str) -> list[tuple[str, str]]:
    """(value, visible text) of a select's options."""
    select = re.search(
        rf'<select name="{name}".*?</select>|<select id="{name}" name="{name}">.*?</select>', page, re.S
    )
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(0))


def test_the_phase_field_lists_the_charts_periods_by_name_to_tick(data):  # noqa: F811
    page = data.world.client_for("dan").get(url(data)).content.decode()
    form = page[page.index('name="form" value="settings"') :]
    form = form[: form.index("</form>")]
    ticks = re.findall(
        r'<input type="checkbox" name="phase_starts" value="(\w+)"[^>]*>\s*([^<]+?)\s*</label>', form
    )
    assert [value for value, _text in ticks] == data.periods
    assert [text for _value, text in ticks] == [period_name(p) for p in data.periods]
    assert not re.search(r"\b20\d{4}\b", re.sub(r'value="\w+"|id="[^"]*"|for="[^"]*"', "", form))


def test_a_data_manager_ticks_two_phases_by_name(data):  # noqa: F811
    chosen = [data.periods[12], data.periods[20]]
    response = data.world.client_for("dan").post(url(data), {"form": "settings", "phase_starts": chosen})
    assert response.status_code == 302
    assert ChartSettings.objects.get().phase_starts == chosen


def test_period_ids_separated_by_commas_are_still_read(data):  # noqa: F811
    text = f"{data.periods[12]}, {data.periods[20]}"
    data.world.client_for("dan").post(url(data), {"form": "settings", "phase_starts": text})
    assert ChartSettings.objects.get().phase_starts == [data.periods[12], data.periods[20]]


def test_a_period_outside_the_chart_is_refused_and_named(data):  # noqa: F811
    client = data.world.client_for("dan")
    response = client.post(url(data), {"form": "settings", "phase_starts": "201001"}, follow=True)
    assert not ChartSettings.objects.exists()
    assert "Not a period of this chart: Jan 2010" in response.content.decode()


def test_the_note_form_lists_periods_by_name_latest_first(data):  # noqa: F811
    page = data.world.client_for("dan").get(url(data)).content.decode()
    assert options(page, "period")[:2] == [
        (data.periods[-1], period_name(data.periods[-1])),
        (data.periods[-2], period_name(data.periods[-2])),
    ]


def test_the_comparison_lists_its_periods_by_name(data):  # noqa: F811
    page = data.world.client_for("kim").get("/n/vln/compare/vl-suppression/").content.decode()
    listed = options(page, "period")
    assert listed[0] == (data.periods[-1], period_name(data.periods[-1]))
    assert all(value != text for value, text in listed)


def test_the_numbers_behind_the_chart_are_grouped_as_people_write_them(data):  # noqa: F811
    from qicop.indicators.importer import ImportOptions, import_data_values
    from qicop.integrations.dhis2.rows import DataValueRow

    rows = [
        DataValueRow("VlTested01a", data.periods[-1], "NakuruHosp1", value="12500"),
        DataValueRow("VlSupp0001a", data.periods[-1], "NakuruHosp1", value="11250", index=1),
    ]
    import_data_values(actor=data.world.carla.user, rows=rows, options=ImportOptions())
    page = data.world.client_for("kim").get(url(data)).content.decode()
    assert "<td>11,250</td><td>12,500</td>" in page  # not "11250": a count as people read it
    data.world.kim.user.language = "fr"  # French readers group with a (narrow) space
    data.world.kim.user.save()
    french = data.world.client_for("kim").get(url(data)).content.decode()
    assert re.search(r"<td>11\s250</td><td>12\s500</td>", french)
