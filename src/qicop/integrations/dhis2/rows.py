"""The rows every data-value reader yields and every writer takes, whatever the file format."""

from __future__ import annotations

from dataclasses import dataclass, field

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
