"""An import's conflicts, kept in bounded memory whatever their number, and written out in full.

A file of millions of values with one bad org unit each used to answer with every row number of every
conflict (38 MB of JSON for 2.25 million rows) and to hold them all in memory first. Now:

* each kind of conflict (object, message, code, property — how DHIS2 merges them) keeps a count, its first
  value's index and only the first ``listed`` indexes; at most ``MAX_KINDS`` kinds are told apart, the
  rest share one "more conflicts" kind per code and property;
* the values refused are kept as ranges of indexes (``IndexRanges``): a million refused rows in a row are
  one pair of numbers;
* the answer lists the first ``listed`` kinds (``QICOP_IMPORT_CONFLICTS_LISTED``), each with its count,
  and the first ``listed`` refused indexes;
* every conflict, each kind with the ranges of values it concerns, is written as it is found to a file
  (``sink``) that the import's page offers as CSV: nothing is lost, and nothing is held in memory but the
  runs still growing.
"""

from __future__ import annotations

import csv
from array import array
from bisect import bisect_right
from collections.abc import Iterator
from typing import IO

from qicop.indicators import import_messages as english
from qicop.integrations.dhis2.import_summary import Conflict
from qicop.integrations.spreadsheet import neutralise

MAX_KINDS = 10_000  # kinds of conflict told apart in memory (the file keeps them all)
MAX_OPEN_RUNS = 1_000  # kinds whose current run of indexes is kept open, waiting for the next index
FILE_COLUMNS = ("errorCode", "object", "property", "value", "firstIndex", "lastIndex", "values")

Key = tuple[str, str, str, str]  # object, message, code, property


class IndexRanges:
    """A set of value indexes kept as sorted, disjoint ranges: as small as the indexes are contiguous."""

    __slots__ = ("_count", "_ends", "_starts")

    def __init__(self):
        self._starts = array("q")
        self._ends = array("q")  # inclusive
        self._count = 0

    def add(self, index: int) -> None:
        starts, ends = self._starts, self._ends
        if not starts or index > ends[-1] + 1:
            starts.append(index)
            ends.append(index)
        elif index == ends[-1] + 1:
            ends[-1] = index
        elif index >= starts[-1]:
            return  # already in the last range
        else:
            self._insert(index)
            return
        self._count += 1

    def _insert(self, index: int) -> None:
        """An index before the last range (rare: checks of one chunk may add out of order)."""
        starts, ends = self._starts, self._ends
        position = bisect_right(starts, index) - 1
        if position >= 0 and index <= ends[position]:
            return
        joins_before = position >= 0 and ends[position] == index - 1
        joins_after = position + 1 < len(starts) and starts[position + 1] == index + 1
        if joins_before and joins_after:
            ends[position] = ends[position + 1]
            del starts[position + 1], ends[position + 1]
        elif joins_before:
            ends[position] = index
        elif joins_after:
            starts[position + 1] = index
        else:
            starts.insert(position + 1, index)
            ends.insert(position + 1, index)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[int]:
        for start, end in zip(self._starts, self._ends, strict=True):
            yield from range(start, end + 1)

    def first(self, count: int) -> list[int]:
        """The ``count`` smallest indexes."""
        out: list[int] = []
        for index in self:
            if len(out) >= count:
                break
            out.append(index)
        return out


class _Kind:
    __slots__ = ("count", "first", "indexes", "lines")

    def __init__(self, index: int):
        self.count = 0
        self.first = index
        self.indexes: list[int] = []
        self.lines: list[int | None] = []  # the line of the file each listed index starts on, when known


class ConflictLog:
    """Conflicts merged as DHIS2 does: one per (object, message, code, property), in bounded memory.

    ``listed`` is how many kinds the answer lists and how many indexes each lists; ``sink``, when given,
    receives every conflict as CSV rows (``FILE_COLUMNS``), one per run of consecutive indexes."""

    def __init__(self, *, listed: int = 100, sink: IO[str] | None = None):
        self.listed = listed
        self.kinds: dict[Key, _Kind] = {}
        self.blocking_indexes = IndexRanges()
        self._writer = csv.writer(sink, lineterminator="\r\n") if sink is not None else None
        self._runs: dict[Key, list[int]] = {}  # kind → [first index, last index] of the run growing
        if self._writer is not None:
            self._writer.writerow(FILE_COLUMNS)

    def add(
        self,
        index: int,
        *,
        obj: str,
        message: str,
        code: str,
        prop: str,
        blocking: bool = True,
        line: int | None = None,
    ) -> None:
        """One conflict of the value at ``index`` (0-based, as DHIS2 counts), which starts on ``line`` of
        the file when the reader knows it. ``message`` is best an ``import_messages.Said``: the import's
        page then says it in its reader's language."""
        key = (obj, message, code, prop)
        kind = self.kinds.get(key)
        if kind is None:
            if len(self.kinds) >= MAX_KINDS:
                more = ("", english.gettext("More conflicts than can be listed"), code, prop)
                kind = self.kinds.get(more) or self.kinds.setdefault(more, _Kind(index))
            else:
                kind = self.kinds[key] = _Kind(index)
        kind.count += 1
        if len(kind.indexes) < self.listed:
            kind.indexes.append(index)
            kind.lines.append(line)
        if blocking:
            self.blocking_indexes.add(index)
        if self._writer is not None:
            self._record(key, index)

    @property
    def entries(self) -> dict[Key, _Kind]:
        return self.kinds

    def _record(self, key: Key, index: int) -> None:
        run = self._runs.get(key)
        if run is not None:
            if index == run[1] + 1:
                run[1] = index
                return
            if run[0] <= index <= run[1]:
                return
            self._write(key, run)
        elif len(self._runs) >= MAX_OPEN_RUNS:
            oldest = next(iter(self._runs))
            self._write(oldest, self._runs.pop(oldest))
        self._runs[key] = [index, index]

    def _write(self, key: Key, run: list[int]) -> None:
        obj, message, code, prop = key
        self._writer.writerow(
            (code, neutralise(obj), prop, neutralise(message), run[0], run[1], run[1] - run[0] + 1)
        )

    def finish(self) -> None:
        """Write the runs still open: the sink then holds every conflict."""
        if self._writer is not None:
            for key, run in self._runs.items():
                self._write(key, run)
            self._runs.clear()

    @property
    def truncated(self) -> bool:
        """Whether the answer leaves conflicts out (kinds, indexes of a kind, or refused indexes)."""
        return (
            len(self.kinds) > self.listed
            or len(self.blocking_indexes) > self.listed
            or any(kind.count > len(kind.indexes) for kind in self.kinds.values())
        )

    def as_conflicts(self) -> list[Conflict]:
        """DHIS2's conflicts, the first ``listed`` kinds; a warning of ours that DHIS2 has no code for has
        no ``errorCode``. A kind met more often than its ``indexes`` list says also has ``count``."""
        out = []
        for (obj, message, code, prop), kind in self.kinds.items():
            if len(out) >= self.listed:
                break
            count = kind.count if kind.count > len(kind.indexes) else None
            out.append(Conflict(obj, message, code or None, prop, list(kind.indexes), count=count))
        return out

    def as_texts(self) -> list[dict]:
        """What a person reads of the conflicts :meth:`as_conflicts` lists, in the same order: each one's
        message as ``import_messages.to_json`` keeps it, and the lines of the file its values start on."""
        out = []
        for (_obj, message, _code, _prop), kind in self.kinds.items():
            if len(out) >= self.listed:
                break
            out.append({"text": english.to_json(message), "lines": list(kind.lines)})
        return out

    def as_dicts(self) -> list[dict]:
        """:meth:`as_conflicts` as JSON-ready dicts."""
        return [conflict.to_dict() for conflict in self.as_conflicts()]
