"""The rows every data-value reader yields and every writer takes, whatever the file format."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import repeat

# What a DHIS2 data value may hold (DHIS2's DataValue, with the spellings readers accept).
VALUE_KEYS = frozenset(
    (
        "dataElement",
        "period",
        "orgUnit",
        "categoryOptionCombo",
        "attributeOptionCombo",
        "value",
        "storedBy",
        "created",
        "lastUpdated",
        "timestamp",
        "comment",
        "followup",
        "followUp",
        "deleted",
    )
)


# Not frozen: a million rows are built per import, and a frozen dataclass's __init__ costs a third more.
@dataclass(slots=True)
class DataValueRow:
    """One data value as written in the file, identifiers not yet resolved.

    Identifiers are kept as the file gives them (UID, code or name, per the import's id scheme). Header-level
    defaults of a data value set (period, orgUnit, attributeOptionCombo…) are already applied. ``value`` is
    the raw text (None when absent). ``category_options`` is used by ADX, where a disaggregation is given as
    category code → category option code instead of a category option combo; the importer resolves it.
    ``annotation`` is the text of an ADX ``<annotation>`` (None elsewhere): DHIS2 carries the values of text,
    yes/no and date data elements there, so the importer takes the value from it for such elements.
    ``index`` is the 0-based position of the value in the file (DHIS2's conflict index); ``line`` the 1-based
    line where it starts, when known. ``unknown`` names the keys of the value that no DHIS2 data value has
    (a misspelling, or a field of another system): the importer reports them as warnings.
    """

    data_element: str
    period: str
    org_unit: str
    category_option_combo: str | None = None
    attribute_option_combo: str | None = None
    value: str | None = None
    stored_by: str | None = None
    created: str | None = None
    last_updated: str | None = None
    comment: str | None = None
    follow_up: bool | None = None
    deleted: bool | None = None
    category_options: tuple[tuple[str, str], ...] = ()
    attribute_options: tuple[tuple[str, str], ...] = ()
    index: int = 0
    line: int | None = None
    unknown: tuple[str, ...] = ()
    annotation: str | None = None


@dataclass(frozen=True, slots=True)
class DataValueSetHeader:
    """What a data value set says about all its values (any field may be absent)."""

    data_set: str | None = None
    complete_date: str | None = None
    period: str | None = None
    org_unit: str | None = None
    attribute_option_combo: str | None = None
    id_scheme: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ValueColumns:
    """A run of consecutive data values as columns, one list per field, as a reader that parses in bulk
    gives them (``BatchedRows``): the importer checks whole columns at once instead of row by row.

    Each list holds what the field of ``DataValueRow`` would (texts, None, flags already parsed, the set's
    defaults applied); ``first_index`` is the index of the first value. ADX's category options, lines and
    unknown keys have no column: a run never holds values that need them."""

    first_index: int
    data_element: list[str]
    period: list[str]
    org_unit: list[str]
    category_option_combo: list[str | None]
    attribute_option_combo: list[str | None]
    value: list[str | None]
    stored_by: list[str | None]
    created: list[str | None]
    last_updated: list[str | None]
    comment: list[str | None]
    follow_up: list[bool | None]
    deleted: list[bool | None]

    def __len__(self) -> int:
        return len(self.data_element)

    def slice(self, start: int, stop: int) -> ValueColumns:
        return ValueColumns(
            self.first_index + start,
            *(column[start:stop] for column in self._columns()),
        )

    def _columns(self) -> tuple[list, ...]:
        return (
            self.data_element,
            self.period,
            self.org_unit,
            self.category_option_combo,
            self.attribute_option_combo,
            self.value,
            self.stored_by,
            self.created,
            self.last_updated,
            self.comment,
            self.follow_up,
            self.deleted,
        )

    def rows(self) -> list[DataValueRow]:
        """The same values as rows."""
        count = len(self)
        return list(
            map(
                DataValueRow,
                *self._columns(),
                repeat((), count),
                repeat((), count),
                range(self.first_index, self.first_index + count),
            )
        )


class BatchedRows(Iterator[DataValueRow]):
    """The rows of a reader that parses in bulk: iterated, one ``DataValueRow`` at a time like any
    reader's; through :meth:`batches`, as the reader makes them, runs of ``ValueColumns`` and single rows
    (those it read one by one), in file order."""

    def __init__(self, batches: Iterator[ValueColumns | DataValueRow]):
        self._batches = batches
        self._pending: Iterator[DataValueRow] = iter(())

    def batches(self) -> Iterator[ValueColumns | DataValueRow]:
        yield from self._pending
        yield from self._batches

    def __iter__(self) -> BatchedRows:
        return self

    def __next__(self) -> DataValueRow:
        while True:
            row = next(self._pending, None)
            if row is not None:
                return row
            batch = next(self._batches)  # StopIteration ends the rows
            if batch.__class__ is ValueColumns:
                self._pending = iter(batch.rows())
            else:
                return batch
