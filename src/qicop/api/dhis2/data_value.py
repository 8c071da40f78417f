"""``GET/POST/DELETE /api/dataValues``: one data value, as DHIS2's data entry screens and scripts use it.

Parameters as DHIS2 2.40 names them: ``de`` (data element), ``pe`` (period), ``ou`` (org unit), ``co``
(category option combo; the default when absent), ``cc`` and ``cp`` (the attribute combo as a category combo
and its options, ``;``-separated), ``value``, ``comment``, ``followUp``; a POST may also send them as a JSON
body (``dataElement``, ``period``, ``orgUnit``, ``categoryOptionCombo``, ``attribute: {combo, options}``,
``value``, ``comment``, ``followUp``). Identifiers are UIDs.

Answers as DHIS2: GET 200 with ``["<value>"]`` (404 when there is no such value, or it may not be read),
POST 201 and DELETE 204 with no body, 409 with a WebMessage naming the problem and DHIS2's error code.
Writes go through the same importer as data value sets, so checks, audit and analytics are the same.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from qicop.api.dhis2.common import api_user, error_response, respond, unauthorized
from qicop.indicators import permissions, selectors
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import CategoryOptionCombo, DataElement, OrgUnit
from qicop.integrations.dhis2.formats import parse_flag
from qicop.integrations.dhis2.periods import PeriodError, parse_period
from qicop.integrations.dhis2.rows import DataValueRow
from qicop.integrations.errors import FormatError
from qicop.integrations.limits import load_json

MAX_BODY = 64 * 1024


class _Refused(Exception):
    def __init__(self, status: int, message: str, code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


@csrf_exempt
def data_values(request):
    user = api_user(request)
    if user is None:
        return unauthorized()
    if request.method not in ("GET", "POST", "DELETE"):
        return error_response(405, _("Use GET to read a value, POST to store one or DELETE to remove it."))
    try:
        given = _parameters(request)
        if request.method == "GET":
            return _read(request, user, given)
        if not permissions.can_import(user):
            raise _Refused(403, _("Only coordinators, focal points and data managers change data."))
        return _write(user, given, delete=request.method == "DELETE")
    except _Refused as refused:
        return error_response(refused.status, refused.message, error_code=refused.code)


def _parameters(request) -> dict:
    given = {key: request.GET.get(key) for key in ("de", "pe", "ou", "co", "cc", "cp", "value", "comment")}
    given["followUp"] = request.GET.get("followUp")
    if request.method == "POST" and (request.content_type or "").startswith("application/json"):
        body = request.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            raise _Refused(413, _("A single data value is sent in a small body."))
        try:
            dto = load_json(body or b"{}")  # depth and values limited: `[[[[…` must not cost memory
        except FormatError as error:
            raise _Refused(400, _("The body is not JSON: %(error)s") % {"error": error}) from None
        if not isinstance(dto, dict):
            raise _Refused(400, _("The body must be one data value, a JSON object."))
        attribute = dto.get("attribute") or {}
        options = attribute.get("options") if isinstance(attribute, dict) else None
        nested = [key for key, value in dto.items() if isinstance(value, (dict, list)) and key != "attribute"]
        if (
            nested
            or not isinstance(options, (list, type(None)))
            or any(isinstance(o, (dict, list)) for o in options or ())
        ):
            raise _Refused(
                400,
                _("The data value's fields must be text, numbers or true/false: %(fields)s is not.")
                % {"fields": ", ".join(nested) or "attribute.options"},
            )
        given.update(
            de=_text(dto.get("dataElement")) or given["de"],
            pe=_text(dto.get("period")) or given["pe"],
            ou=_text(dto.get("orgUnit")) or given["ou"],
            co=_text(dto.get("categoryOptionCombo")) or given["co"],
            cc=_text(attribute.get("combo")) if isinstance(attribute, dict) else None,
            cp=";".join(_text(option) for option in options or ()) if options else None,
            value=_text(dto.get("value", given["value"])),
            comment=_text(dto.get("comment", given["comment"])),
            followUp=dto.get("followUp", dto.get("followup", given["followUp"])),
            aoc=_text(dto.get("attributeOptionCombo")),
        )
    elif request.method == "POST":
        for key in ("de", "pe", "ou", "co", "cc", "cp", "value", "comment", "followUp"):
            given[key] = given[key] if given[key] is not None else request.POST.get(key)
    for key in ("de", "pe", "ou"):
        if not given.get(key):
            raise _Refused(400, _("Required request parameter '%(name)s' is not present") % {"name": key})
    return given


def _text(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _attribute_combo(given: dict) -> str | None:
    """The attribute option combo's UID from ``cc`` and ``cp`` (or a body's ``attributeOptionCombo``);
    None for the default."""
    if given.get("aoc"):
        return given["aoc"]
    cc, cp = given.get("cc"), given.get("cp")
    if not cc and not cp:
        return None
    options = {option for option in (cp or "").split(";") if option}
    if cc and options:
        for uid, option_uids in _combos_of(cc).items():
            if option_uids == options:
                return uid
    raise _Refused(
        409,
        _("Attribute option combo not found or not accessible: `%(cc)s`, `%(cp)s`") % {"cc": cc, "cp": cp},
        "E1104",
    )


def _combos_of(category_combo_uid: str) -> dict[str, set[str]]:
    combos: dict[str, set[str]] = {}
    for uid, option in CategoryOptionCombo.objects.filter(category_combo__uid=category_combo_uid).values_list(
        "uid", "options__uid"
    )[:1000]:
        combos.setdefault(uid, set()).add(option)
    return combos


def _check_identifiers(given: dict) -> None:
    """DHIS2's 409s for identifiers that name nothing (E1100…), before anything is looked up or written."""
    if not DataElement.objects.filter(uid=given["de"]).exists():
        raise _Refused(
            409, _("Data element not found or not accessible: `%(id)s`") % {"id": given["de"]}, "E1100"
        )
    try:
        parse_period(given["pe"])
    except PeriodError:
        raise _Refused(409, _("Period is invalid: `%(id)s`") % {"id": given["pe"]}, "E1101") from None
    if not OrgUnit.objects.filter(uid=given["ou"]).exists():
        raise _Refused(
            409, _("Organisation unit not found or not accessible: `%(id)s`") % {"id": given["ou"]}, "E1102"
        )
    if given.get("co") and not CategoryOptionCombo.objects.filter(uid=given["co"]).exists():
        raise _Refused(
            409,
            _("Category option combo not found or not accessible: `%(id)s`") % {"id": given["co"]},
            "E1103",
        )


def _read(request, user, given: dict):
    _check_identifiers(given)
    aoc = _attribute_combo(given)
    values = selectors.visible_values(user).filter(
        data_element__uid=given["de"],
        period__dhis2_id=parse_period(given["pe"]).id,
        org_unit__uid=given["ou"],
        deleted=False,
    )
    values = (
        values.filter(category_option_combo__uid=given["co"])
        if given.get("co")
        else values.filter(category_option_combo__name="default")
    )
    values = (
        values.filter(attribute_option_combo__uid=aoc)
        if aoc
        else values.filter(attribute_option_combo__name="default")
    )
    found = values.values_list("value", flat=True)[:1]
    if not found:
        return error_response(404, _("Data value does not exist"))
    response = respond(request, [found[0]], xml_root="dataValues")
    response["Cache-Control"] = "no-store"
    return response


def _write(user, given: dict, *, delete: bool) -> HttpResponse:
    _check_identifiers(given)
    try:
        follow_up = None if given.get("followUp") in (None, "") else parse_flag(given["followUp"], "followUp")
    except FormatError as error:
        raise _Refused(400, str(error)) from None
    row = DataValueRow(
        given["de"],
        given["pe"],
        given["ou"],
        given.get("co") or None,
        _attribute_combo(given),
        None if delete else given.get("value"),
        comment=None if delete else given.get("comment"),
        follow_up=None if delete else follow_up,
    )
    options = ImportOptions(strategy="DELETE" if delete else "CREATE_AND_UPDATE")
    summary = import_data_values(actor=user, rows=[row], options=options)
    if summary["conflicts"]:
        conflict = summary["conflicts"][0]
        raise _Refused(409, conflict["value"], conflict.get("errorCode"))
    if delete:
        if not summary["importCount"]["deleted"]:
            raise _Refused(409, _("Data value cannot be deleted because it does not exist"))
        return HttpResponse(status=204)
    return HttpResponse(status=201)
