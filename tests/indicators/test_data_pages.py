"""The data pages: upload with progress and summary, completeness grid, publication."""

import json
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qicop.indicators.models import DataImport, DataValue, Publication


def upload(client, content, name="values.json", **fields):
    data = {
        "file": SimpleUploadedFile(name, content.encode()),
        "strategy": "CREATE_AND_UPDATE",
        "id_scheme": "UID",
        **fields,
    }
    return client.post("/n/vln/data/import/", data)


def values_json(*values):
    return json.dumps(
        {
            "dataValues": [
                {"dataElement": de, "period": pe, "orgUnit": ou, "value": v} for de, pe, ou, v in values
            ]
        }
    )


def test_an_upload_runs_in_the_background_and_shows_its_summary(data):
    client = data.world.client_for("dan")
    response = upload(client, values_json(("VlTested01a", "202401", "NakuruHosp1", "5")))
    data_import = DataImport.objects.get()
    assert response["Location"] == f"/n/vln/data/imports/{data_import.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "<h2>Imported</h2>" in page and "<strong>1</strong> imported" in page
    assert DataValue.objects.count() == 1
    assert data_import.file.name.startswith("imports/")


def test_the_upload_form_checks_by_default_and_stores_nothing(data):
    client = data.world.client_for("dan")
    page = client.get("/n/vln/data/import/").content.decode()
    assert 'name="dry_run"' in page and "checked" in page.split('name="dry_run"')[1].split(">")[0]
    upload(client, values_json(("VlTested01a", "202401", "NakuruHosp1", "5")), dry_run="on")
    assert not DataValue.objects.exists()


def test_conflicts_are_listed_and_downloadable(data):
    client = data.world.client_for("dan")
    response = upload(
        client,
        values_json(
            ("VlTested01a", "202401", "NakuruHosp1", "1+2"),
            ("NoSuchDeUid", "202401", "NakuruHosp1", "1"),
            ("VlTested01a", "202401", "=HYPERLINK(1)", "1"),
        ),
    )
    page = client.get(response["Location"]).content.decode()
    assert "E7619" in page and "E7610" in page
    download = client.get(response["Location"] + "conflicts.csv")
    csv_text = b"".join(download.streaming_content).decode("utf-8-sig")  # streamed, from the import's file
    assert "E7610,NoSuchDeUid,dataElement" in csv_text
    assert "E7612,'=HYPERLINK(1),orgUnit" in csv_text  # a spreadsheet shows it, never runs it


def test_a_file_that_is_not_a_data_file_gets_a_clear_error(data):
    client = data.world.client_for("dan")
    response = upload(client, "this is not json", name="values.json")
    page = client.get(response["Location"]).content.decode()
    assert "could not be read" in page


def test_an_oversized_upload_is_refused_and_the_form_redisplayed(data, settings):
    settings.QICOP_IMPORT_MAX_BYTES = 10
    response = upload(
        data.world.client_for("dan"), values_json(("VlTested01a", "202401", "NakuruHosp1", "5"))
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not DataImport.objects.exists()


def test_people_see_only_their_own_imports_and_coordinators_all(data):
    upload(data.world.client_for("dan"), values_json(("VlTested01a", "202401", "NakuruHosp1", "5")))
    data_import = DataImport.objects.get()
    assert data.world.client_for("faith").get(f"/n/vln/data/imports/{data_import.pk}/").status_code == 404
    assert data.world.client_for("carla").get(f"/n/vln/data/imports/{data_import.pk}/").status_code == 200
    assert "values.json" not in data.world.client_for("kim").get("/n/vln/data/imports/").content.decode()


def test_the_completeness_grid_counts_values_per_country_and_month(data):
    from django.utils import timezone

    from qicop.indicators.importer import ImportOptions, import_data_values
    from qicop.indicators.periods import period_name
    from qicop.integrations.dhis2.periods import period_of
    from qicop.integrations.dhis2.rows import DataValueRow

    month = period_of("Monthly", timezone.localdate()).previous().id
    import_data_values(
        actor=data.world.carla.user,
        options=ImportOptions(),
        rows=[
            DataValueRow("VlTested01a", month, "NakuruHosp1", value="1"),
            DataValueRow("VlSupp0001a", month, "NakuruHosp1", value="1", index=1),
        ],
    )
    client = data.world.client_for("carla")
    client.get("/n/vln/data/completeness/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/n/vln/data/completeness/").content.decode()
    assert f'<th scope="col">{period_name(month)}</th>' in page  # "Nov 2026", not "202611"
    assert f">{month}<" not in page
    # The one axe violation seen: a table that scrolls sideways is in a region a keyboard can focus.
    assert re.search(
        r'<div class="table-wrap[^"]*" role="region" tabindex="0" aria-labelledby="[^"]+"><table>', page
    )
    assert "<td>2</td>" in page
    assert len(queries) <= 10


def test_a_focal_point_publishes_a_period_of_their_country(data):
    client = data.world.client_for("faith")
    page = client.get("/n/vln/data/publish/").content.decode()
    assert '<option value="KE"' in page and '<option value="HT"' not in page
    response = client.post("/n/vln/data/publish/", {"country": "KE", "period": "2024Q1"})
    assert response.status_code == 302
    assert Publication.objects.get().period.dhis2_id == "2024Q1"


def test_the_publish_form_offers_the_months_with_values_and_their_quarter_and_year_by_name(data):
    from django.utils import timezone

    from qicop.indicators.importer import ImportOptions, import_data_values
    from qicop.indicators.periods import period_name
    from qicop.integrations.dhis2.periods import period_of
    from qicop.integrations.dhis2.rows import DataValueRow

    month = period_of("Monthly", timezone.localdate()).previous()
    older = month.previous().previous()
    import_data_values(
        actor=data.world.carla.user,
        options=ImportOptions(),
        rows=[
            DataValueRow("VlTested01a", p.id, "NakuruHosp1", value="1", index=i)
            for i, p in enumerate((month, older))
        ],
    )
    page = data.world.client_for("faith").get("/n/vln/data/publish/").content.decode()
    offered = re.findall(r'<option value="([^"]+)"( selected)?>([^<]+)</option>', page)
    periods = [(value, selected, text) for value, selected, text in offered if value not in ("KE",)]
    quarters = {period_of("Quarterly", p.start) for p in (month, older)}
    years = {period_of("Yearly", p.start) for p in (month, older)}
    assert periods[:2] == [
        (month.id, " selected", period_name(month.id)),
        (older.id, "", period_name(older.id)),
    ]
    # A quarter or a year is offered once it has ended: publishing it sooner would publish months to come.
    for longer in quarters | years:
        assert ((longer.id, "", period_name(longer.id)) in periods) == (longer.end <= month.end)
    assert month.previous().id not in [value for value, _s, _t in periods]  # no values: nothing to publish
    assert all(text != value for value, _s, text in periods if value not in {y.id for y in years})


def test_a_focal_point_sees_which_periods_are_published_already(data):
    from django.utils import timezone

    from qicop.indicators.importer import ImportOptions, import_data_values
    from qicop.indicators.periods import period_name
    from qicop.integrations.dhis2.periods import period_of
    from qicop.integrations.dhis2.rows import DataValueRow

    month = period_of("Monthly", timezone.localdate()).previous()
    older = month.previous()
    import_data_values(
        actor=data.world.carla.user,
        options=ImportOptions(),
        rows=[
            DataValueRow("VlTested01a", p.id, "NakuruHosp1", value="1", index=i)
            for i, p in enumerate((month, older))
        ],
    )
    client = data.world.client_for("faith")
    client.post("/n/vln/data/publish/", {"country": "KE", "period": older.id})
    page = client.get("/n/vln/data/publish/").content.decode()
    assert f'<option value="{older.id}">{period_name(older.id)} (published)</option>' in page
    assert f">{period_name(month.id)}</option>" in page


def test_a_years_value_offers_the_months_of_the_year_that_have_ended_not_those_to_come(data):
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from qicop.core.i18n import reader_zone
    from qicop.indicators.importer import ImportOptions, import_data_values
    from qicop.integrations.dhis2.periods import period_of, periods_between
    from qicop.integrations.dhis2.rows import DataValueRow

    # The months that have ended where Faith reads (Nairobi): at a month's last half hour in UTC, Nairobi
    # is already in the next month.
    today = timezone.localdate(timezone=ZoneInfo(reader_zone(data.world.faith)))
    year = period_of("Yearly", today)
    import_data_values(
        actor=data.world.carla.user,
        options=ImportOptions(),
        rows=[DataValueRow("VlTested01a", year.id, "NakuruHosp1", value="1")],
    )
    page = data.world.client_for("faith").get("/n/vln/data/publish/").content.decode()
    offered = set(re.findall(r'<option value="(\d{6})"', page))
    assert offered == {m.id for m in periods_between("Monthly", year.start, today) if m.end < today}


def test_a_publication_is_confirmed_with_the_periods_name(data):
    from qicop.indicators.periods import period_name

    response = data.world.client_for("faith").post(
        "/n/vln/data/publish/", {"country": "KE", "period": "2024Q1"}, follow=True
    )
    assert f"Kenya: {period_name('2024Q1')} is now visible to the whole network." in response.content.decode()
    assert period_name("2024Q1") != "2024Q1"


def test_publishing_a_bad_period_says_why(data):
    response = data.world.client_for("faith").post(
        "/n/vln/data/publish/", {"country": "KE", "period": "2024Q7"}
    )
    assert response.status_code == 400
    assert "2024Q7" in response.content.decode()
    assert not Publication.objects.exists()


def test_uploaded_files_are_kept_where_no_web_server_serves_them(data, settings):
    from pathlib import Path

    upload(data.world.client_for("dan"), values_json(("VlTested01a", "202401", "NakuruHosp1", "5")))
    stored = Path(DataImport.objects.get().file.path)
    assert stored.is_relative_to(settings.PRIVATE_ROOT)
    assert not stored.is_relative_to(settings.MEDIA_ROOT)


def test_definitions_read_as_data_element_names_with_the_codes_on_a_detail_line(data):
    from qicop.indicators.models import IndicatorMapping, NetworkIndicator

    indicator = NetworkIndicator.objects.create(
        network=data.world.network, code="vls", name="Viral suppression"
    )
    IndicatorMapping.objects.create(
        network_indicator=indicator,
        country=data.world.kenya,
        numerator="#{VlSupp0001a.CocFemale01}",
        denominator="#{VlTested01a}",
    )
    client = data.world.client_for("kim")
    client.get("/n/vln/data/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/n/vln/data/").content.decode()
    row = re.search(r"<tr><th scope=\"row\">Kenya</th>.*?</tr>", page, re.S).group(0)
    assert "[Viral load suppressed, Female]" in row and "[Viral load tested]" in row
    assert "<code>#{VlSupp0001a.CocFemale01}</code>" in row  # for data managers, on its own small line
    assert re.sub(r"<code>.*?</code>", "", row).count("#{") == 0
    assert len(queries) <= 11  # the names of every mapping's elements and combos: two queries in all


def test_the_imports_list_writes_when_each_import_was_made_by_the_one_formatter(data):
    from zoneinfo import ZoneInfo

    from django.utils import timezone, translation

    from qicop.core.i18n import reader_zone
    from qicop.core.when import when

    data.world.dan.user.language = "pt"
    data.world.dan.user.save()
    client = data.world.client_for("dan")
    upload(client, values_json(("VlTested01a", "202401", "NakuruHosp1", "5")))
    made = DataImport.objects.get().created_at
    with translation.override("pt"), timezone.override(ZoneInfo(reader_zone(data.world.dan))):
        written = when(made, "datetime")
    assert f"<td>{written}</td>" in client.get("/n/vln/data/imports/").content.decode()
