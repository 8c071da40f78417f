"""DHIS2 indicator expressions (formats.md §1.8), specified through `qicop.integrations.dhis2.expressions`."""

from __future__ import annotations

import csv
import json
import math
import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qicop.integrations.dhis2.expressions import Expression, ExpressionError, Operand, parse_expression

A, B, C = "aaaaaaaaaa1", "bbbbbbbbbb2", "cccccccccc3"  # data element uids
COC, AOC, K, G = "cocccccccc1", "aocccccccc1", "konstant001", "ougroup0001"


def value_of(expression: str, values: dict[str, float | None] | None = None, **options) -> float | None:
    """Evaluate with data element → value (any combo), missing when absent from ``values``."""
    values = values or {}
    return parse_expression(expression).evaluate(lambda o: values.get(o.data_element), **options)


# --- parsing --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "operand"),
    [
        (f"#{{{A}}}", Operand(A)),
        (f"#{{{A}.{COC}}}", Operand(A, COC)),
        (f"#{{{A}.{COC}.{AOC}}}", Operand(A, COC, AOC)),
        (f"#{{{A}.*}}", Operand(A)),
        (f"#{{{A}.*.{AOC}}}", Operand(A, None, AOC)),
        (f"#{{{A}.{COC}.*}}", Operand(A, COC)),
    ],
)
def test_data_items_name_the_operand_to_fetch_with_none_meaning_any_combo(text, operand):
    assert parse_expression(text).operands() == {operand}


def test_operands_print_back_as_dhis2_items():
    assert str(Operand(A)) == f"#{{{A}}}"
    assert str(Operand(A, None, AOC)) == f"#{{{A}.*.{AOC}}}"
    assert str(Operand(A, COC, AOC)) == f"#{{{A}.{COC}.{AOC}}}"


def test_operands_constants_and_groups_are_collected_once_each():
    expression = parse_expression(f"#{{{A}}} + #{{{A}}} * C{{{K}}} - OUG{{{G}}} + #{{{B}.{COC}}} / C{{{K}}}")
    assert expression.operands() == {Operand(A), Operand(B, COC)}
    assert expression.constants() == {K}
    assert expression.org_unit_groups() == {G}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),
        ("12 / 3 / 2", 2),
        ("7 % 4", 3),
        ("-2 ^ 2", -4),
        ("2 ^ 3 ^ 2", 512),
        ("2 ^ -1", 0.5),
        ("- -3", 3),
        ("+3", 3),
        ("1.5e2 + .5", 150.5),
        ("1 + 2 < 4", 1),
        ("3 >= 3 == 1", 1),
        ("1 < 2 && 2 < 1 || 1", 1),
        ("1 || 0 && 0", 1),
        ("!0 + 1", 2),
        ("!(2 > 1)", 0),
        ("2 != 2", 0),
        ("true && !false", 1),
    ],
)
def test_operators_follow_the_usual_precedence(text, expected):
    assert value_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("if(1 > 0, 10, 20)", 10),
        ("if(0, 10, 20)", 20),
        (f"isNull(#{{{A}}}) + #{{{B}}}", 1 + 5),
        (f"isNotNull(#{{{B}}})", 1),
        (f"firstNonNull(#{{{A}}}, #{{{B}}}, 7)", 5),
        (f"greatest(#{{{B}}}, 9, -1)", 9),
        (f"least(#{{{B}}}, #{{{A}}}, 9)", 5),  # the missing operand is skipped, not taken as 0
    ],
)
def test_functions_see_missing_values_as_null(text, expected):
    assert value_of(text, {B: 5}) == expected


def test_days_constants_and_org_unit_group_counts_take_the_values_given():
    expression = f"#{{{A}}} / [days] * C{{{K}}} + OUG{{{G}}}"
    assert value_of(expression, {A: 62}, days=31, constants={K: 100}, org_unit_groups={G: 3}) == 203


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        (f"C{{{K}}}", "no value was given for the constant"),
        ("[days]", "no number of days"),
        (f"OUG{{{G}}}", "count"),
    ],
)
def test_evaluating_without_a_constant_days_or_group_count_it_needs_is_an_error(text, needs):
    with pytest.raises(ExpressionError, match=needs):
        value_of(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"(#{{{A}}} + #{{{B}}}))", "Unexpected ')' at column 34"),
        ("1 + * 2", "Unexpected '*' at column 5"),
        ("(1 + 2", "Unexpected end of expression at column 7"),
        ("1 $ 2", "Unexpected '$' at column 3"),
        ("1 +\n)", "Unexpected ')' at line 2, column 1"),
        ("", "The expression is empty"),
        ("   ", "The expression is empty"),
        ("#{abc}", "#{abc} at column 1: 'abc' is not a DHIS2 uid"),
        (f"#{{{A}.x}}", "'x' is not a DHIS2 uid"),
        (f"#{{*.{COC}}}", "'*' is not a DHIS2 uid"),
        (f"#{{{A}.{COC}.{AOC}.{AOC}}}", "more than three parts"),
        (f"#{{{A}", "'#{' at column 1 is never closed"),
        (f"2 * C{{{K}", "'C{' at column 5 is never closed"),
        (f"C{{{K}x}}", "is not a DHIS2 uid"),
        (f"#{{deGroup:{A}}}", "data element groups and category option filters are not supported"),
        (f"N{{{A}}}", "indicators (N{…}) are not supported"),
        (f"R{{{A}.REPORTING_RATE}}", "reporting rates"),
        ("foo(1)", "Unknown function 'foo' at column 1: expected one of if, isNull"),
        ("1 + days", "Unknown name 'days' at column 5"),
        ("if(1, 2)", "if() at column 1: takes 3 argument(s), not 2"),
        ("isNull(1, 2)", "takes 1 argument"),
        ("greatest()", "takes at least 1 argument"),
    ],
)
def test_bad_syntax_is_reported_with_its_position_and_a_clear_message(text, message):
    with pytest.raises(ExpressionError, match=re.escape(message)):
        parse_expression(text)


def test_syntax_errors_carry_their_line_and_column():
    with pytest.raises(ExpressionError) as caught:
        parse_expression("1 +\n 2 )")
    assert (caught.value.line, caught.value.column) == (2, 4)
    assert isinstance(caught.value, ValueError)


def test_whitespace_and_carriage_returns_between_items_are_ignored():
    assert parse_expression(f"#{{{A}}}+\r #{{{B}}}") == parse_expression(f"#{{{A}}} + #{{{B}}}")


def test_parsed_expressions_are_immutable_and_cached():
    expression = parse_expression(f"#{{{A}}} + 1")
    assert parse_expression(f"#{{{A}}} + 1") is expression
    assert str(expression) == f"#{{{A}}} + 1"
    with pytest.raises(AttributeError):
        expression.text = "2"


# --- missing values and undefined results ---------------------------------------------------------------


def test_a_missing_operand_counts_as_zero_when_another_is_present():
    assert value_of(f"#{{{A}}} + #{{{B}}}", {A: 4}) == 4
    assert value_of(f"#{{{A}}} - #{{{B}}} * 2", {B: 1}) == -2


def test_the_result_is_none_when_every_operand_is_missing():
    assert value_of(f"#{{{A}}} + #{{{B}}}") is None
    assert value_of(f"#{{{A}}} + 1") is None
    assert value_of(f"isNull(#{{{A}}})") is None
    assert value_of(f"#{{{A}}}", {A: float("nan")}) is None


def test_an_expression_without_data_always_has_a_value():
    assert value_of("1") == 1
    assert value_of("-1") == -1


def test_division_by_zero_is_none_not_infinity():
    assert value_of(f"#{{{A}}} / #{{{B}}}", {A: 3, B: 0}) is None
    assert value_of(f"#{{{A}}} / #{{{B}}} + 1", {A: 3, B: 0}) is None
    assert value_of(f"#{{{A}}} / #{{{B}}}", {A: 3}) is None  # the missing denominator counts as 0
    assert value_of(f"#{{{A}}} % 0", {A: 3}) is None
    assert value_of("0 ^ -1") is None


def test_null_aware_functions_treat_an_undefined_value_as_null():
    assert value_of(f"firstNonNull(#{{{A}}} / 0, 5)", {A: 1}) == 5
    assert value_of(f"isNull(#{{{A}}} / 0)", {A: 1}) == 1


def test_an_overflow_is_undefined():
    assert value_of("10 ^ 400") is None
    assert value_of(f"#{{{A}}} * 1e308 * 10", {A: 1}) is None


def test_if_evaluates_only_the_chosen_branch_for_a_single_value():
    assert value_of(f"if(#{{{A}}} > 0, #{{{A}}}, 1 / 0)", {A: 2}) == 2
    assert value_of(f"if(#{{{A}}} > 0, 1, 2)", {B: 1, A: None}) is None  # A is the only operand


# --- the vectorised path ---------------------------------------------------------------------------------


def test_arrays_are_evaluated_with_nan_as_missing():
    arrays = {A: np.array([1.0, np.nan, 3.0, np.nan]), B: np.array([2.0, 2.0, 0.0, np.nan])}
    result = parse_expression(f"#{{{A}}} / #{{{B}}}").evaluate_arrays(lambda o: arrays[o.data_element])
    np.testing.assert_array_equal(result, [0.5, 0.0, np.nan, np.nan])


def test_array_operands_broadcast_over_org_units_and_periods():
    per_unit = np.array([[1.0], [2.0]])  # 2 org units × 1
    per_period = np.array([10.0, 20.0, 30.0])  # 3 periods
    arrays = {A: per_unit, B: per_period}
    result = parse_expression(f"#{{{A}}} * #{{{B}}} + C{{{K}}}").evaluate_arrays(
        lambda o: arrays[o.data_element], constants={K: 1}
    )
    assert result.shape == (2, 3)
    np.testing.assert_array_equal(result[1], [21.0, 41.0, 61.0])


ITEMS = [f"#{{{A}}}", f"#{{{B}.{COC}}}", f"#{{{C}.*.{AOC}}}", f"C{{{K}}}", "[days]"]


def _expressions():
    leaves = st.one_of(st.sampled_from(ITEMS), st.integers(-3, 5).map(str), st.sampled_from(["0.5", "true"]))

    def extend(children):
        binary = st.tuples(
            children, st.sampled_from(["+", "-", "*", "/", "%", "^", "<", "==", "&&", "||"]), children
        )
        return st.one_of(
            binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            children.map(lambda c: f"-{c}"),
            children.map(lambda c: f"!{c}"),
            st.tuples(children, children, children).map(lambda t: f"if({t[0]}, {t[1]}, {t[2]})"),
            children.map(lambda c: f"isNull({c})"),
            st.lists(children, min_size=1, max_size=3).flatmap(
                lambda args: st.sampled_from(["firstNonNull", "greatest", "least"]).map(
                    lambda name: f"{name}({', '.join(args)})"
                )
            ),
        )

    return st.recursive(leaves, extend, max_leaves=8)


cells = st.one_of(st.none(), st.integers(-4, 4).map(float), st.floats(-1e3, 1e3, allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(_expressions(), st.lists(st.tuples(cells, cells, cells), min_size=1, max_size=6))
def test_the_scalar_and_array_paths_agree(text, rows):
    expression = parse_expression(text)
    operands = sorted(expression.operands(), key=str)
    columns = {
        op: np.array([np.nan if row[i] is None else row[i] for row in rows]) for i, op in enumerate(operands)
    }
    options = {"constants": {K: 2.5}, "days": 30}
    arrays = expression.evaluate_arrays(columns.__getitem__, **options)
    for index in range(len(rows)):
        scalar = expression.evaluate(lambda op, i=index: _cell(columns[op][i]), **options)
        array_value = float(np.broadcast_to(arrays, (len(rows),))[index])
        if scalar is None:
            assert math.isnan(array_value), text
        else:
            assert math.isclose(scalar, array_value, rel_tol=1e-12, abs_tol=1e-300), text


def _cell(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def test_every_expression_of_the_generator_parses():
    # The property above only means something if generated expressions are valid: check one by hand.
    assert isinstance(parse_expression(f"if(({ITEMS[0]} % -2), firstNonNull({ITEMS[2]}), !true)"), Expression)


# --- the real DHIS2 metadata in shared/formats ------------------------------------------------------------


def _indicators(data: object):
    if isinstance(data, dict):
        if "numerator" in data or "denominator" in data:
            yield data
        for value in data.values():
            yield from _indicators(value)
    elif isinstance(data, list):
        for item in data:
            yield from _indicators(item)


def test_every_numerator_and_denominator_in_the_real_metadata_parses(shared_formats):
    folder = shared_formats / "dhis2-metadata"
    found: list[tuple[str, str]] = []
    for path in sorted(folder.glob("*.json")):
        for indicator in _indicators(json.loads(path.read_text(encoding="utf-8"))):
            found += [(path.name, indicator[key]) for key in ("numerator", "denominator") if key in indicator]
    with (folder / "indicators.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found += [("indicators.csv", row["numerator"]), ("indicators.csv", row["denominator"])]
    assert len(found) >= 40
    assert {name for name, _ in found} >= {
        "indicator.json",
        "indicators.json",
        "metadata.json",
        "indicators.csv",
    }
    for name, text in found:
        expression = parse_expression(text)
        assert all(len(op.data_element) == 11 for op in expression.operands()), (name, text)
        value = expression.evaluate(lambda op: 1.0)
        assert value is not None and math.isfinite(value), (name, text)


def test_periods_and_expressions_import_neither_django_nor_the_rest_of_qicop():
    code = (
        "import sys, qicop.integrations.dhis2.periods, qicop.integrations.dhis2.expressions\n"
        "print(sorted(m for m in sys.modules if m.startswith('django') or "
        "(m.startswith('qicop.') and not m.startswith('qicop.integrations'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_an_expression_nested_too_deep_to_evaluate_is_refused_with_the_reason():
    from qicop.integrations.dhis2.expressions import MAX_DEPTH

    for text in ("-" * 5000 + "1", "1" + "+1" * 50_000):
        with pytest.raises(ExpressionError, match=f"nests more than {MAX_DEPTH} operations"):
            parse_expression(text)
    parse_expression("1" + "+#{fbfJHSPpUQD}" * 250)  # a long sum is fine
    parse_expression("(" * 5000 + "1" + ")" * 5000)  # parentheses alone do not nest the tree
