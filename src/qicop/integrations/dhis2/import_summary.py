"""The answer to a data value import, shaped like DHIS2's import summary so DHIS2 clients understand it.

Shape (spec ``formats.md`` §1.6; samples in ``shared/formats/dhis2-import-summary/``)::

    {"responseType": "ImportSummary", "status": "SUCCESS|WARNING|ERROR", "importOptions": {…},
     "description": "…", "importCount": {"imported": 0, "updated": 3, "ignored": 1, "deleted": 0},
     "conflicts": [{"object": "UOlfIjgN8X6", "objects": {…}, "value": "…", "errorCode": "E7619",
                    "property": "value", "indexes": [2, 7]}],
     "rejectedIndexes": [2, 7], "dataSetComplete": "false"}

Newer DHIS2 servers wrap it in a WebMessage (``httpStatus``, ``httpStatusCode`` 200 or 409, ``status``,
``message``, ``response``); :meth:`ImportSummary.to_web_message` gives that, :meth:`ImportSummary.from_dict`
reads either, and old servers' conflicts with only ``object`` and ``value``. Legacy XML summaries (one
``<importSummary>`` per ADX group inside ``<importSummaries>``) are read by :func:`read_import_summaries_xml`.

Status: SUCCESS when there is no conflict, WARNING when some values were stored despite conflicts, ERROR when
none was (spec §1.6). Conflicts with the same object, value and error code are one conflict whose ``indexes``
grow, as DHIS2 reports them; ``rejectedIndexes`` lists each rejected index once, in order of rejection.
Indexes are 0-based positions of values in the file.

Error codes are DHIS2's data-import codes (E76xx): same numbers, same meaning, messages in our words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from qicop.integrations.dhis2.datavalueset_xml import START, local_name, xml_events
from qicop.integrations.dhis2.formats import binary_stream
from qicop.integrations.errors import FormatError

SUCCESS, WARNING, ERROR = "SUCCESS", "WARNING", "ERROR"

# DHIS2's data-import error codes and what each means; ``{0}``, ``{1}`` are the objects named.
ERROR_MESSAGES: dict[str, str] = {
    "E7600": "Data set not found or not accessible: `{0}`",
    "E7601": "No write access to data set: `{0}`",
    "E7602": "A valid data set is required",
    "E7603": "Organisation unit not found or not accessible: `{0}`",
    "E7604": "Attribute option combo not found or not accessible: `{0}`",
    "E7610": "Data element not found or not accessible: `{0}`",
    "E7611": "Period not valid: `{0}`",
    "E7612": "Organisation unit not found or not accessible: `{0}`",
    "E7613": "Category option combo not found or not writable: `{0}`",
    "E7614": "Category option combo `{0}` has an option that is not accessible: `{1}`",
    "E7615": "Attribute option combo not found or not writable: `{0}`",
    "E7616": "Attribute option combo `{0}` has an option that is not accessible: `{1}`",
    "E7617": "Organisation unit `{0}` is outside the hierarchy of user `{1}`",
    "E7618": "Neither a value nor a comment is given for data element `{0}`",
    "E7619": "Value must match data element's `{0}` type constraints: {1}",
    "E7620": "Invalid comment: {0}",
    "E7621": "Value is not an option of the data element's option set: `{0}`",
    "E7630": "A category option combo is required but none is given",
    "E7631": "An attribute option combo is required but none is given",
    "E7632": "Period `{0}` has a period type that data element `{1}` does not take",
    "E7633": "Data element `{0}` is not in data set `{1}`",
    "E7634": "Category option combo `{0}` is not in the category combo of data element `{1}`",
    "E7635": "Attribute option combo `{0}` is not in the category combo of data element `{1}`'s data sets",
    "E7636": "Data element `{1}` is not assigned through a data set to organisation unit `{0}`",
    "E7637": "Invalid storedBy: {0}",
    "E7638": "Period `{0}` is outside the dates of attribute option combo `{1}`",
    "E7639": "Organisation unit `{0}` is not valid for attribute option combo `{1}`",
    "E7640": "Expiry days have passed for period `{0}` of data set `{1}`",
    "E7641": "Period `{0}` is after the latest open future period `{2}` of data element `{1}`",
    "E7642": "Data already approved for data set `{3}`, period `{1}`, org unit `{0}`, attribute combo `{2}`",
    "E7643": "Period `{0}` is not open for data set `{1}` now",
    "E7644": "Period `{0}` is not among the open periods of the data sets",
}


def error_message(code: str, *args: object) -> str:
    """The conflict text for an error code, e.g. ``error_message("E7611", "2016Q5")``."""
    return ERROR_MESSAGES[code].format(*args)


@dataclass(slots=True)
class ImportCount:
    """DHIS2's four counts of what an import did (the importer keeps its running counts in one too)."""

    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0

    @property
    def written(self) -> int:
        """The values the import changed: imported, updated or deleted."""
        return self.imported + self.updated + self.deleted

    def to_dict(self) -> dict[str, int]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "ignored": self.ignored,
            "deleted": self.deleted,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportCount:
        return cls(**{key: int(data.get(key) or 0) for key in ("imported", "updated", "ignored", "deleted")})

    @property
    def stored(self) -> int:
        return self.imported + self.updated + self.deleted


@dataclass(slots=True)
class Conflict:
    """One problem, naming the object at fault, with the indexes of every value that had it."""

    object: str
    value: str
    error_code: str | None = None
    property: str | None = None
    indexes: list[int] = field(default_factory=list)
    objects: dict[str, str] = field(default_factory=dict)
    #: how many values had it, when more than ``indexes`` lists (a long import lists only the first)
    count: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"object": self.object}
        if self.objects:
            data["objects"] = dict(self.objects)
        data["value"] = self.value
        if self.error_code is not None:
            data["errorCode"] = self.error_code
        if self.property is not None:
            data["property"] = self.property
        data["indexes"] = list(self.indexes)
        if self.count is not None:
            data["count"] = self.count
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Conflict:
        return cls(
            object=str(data.get("object", "")),
            value=str(data.get("value", "")),
            error_code=data.get("errorCode"),
            property=data.get("property"),
            indexes=[int(index) for index in data.get("indexes") or ()],
            objects={str(key): str(value) for key, value in (data.get("objects") or {}).items()},
            count=int(data["count"]) if data.get("count") is not None else None,
        )


@dataclass(slots=True)
class ImportSummary:
    """What an import did. Build it with :meth:`add_conflict` and the counts, then :meth:`finish`."""

    status: str = SUCCESS
    description: str | None = None
    import_count: ImportCount = field(default_factory=ImportCount)
    conflicts: list[Conflict] = field(default_factory=list)
    rejected_indexes: list[int] = field(default_factory=list)
    import_options: dict[str, Any] | None = None
    data_set_complete: str | None = None
    _by_key: dict[tuple, Conflict] = field(default_factory=dict, repr=False, compare=False)
    _rejected: set[int] = field(default_factory=set, repr=False, compare=False)

    def add_conflict(
        self,
        object: str,
        value: str,
        *,
        error_code: str | None = None,
        property: str | None = None,
        index: int | None = None,
        objects: dict[str, str] | None = None,
    ) -> Conflict:
        """Record a conflict; one with the same object, value and code gains the index instead."""
        key = (object, value, error_code)
        conflict = self._by_key.get(key)
        if conflict is None:
            conflict = Conflict(object, value, error_code, property, [], dict(objects or {}))
            self._by_key[key] = conflict
            self.conflicts.append(conflict)
        if index is not None:
            if index not in conflict.indexes:
                conflict.indexes.append(index)
            if index not in self._rejected:
                self._rejected.add(index)
                self.rejected_indexes.append(index)
        return conflict

    @classmethod
    def failed(cls, description: str, *, import_options: dict[str, Any] | None = None) -> ImportSummary:
        """The answer of an import that stored nothing and could say nothing of the values: a file that
        cannot be read, a job that failed or whose worker stopped. Complete like any other (no conflict,
        no rejected index, every count zero), as DHIS2 answers a payload it cannot read."""
        return cls(status=ERROR, description=description, import_options=import_options)

    @classmethod
    def normalised(cls, data: dict[str, Any]) -> dict[str, Any]:
        """A stored or received summary in the complete shape and DHIS2's order (one stored before every
        member was written gains the missing ones, empty; PostgreSQL keeps JSON members in an order of its
        own, which scripts that print what they get would show)."""
        return cls.from_dict(data).to_dict()

    def finish(self, description: str | None = None) -> ImportSummary:
        """Set the status from the conflicts and counts (ERROR if nothing was stored despite conflicts)."""
        if self.status != ERROR:
            if not self.conflicts:
                self.status = SUCCESS
            elif self.import_count.stored:
                self.status = WARNING
            else:
                self.status = ERROR
        if description is not None:
            self.description = description
        elif self.description is None:
            self.description = (
                "Import process completed successfully" if self.status != ERROR else "Import process failed"
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        """DHIS2's ImportSummary JSON (the ``response`` of its WebMessage)."""
        data: dict[str, Any] = {"responseType": "ImportSummary", "status": self.status}
        if self.import_options is not None:
            data["importOptions"] = self.import_options
        if self.description is not None:
            data["description"] = self.description
        data["importCount"] = self.import_count.to_dict()
        data["conflicts"] = [conflict.to_dict() for conflict in self.conflicts]
        data["rejectedIndexes"] = list(self.rejected_indexes)
        if self.data_set_complete is not None:
            data["dataSetComplete"] = self.data_set_complete
        return data

    @property
    def http_status_code(self) -> int:
        """200 when everything was stored, 409 (Conflict) otherwise, as DHIS2 answers."""
        return 200 if self.status == SUCCESS else 409

    def to_web_message(self) -> dict[str, Any]:
        """The WebMessage envelope newer DHIS2 servers answer ``POST /api/dataValueSets`` with."""
        return web_message(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportSummary:
        """Read a DHIS2 import summary: bare, or wrapped in a WebMessage (``response``)."""
        if isinstance(data.get("response"), dict):
            data = data["response"]
        if "status" not in data and "importCount" not in data:
            raise FormatError("Not a DHIS2 import summary: no status and no importCount")
        summary = cls(
            status=str(data.get("status", SUCCESS)),
            description=data.get("description"),
            import_count=ImportCount.from_dict(data.get("importCount") or {}),
            import_options=data.get("importOptions"),
            data_set_complete=data.get("dataSetComplete"),
        )
        for item in data.get("conflicts") or ():
            conflict = Conflict.from_dict(item)
            summary.conflicts.append(conflict)
            summary._by_key[(conflict.object, conflict.value, conflict.error_code)] = conflict
        summary.rejected_indexes = [int(index) for index in data.get("rejectedIndexes") or ()]
        summary._rejected = set(summary.rejected_indexes)
        return summary


def read_import_summaries_xml(fileobj: IO[bytes]) -> list[ImportSummary]:
    """Read a legacy XML answer: ``<importSummaries>`` (one summary per ADX group) or one ``<importSummary>``.

    Counts come from ``<importCount imported= updated= ignored= deleted=/>`` (or the older
    ``<dataValueCount>``);
    conflicts from ``<conflict object= value=/>``. Parsed with the entity-safe XML reader.
    """
    summaries: list[ImportSummary] = []
    current: ImportSummary | None = None
    for event in xml_events(binary_stream(fileobj), with_text=True):
        name = local_name(event[1])[1]
        if event[0] == START:
            attrib = event[2]
            if name == "importSummary":
                current = ImportSummary()
            elif current is not None and name in ("importCount", "dataValueCount"):
                current.import_count = ImportCount.from_dict(attrib)
            elif current is not None and name == "conflict":
                current.conflicts.append(Conflict(attrib.get("object", ""), attrib.get("value", "")))
            continue
        text = event[2].strip()
        if current is None:
            continue
        if name == "status":
            current.status = text
        elif name == "description":
            current.description = text
        elif name == "dataSetComplete":
            current.data_set_complete = text
        elif name == "importSummary":
            summaries.append(current)
            current = None
    return summaries


def web_message(summary: dict[str, Any], message: str = "") -> dict[str, Any]:
    """DHIS2's WebMessage around an import summary (as :meth:`ImportSummary.to_dict` gives it): HTTP 200
    when everything was stored, 409 (Conflict) otherwise. ``message`` replaces DHIS2's own English text
    (a translation, say)."""
    ok = summary.get("status") == SUCCESS
    return {
        "httpStatus": "OK" if ok else "Conflict",
        "httpStatusCode": 200 if ok else 409,
        "status": "OK" if ok else summary.get("status", ERROR),
        "message": message
        or ("Import was successful." if ok else "An error occurred, please check import summary."),
        "response": summary,
    }
