"""Checking a raw value against its data element's value type, as DHIS2 does (conflict E7619)."""

from __future__ import annotations

import math
from datetime import date

# English now (DHIS2's answer), in the reader's language where the import's result is read (import_messages).
from qicop.indicators.import_messages import gettext as _

TRUE_SPELLINGS = {"true", "t", "1"}
FALSE_SPELLINGS = {"false", "f", "0"}
NUMERIC_TYPES = {
    "NUMBER",
    "INTEGER",
    "INTEGER_POSITIVE",
    "INTEGER_NEGATIVE",
    "INTEGER_ZERO_OR_POSITIVE",
    "PERCENTAGE",
    "UNIT_INTERVAL",
}
MAX_TEXT = 50_000


class ValueRejected(ValueError):
    """The reason a value does not fit its type, in words for the conflict list."""


def _number(raw: str) -> float:
    try:
        number = float(raw)
    except ValueError:
        raise ValueRejected(_("Data value is not numeric")) from None
    if not math.isfinite(number):
        raise ValueRejected(_("Data value is not numeric"))
    return number


def _integer(raw: str) -> float:
    # DHIS2's integer pattern is ^(0|-?[1-9]\d*)$: "0200" is refused rather than guessed at.
    digits = raw[1:] if raw[:1] in "+-" else raw
    if len(digits) > 1 and digits[0] == "0" and digits.isdigit():
        raise ValueRejected(_("Data value is not an integer"))
    number = _number(raw)
    if not number.is_integer():
        raise ValueRejected(_("Data value is not an integer"))
    return number


def normalise(value_type: str, raw: str) -> tuple[str, float | None]:
    """The value as it is stored (booleans spelled "true"/"false") and its number, or ValueRejected.

    DHIS2 accepts true/True/TRUE/t/1 and their false counterparts for BOOLEAN (spec 1.2).
    """
    if value_type in NUMERIC_TYPES:
        number = _integer(raw) if value_type.startswith("INTEGER") else _number(raw)
        if value_type == "INTEGER_POSITIVE" and number <= 0:
            raise ValueRejected(_("Data value must be a positive integer"))
        if value_type == "INTEGER_NEGATIVE" and number >= 0:
            raise ValueRejected(_("Data value must be a negative integer"))
        if value_type == "INTEGER_ZERO_OR_POSITIVE" and number < 0:
            raise ValueRejected(_("Data value must be zero or a positive integer"))
        if value_type == "PERCENTAGE" and not 0 <= number <= 100:
            raise ValueRejected(_("Data value is not a percentage between 0 and 100"))
        if value_type == "UNIT_INTERVAL" and not 0 <= number <= 1:
            raise ValueRejected(_("Data value is not between 0 and 1"))
        return raw, number
    if value_type in {"BOOLEAN", "TRUE_ONLY"}:
        spelled = raw.lower()
        if spelled in TRUE_SPELLINGS:
            return "true", 1.0
        if spelled in FALSE_SPELLINGS and value_type == "BOOLEAN":
            return "false", 0.0
        raise ValueRejected(
            _("Data value is not a boolean") if value_type == "BOOLEAN" else _("Data value can only be true")
        )
    if value_type == "DATE":
        try:
            date.fromisoformat(raw[:10])
        except ValueError:
            raise ValueRejected(_("Data value is not a valid date")) from None
        return raw, None
    if len(raw) > MAX_TEXT:
        raise ValueRejected(_("Data value is too long"))
    return raw, None
