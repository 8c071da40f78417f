"""Downloading data from the export page: Excel and CSV for people, DHIS2 formats for systems."""

import io
import re

import openpyxl

from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.integrations.dhis2.rows import DataValueRow


def load(data):
    import_data_values(
        actor=data.world.carla.user,
        options=ImportOptions(),
        rows=[
            DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="120"),
            DataValueRow("VlTested01a", "202401", "NaivashaHC1", value="30", comment="=SUM(A1)", index=1),
            DataValueRow("VlTested01a", "202401", "JacmelHosp1", value="44", index=2),
        ],
    )


def query(fmt, org_unit="KenyaRoot01"):
    return (
        f"/n/vln/data/export/?data_elements=VlTested01a&org_unit={org_unit}&children=on&start=202401"
        f"&end=202403&format={fmt}"
    )


def test_excel_has_names_and_numbers_as_numbers(data):
    load(data)
    response = data.world.client_for("kim").get(query("xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("country", "org_unit", "org_unit_code", "period")
    values = {row[1]: row[6] for row in rows[1:]}
    assert values == {"Nakuru Level 5 Hospital": 120, "Naivasha Health Centre": 30}
    assert all(isinstance(v, int | float) for v in values.values())


def test_people_csv_neutralises_formulas(data):
    load(data)
    response = data.world.client_for("kim").get(query("people-csv"))
    text = b"".join(response.streaming_content).decode()
    assert "'=SUM(A1)" in text


def test_dhis2_formats_download_too(data):
    load(data)
    response = data.world.client_for("carla").get(query("json"))
    assert b'"dataValues"' in b"".join(response.streaming_content)


def test_other_countries_unpublished_values_are_left_out(data):
    load(data)
    response = data.world.client_for("kim").get(query("people-csv", org_unit="HaitiRoot01"))
    assert "Jacmel" not in b"".join(response.streaming_content).decode()


def test_a_bad_period_is_explained_on_the_form(data):
    response = data.world.client_for("kim").get(query("xlsx").replace("start=202401", "start=2024M1"))
    assert response.status_code == 400
    assert "2024M1" in response.content.decode()


# ---------------------------------------------------------------------------------- choosing data elements


def datim_elements(count):
    from qicop.indicators.models import DataElement

    DataElement.objects.bulk_create(
        DataElement(
            uid=f"Datim{n:06d}",
            code=f"DATIM_{n:04d}",
            name=f"AAA DATIM element {n:04d}",  # sorted before the network's own
            category_combo=DataElement.objects.get(uid="VlTested01a").category_combo,
        )
        for n in range(count)
    )


def the_networks_indicator_uses(data, *elements):
    from qicop.indicators.models import IndicatorMapping, NetworkIndicator

    indicator = NetworkIndicator.objects.create(
        network=data.world.network, code="vls", name="Viral suppression"
    )
    IndicatorMapping.objects.create(
        network_indicator=indicator,
        country=data.world.kenya,
        numerator=f"#{{{elements[0]}}}",
        denominator=f"#{{{elements[1]}}}",
    )


def test_the_networks_own_data_elements_are_offered_first_whatever_else_a_country_imported(
    data, django_assert_max_num_queries
):
    datim_elements(3000)
    the_networks_indicator_uses(data, "VlSupp0001a", "VlTested01a")
    client = data.world.client_for("kim")
    with django_assert_max_num_queries(12):
        page = client.get("/n/vln/data/export/").content.decode()
    own = page.index("The network&#x27;s indicators")
    assert own < page.index("Viral load suppressed") < page.index("Other data elements")
    assert 'value="VlTested01a"' in page
    assert "Showing 100 of 3003 other data elements" in page  # said, never silently cut
    assert page.count('name="data_elements"') == 2 + 100


def test_a_search_by_name_or_code_finds_any_data_element_and_keeps_what_was_ticked(data):
    datim_elements(3000)
    client = data.world.client_for("kim")
    page = client.get(
        "/n/vln/data/export/?q=datim_2999&action=search&data_elements=Datim000007&org_unit=KenyaRoot01"
        "&start=202401&end=202403&format=people-csv"
    ).content.decode()
    assert page.count('name="data_elements"') == 2
    assert 'value="Datim002999"' in page
    assert re.search(r'<input[^>]*value="Datim000007"[^>]*checked', page)  # ticked before the search
    assert 'value="202401"' in page  # the rest of the form is kept
    assert 'role="alert"' not in page  # searching is not submitting: no errors yet
    nothing = client.get("/n/vln/data/export/?q=malaria&action=search").content.decode()
    assert "No other data element matches “malaria”." in nothing


def test_the_people_csv_has_a_byte_order_mark_and_says_its_charset(data):
    load(data)
    response = data.world.client_for("kim").get(query("people-csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    assert "Naivasha Health Centre" in body.decode("utf-8-sig")


# ------------------------------------------------------------------------------- what a first visit offers


def selected_options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_a_first_visit_proposes_the_networks_elements_the_readers_country_and_its_months(data):
    load(data)
    the_networks_indicator_uses(data, "VlSupp0001a", "VlTested01a")
    page = data.world.client_for("kim").get("/n/vln/data/export/").content.decode()
    for uid in ("VlSupp0001a", "VlTested01a"):
        assert re.search(rf'<input type="checkbox" name="data_elements" value="{uid}"[^>]*checked', page)
    assert selected_options(page, "org_unit") == ["KenyaRoot01"]
    assert re.search(r'<input type="checkbox" name="children"[^>]*checked', page)
    assert selected_options(page, "start") == ["202401"] and selected_options(page, "end") == ["202401"]
    assert '<option value="202401" selected>Jan 2024</option>' in page  # by name; the id is the value


def test_a_coordinator_is_offered_every_country_at_once(data):
    load(data)
    page = data.world.client_for("carla").get("/n/vln/data/export/").content.decode()
    assert selected_options(page, "org_unit") == ["all"]


def test_every_country_downloads_what_the_reader_may_see_of_each(data):
    load(data)
    response = data.world.client_for("kim").get(query("people-csv", org_unit="all"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Nakuru Level 5 Hospital" in text and "Naivasha Health Centre" in text
    assert "Jacmel" not in text  # Haiti has not published January


def test_organisation_units_are_grouped_by_country_in_name_order(data):
    page = data.world.client_for("kim").get("/n/vln/data/export/").content.decode()
    select = re.search(r'<select name="org_unit"[^>]*>(.*?)</select>', page, re.S).group(1)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [label for label, _options in groups] == ["Haïti", "Kenya"]
    kenya = re.findall(r">([^<]+)</option>", dict(groups)["Kenya"])
    assert kenya == ["Kenya, the whole country", "Nakuru County"]
