"""Every qicharts2 0.8.1 reference case, number by number (spec: numbers 1e-9 relative,
flags and counts exactly, missing exactly where qicharts2 has missing, same errors)."""

from __future__ import annotations

import numpy as np
import pytest
from spc_oracle import COLUMNS, as_float, call_arguments, case_ids, default_x, load

from qicop.analytics.spc import chart

CASES = case_ids()


def test_fixture_index_lists_all_82_cases():
    assert len(CASES) == 82
    assert len(set(CASES)) == 82


def _check_column(name: str, expected: list, actual: np.ndarray) -> None:
    assert len(actual) == len(expected), f"{name}: {len(actual)} rows, qicharts2 has {len(expected)}"
    if name == "x":
        assert [str(v) for v in actual.tolist()] == [str(v) for v in expected]
        return
    if name == "part":
        np.testing.assert_array_equal(actual + 1, expected, err_msg=name)
        return
    if expected and isinstance(next((v for v in expected if v is not None), 0.0), bool):
        np.testing.assert_array_equal(actual.astype(bool), np.array(expected, dtype=bool), err_msg=name)
        return
    want = as_float(expected)
    got = np.asarray(actual, dtype=float)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=f"{name}: missing values differ")
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=0, equal_nan=True, err_msg=name)


def _x_for(case: dict, with_x: bool) -> list:
    return case["output"]["x"] if with_x else list(range(len(case["output"]["x"])))


@pytest.mark.parametrize("case_id", CASES)
def test_chart_matches_qicharts2(case_id):
    case = load(case_id)
    args = call_arguments(case)
    if case.get("error"):
        with pytest.raises(ValueError, match=case["error"]):
            chart(**args)
        return
    result = chart(**args)
    for column, attribute in COLUMNS.items():
        _check_column(column, case["output"][column], getattr(result, attribute))


@pytest.mark.parametrize("case_id", [c for c in CASES if default_x(load(c))])
def test_chart_without_x_matches_qicharts2_when_x_is_the_row_number(case_id):
    case = load(case_id)
    args = call_arguments(case, with_x=False)
    if case.get("error"):
        with pytest.raises(ValueError, match=case["error"]):
            chart(**args)
        return
    result = chart(**args)
    np.testing.assert_array_equal(result.x, np.arange(len(case["output"]["x"])))
    for column, attribute in COLUMNS.items():
        if column != "x":
            _check_column(column, case["output"][column], getattr(result, attribute))
