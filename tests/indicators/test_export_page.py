"""Downloading data from the export page: Excel and CSV for people, DHIS2 formats for systems."""

import io

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
