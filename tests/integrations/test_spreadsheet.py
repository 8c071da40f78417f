"""The no-DHIS2 spreadsheet template (CSV/XLSX) and the people exports (numbers as numbers, no formulas)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from qicop.integrations import spreadsheet as sp
from qicop.integrations.errors import FormatError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "spreadsheet"
HEADER = ["org_unit", "period", "indicator_or_data_element", "value", "numerator", "denominator", "comment"]


def csv_rows(name: str) -> list[sp.TemplateRow]:
    with (FIXTURES / name).open("rb") as f:
        return list(sp.read_csv(f))


def xlsx(tmp_path: Path, rows: list[list], name: str = "template.xlsx") -> Path:
    """Write rows to a fresh workbook the way a person filling the template would."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def xlsx_rows(path: Path) -> list[sp.TemplateRow]:
    with path.open("rb") as f:
        return list(sp.read_xlsx(f))


# -------------------------------------------------------------------------------------------------- reading


def test_csv_template_reads_values_and_ratios_skipping_blank_and_unfilled_rows():
    rows = csv_rows("template-kenya.csv")
    assert rows == [
        sp.TemplateRow("KE-NBO-001", "202403", "TX_CURR", value="1250", index=0, line=2),
        sp.TemplateRow(
            "KE-NBO-001", "202403", "VL_SUPP", numerator="183", denominator="200",
            comment="first quarter with VL machine", index=1, line=3,
        ),
        sp.TemplateRow(
            "KE-NBO-002", "2024Q1", "TX_NEW", value="12", category_option_combo="F_15_24", index=2, line=5
        ),
    ]  # fmt: skip


def test_semicolon_csv_and_code_header_alias_are_understood():
    assert csv_rows("template-semicolon.csv") == [
        sp.TemplateRow(
            "HT-OUE-01", "2024", "RET12", value="87,5", comment="virgule décimale", index=0, line=2
        )
    ]


def test_row_with_both_value_and_numerator_names_row_and_column():
    with pytest.raises(FormatError) as err:
        csv_rows("value-and-numerator.csv")
    assert err.value.message == "row 2: give either value or numerator + denominator, not both"
    assert (err.value.line, err.value.column, err.value.index) == (2, 5, 0)


def test_missing_required_column_is_reported_on_the_header_line():
    with pytest.raises(FormatError) as err:
        csv_rows("missing-code-column.csv")
    assert err.value.message.startswith("the header has no 'indicator_or_data_element' column")
    assert err.value.line == 1


def test_header_without_any_value_column_is_refused():
    with pytest.raises(FormatError, match="needs a 'value' column or 'numerator' and 'denominator'"):
        list(sp.read_csv(io.StringIO("org_unit,period,code,numerator\nA,202403,X,1\n")))


def test_numerator_without_denominator_names_the_missing_column():
    text = "org_unit,period,code,value,numerator,denominator\nA,202403,X,,4,\n"
    with pytest.raises(FormatError) as err:
        list(sp.read_csv(io.StringIO(text)))
    assert err.value.message == "row 2: denominator is empty; numerator and denominator go together"
    assert err.value.column == 6


def test_empty_required_cell_names_row_and_column():
    with pytest.raises(FormatError) as err:
        list(sp.read_csv(io.StringIO("org_unit,period,code,value\nA,,X,3\n")))
    assert (err.value.message, err.value.line, err.value.column) == ("row 2: period is empty", 2, 2)


def test_empty_file_is_refused():
    with pytest.raises(FormatError, match="no header row"):
        list(sp.read_csv(io.BytesIO(b"")))


def test_xlsx_numbers_stay_numbers_and_whole_floats_lose_their_point_zero(tmp_path):
    path = xlsx(tmp_path, [
        HEADER,
        ["KE-NBO-001", 202403, "TX_CURR", 12.0, None, None, None],
        ["KE-NBO-001", "202403", "VL_SUPP", None, 183, 200.0, "ok"],
        ["KE-NBO-001", "2024Q1", "RET12", 87.5, None, None, None],
        [None, None, None, None, None, None, None],
        ["KE-NBO-002", 2024, "TX_NEW", 0, None, None, None],
    ])  # fmt: skip
    rows = xlsx_rows(path)
    assert [(r.period, r.code, r.value, r.numerator, r.denominator, r.line) for r in rows] == [
        ("202403", "TX_CURR", "12", None, None, 2),
        ("202403", "VL_SUPP", None, "183", "200", 3),
        ("2024Q1", "RET12", "87.5", None, None, 4),
        ("2024", "TX_NEW", "0", None, None, 6),
    ]
    assert [r.index for r in rows] == [0, 1, 2, 3]


def test_xlsx_date_in_the_period_column_asks_for_a_dhis2_period_id(tmp_path):
    path = xlsx(tmp_path, [HEADER, ["KE-NBO-001", datetime(2024, 3, 1), "TX_CURR", 5, None, None, None]])
    with pytest.raises(FormatError) as err:
        xlsx_rows(path)
    assert err.value.message == (
        "row 2: the period must be a DHIS2 period id like 202403 (text), not a date (2024-03-01); "
        "format the column as text"
    )
    assert (err.value.line, err.value.column) == (2, 2)


def test_xlsx_row_with_both_value_and_ratio_is_refused(tmp_path):
    path = xlsx(tmp_path, [HEADER, ["A", "202403", "X", 1, 2, 3, None]])
    with pytest.raises(FormatError, match="row 2: give either value or numerator"):
        xlsx_rows(path)


def test_file_that_is_not_xlsx_is_a_format_error():
    with pytest.raises(FormatError, match="not an XLSX workbook"):
        list(sp.read_xlsx(io.BytesIO(b"org_unit,period\n")))


# -------------------------------------------------------------------------------------------------- template


def test_generated_template_lists_every_combination_and_reads_back_as_nothing_to_import(tmp_path):
    path = tmp_path / "empty.xlsx"
    with path.open("wb") as f:
        count = sp.write_template_xlsx(
            f, ["KE-NBO-001", "KE-NBO-002"], ["TX_CURR", "VL_SUPP"], ["202401", "202402"]
        )
    assert count == 8
    assert xlsx_rows(path) == []  # nothing filled in yet
    workbook = load_workbook(path)
    sheet = workbook["data"]
    assert [c.value for c in sheet[1]] == list(sp.COLUMNS)
    assert [c.value for c in sheet[2]][:3] == ["KE-NBO-001", "202401", "TX_CURR"]
    assert (sheet["B2"].data_type, sheet["B2"].number_format) == ("s", "@")  # the period stays text
    assert sheet.max_row == 9
    assert workbook["instructions"]["A1"].value == "How to fill in this template"


def test_filled_in_template_round_trips_through_the_reader(tmp_path):
    empty = tmp_path / "empty.xlsx"
    with empty.open("wb") as f:
        sp.write_template_xlsx(f, ["KE-NBO-001"], ["TX_CURR", "VL_SUPP"], ["202403"])
    workbook = load_workbook(empty)
    sheet = workbook["data"]
    sheet["D2"] = 1250
    sheet["E3"], sheet["F3"] = 183, 200
    workbook.save(tmp_path / "filled.xlsx")
    assert xlsx_rows(tmp_path / "filled.xlsx") == [
        sp.TemplateRow("KE-NBO-001", "202403", "TX_CURR", value="1250", index=0, line=2),
        sp.TemplateRow(
            "KE-NBO-001", "202403", "VL_SUPP", numerator="183", denominator="200", index=1, line=3
        ),
    ]


# ------------------------------------------------------------------------------------------- people exports

DANGEROUS = ['=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR"]


def test_people_csv_starts_with_a_byte_order_mark_so_excel_reads_accents():
    out = io.BytesIO()
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    sp.write_people_csv([["Haïti", 3]], text, columns=["country", "n"])
    text.flush()
    assert out.getvalue().startswith(b"\xef\xbb\xbf")
    assert out.getvalue().decode("utf-8-sig").splitlines() == ["country,n", "Haïti,3"]


def test_people_csv_neutralises_formulas_with_a_leading_apostrophe():
    out = io.StringIO()
    sp.write_people_csv([[text] for text in DANGEROUS] + [["plain"]], out, columns=["name"])
    cells = [row[0] for row in csv.reader(io.StringIO(out.getvalue().removeprefix(sp.BOM)))]
    assert cells == ["name"] + ["'" + text for text in DANGEROUS] + ["plain"]


def test_people_csv_writes_numbers_as_numbers():
    out = io.StringIO()
    rows = [{"country": "Kenya", "tx_curr": 1250, "score": Decimal("91.50"), "ratio": 0.25, "negative": -3,
             "day": date(2024, 3, 31), "missing": None, "flag": True}]  # fmt: skip
    assert sp.write_people_csv(rows, out) == 1
    assert out.getvalue().removeprefix(sp.BOM).splitlines() == [
        "country,tx_curr,score,ratio,negative,day,missing,flag",
        "Kenya,1250,91.50,0.25,-3,2024-03-31,,true",  # a real negative number is not neutralised
    ]


def test_people_xlsx_stores_formula_text_as_strings_and_numbers_as_numbers(tmp_path):
    path = tmp_path / "people.xlsx"
    rows = [[text, i, Decimal("2.5")] for i, text in enumerate(DANGEROUS)]
    with path.open("wb") as f:
        assert sp.write_people_xlsx(rows, f, columns=["name", "n", "score"]) == len(DANGEROUS)
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == ["name", "n", "score"]
    names = [sheet.cell(row=r, column=1) for r in range(2, 2 + len(DANGEROUS))]
    assert [c.data_type for c in names] == ["s"] * len(DANGEROUS)  # never "f" (formula)
    assert names[0].value == '=HYPERLINK("http://x")'
    assert [(sheet.cell(row=2, column=2).value, sheet.cell(row=2, column=3).value)] == [(0, 2.5)]
    assert sheet.cell(row=3, column=2).data_type == "n"


def test_people_xlsx_drops_control_characters_that_xlsx_cannot_hold(tmp_path):
    path = tmp_path / "ctrl.xlsx"
    with path.open("wb") as f:
        sp.write_people_xlsx([["bell\x07 here"]], f)
    assert load_workbook(path).active["A1"].value == "bell here"


def test_people_csv_from_mappings_follows_the_given_columns():
    out = io.StringIO()
    sp.write_people_csv([{"b": 2, "a": "=1"}, {"a": "x"}], out, columns=["a", "b"])
    assert out.getvalue().removeprefix(sp.BOM).splitlines() == ["a,b", "'=1,2", "x,"]


def test_people_xlsx_marks_formula_text_with_excels_quote_prefix_and_leaves_other_text_alone(tmp_path):
    """The apostrophe a person would type, kept as Excel keeps it: beside the value, not in it."""
    path = tmp_path / "people.xlsx"
    with path.open("wb") as f:
        sp.write_people_xlsx([[text] for text in DANGEROUS] + [["plain"]], f, columns=["name"])
    sheet = load_workbook(path).active
    cells = [sheet.cell(row=r, column=1) for r in range(2, 3 + len(DANGEROUS))]
    assert [c.quotePrefix for c in cells] == [True] * len(DANGEROUS) + [False]
    assert cells[0].value == DANGEROUS[0]


def test_one_rule_decides_what_looks_like_a_formula_for_csv_and_xlsx():
    assert [sp.looks_like_formula(t) for t in DANGEROUS] == [True] * len(DANGEROUS)
    assert not sp.looks_like_formula("Nakuru =1")
    assert sp.neutralise("-5 patients") == "'-5 patients"
