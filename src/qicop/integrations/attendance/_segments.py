"""From the cells of one row to a Segment with aware datetimes: daylight-saving changes and midnight."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ._model import AttendanceFormatError, Segment
from ._times import DateOrder, aware, is_ambiguous, minutes_between, parse_duration, parse_local


@dataclass
class RawRow:
    """One participant row as the file has it, before any interpretation. ``email`` is None when the
    format has no e-mail column at all, "" when the cell is empty."""

    name: str
    email: str | None
    join: str | None
    leave: str | None
    duration: str | None = None
    role: str | None = None
    guest: str | None = None
    user_id: str | None = None
    line: int | None = None


@dataclass
class RawReport:
    tool: str
    rows: list[RawRow]
    title: str | None = None
    start: str | None = None
    end: str | None = None
    duration: str | None = None
    expected_count: int | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class TimeReader:
    """Reads the times of one file; collects what the coordinator should know about how they were read."""

    order: DateOrder
    zone: ZoneInfo
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def segment(self, row: RawRow) -> Segment:
        try:
            join = parse_local(row.join, self.order) if row.join else None
            leave = parse_local(row.leave, self.order) if row.leave else None
            reported = parse_duration(row.duration) if row.duration else None
        except AttendanceFormatError as exc:
            raise AttendanceFormatError(f"{row.name}: {exc.message}", line=row.line) from exc
        if join and leave:
            joined, left = self.pair(join, leave, reported, row.name)
        else:
            joined = self.single(join) if join else None
            left = self.single(leave) if leave else None
        minutes = reported
        if minutes is None and joined and left:
            minutes = minutes_between(joined, left)
        return Segment(joined, left, minutes)

    def single(self, local: datetime) -> datetime:
        result, note = aware(local, self.zone)
        if note:
            self.note(note)
        if is_ambiguous(local, self.zone):
            self.note(
                f"{local:%Y-%m-%d %H:%M} happens twice in {self.zone.key} (the clocks moved back); "
                f"read as the first time, {result:%z}"
            )
        return result

    def pair(
        self, join: datetime, leave: datetime, reported: float | None, who: str
    ) -> tuple[datetime, datetime | None]:
        """Both ends of a stay. In an autumn overlap each end can mean two instants: the readings that agree
        with the tool's own duration win, or without one the shortest non-negative stay. A leave time before
        the join time on the same date is a stay across midnight whose date the export did not advance."""
        candidates = self._readings(join, leave, reported)
        if not candidates and leave < join and leave.date() == join.date():
            candidates = self._readings(join, leave + timedelta(days=1), reported)
            if candidates:
                self.note(
                    f"{who}: left at {leave:%H:%M} before joining at {join:%H:%M} on {join:%Y-%m-%d}; "
                    "read as leaving the next day"
                )
        if not candidates:
            self.note(f"{who}: left ({leave}) before joining ({join}); the leave time is ignored")
            return self.single(join), None
        _cost, joined, left = min(candidates, key=lambda item: item[0])
        for local, chosen in ((join, joined), (leave, left)):
            if is_ambiguous(local, self.zone):
                how = "to match the duration in the file" if reported is not None else "as the shortest stay"
                self.note(
                    f"{who}: {local:%Y-%m-%d %H:%M} happens twice in {self.zone.key} "
                    f"(the clocks moved back); read as {chosen:%H:%M %z} {how}"
                )
        return joined, left

    def _readings(
        self, join: datetime, leave: datetime, reported: float | None
    ) -> list[tuple[float, datetime, datetime]]:
        readings = []
        for join_fold in (0, 1) if is_ambiguous(join, self.zone) else (0,):
            for leave_fold in (0, 1) if is_ambiguous(leave, self.zone) else (0,):
                joined, join_note = aware(join, self.zone, fold=join_fold)
                left, leave_note = aware(leave, self.zone, fold=leave_fold)
                span = minutes_between(joined, left)
                if span < 0:
                    continue
                for note in (join_note, leave_note):
                    if note:
                        self.note(note)
                cost = abs(span - reported) if reported is not None else span
                readings.append((cost, joined, left))
        return readings


def total_minutes(segments: list[Segment], report_end: datetime | None) -> float:
    """Minutes present, without counting twice a time covered by two overlapping segments (two devices,
    or a rejoin before Zoom noticed the first connection dropped).

    Each segment contributes the tool's own minutes (so that totals agree with what Zoom and Teams show when
    nothing overlaps) less the part of it, measured on the clock, already covered by earlier segments. A
    segment still open at the end of the report counts until ``report_end``, the last time in the file.
    """
    total = sum(segment.minutes or 0.0 for segment in segments if segment.joined is None)
    timed = sorted((s for s in segments if s.joined is not None), key=lambda s: _instant(s.joined))
    reach: datetime | None = None
    for segment in timed:
        end = segment.left or report_end
        own = segment.minutes
        if own is None:
            own = max(0.0, minutes_between(segment.joined, end)) if end else 0.0
        covered = 0.0
        if reach is not None and end is not None:
            covered = max(0.0, minutes_between(segment.joined, min(reach, end, key=_instant)))
        total += max(0.0, own - covered)
        if end is not None:
            reach = end if reach is None else max(reach, end, key=_instant)
    return round(total, 2)


_EPOCH = datetime.fromisoformat("1970-01-01T00:00:00+00:00")


def _instant(moment: datetime) -> float:
    """A sort key on the instant: Python compares two datetimes of the same zone by wall clock, which puts
    the second 01:30 of an autumn night before 01:45 of the first pass."""
    return minutes_between(_EPOCH, moment)
