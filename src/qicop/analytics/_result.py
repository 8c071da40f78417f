"""The result of one chart, its signals and a plain-language summary."""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from qicop.analytics import _text
from qicop.analytics._constants import MDC_MIN_POINTS, ihi_runs_limits
from qicop.analytics._signal_rules import UNDIRECTED


@dataclass(frozen=True)
class Finding:
    """One rule that fired in one phase, as facts a sentence can be written from.

    ``first`` and ``last`` are the positions (0-based, in ``x``) of the latest block of
    points the rule flagged; ``count`` is how many points tell the finding (flagged
    points, or the points of the run); ``crossings``, ``runs``, ``minimum`` and
    ``maximum`` are the runs analysis' numbers for the rules about crossings and runs.
    """

    rule: str
    direction: str  # "up", "down" or "" (rules without a direction)
    classification: str  # "improvement", "deterioration" or "neutral"
    count: int
    first: int
    last: int
    crossings: int = 0
    runs: int = 0
    minimum: int = 0
    maximum: int = 0


@dataclass(frozen=True)
class PhaseStory:
    """One phase of a chart: where it runs, its centre line, how that moved from the phase before, and
    the signals within it. ``change`` is None for the first phase; ``classification`` says whether the
    move of the centre line is in the direction of improvement ("neutral" without a direction, or when
    the centre did not move)."""

    number: int  # 1-based
    first: int
    last: int
    centre: float  # NaN when the phase has no centre line
    change: float | None
    classification: str
    trial_limits: bool
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Signal:
    """One rule firing at one point.

    ``direction`` is "up" (above the centre line, or rising), "down", or "" when
    the rule has no direction (few crossings, too many runs...). ``classification``
    is "improvement", "deterioration" or "neutral", from the chart's
    ``improvement`` direction; without one, or for undirected rules, "neutral".
    """

    rule: str
    direction: str
    classification: str


def _classify(code: int, improvement: str | None) -> tuple[str, str]:
    if code == UNDIRECTED or code == 0:
        return "", "neutral"
    direction = "up" if code > 0 else "down"
    if improvement is None:
        return direction, "neutral"
    return direction, "improvement" if direction == improvement else "deterioration"


def format_key(value) -> str:
    """A subgroup key as people read it: ISO dates, plain numbers, text as is."""
    if isinstance(value, np.datetime64):
        day = value.astype("datetime64[D]")
        return str(day) if day == value else str(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


class BatchColumns:
    """The columns of every chart of one ``charts()`` call, one row per series.

    ``columns`` maps a :class:`ChartResult` field to a (series, subgroups) array,
    or to one value per series (a 1-D array, or a (series, 1) column) that every
    subgroup of the series shows;
    ``flags`` maps each rule to its 2-D flags. Cutting twenty arrays for each of
    thousands of series costs more than the statistics, and a caller of a batch
    usually reads two or three of them: so a column is cut into its rows when a
    result first reads it (:class:`_BatchColumn`), for every series at once, and
    each result keeps its row.
    """

    __slots__ = ("_rows", "columns", "flags", "lengths", "x")

    def __init__(self, columns: dict, flags: dict, lengths: list[int], x: list | None) -> None:
        self.columns = columns
        self.flags = flags
        self.lengths = lengths
        self.x = x  # one array of keys per series, or None: keys are the positions 0..k-1
        self._rows: dict[str, list] = {}

    def cut(self, name: str, row: int):
        rows = self._rows.get(name)
        if rows is None:
            rows = self._rows[name] = self._split(name)
        return rows[row]

    def _split(self, name: str) -> list:
        width = max(self.lengths, default=0)
        if name == "rule_flags":
            rules = list(self.flags)
            per_rule = [self._split_rows(flags) for flags in self.flags.values()]
            if not rules:
                return [{} for _ in self.lengths]
            return [dict(zip(rules, row, strict=True)) for row in zip(*per_rule, strict=True)]
        if name == "x":
            if self.x is not None:
                return self.x
            return self._split_rows(np.tile(np.arange(width), (len(self.lengths), 1)))
        column = self.columns.get(name)
        if column is None:
            raise AttributeError(name)
        if column.ndim == 1 or column.shape[1] == 1:  # one value per series, shown at each subgroup
            column = np.repeat(column.reshape(-1, 1), width, axis=1)
        return self._split_rows(column)

    def _split_rows(self, a: np.ndarray) -> list[np.ndarray]:
        width = a.shape[1]
        if all(k == width for k in self.lengths):
            return list(a)  # whole rows: the cheapest views numpy makes
        return [a[i, :k] for i, k in enumerate(self.lengths)]


@dataclass(frozen=True, eq=False)
class ChartResult:
    """One chart: numpy arrays with one entry per subgroup, sorted by ``x``.

    Columns follow qicharts2's ``qic(..., return.data = TRUE)``: ``cl``, ``lcl``,
    ``ucl`` (3-sigma), ``lcl_95``/``ucl_95`` (2-sigma, display only) are already
    multiplied by ``multiply``; missing values are NaN. ``phase`` is 0-based.
    ``sigma_signal`` and ``runs_signal`` are qicharts2's (Anhøj) flags whatever
    ``rules`` is; ``rule_flags`` holds the selected rule set's flags per rule as
    int8 arrays (0 = no, 1 = up, -1 = down, 2 = fired without direction), and
    :attr:`signals` lists them per point.

    ``trial_limits`` (bool, per point) is True on every point of a phase whose
    limits are *trial limits* in the sense of NHS Making Data Count: only with
    ``rules="mdc"``, on charts with limits (not run charts), when the limits of the
    phase were computed from fewer than 12 points (baseline points, not excluded,
    with a value; NHSRplotthedots' ``vignettes/number-of-points-required.Rmd``).
    It is always False for the other rule sets, which have no such notion.
    """

    x: np.ndarray
    y: np.ndarray
    n: np.ndarray
    cl: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    lcl_95: np.ndarray
    ucl_95: np.ndarray
    phase: np.ndarray
    baseline: np.ndarray
    include: np.ndarray
    sigma_signal: np.ndarray
    runs_signal: np.ndarray
    longest_run: np.ndarray
    longest_run_max: np.ndarray
    n_crossings: np.ndarray
    n_crossings_min: np.ndarray
    n_obs: np.ndarray
    n_useful: np.ndarray
    trial_limits: np.ndarray
    rule_flags: Mapping[str, np.ndarray]
    kind: str = "run"
    rules: str = "anhoej"
    improvement: str | None = None

    def __getstate__(self) -> dict:
        # A copy or a pickle holds the chart's own columns, not its whole batch.
        state = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        state.update((k, v) for k, v in self.__dict__.items() if k not in ("_batch", "_row"))
        return state

    def __len__(self) -> int:
        return len(self.y)

    @cached_property
    def signals(self) -> tuple[tuple[Signal, ...], ...]:
        """For each point, the signals that fired there (empty tuple if none)."""
        per_point: list[list[Signal]] = [[] for _ in range(len(self.y))]
        for rule, codes in self.rule_flags.items():
            for i in np.flatnonzero(codes).tolist():
                direction, klass = _classify(int(codes[i]), self.improvement)
                per_point[i].append(Signal(rule, direction, klass))
        return tuple(tuple(s) for s in per_point)

    @property
    def has_signal(self) -> bool:
        return any(bool(np.any(codes)) for codes in self.rule_flags.values())

    def story(self) -> tuple[PhaseStory, ...]:
        """The chart as a QI coach reads it, as facts: each phase, with the move of its centre line from
        the phase before, then the signals within it. Empty when the chart has no data. Callers write
        the words (in the reader's language, with the periods named as people name them)."""
        if not np.any(~np.isnan(self.y)):
            return ()
        out, previous = [], None
        for p in np.unique(self.phase).tolist():
            rows = np.flatnonzero(self.phase == p)
            centres = self.cl[rows][np.isfinite(self.cl[rows])]
            centre = float(np.median(centres)) if centres.size else float("nan")
            change, klass = None, "neutral"
            if previous is not None and np.isfinite(previous) and np.isfinite(centre):
                change = centre - previous
                if change and self.improvement is not None:
                    better = (change > 0) == (self.improvement == "up")
                    klass = "improvement" if better else "deterioration"
            out.append(
                PhaseStory(
                    number=p + 1,
                    first=int(rows[0]),
                    last=int(rows[-1]),
                    centre=centre,
                    change=change,
                    classification=klass,
                    trial_limits=bool(self.trial_limits[rows[0]]),
                    findings=tuple(self._facts(rows)),
                )
            )
            previous = centre
        return tuple(out)

    def _facts(self, rows: np.ndarray) -> list[Finding]:
        out = []
        for rule, codes in self.rule_flags.items():
            local = codes[rows]
            for code in (1, -1, UNDIRECTED):
                hit = np.flatnonzero(local == code)
                if hit.size == 0:
                    continue
                values = self._values(rule, rows, hit)
                direction, klass = _classify(code, self.improvement)
                out.append(
                    Finding(
                        rule=rule,
                        direction=direction,
                        classification=klass,
                        count=values["count"],
                        first=values["first"],
                        last=values["last_index"],
                        crossings=values["crossings"],
                        runs=values["runs"],
                        minimum=values["minimum"],
                        maximum=values.get("maximum", 0),
                    )
                )
        return out

    def summary(self, translate: Callable[[str], str] | None = None) -> str:
        """Plain-language reading of the chart, e.g. for a caption.

        ``translate`` is the caller's ``gettext`` (identity by default); all
        sentences are marked with ``gettext_noop`` in :mod:`qicop.analytics._text`.
        A phase with :attr:`trial_limits` adds "Limits are provisional: fewer than
        12 points." after that phase's findings (after "No signal..." if none).
        """
        tr = translate or (lambda s: s)
        if not np.any(~np.isnan(self.y)):
            return tr(_text.NO_DATA)
        phases = np.unique(self.phase)
        sentences, signalled = [], False
        for p in phases.tolist():
            rows = np.flatnonzero(self.phase == p)
            findings = self._findings(rows, tr)
            signalled = signalled or bool(findings)
            if self.trial_limits[rows[0]]:
                findings.append(tr(_text.TRIAL_LIMITS) % {"minimum": MDC_MIN_POINTS})
            for finding in findings:
                if len(phases) > 1:
                    finding = tr(_text.PHASE) % {"phase": p + 1, "finding": finding}
                sentences.append(finding)
        if not signalled:
            sentences.insert(0, tr(_text.NO_SIGNAL))
        return " ".join(sentences)

    def _findings(self, rows: np.ndarray, tr) -> list[str]:
        out = []
        for rule, codes in self.rule_flags.items():
            local = codes[rows]
            for code in (1, -1, UNDIRECTED):
                hit = np.flatnonzero(local == code)
                if hit.size == 0:
                    continue
                values = self._values(rule, rows, hit)
                text = tr(_text.FINDINGS[(rule, code)]) % values
                _, klass = _classify(code, self.improvement)
                if klass == "improvement":
                    text = tr(_text.IMPROVEMENT) % {"finding": text}
                elif klass == "deterioration":
                    text = tr(_text.DETERIORATION) % {"finding": text}
                out.append(text)
        return out

    def _values(self, rule: str, rows: np.ndarray, hit: np.ndarray) -> dict:
        """Numbers for a finding, describing the latest block of flagged points."""
        last = int(hit[-1])
        flagged = set(hit.tolist())
        first = last
        while first - 1 in flagged:
            first -= 1
        block = rows[first : last + 1]
        y, cl = self.y[block], self.cl[block]
        with np.errstate(invalid="ignore"):
            on_line = y == cl
        values = {
            "count": int(np.count_nonzero(~np.isnan(y) & ~on_line)) if rule == "shift" else len(hit),
            "last": format_key(self.x[rows[last]]),
            "start": format_key(self.x[rows[first]]),
            "first": int(rows[first]),
            "last_index": int(rows[last]),
        }
        if rule in ("trend", "15 near centre line"):
            values["count"] = int(np.count_nonzero(~np.isnan(y)))
        head = rows[0]
        crossings = self.n_crossings[head]
        values["crossings"] = 0 if np.isnan(crossings) else int(crossings)
        minimum = self.n_crossings_min[head]
        values["minimum"] = 0 if np.isnan(minimum) else int(minimum)
        values["runs"] = values["crossings"] + 1
        if rule in ("too few runs", "too many runs"):
            lower, upper = ihi_runs_limits(int(self.n_useful[head]))
            values["minimum"], values["maximum"] = lower, upper
        return values


def _one_batch(results) -> BatchColumns | None:
    """The batch these results are, row by row in its order, when they are every result of one ``charts()``
    call and its series are of one length; else None."""
    if not results:
        return None
    batch = results[0].__dict__.get("_batch")
    if batch is None or len(batch.lengths) != len(results) or len(set(batch.lengths)) != 1:
        return None
    for row, result in enumerate(results):
        state = result.__dict__
        if state.get("_batch") is not batch or state.get("_row") != row:
            return None
    return batch


class Stacked:
    """Columns of many results as (results, subgroups) arrays, e.g. ``Stacked(results).column("y")``: every
    result of one ``charts()`` call, in its order, gives the batch's own arrays, with nothing cut per
    series; other results (of one length) are stacked."""

    __slots__ = ("_batch", "results")

    def __init__(self, results) -> None:
        self.results = results
        self._batch = _one_batch(results)

    def column(self, name: str) -> np.ndarray:
        column = None if self._batch is None else self._batch.columns.get(name)
        if column is None:
            return np.stack([getattr(result, name) for result in self.results])
        if column.ndim == 1 or column.shape[1] == 1:
            return np.repeat(column.reshape(-1, 1), self._batch.lengths[0], axis=1)
        return column

    def flags(self, rule: str) -> np.ndarray | None:
        """The flags of one rule; None when the results' rule set has no such rule."""
        if self._batch is not None:
            return self._batch.flags.get(rule)
        if not self.results or rule not in self.results[0].rule_flags:
            return None
        return np.stack([result.rule_flags[rule] for result in self.results])


class _BatchColumn:
    """A column of a result of ``charts()``, cut from its batch on first read.

    A non-data descriptor: once the row is stored in the instance, reads find it
    there and never come back here; results of ``chart()`` hold every column from
    the start and never get here either.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, result, owner=None):
        if result is None:
            return self
        state = result.__dict__
        value = state[self.name] = state["_batch"].cut(self.name, state["_row"])
        return value


for _field in dataclasses.fields(ChartResult):
    if _field.default is dataclasses.MISSING:  # the columns (kind, rules... have defaults)
        setattr(ChartResult, _field.name, _BatchColumn(_field.name))
del _field
