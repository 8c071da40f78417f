"""What the importer's parts hand each other: plain data, no behaviour, and no import of the app.

The readers (``qicop.integrations``) yield ``DataValueRow``; the checks (``import_checks``) turn them into
``PlainRow`` tuples and ``PreparedValue`` records; the store (``import_store``) writes those and adds to
``Counts``; the importer (``importer``) runs them and answers with DHIS2's import summary. Keeping these
types here lets every part name them without importing another part.
"""

from __future__ import annotations

from dataclasses import dataclass

from qicop.integrations.dhis2.import_summary import ImportCount

#: DHIS2's import strategies, as our options name them
STRATEGIES = ("CREATE", "UPDATE", "CREATE_AND_UPDATE", "DELETE")

#: the schemes the import page offers; ATTRIBUTE:<uid> is accepted everywhere else too (id_schemes.py)
ID_SCHEMES = ("UID", "CODE", "NAME")

#: a value as the store inserts it: (data element, period, org unit, combo, attribute combo, value,
#: numeric, stored by), with no comment and no follow-up. DHIS2 exports name who stored each value, so
#: stored_by varies.
PlainRow = tuple[int, int, int, int, int, str, float | None, str]

#: the ids that make a value one value: (data element, period, org unit, combo, attribute combo)
ValueKey = tuple[int, int, int, int, int]


@dataclass(slots=True)
class PreparedValue:
    """A value that passed every check and is more than a plain number: a deletion, or a value with a
    comment or a follow-up mark. Compared one by one with what is stored."""

    index: int
    key: ValueKey
    element: str
    value: str | None
    numeric: float | None
    comment: str | None
    follow_up: bool
    stored_by: str
    delete: bool


# What an import did so far: DHIS2's four counts.
Counts = ImportCount
