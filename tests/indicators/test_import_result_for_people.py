"""The import's result as a data manager reads it: problems placed where they are in the file (line numbers
counting the header line; a JSON value's position counted from 1), counted with plurals, every problem of
a line reported, a dry run said to be one, and every message in the reader's language — while DHIS2's
clients still get DHIS2's English answer with its 0-based indexes."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from qicop.accounts.services import create_api_token
from qicop.core.when import when
from qicop.indicators.models import DataImport, DataValue

CSV_HEADER = "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"


def upload(client, content: str, name: str, language: str = "en", **fields):
    data = {
        "file": SimpleUploadedFile(name, content.encode()),
        "strategy": "CREATE_AND_UPDATE",
        "id_scheme": "UID",
        **fields,
    }
    response = client.post("/n/vln/data/import/", data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=language).content.decode()


def values_json(*values):
    rows = [{"dataElement": de, "period": pe, "orgUnit": ou, "value": v} for de, pe, ou, v in values]
    return json.dumps({"dataValues": rows})


def test_a_csv_files_problems_are_placed_by_line_counting_the_header(data):
    content = (
        CSV_HEADER
        + "VlTested01a,202401,NakuruHosp1,,,5\n"
        + "VlTested01a,202401,NoSuchUnit1,,,6\n"
        + "VlTested01a,202402,NoSuchUnit1,,,7\n"
    )
    page = upload(data.world.client_for("dan"), content, "values.csv", store_valid="on")
    assert "lines 3, 4" in page  # the header is line 1, the first value line 2
    summary = DataImport.objects.get().summary
    assert summary["conflicts"][0]["indexes"] == [1, 2]  # DHIS2's answer keeps its 0-based indexes


def test_a_json_files_problems_are_placed_by_the_values_position(data):
    content = values_json(
        ("VlTested01a", "202401", "NakuruHosp1", "5"), ("VlTested01a", "202401", "NoSuchUnit1", "6")
    )
    page = upload(data.world.client_for("dan"), content, "values.json", store_valid="on")
    assert "value 2" in page and "value 1," not in page


def test_one_conflicting_value_is_counted_in_the_singular(data):
    content = values_json(("VlTested01a", "202401", "NoSuchUnit1", "6"))
    page = upload(data.world.client_for("dan"), content, "values.json")
    assert "1 value has conflicts, so nothing was stored" in page
    assert "1 values" not in page


def test_a_failed_dry_run_says_it_was_a_dry_run(data):
    content = values_json(
        ("VlTested01a", "202401", "NakuruHosp1", "5"), ("VlTested01a", "202401", "NoSuchUnit1", "6")
    )
    page = upload(data.world.client_for("dan"), content, "values.json", dry_run="on")
    summary = DataImport.objects.get().summary
    assert summary["status"] == "ERROR" and summary["importOptions"]["dryRun"] is True
    assert summary["description"].startswith("Dry run: nothing was stored.")
    assert "Dry run of the import of values.json" in page
    assert "Dry run: the file cannot be imported as it is" in page
    assert not DataValue.objects.exists()


def test_every_unknown_identifier_of_a_line_is_reported_not_only_the_first(data):
    content = values_json(("NoSuchDe001", "202401", "NoSuchUnit1", "6"))
    page = upload(data.world.client_for("dan"), content, "values.json", store_valid="on")
    conflicts = DataImport.objects.get().summary["conflicts"]
    assert {(c["errorCode"], c["object"]) for c in conflicts} == {
        ("E7610", "NoSuchDe001"),
        ("E7612", "NoSuchUnit1"),
    }
    assert "NoSuchDe001" in page and "NoSuchUnit1" in page


def test_the_conflicts_are_said_in_the_readers_language(data):
    content = values_json(
        ("VlTested01a", "202401", "NoSuchUnit1", "6"), ("VlTested01a", "202401", "NakuruHosp1", "many")
    )
    page = upload(data.world.client_for("dan"), content, "values.json", language="fr", store_valid="on")
    with translation.override("fr"):
        unit = translation.gettext("Organisation unit not found or not accessible: %(id)s") % {
            "id": "NoSuchUnit1"
        }
        numeric = translation.gettext("Data value is not numeric")
    assert unit.startswith("Unité d'organisation") and unit in page.replace("&#x27;", "'")
    assert numeric.startswith("La valeur") and numeric in page.replace("&#x27;", "'")
    assert "not found or not accessible" not in page
    # The stored answer, which DHIS2's clients read, stays in DHIS2's English.
    summary = DataImport.objects.get().summary
    assert "Organisation unit not found or not accessible: NoSuchUnit1" in [
        c["value"] for c in summary["conflicts"]
    ]


def test_the_api_answers_dhis2s_english_conflicts_to_a_french_client_without_our_texts(data):
    secret = create_api_token(user=data.world.dan.user, name="script")[1]
    body = values_json(("VlTested01a", "202401", "NoSuchUnit1", "6"))
    response = data.world.client_for("anonymous").post(
        "/api/dataValueSets",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"ApiToken {secret}",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    answer = response.json()
    assert "qicopTexts" not in json.dumps(answer)
    [conflict] = answer["response"]["conflicts"]
    assert conflict["value"] == "Organisation unit not found or not accessible: NoSuchUnit1"
    assert conflict["indexes"] == [0]
    assert answer["response"]["description"].startswith("1 value has conflicts")


def test_the_command_line_places_problems_by_line_and_its_json_is_dhis2s(data, tmp_path):
    path = tmp_path / "values.csv"
    path.write_text(CSV_HEADER + "VlTested01a,202401,NoSuchUnit1,,,6\n")
    out = io.StringIO()
    with pytest.raises(CommandError):  # an ERROR summary fails the command, after printing it
        call_command("import", str(path), "--user", "dan@example.org", "--dry-run", stdout=out)
    printed = out.getvalue()
    assert "(dry run)" in printed and "Dry run: nothing was stored." in printed
    assert "(line 2)" in printed
    out = io.StringIO()
    with pytest.raises(CommandError):  # an ERROR summary fails the command, after printing it
        call_command("import", str(path), "--user", "dan@example.org", "--json", stdout=out)
    assert "qicopTexts" not in json.loads(out.getvalue())


def test_a_date_in_a_conflict_is_written_by_the_one_formatter_in_the_readers_language(data):
    content = values_json(("VlTested01a", "2999Q1", "NakuruHosp1", "6"))
    page = upload(data.world.client_for("dan"), content, "values.json", language="fr", store_valid="on")
    [conflict] = DataImport.objects.get().summary["conflicts"]
    assert conflict["errorCode"] == "E7641"
    assert not re.search(r"\d{4}-\d{2}-\d{2}", conflict["value"])  # no ISO date in running text
    english_date = conflict["value"].rsplit("up to ", 1)[1]
    day = datetime.strptime(english_date.replace(",", ""), "%b %d %Y").date()
    assert when(day, "date", language="fr") in page
