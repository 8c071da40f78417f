"""``GET /api/dataSets/<uid>/dataValueSet``: an empty data value set for a data set, as DHIS2 gives it.

One data value per data element of the data set and category option combo of its disaggregation, with an
empty ``value``, for a client to fill in and post back to ``/api/dataValueSets`` (dhis2-pocket-knife's
``fake-data`` starts there). Parameters as DHIS2 2.40 takes them: ``period`` (written on every value; empty
when absent), ``orgUnit`` (repeated or comma-separated: the template is repeated for each, with its
``orgUnit``; absent, values carry no org unit), ``dataElementIdScheme`` and ``orgUnitIdScheme`` (``CODE``
names them by code; anything else by UID). JSON by default, DXF 2 XML for ``.xml`` or an XML ``Accept``.

Unlike DHIS2, which skips org units it cannot find and writes an empty period for one it cannot read, qicop
refuses both with DHIS2's error codes, so a typo is not mistaken for a smaller template.
"""

from __future__ import annotations

import io

from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.utils.translation import gettext as _

from qicop.api.dhis2.common import error_response, respond
from qicop.api.dhis2.metadata_lists import reader
from qicop.api.dhis2.routing import preferred_format
from qicop.indicators.metadata_selectors import visible_metadata
from qicop.indicators.models import CategoryOptionCombo, DataElement, DataSet, OrgUnit
from qicop.integrations.dhis2 import datavalueset_xml
from qicop.integrations.dhis2.periods import PeriodError, parse_period
from qicop.integrations.dhis2.rows import DataValueRow

MAX_ORG_UNITS = 1000
MAX_VALUES = 100_000


def data_value_set_template(request, uid: str):
    user, refusal = reader(request)
    if refusal:
        return refusal
    fmt = preferred_format(request)
    if fmt not in ("json", "xml") or getattr(request, "dhis2_compression", None):
        return error_response(406, _("This template is served as JSON or XML: ask for .json or .xml."))
    data_set = visible_metadata(user, DataSet).filter(uid=uid).first()
    if data_set is None:
        return error_response(
            404, _("%(type)s with id %(uid)s could not be found.") % {"type": "DataSet", "uid": uid}
        )
    period = request.GET.get("period", "").strip()
    if period:
        try:
            period = parse_period(period).id
        except PeriodError:
            return error_response(409, _("Period is invalid: `%(id)s`") % {"id": period}, error_code="E1101")
    wanted = [part.strip() for given in request.GET.getlist("orgUnit") for part in given.split(",")]
    wanted = list(dict.fromkeys(part for part in wanted if part))
    if len(wanted) > MAX_ORG_UNITS:
        return error_response(
            409, _("Ask for at most %(count)d organisation units at once.") % {"count": MAX_ORG_UNITS}
        )
    units = _org_units(user, wanted)
    missing = [identifier for identifier in wanted if identifier not in units]
    if missing:
        return error_response(
            409,
            _("Organisation unit not found or not accessible: `%(id)s`") % {"id": missing[0]},
            error_code="E1102",
        )
    element_code = request.GET.get("dataElementIdScheme", "").upper() == "CODE"
    unit_code = request.GET.get("orgUnitIdScheme", "").upper() == "CODE"
    elements = _elements(data_set)
    per_unit = sum(len(element.category_combo.option_combos.all()) for element in elements)
    if per_unit * max(1, len(wanted)) > MAX_VALUES:
        return error_response(
            409,
            _("This template would hold more than %(count)d values: ask for fewer organisation units.")
            % {"count": MAX_VALUES},
        )
    rows = [
        DataValueRow(
            data_element=_name(element, element_code),
            period=period,
            org_unit=None if unit is None else _name(unit, unit_code),
            category_option_combo=combo.uid,
            value="",
        )
        for unit in ([units[identifier] for identifier in wanted] or [None])
        for element in elements
        for combo in element.category_combo.option_combos.all()
    ]
    if fmt == "xml":
        out = io.StringIO()
        datavalueset_xml.write(None, rows, out)
        return HttpResponse(out.getvalue(), content_type="application/xml; charset=UTF-8")
    return respond(request, {"dataValues": [_as_json(row) for row in rows]})


def _org_units(user, wanted: list[str]) -> dict[str, OrgUnit]:
    """The visible org units among ``wanted`` (UIDs or codes), by the identifier they were asked for."""
    if not wanted:
        return {}
    asked = set(wanted)
    found = {}
    for unit in visible_metadata(user, OrgUnit).filter(Q(uid__in=asked) | Q(code__in=asked)):
        for identifier in (unit.uid, unit.code):
            if identifier in asked:
                found[identifier] = unit
    return found


def _elements(data_set: DataSet) -> list[DataElement]:
    """The data set's data elements, by name, each with its category option combos (three queries)."""
    combos = CategoryOptionCombo.objects.order_by("name", "pk")
    elements = data_set.data_elements.select_related("category_combo").order_by("name", "pk")
    return list(elements.prefetch_related(Prefetch("category_combo__option_combos", queryset=combos)))


def _name(obj, by_code: bool) -> str:
    """A UID, or with ``CODE`` the code (the UID where there is none, as exports name such objects)."""
    return (obj.code or obj.uid) if by_code else obj.uid


def _as_json(row: DataValueRow) -> dict:
    value = {"dataElement": row.data_element, "categoryOptionCombo": row.category_option_combo}
    value["period"] = row.period
    if row.org_unit is not None:
        value["orgUnit"] = row.org_unit
    value["value"] = row.value
    return value
