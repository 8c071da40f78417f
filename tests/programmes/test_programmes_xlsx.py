"""The XLSX downloads beside the CSVs (a round's answers, the gap map, a country's results): the same
permissions, a header row in the reader's language, levels as numbers, read back with openpyxl."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from programmes_world import programmes_of
from qicop.programmes.models import AssessmentRound

ROOT = "/n/vln/programmes/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def speaking_french(world, persona):
    member = getattr(world, persona)
    member.user.language = "fr"
    member.user.save()
    return world.client_for(persona)


def test_a_rounds_xlsx_holds_every_answer_and_each_domains_level(world):
    work = programmes_of(world)
    book = workbook(world.client_for("faith").get(ROOT + f"assessments/{work.kenya_2026.pk}/answers.xlsx"))
    answers, domains = book.worksheets
    table = rows(answers)
    assert table[0][:4] == ["Country", "Instrument", "Version", "Year"]
    assert table[0][-4:] == ["Level", "Level definition", "Evidence", "Comment"]
    assert [(r[6], r[8]) for r in table[1:]] == [
        ("leadership-1", 2),
        ("leadership-2", 3),
        ("measurement-1", 2),
        ("measurement-2", 2),
    ]
    assert table[1][0] == "Kenya" and table[1][3] == 2026 and table[1][10] == "Minutes of the committee"
    assert rows(domains)[1:] == [
        ["leadership", "Leadership", 2.5, 2, 2],
        ["measurement", "Measurement", 2, 2, 2],
    ]


def test_a_rounds_xlsx_speaks_the_readers_language(world):
    work = programmes_of(world)
    client = speaking_french(world, "faith")
    book = workbook(client.get(ROOT + f"assessments/{work.kenya_2026.pk}/answers.xlsx"))
    table = rows(book.worksheets[0])
    with translation.override("fr"):
        assert table[0][0] == translation.gettext("Country")
        assert book.sheetnames[0] == translation.gettext("Answers")
    assert table[1][5] == "Leadership (fr)" and table[1][7] == "Leadership question 1 (fr)"
    assert table[1][9] == "Leadership 1, level 2 (fr)"


@pytest.mark.parametrize("persona", ["henri", "olga", "oscar"])
def test_a_draft_of_another_country_is_not_found_as_xlsx(world, persona):
    work = programmes_of(world)
    response = world.client_for(persona).get(ROOT + f"assessments/{work.kenya_2026.pk}/answers.xlsx")
    assert response.status_code == 404


def test_the_gap_map_xlsx_holds_the_map_as_shown_and_the_distribution(world):
    programmes_of(world)
    book = workbook(world.client_for("henri").get(ROOT + "gap-map.xlsx?instrument=national-qm-programme"))
    gaps, levels = book.worksheets
    assert rows(gaps) == [
        ["Country", "Year", "Shared", "Leadership", "Measurement", "Mean"],
        ["Kenya", 2025, "yes", 2.5, 1.5, 2],
        ["Haiti", 2026, "yes", 1.5, 3, 2.25],
    ]
    table = rows(levels)
    assert table[0] == ["Level", "Leadership", "Measurement"]
    assert [r[0] for r in table[1:]] == [0, 1, 2, 3, 4, 5, "no level"]
    assert table[2] == [1, 1, 1]  # at level 1: Haiti in leadership, Kenya in measurement


def test_the_gap_map_xlsx_shows_the_observer_shared_rounds_only_and_the_coordinator_all(world):
    programmes_of(world)
    olga = rows(workbook(world.client_for("olga").get(ROOT + "gap-map.xlsx")).worksheets[0])
    carla = rows(workbook(world.client_for("carla").get(ROOT + "gap-map.xlsx")).worksheets[0])
    assert [r[0] for r in olga[1:]] == ["Kenya", "Haiti"]
    assert "Thailand" in [r[0] for r in carla[1:]]
    assert world.client_for("oscar").get(ROOT + "gap-map.xlsx").status_code == 404
    assert world.client_for("kim").get(ROOT + "gap-map.xlsx?instrument=nope").status_code == 404


def test_without_any_instrument_the_gap_map_xlsx_is_an_empty_sheet(world):
    book = workbook(world.client_for("kim").get(ROOT + "gap-map.xlsx"))
    assert rows(book.worksheets[0]) == [["Country"]]


def test_a_countrys_results_xlsx_holds_every_visible_year_by_domain(world):
    work = programmes_of(world)
    AssessmentRound.objects.filter(pk=work.kenya_2026.pk).update(status=AssessmentRound.Status.LOCKED)
    book = workbook(world.client_for("faith").get(ROOT + "countries/KE/results.xlsx"))
    table = rows(book.worksheets[0])
    assert table[0][2] == "Year" and table[0][-1] == "Change since the year before"
    assert [(r[2], r[4], r[5], r[7], r[8]) for r in table[1:]] == [
        (2025, "yes", "leadership", 2.5, None),
        (2025, "yes", "measurement", 1.5, None),
        (2026, "no", "leadership", 2.5, 0),
        (2026, "no", "measurement", 2, 0.5),
    ]


def test_a_countrys_results_xlsx_leaves_out_what_the_reader_may_not_see(world):
    programmes_of(world)
    henri = rows(workbook(world.client_for("henri").get(ROOT + "countries/TH/results.xlsx")).worksheets[0])
    assert henri[1:] == []
    assert world.client_for("olga").get(ROOT + "countries/KE/results.xlsx").status_code == 403


def test_the_pages_link_to_their_xlsx(world):
    work = programmes_of(world)
    faith = world.client_for("faith")
    assert (
        f"{work.kenya_2026.pk}/answers.xlsx"
        in faith.get(ROOT + f"assessments/{work.kenya_2026.pk}/").content.decode()
    )
    assert "gap-map.xlsx?instrument=national-qm-programme" in faith.get(ROOT + "gap-map/").content.decode()
    assert "countries/KE/results.xlsx" in faith.get(ROOT + "countries/KE/").content.decode()
