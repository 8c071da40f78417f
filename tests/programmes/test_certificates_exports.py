"""The register's CSV and XLSX: every coach on the register (in force or lapsed), public fields only, by
country and name; dates as dates; a name that looks like a formula stays text."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from coaches_world import coaches_of
from qicop.network.models import Member

ROOT = "/n/vln/programmes/certified-coaches/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_lists_every_coach_of_the_register_by_country_with_dates_and_stage(world):
    coaches = coaches_of(world)
    rows = csv_rows(world.client_for("olga").get(ROOT + "register.csv"))
    assert rows == [
        {
            "coach": "Henri Haïtien",
            "country_code": "HT",
            "country": "Haiti",
            "certified_on": coaches.henri.decided_on.isoformat(),
            "valid_until": coaches.henri.valid_until.isoformat(),
            "stage_code": "certified",
            "stage": "Certified",
        },
        {
            "coach": "Rose Lapsée",
            "country_code": "HT",
            "country": "Haiti",
            "certified_on": coaches.rose.decided_on.isoformat(),
            "valid_until": coaches.rose.valid_until.isoformat(),
            "stage_code": "lapsed",
            "stage": "Lapsed",
        },
        {
            "coach": "Faith Focal",
            "country_code": "KE",
            "country": "Kenya",
            "certified_on": coaches.faith.decided_on.isoformat(),
            "valid_until": coaches.faith.valid_until.isoformat(),
            "stage_code": "expiring",
            "stage": "Expiring",
        },
    ]


def test_the_csv_keeps_a_formula_looking_name_as_text(world):
    coaches_of(world)
    Member.objects.filter(pk=world.henri.pk).update(full_name='=HYPERLINK("http://evil.example","x")')
    rows = csv_rows(world.client_for("kim").get(ROOT + "register.csv"))
    assert rows[0]["coach"].startswith("'=HYPERLINK")


def test_the_xlsx_holds_the_same_register_under_a_header_in_the_readers_language(world):
    coaches = coaches_of(world)
    Member.objects.filter(pk=world.henri.pk).update(full_name="=1+1")
    world.kim.user.language = "fr"
    world.kim.user.save()
    response = world.client_for("kim").get(ROOT + "register.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    table = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert len(table[0]) == 7 and table[0][2] == "Pays"
    assert [row[0] for row in table[1:]] == ["=1+1", "Rose Lapsée", "Faith Focal"]
    assert book.worksheets[0].cell(row=2, column=1).data_type == "s"  # text, never a formula
    assert table[3][1:3] == ["KE", "Kenya"]
    assert table[3][4].date() == coaches.faith.valid_until


def test_no_download_carries_an_email_a_note_or_a_knowledge_score(world):
    coaches = coaches_of(world)
    coaches.faith.notes = "Private note"
    coaches.faith.save()
    text = world.client_for("olga").get(ROOT + "register.csv").content.decode("utf-8-sig")
    assert "@example.org" not in text and "Private note" not in text
    assert "knowledge" not in text.lower() and ",75" not in text
    header = text.splitlines()[0]
    assert header == "coach,country_code,country,certified_on,valid_until,stage_code,stage"
