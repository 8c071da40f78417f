"""Scales, ticks, number formats and x labels that follow the DHIS2 period type."""

from __future__ import annotations

import contextvars
import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from qicop.charts import _text


def identity(text: str) -> str:
    return text


@dataclass(frozen=True)
class Scale:
    """A linear map from data values ``[lo, hi]`` to pixels ``[start, end]`` (``end < start`` for y)."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = self.hi - self.lo or 1.0
        return self.start + (value - self.lo) / span * (self.end - self.start)


def nice_step(span: float, count: int) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``count`` intervals."""
    raw = span / max(count, 1)
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def nice_range(lo: float, hi: float, count: int = 4) -> tuple[float, float, list[float]]:
    """Domain widened to round ticks, and the 4 to 6 ticks themselves."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    if hi - lo < 1e-12:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo, count)
    first, last = math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step
    ticks = [first + i * step for i in range(round((last - first) / step) + 1)]
    if len(ticks) > 6:
        return nice_range(lo, hi, count - 1)
    return first, last, ticks


def decimals_for(step: float) -> int:
    """Decimals needed to tell ticks ``step`` apart."""
    if step <= 0 or not math.isfinite(step):
        return 0
    text = f"{step:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


#: The group and decimal separators of the numbers drawn: the reader's (see :func:`number_separators`).
_SEPARATORS: contextvars.ContextVar[tuple[str, str]] = contextvars.ContextVar(
    "separators", default=(",", ".")
)


@contextmanager
def number_separators(group: str, decimal: str) -> Iterator[None]:
    """Draw the numbers of the charts made inside with the reader's separators: "15 000" and "85,2" for a
    French reader, where English writes "15,000" and "85.2". The charts cannot ask Django for the active
    language; the caller, which can, says it once around the drawing."""
    token = _SEPARATORS.set((group, decimal))
    try:
        yield
    finally:
        _SEPARATORS.reset(token)


def format_value(value: float | None, percent: bool = False, decimals: int | None = None) -> str:
    """A value as people read it, with the separators of :func:`number_separators`; ``percent`` shows
    proportions (0-1) as percentages."""
    if value is None or not math.isfinite(value):
        return "–"
    if percent:
        value *= 100
    if decimals is None:
        size = abs(value)
        decimals = 0 if size >= 100 or float(value).is_integer() else 1 if size >= 10 else 2
        if percent:
            decimals = min(decimals, 1)
    text = f"{value:,.{decimals}f}"
    group, decimal = _SEPARATORS.get()
    if (group, decimal) != (",", "."):
        text = text.replace(",", "\0").replace(".", decimal).replace("\0", group)
    return text + "%" if percent else text


# DHIS2 period ids (formats.md §1.7): the common fixed types, enough to label an axis.
_PATTERNS = (
    ("daily", re.compile(r"^(\d{4})(\d{2})(\d{2})$")),
    ("monthly", re.compile(r"^(\d{4})(\d{2})$")),
    ("quarterly", re.compile(r"^(\d{4})Q([1-4])$")),
    ("six-monthly", re.compile(r"^(\d{4})S([12])$")),
    ("weekly", re.compile(r"^(\d{4})W(\d{1,2})$")),
    ("yearly", re.compile(r"^(\d{4})$")),
)


def parse_period_id(period_id: str) -> tuple[str, tuple[int, ...]] | None:
    """``("monthly", (2024, 3))`` for ``"202403"``; None for ids this module does not label."""
    for kind, pattern in _PATTERNS:
        m = pattern.match(period_id.strip())
        if m:
            parts = tuple(int(g) for g in m.groups())
            if kind in ("monthly", "daily") and not 1 <= parts[1] <= 12:
                return None
            return kind, parts
    return None


def _label(kind: str, parts: tuple[int, ...], show_year: bool, tr: Callable[[str], str]) -> str:
    year = parts[0]
    if kind == "monthly":
        month = tr(_text.MONTHS[parts[1] - 1])
        return f"{month} {year}" if show_year else month
    if kind == "daily":
        day = f"{parts[2]} {tr(_text.MONTHS[parts[1] - 1])}"
        return f"{day} {year}" if show_year else day
    if kind == "quarterly":
        return tr(_text.QUARTER) % {"year": year, "quarter": parts[1]}
    if kind == "six-monthly":
        return tr(_text.HALF) % {"year": year, "half": parts[1]}
    if kind == "weekly":
        return tr(_text.WEEK) % {"year": year, "week": f"{parts[1]:02d}"}
    return str(year)


def axis_labels(period_ids: Sequence[str], translate: Callable[[str], str] = identity) -> list[str]:
    """Short x labels: "Jan 2024", "Feb", ... (the year again when it changes), "2024 Q1", "2024 W05".

    Ids that are not DHIS2 period ids of these types are kept as they are.
    """
    labels, last_year = [], None
    for period_id in period_ids:
        parsed = parse_period_id(str(period_id))
        if parsed is None:
            labels.append(str(period_id))
            last_year = None
            continue
        kind, parts = parsed
        labels.append(_label(kind, parts, parts[0] != last_year, translate))
        last_year = parts[0]
    return labels
