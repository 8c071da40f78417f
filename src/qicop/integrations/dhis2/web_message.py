"""DHIS2's answers (WebMessage, ImportSummary, job notifications) written as XML, the way DHIS2 writes them.

DHIS2 serialises the same objects to JSON and XML (Jackson): the XML root is ``webMessage`` (or
``importSummary``…) in the DXF 2 namespace, some scalar members are attributes (``status``,
``httpStatusCode`` of a WebMessage; every count of ``importCount``; ``object``, ``value``, ``errorCode`` of a
conflict), the others child elements, and a list is a wrapper element holding one element per item::

    <webMessage xmlns="http://dhis2.org/schema/dxf/2.0" status="OK" httpStatus="OK" httpStatusCode="200">
      <message>Import was successful.</message>
      <response responseType="ImportSummary">
        <status>SUCCESS</status>
        <importCount imported="1" updated="0" ignored="0" deleted="0"/>
        <conflicts/>
        …

:func:`write_xml` takes the JSON-ready dict and gives the XML document as bytes.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

DXF_NAMESPACE = "http://dhis2.org/schema/dxf/2.0"

# Members written as attributes, per element name (as DHIS2's Jackson annotations place them).
_ATTRIBUTES: dict[str, frozenset[str]] = {
    "webMessage": frozenset(("status", "code", "httpStatus", "httpStatusCode", "errorCode")),
    "response": frozenset(("responseType",)),
    "importCount": frozenset(("imported", "updated", "ignored", "deleted")),
    "conflict": frozenset(("object", "value", "errorCode", "property")),
}
# The element name of a list's items, by the list's name.
_ITEM_NAMES = {
    "conflicts": "conflict",
    "notifications": "notification",
    "rejectedIndexes": "rejectedIndex",
    "indexes": "index",
    "errorReports": "errorReport",
    "organisationUnits": "organisationUnit",
    "dataViewOrganisationUnits": "dataViewOrganisationUnit",
    "teiSearchOrganisationUnits": "teiSearchOrganisationUnit",
    "userRoles": "userRole",
    "authorities": "authority",
    "dataSets": "dataSet",
}


def write_xml(data: dict[str, Any] | list, root: str = "webMessage") -> bytes:
    """The XML document of a DHIS2 answer (a dict, or a list such as a job's notifications)."""
    ElementTree.register_namespace("", DXF_NAMESPACE)
    element = ElementTree.Element(f"{{{DXF_NAMESPACE}}}{root}")
    _fill(element, root, data)
    return ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)


def _fill(element: ElementTree.Element, name: str, data: Any) -> None:
    if isinstance(data, dict):
        attributes = _ATTRIBUTES.get(name, frozenset())
        for key, value in data.items():
            if value is None:
                continue
            if key in attributes and not isinstance(value, (dict, list)):
                element.set(key, _text(value))
            else:
                child = ElementTree.SubElement(element, f"{{{DXF_NAMESPACE}}}{key}")
                _fill(child, key, value)
    elif isinstance(data, list):
        item_name = _ITEM_NAMES.get(name, name)
        for item in data:
            child = ElementTree.SubElement(element, f"{{{DXF_NAMESPACE}}}{item_name}")
            _fill(child, item_name, item)
    else:
        element.text = _text(data)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
