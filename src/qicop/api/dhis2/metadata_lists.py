"""``GET /api/<type>`` and ``GET /api/<type>/<uid>``: DHIS2's read-only metadata resources.

Types: organisationUnits, dataElements, dataSets, categoryCombos, categoryOptionCombos, categories,
categoryOptions, indicators, organisationUnitLevels (``schemas.SERVED``). Parameters as DHIS2 takes them:

- ``fields`` (default ``id,displayName`` for lists, every property for one object);
- ``filter=property:operator:value``, several ANDed, or ORed with ``rootJunction=OR``;
- ``order=name:asc,code:desc`` (default: by name);
- ``page`` (from 1) and ``pageSize`` (default 50, at most ``MAX_PAGE_SIZE``); ``paging=false`` gives the
  whole list without a pager, up to ``MAX_UNPAGED`` objects (a longer list is refused: page through it).

Each list costs the same number of queries whatever its length: a count, the page, one per relation the
fields name. What a reader sees is ``indicators.metadata_selectors``'s rule.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from qicop.api.dhis2 import selection
from qicop.api.dhis2.common import api_user, error_response, unauthorized
from qicop.api.dhis2.schemas import SCHEMAS, OrgUnitLevel, Schema
from qicop.indicators.metadata_selectors import visible_metadata
from qicop.indicators.models import OrgUnit
from qicop.integrations.dhis2.fields import FieldsError, parse_fields
from qicop.integrations.dhis2.query import QueryError, parse_filter, parse_order

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 10_000
MAX_UNPAGED = 50_000
LIST_FIELDS = "id,displayName"
OBJECT_FIELDS = ":all"


class BadRequest(Exception):
    """A parameter qicop cannot follow: answered 400 with the message."""


def check_extension(request):
    """Metadata is served as plain JSON: a 406 for another format suffix or a compressed one."""
    if getattr(request, "dhis2_format", None) not in (None, "json") or getattr(
        request, "dhis2_compression", None
    ):
        return error_response(
            406, _("This resource is served as JSON: ask for .json, or for no extension at all.")
        )
    return None


def reader(request):
    """The user of a read request, or the DHIS2-shaped answer that refuses it."""
    if request.method not in ("GET", "HEAD"):
        return None, error_response(405, _("Metadata is read-only here: use GET (and POST /api/metadata)."))
    user = api_user(request)
    if user is None:
        return None, unauthorized()
    return user, None


@csrf_exempt
def metadata_list(request, resource: str):
    user, refusal = reader(request)
    refusal = refusal or check_extension(request)
    if refusal:
        return refusal
    schema = SCHEMAS[resource]
    try:
        params = ListParams(request)
        nodes = selection.plan(parse_fields(params.fields or LIST_FIELDS), schema)
        objects, total = _page(user, schema, params)
    except (BadRequest, QueryError, FieldsError) as error:
        return error_response(400, str(error))
    ctx = selection.Context(user=user, base_url=base_url(request))
    selection.load(objects, nodes, ctx)
    body = {}
    if params.paging:
        body["pager"] = pager(request, params, total)
    body[schema.key] = [selection.render(obj, nodes, ctx) for obj in objects]
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@csrf_exempt
def metadata_object(request, resource: str, uid: str):
    user, refusal = reader(request)
    refusal = refusal or check_extension(request)
    if refusal:
        return refusal
    schema = SCHEMAS[resource]
    try:
        fields = ",".join(request.GET.getlist("fields")) or OBJECT_FIELDS
        nodes = selection.plan(parse_fields(fields), schema)
    except FieldsError as error:
        return error_response(400, str(error))
    if schema.model is None:
        found = [obj for obj in derived_objects(user, schema) if obj.uid == uid]
    else:
        found = list(visible_metadata(user, schema.model).filter(uid=uid)[:1])
    if not found:
        return error_response(
            404,
            _("%(type)s with id %(uid)s could not be found.")
            % {"type": schema.klass.rsplit(".", 1)[-1], "uid": uid},
        )
    ctx = selection.Context(user=user, base_url=base_url(request))
    selection.load(found, nodes, ctx)
    return JsonResponse(selection.render(found[0], nodes, ctx), json_dumps_params={"ensure_ascii": False})


class ListParams:
    """``fields``, ``filter``, ``rootJunction``, ``order``, ``paging``, ``page``, ``pageSize``, checked."""

    def __init__(self, request=None, *, fields="", filter_texts=(), junction="AND", order_text=""):
        if request is not None:
            get = request.GET
            fields = ",".join(get.getlist("fields"))
            filter_texts = get.getlist("filter")
            junction = get.get("rootJunction", "AND").upper()
            order_text = ",".join(get.getlist("order"))
        if junction not in ("AND", "OR"):
            raise BadRequest(_("rootJunction is AND or OR, not %(value)s") % {"value": junction})
        self.fields = fields
        self.filter_texts = list(filter_texts)
        self.filters = [parse_filter(text) for text in self.filter_texts]
        self.junction = junction
        self.order_text = order_text
        self.orders = parse_order(order_text)
        get = request.GET if request is not None else {}
        paging = get.get("paging", "true").lower()
        if paging not in ("true", "false"):
            raise BadRequest(_("paging is true or false, not %(value)s") % {"value": paging})
        self.paging = paging == "true"
        # A page past any integer the database takes would be a 500 there: the highest is a setting.
        self.page = _whole(get, "page", 1, 1, settings.QICOP_API_MAX_PAGE)
        self.page_size = _whole(get, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)


def _whole(get, name: str, default: int, low: int, high: int | None) -> int:
    raw = get.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(
            _("%(name)s must be a whole number, not %(value)s") % {"name": name, "value": raw}
        ) from None
    if value < low or (high is not None and value > high):
        if high is None:
            message = _("%(name)s must be at least %(low)d") % {"name": name, "low": low}
        else:
            message = _("%(name)s must be from %(low)d to %(high)d, not %(value)d") % {
                "name": name,
                "low": low,
                "high": high,
                "value": value,
            }
        raise BadRequest(message)
    return value


def filtered(user, schema: Schema, params: ListParams, default_order=("name",)):
    """The visible rows of ``schema`` that pass the request's filters, in the order it asks for."""
    rows = visible_metadata(user, schema.model)
    conditions = [
        selection.filter_q(schema, f, t) for f, t in zip(params.filters, params.filter_texts, strict=True)
    ]
    if conditions:
        combined = Q()
        for condition in conditions:
            combined = combined | condition if params.junction == "OR" else combined & condition
        rows = rows.filter(combined)
    ordering = selection.order_by(schema, params.orders, params.order_text) or list(default_order)
    return rows.order_by(*ordering, "pk")


def _page(user, schema: Schema, params: ListParams) -> tuple[list, int]:
    if schema.model is None:
        return _derived_page(user, schema, params)
    rows = filtered(user, schema, params)
    total = rows.count()
    if not params.paging:
        _check_unpaged(total)
        return list(rows), total
    start = (params.page - 1) * params.page_size
    return list(rows[start : start + params.page_size]), total


def _check_unpaged(total: int) -> None:
    if total > MAX_UNPAGED:
        raise BadRequest(
            _(
                "This list has %(total)d objects; paging=false returns at most %(max)d. Page through it "
                "with page and pageSize (at most %(size)d a page)."
            )
            % {"total": total, "max": MAX_UNPAGED, "size": MAX_PAGE_SIZE}
        )


def derived_objects(user, schema: Schema) -> list:
    """The objects of a type qicop derives: organisation unit levels, one per level of the visible units."""
    levels = visible_metadata(user, OrgUnit).order_by("level").values_list("level", flat=True).distinct()
    return [OrgUnitLevel(level) for level in levels]


def _derived_page(user, schema: Schema, params: ListParams) -> tuple[list, int]:
    ctx = selection.Context(user=user, base_url="")
    objects = derived_objects(user, schema)
    if params.filters:
        tests = [
            [
                selection.matches(obj, schema, f, t, ctx)
                for f, t in zip(params.filters, params.filter_texts, strict=True)
            ]
            for obj in objects
        ]
        keep = any if params.junction == "OR" else all
        objects = [obj for obj, results in zip(objects, tests, strict=True) if keep(results)]
    for order in reversed(params.orders):
        prop = schema.props.get(".".join(order.path))
        if prop is None or prop.kind != "simple":
            raise QueryError(
                _("order %(text)s: %(type)s cannot be ordered by %(name)s")
                % {"text": params.order_text, "type": schema.singular, "name": ".".join(order.path)}
            )
        objects.sort(
            key=lambda obj, p=prop: (p.get(obj, ctx) is None, p.get(obj, ctx)), reverse=order.descending
        )
    total = len(objects)
    if not params.paging:
        return objects, total
    start = (params.page - 1) * params.page_size
    return objects[start : start + params.page_size], total


def base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def pager(request, params: ListParams, total: int) -> dict:
    """DHIS2's pager, with absolute links to the next and previous pages as DHIS2 gives them."""
    page_count = max(1, math.ceil(total / params.page_size))
    result = {"page": params.page, "total": total, "pageSize": params.page_size, "pageCount": page_count}

    def link(page: int) -> str:
        query = request.GET.copy()
        query["page"] = str(page)
        return request.build_absolute_uri(request.path) + "?" + urlencode(query, doseq=True)

    if params.page < page_count:
        result["nextPage"] = link(params.page + 1)
    if 1 < params.page <= page_count + 1:
        result["prevPage"] = link(params.page - 1)
    return result
