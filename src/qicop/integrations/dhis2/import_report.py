"""DHIS2's ImportReport: the answer to a metadata import (``POST /api/metadata``).

Shape, as DHIS2 2.40 writes it inside its WebMessage's ``response``::

    {"responseType": "ImportReport", "status": "OK|WARNING|ERROR",
     "stats": {"created": 1, "updated": 0, "deleted": 0, "ignored": 1, "total": 2},
     "typeReports": [{"klass": "org.hisp.dhis.dataelement.DataElement",
                      "stats": {…},
                      "objectReports": [{"klass": "…DataElement", "index": 3, "uid": "…",
                                         "errorReports": [{"message": "…", "mainKlass": "…DataElement",
                                                           "mainId": "…", "errorCode": "E5002",
                                                           "errorProperty": "categoryCombo",
                                                           "errorProperties": ["…"], "value": "…"}]}]}]}

``index`` is the object's 0-based position in its collection of the payload. Like DHIS2, an existing object
that an import matches counts as ``updated`` whether or not anything in it changed; when an all-or-nothing
import fails, what would have been created or updated counts as ``ignored``.

``report_mode`` follows DHIS2's ``importReportMode``: ``ERRORS`` (the default) lists only objects with errors,
``FULL`` lists every object, ``DEBUG`` adds each object's ``displayName``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: DHIS2 collection name → the Java class DHIS2 reports it as
KLASSES = {
    "organisationUnits": "org.hisp.dhis.organisationunit.OrganisationUnit",
    "organisationUnitLevels": "org.hisp.dhis.organisationunit.OrganisationUnitLevel",
    "dataElements": "org.hisp.dhis.dataelement.DataElement",
    "dataSets": "org.hisp.dhis.dataset.DataSet",
    "categoryOptions": "org.hisp.dhis.category.CategoryOption",
    "categories": "org.hisp.dhis.category.Category",
    "categoryCombos": "org.hisp.dhis.category.CategoryCombo",
    "categoryOptionCombos": "org.hisp.dhis.category.CategoryOptionCombo",
    "indicatorTypes": "org.hisp.dhis.indicator.IndicatorType",
    "indicators": "org.hisp.dhis.indicator.Indicator",
    "constants": "org.hisp.dhis.constant.Constant",
}
REPORT_MODES = ("ERRORS", "FULL", "DEBUG")


@dataclass
class _Object:
    index: int
    uid: str | None
    name: str | None
    errors: list[dict] = field(default_factory=list)


@dataclass
class _Type:
    kind: str
    created: int = 0
    updated: int = 0
    deleted: int = 0
    ignored: int = 0
    objects: dict[int, _Object] = field(default_factory=dict)


def _stats(created: int, updated: int, deleted: int, ignored: int) -> dict[str, int]:
    return {
        "created": created,
        "updated": updated,
        "deleted": deleted,
        "ignored": ignored,
        "total": created + updated + deleted + ignored,
    }


class ImportReport:
    """Collects what an import did to each object, and writes DHIS2's ImportReport."""

    def __init__(self) -> None:
        self._types: dict[str, _Type] = {}
        self.rolled_back = False

    def _type(self, kind: str) -> _Type:
        return self._types.setdefault(kind, _Type(kind))

    def _object(self, kind: str, index: int, uid: str | None, name: str | None) -> _Object:
        objects = self._type(kind).objects
        if index not in objects:
            objects[index] = _Object(index, uid, name)
        return objects[index]

    def count(self, kind: str, outcome: str, *, index: int, uid: str | None, name: str | None = None) -> None:
        """Record one object ``created``, ``updated``, ``deleted`` or ``ignored``."""
        report = self._type(kind)
        setattr(report, outcome, getattr(report, outcome) + 1)
        self._object(kind, index, uid, name)

    def error(
        self,
        kind: str,
        *,
        index: int,
        uid: str | None,
        code: str,
        message: str,
        name: str | None = None,
        prop: str | None = None,
        value: Any = None,
        args: tuple = (),
    ) -> None:
        """Record an error of one object (which the caller counts as ignored)."""
        error = {"message": message, "mainKlass": KLASSES.get(kind, kind), "errorCode": code}
        if uid:
            error["mainId"] = uid
        if prop:
            error["errorProperty"] = prop
        error["errorProperties"] = [str(a) for a in args]
        if value is not None:
            error["value"] = value
        self._object(kind, index, uid, name).errors.append(error)

    def has_errors(self) -> bool:
        return any(obj.errors for t in self._types.values() for obj in t.objects.values())

    def stored_any(self) -> bool:
        return not self.rolled_back and any(t.created or t.updated or t.deleted for t in self._types.values())

    def roll_back(self) -> None:
        """Nothing was stored: what would have been created or updated counts as ignored (DHIS2's
        ``Stats.ignored()``)."""
        self.rolled_back = True

    @property
    def status(self) -> str:
        if not self.has_errors():
            return "OK"
        return "WARNING" if self.stored_any() else "ERROR"

    def to_dict(self, report_mode: str = "ERRORS") -> dict:
        type_reports = []
        totals = [0, 0, 0, 0]
        for kind, report in self._types.items():
            numbers = [report.created, report.updated, report.deleted, report.ignored]
            if self.rolled_back:
                numbers = [0, 0, 0, sum(numbers)]
            totals = [a + b for a, b in zip(totals, numbers, strict=True)]
            objects = []
            for obj in sorted(report.objects.values(), key=lambda o: o.index):
                if report_mode == "ERRORS" and not obj.errors:
                    continue
                entry: dict[str, Any] = {"klass": KLASSES.get(kind, kind), "index": obj.index}
                if obj.uid:
                    entry["uid"] = obj.uid
                if report_mode == "DEBUG" and obj.name:
                    entry["displayName"] = obj.name
                entry["errorReports"] = obj.errors
                objects.append(entry)
            type_reports.append(
                {"klass": KLASSES.get(kind, kind), "stats": _stats(*numbers), "objectReports": objects}
            )
        return {
            "responseType": "ImportReport",
            "status": self.status,
            "stats": _stats(*totals),
            "typeReports": type_reports,
        }
