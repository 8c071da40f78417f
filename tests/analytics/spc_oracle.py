"""Load the qicharts2 reference cases in tests/fixtures/spc/ (shared by several test modules)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "spc"

#: qicharts2 column -> ChartResult attribute
COLUMNS = {
    "x": "x",
    "y": "y",
    "n": "n",
    "cl": "cl",
    "lcl": "lcl",
    "ucl": "ucl",
    "lcl.95": "lcl_95",
    "ucl.95": "ucl_95",
    "part": "phase",
    "baseline": "baseline",
    "include": "include",
    "sigma.signal": "sigma_signal",
    "runs.signal": "runs_signal",
    "longest.run": "longest_run",
    "longest.run.max": "longest_run_max",
    "n.crossings": "n_crossings",
    "n.crossings.min": "n_crossings_min",
    "n.obs": "n_obs",
    "n.useful": "n_useful",
}


def case_ids() -> list[str]:
    index = json.loads((FIXTURES / "index.json").read_text())
    return [c["id"] for c in index["cases"]]


def load(case_id: str) -> dict:
    return json.loads((FIXTURES / f"{case_id}.json").read_text())


def as_float(values) -> np.ndarray:
    """JSON numbers to floats: null -> NaN, "Inf"/"-Inf" -> infinities."""
    return np.array([math.nan if v is None else float(v) for v in values], dtype=float)


def call_arguments(case: dict, with_x: bool = True) -> dict:
    """Translate a qic() call into chart() keyword arguments.

    R positions are 1-based: ``exclude`` shifts by one; ``part = k`` ("a new part
    after k subgroups") is the same number as our 0-based "a new phase at index k".
    """
    opts = case["options"]
    inp = case["input"]
    args = {
        "y": inp["y"],
        "n": inp["n"],
        "kind": case["chart"],
        "freeze": opts["freeze"],
        "part": opts["part"],
        "exclude": None if opts["exclude"] is None else [i - 1 for i in opts["exclude"]],
        "cl": opts["cl"],
        "multiply": opts["multiply"],
        "agg": opts["agg.fun"],
        "y_neg": opts["y.neg"],
        "screened_mr": opts["qic.screenedmr"],
    }
    if with_x:
        args["x"] = inp["x"]
    return args


def default_x(case: dict) -> bool:
    """True when the case's x is 1..N, so leaving x out gives the same chart."""
    x = case["input"]["x"]
    return x == list(range(1, len(x) + 1))
