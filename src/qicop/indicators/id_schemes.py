"""Identifier schemes (DHIS2's ``idScheme``): which property of a metadata object names it in a data file.

``UID`` (the default), ``CODE``, ``NAME``, or ``ATTRIBUTE:<attribute UID>`` (the object's value of that
metadata attribute). A set-level scheme applies to every type; a per-type one (``dataElementIdScheme``,
``orgUnitIdScheme``, ``categoryOptionComboIdScheme``, ``attributeOptionComboIdScheme``) beats it for its
type, and attribute option combos fall back on the category option combo scheme before the general one,
as in DHIS2. Imports and exports read the same ``IdSchemes``, so what one writes the other reads back.

An object that has no value under a scheme (no code, no value of the attribute) is written by its UID, and
read back by its UID under that scheme too (docs/decisions/0007-identifiers-that-identify-one-thing.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import CharField, F, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _

from qicop.indicators.models import CategoryOptionCombo, DataElement, OrgUnit

PLAIN_KINDS = ("UID", "CODE", "NAME")
_UID = re.compile(r"[A-Za-z][A-Za-z0-9]{10}\Z")

# DHIS2's parameter names (query string, the file's root, the CLI's --…-id-scheme) → our field names.
PARAMETERS = {
    "idScheme": "general",
    "dataElementIdScheme": "data_element",
    "orgUnitIdScheme": "org_unit",
    "categoryOptionComboIdScheme": "category_option_combo",
    "attributeOptionComboIdScheme": "attribute_option_combo",
}


@dataclass(frozen=True, slots=True)
class IdScheme:
    kind: str = "UID"  # UID, CODE, NAME or ATTRIBUTE
    attribute: str | None = None  # the attribute's UID, for ATTRIBUTE

    @classmethod
    def parse(cls, raw, *, parameter: str = "idScheme") -> IdScheme:
        """``code`` is ``CODE`` (case does not matter); ``ATTRIBUTE:<uid>`` keeps its UID as written.
        Raises ValueError naming ``parameter``."""
        text = str(raw).strip()
        kind, colon, rest = text.partition(":")
        kind = kind.upper()
        if kind in PLAIN_KINDS and not colon:
            return cls(kind)
        if kind == "ATTRIBUTE":
            if not _UID.match(rest.strip()):
                raise ValueError(
                    _(
                        "%(parameter)s=%(value)s: ATTRIBUTE needs the UID of a metadata attribute after "
                        "the colon, e.g. ATTRIBUTE:%(example)s."
                    )
                    % {"parameter": parameter, "value": text, "example": "UKNKz1H10EE"}
                )
            return cls("ATTRIBUTE", rest.strip())
        raise ValueError(
            _(
                "Unknown id scheme %(value)s for %(parameter)s: use UID, CODE, NAME or "
                "ATTRIBUTE:<attribute UID>."
            )
            % {"value": text, "parameter": parameter}
        )

    def __str__(self) -> str:
        return f"ATTRIBUTE:{self.attribute}" if self.kind == "ATTRIBUTE" else self.kind

    def expression(self, prefix: str = ""):
        """The identifier as a database expression, falling back on the UID where the object has none (the
        importer's ``Keys`` reads it back the same way).
        ``prefix`` reaches a related object: ``"org_unit__"``."""
        uid = F(f"{prefix}uid")
        if self.kind == "UID":
            return uid
        if self.kind == "ATTRIBUTE":
            value = KeyTextTransform(self.attribute, f"{prefix}attribute_values")
        else:
            value = F(f"{prefix}{self.kind.lower()}")
        return Coalesce(NullIf(value, Value("")), uid, output_field=CharField())


UID = IdScheme("UID")


@dataclass(frozen=True, slots=True)
class IdSchemes:
    """The set-level scheme and the per-type ones that beat it (None: not given)."""

    general: IdScheme = UID
    data_element: IdScheme | None = None
    org_unit: IdScheme | None = None
    category_option_combo: IdScheme | None = None
    attribute_option_combo: IdScheme | None = None

    @classmethod
    def from_parameters(cls, params, *, default: str = "UID") -> IdSchemes:
        """From DHIS2 parameters (a QueryDict or a dict), ``default`` where ``idScheme`` is not given (ADX:
        CODE); raises ValueError naming the bad parameter."""
        found = {
            field: IdScheme.parse(params.get(name), parameter=name)
            for name, field in PARAMETERS.items()
            if params.get(name) not in (None, "")
        }
        found.setdefault("general", IdScheme.parse(default))
        return cls(**found)

    @property
    def data_elements(self) -> IdScheme:
        return self.data_element or self.general

    @property
    def org_units(self) -> IdScheme:
        return self.org_unit or self.general

    @property
    def category_option_combos(self) -> IdScheme:
        return self.category_option_combo or self.general

    @property
    def attribute_option_combos(self) -> IdScheme:
        # DHIS2: attribute option combos fall back on the category option combo scheme, then the general one.
        return self.attribute_option_combo or self.category_option_combo or self.general

    def file_attributes(self) -> dict[str, str]:
        """The schemes to write in an exported file's root, per type and only where not UID, as DHIS2 does:
        posted back unchanged, the file says itself how it names things."""
        per_type = {
            "dataElementIdScheme": self.data_elements,
            "orgUnitIdScheme": self.org_units,
            "categoryOptionComboIdScheme": self.category_option_combos,
        }
        if self.attribute_option_combos != self.category_option_combos:
            # Only when it differs: readers take the combo scheme for attribute combos, and DHIS2 before
            # 2.43 knows no attributeOptionComboIdScheme.
            per_type["attributeOptionComboIdScheme"] = self.attribute_option_combos
        return {name: str(scheme) for name, scheme in per_type.items() if scheme.kind != "UID"}

    def for_format(self, fmt: str) -> IdSchemes:
        """ADX names disaggregations by their categories' and options' codes, never by a combo identifier:
        its writer unfolds combos it knows by UID."""
        if fmt != "adx":
            return self
        return IdSchemes(
            general=self.general,
            data_element=self.data_elements,
            org_unit=self.org_units,
            category_option_combo=UID,
            attribute_option_combo=UID,
        )

    def attributes(self) -> dict[str, str]:
        """Attribute UID → the first parameter naming it, for every ATTRIBUTE scheme."""
        named = {}
        for name, field in PARAMETERS.items():
            scheme = getattr(self, field)
            if scheme is not None and scheme.kind == "ATTRIBUTE":
                named.setdefault(scheme.attribute, name)
        return named


def known_attributes(uids) -> set[str]:
    """Which of these attribute UIDs some data element, org unit or category option combo has a value of."""
    known = set()
    for uid in uids:
        for model in (DataElement, OrgUnit, CategoryOptionCombo):
            if model.objects.filter(attribute_values__has_key=uid).exists():
                known.add(uid)
                break
    return known


def check_attributes_known(schemes: IdSchemes) -> None:
    """An ATTRIBUTE scheme must name an attribute that some object has a value of: otherwise every key
    would be unknown, and the user most likely mistyped the UID. Raises ValidationError naming the
    parameter."""
    named = schemes.attributes()
    unknown = set(named) - known_attributes(named)
    if unknown:
        uid = sorted(unknown)[0]
        raise ValidationError(
            _(
                "%(parameter)s=ATTRIBUTE:%(uid)s: no data element, organisation unit or category option "
                "combination has a value of attribute %(uid)s. Check the attribute's UID, or import the "
                "metadata with its attribute values first."
            )
            % {"parameter": named[uid], "uid": uid}
        )


def id_schemes_from_parameters(params, *, default: str = "UID") -> IdSchemes:
    """Parse and check the id-scheme parameters of a request or a command (``default`` where idScheme is
    not given); ValidationError when wrong."""
    try:
        schemes = IdSchemes.from_parameters(params, default=default)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    check_attributes_known(schemes)
    return schemes
