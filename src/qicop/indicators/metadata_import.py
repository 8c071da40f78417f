"""Importing DHIS2 metadata (org units, data elements, disaggregations, data sets, indicators).

Objects are matched by UID and created or updated in dependency order, in one transaction. Org units are
placed in a country: the one given, the importer's own for a country data manager, or the country whose
name or ISO code matches the hierarchy's root.

The answer is DHIS2's ImportReport (``integrations.dhis2.import_report``): per type, what was created,
updated or ignored, and each object's errors with DHIS2's error codes. Options as DHIS2's ``/api/metadata``
takes them: ``strategy`` (importStrategy) CREATE_AND_UPDATE, CREATE or UPDATE; ``atomic`` (atomicMode)
ALL — any error stores nothing — or NONE — objects with errors are left out, the rest is stored;
``dry_run`` (importMode=VALIDATE) reports without storing.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.indicators.analytics_table import refresh_aggregates
from qicop.indicators.models import (
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    DataValue,
    Indicator,
    OrgUnit,
)
from qicop.indicators.permissions import WriteScope
from qicop.integrations.dhis2 import metadata as metadata_format
from qicop.integrations.dhis2.expressions import ExpressionError, parse_expression
from qicop.integrations.dhis2.import_report import REPORT_MODES, ImportReport
from qicop.integrations.dhis2.metadata import Metadata
from qicop.network.models import Country

DEFAULT_COMBO_UID = "bjDvmb4bfuf"  # DHIS2's conventional UIDs for the "default" disaggregation
DEFAULT_COC_UID = "HllvX50cXC0"
STRATEGIES = ("CREATE_AND_UPDATE", "CREATE", "UPDATE")
ATOMIC_MODES = ("ALL", "NONE")


# DHIS2's older strategy names, still sent by its own clients.
STRATEGY_NAMES = {
    "CREATE_AND_UPDATE": "CREATE_AND_UPDATE",
    "NEW_AND_UPDATES": "CREATE_AND_UPDATE",
    "CREATE": "CREATE",
    "NEW": "CREATE",
    "UPDATE": "UPDATE",
    "UPDATES": "UPDATE",
}
# DHIS2's metadata CSV classKey → the collection its rows are.
CSV_CLASSES = {
    "ORGANISATION_UNIT": "organisationUnits",
    "DATA_ELEMENT": "dataElements",
    "INDICATOR": "indicators",
    "CATEGORY_OPTION": "categoryOptions",
    "CONSTANT": "constants",
}


def import_options(params) -> dict:
    """``import_metadata``'s options from DHIS2's parameters (importMode, dryRun, importStrategy, atomicMode,
    importReportMode), for the API at once and for its asynchronous job later. A ValidationError names a bad
    one."""

    def choice(name: str, allowed, default: str) -> str:
        value = str(params.get(name) or default).upper()
        if value not in allowed:
            raise ValidationError(
                _("%(name)s is one of %(allowed)s, not %(value)s")
                % {"name": name, "allowed": ", ".join(allowed), "value": value}
            )
        return value

    if str(params.get("importStrategy", "")).upper() in ("DELETE", "DELETES"):
        raise ValidationError(
            _(
                "importStrategy=DELETE is not supported: data values refer to metadata, so qicop does not "
                "delete it through the API. Remove objects in the administration pages."
            )
        )
    mode = choice("importMode", ("COMMIT", "VALIDATE"), "COMMIT")
    dry_run = choice("dryRun", ("TRUE", "FALSE"), "FALSE") == "TRUE"
    return {
        "dry_run": dry_run or mode == "VALIDATE",
        "strategy": STRATEGY_NAMES[choice("importStrategy", tuple(STRATEGY_NAMES), "CREATE_AND_UPDATE")],
        "atomic": choice("atomicMode", ATOMIC_MODES, "ALL"),
        "report_mode": choice("importReportMode", REPORT_MODES, "ERRORS"),
    }


def read_bundle(fileobj, *, content_type: str | None, class_key: str | None) -> Metadata:
    """A metadata bundle from JSON, or from DHIS2's metadata CSV of one ``classKey`` (organisation units by
    default). Raises FormatError for a file that cannot be read, ValidationError for a classKey qicop does
    not import."""
    if "csv" not in (content_type or ""):
        return metadata_format.read_json(fileobj)
    key = (class_key or "ORGANISATION_UNIT").upper()
    if key not in CSV_CLASSES:
        raise ValidationError(
            _("classKey %(key)s is not one qicop imports (one of %(keys)s).")
            % {"key": key, "keys": ", ".join(CSV_CLASSES)}
        )
    return metadata_format.read_csv(fileobj, CSV_CLASSES[key])


def generate_uid() -> str:
    """A DHIS2-style UID: a letter, then ten letters or digits."""
    first = secrets.choice(string.ascii_letters)
    return first + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(10))


def ensure_default_combo() -> tuple[CategoryCombo, CategoryOptionCombo]:
    # DHIS2 gives the default combo the code "default": exports with idScheme=CODE name it so.
    combo = CategoryCombo.objects.filter(name="default").first() or CategoryCombo.objects.create(
        uid=DEFAULT_COMBO_UID, name="default", code=_free_code(CategoryCombo, "default")
    )
    coc = CategoryOptionCombo.objects.filter(name="default").first() or CategoryOptionCombo.objects.create(
        uid=DEFAULT_COC_UID,
        name="default",
        category_combo=combo,
        code=_free_code(CategoryOptionCombo, "default"),
    )
    return combo, coc


def _free_code(model, code: str) -> str | None:
    return None if model.objects.filter(code=code).exists() else code


class _Rollback(Exception):
    pass


def import_metadata(
    *,
    actor,
    metadata: Metadata,
    country: Country | None = None,
    dry_run: bool = False,
    strategy: str = "CREATE_AND_UPDATE",
    atomic: str = "ALL",
    report_mode: str = "ERRORS",
) -> dict:
    """Create or update every object of ``metadata``; return DHIS2's ImportReport (a JSON-ready dict).

    Who may change what is ``WriteScope``'s rule: an org unit only by someone who writes for the country
    it is in now and the one it would be in; shared metadata (no country keeps it) by coordinators only; a
    country's own metadata by its data people. Objects a user may not change are still accepted when the
    file leaves them as they are (a bundle exported here and imported back). With ``atomic="ALL"`` any error
    leaves the database as it was; with ``"NONE"`` only the objects with errors are left out. Raises
    PermissionDenied for a user who may not import metadata at all, and ValueError for an unknown
    ``strategy`` or ``atomic`` mode.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"importStrategy {strategy!r} is not one of {', '.join(STRATEGIES)}")
    if atomic not in ATOMIC_MODES:
        raise ValueError(f"atomicMode {atomic!r} is not one of {', '.join(ATOMIC_MODES)}")
    scope = WriteScope.of(actor)
    if not scope.writes_anything:
        raise PermissionDenied(_("Only coordinators, focal points and data managers import metadata."))
    if country is not None and not scope.writes_country(country.pk):
        raise PermissionDenied(
            _("You may import organisation units only into countries you manage data for, not %(country)s.")
            % {"country": country.name}
        )
    if country is None and scope.own_country_id is not None:
        country = Country.objects.get(pk=scope.own_country_id)
    run = _Run(metadata, country, strategy, scope=scope)
    try:
        with transaction.atomic():
            _import_all(run)
            if (atomic == "ALL" and run.report.has_errors()) or dry_run:
                raise _Rollback
            if run.report.stored_any():
                audit(actor=actor, verb="metadata.import", target=actor, stats=run.report.to_dict()["stats"])
    except _Rollback:
        if not dry_run:
            run.report.roll_back()
    return run.report.to_dict(report_mode)


class _Run:
    """One import: its options, the report it writes, and the payload index of each object read."""

    def __init__(self, metadata: Metadata, country: Country | None, strategy: str, *, scope: WriteScope):
        self.metadata = metadata
        self.country = country
        self.strategy = strategy
        self.scope = scope
        self.report = ImportReport()
        self.kept: set[tuple[str, str]] = set()  # (kind, uid) of objects stored as they were: not the user's
        self.moved: list[tuple[str, str, int, int]] = []  # org units moved: old path, new path, countries
        self._codes: dict[str, tuple[str, str]] = {}  # code → (kind, uid) of the payload's objects
        skipped: dict[str, set[int]] = {}
        for error in metadata.errors:
            skipped.setdefault(error.kind or "", set()).add(error.index or 0)
            _report_format_error(self.report, error)
        self._skipped = skipped

    def index(self, kind: str, position: int) -> int:
        """The payload index of the ``position``-th object the reader kept (objects it left out shift
        later ones)."""
        skipped = self._skipped.get(kind)
        if not skipped:
            return position
        index = -1
        for _kept in range(position + 1):
            index += 1
            while index in skipped:
                index += 1
        return index


def _report_format_error(report: ImportReport, error) -> None:
    text = error.message
    code = "E4027"  # a value not valid for its property
    if "not a DHIS2 UID" in text:
        code = "E4014"
    elif "duplicate uid" in text:
        code = "E5004"
    elif "missing" in text or "required" in text:
        code = "E4000"
    report.error(error.kind or "", index=error.index or 0, uid=None, code=code, message=text)
    report.count(error.kind or "", "ignored", index=error.index or 0, uid=None)


def _import_all(run: _Run) -> None:
    metadata = run.metadata
    default_combo, _coc = ensure_default_combo()
    options = _upsert(run, "categoryOptions", CategoryOption, metadata.category_options, lambda m, e: {})
    categories = _upsert(
        run,
        "categories",
        Category,
        metadata.categories,
        lambda m, e: {"data_dimension_type": m.data_dimension_type or "DISAGGREGATION"},
    )
    for meta in metadata.categories:
        if meta.uid in categories and ("categories", meta.uid) not in run.kept:
            categories[meta.uid].options.set(
                [options[u] for u in meta.category_options if u in options]
                + list(CategoryOption.objects.filter(uid__in=meta.category_options))
            )
    combos = _upsert(
        run,
        "categoryCombos",
        CategoryCombo,
        metadata.category_combos,
        lambda m, e: {"data_dimension_type": m.data_dimension_type or "DISAGGREGATION"},
    )
    for meta in metadata.category_combos:
        if meta.uid in combos and ("categoryCombos", meta.uid) not in run.kept:
            combos[meta.uid].categories.set(Category.objects.filter(uid__in=meta.categories))

    def combo_of(uid, errors, prop="categoryCombo", *, required=True):
        found = CategoryCombo.objects.filter(uid=uid).first() if uid else None
        if uid and found is None:
            errors.append(
                (
                    "E5002",
                    _("Unknown category combination %(uid)s") % {"uid": uid},
                    prop,
                    uid,
                )
            )
        return found or (default_combo if required else None)

    cocs = _upsert(
        run,
        "categoryOptionCombos",
        CategoryOptionCombo,
        metadata.category_option_combos,
        lambda m, e: {"category_combo": combo_of(m.category_combo, e)},
    )
    for meta in metadata.category_option_combos:
        if meta.uid in cocs and ("categoryOptionCombos", meta.uid) not in run.kept:
            cocs[meta.uid].options.set(CategoryOption.objects.filter(uid__in=meta.category_options))
    _upsert(
        run,
        "dataElements",
        DataElement,
        metadata.data_elements,
        lambda m, e: {
            "value_type": m.value_type,
            "aggregation_type": m.aggregation_type or "SUM",
            "category_combo": combo_of(m.category_combo, e),
            "zero_is_significant": m.zero_is_significant,
        },
    )
    data_sets = _upsert(
        run,
        "dataSets",
        DataSet,
        metadata.data_sets,
        lambda m, e: {
            "period_type": m.period_type or "Monthly",
            "open_future_periods": m.open_future_periods,
            # No attribute combo and the default one are the same; the API shows both as the default, as
            # DHIS2 shows every data set, and a bundle exported here and imported back changes nothing.
            "category_combo": _unless_default(combo_of(m.category_combo, e, required=False), default_combo),
        },
    )
    for meta in metadata.data_sets:
        if meta.uid in data_sets and ("dataSets", meta.uid) not in run.kept:
            data_sets[meta.uid].data_elements.set(DataElement.objects.filter(uid__in=meta.data_elements))
    factors = {t.uid: t.factor for t in metadata.indicator_types}

    def indicator_fields(meta, errors):
        for part in ("numerator", "denominator"):
            try:
                parse_expression(getattr(meta, part) or "0")
            except ExpressionError as error:
                errors.append(
                    (
                        "E4027",
                        _("Indicator %(name)s: its %(part)s does not parse: %(error)s")
                        % {
                            "name": meta.name,
                            "part": _("numerator") if part == "numerator" else _("denominator"),
                            "error": error,
                        },
                        part,
                        getattr(meta, part),
                    )
                )
        return {
            "numerator": meta.numerator,
            "denominator": meta.denominator,
            "factor": factors.get(meta.indicator_type, 1),
            "numerator_description": meta.numerator_description or "",
            "denominator_description": meta.denominator_description or "",
            "decimals": meta.decimals,
        }

    _upsert(run, "indicators", Indicator, metadata.indicators, indicator_fields)
    _import_org_units(run)
    _follow_moves(run)
    # Data sets name org units that may come in the same file: assigned once those exist.
    for meta in metadata.data_sets:
        if meta.uid in data_sets:
            _assign_org_units(run, data_sets[meta.uid], meta)


def _assign_org_units(run: _Run, data_set: DataSet, meta) -> None:
    units = list(OrgUnit.objects.filter(uid__in=meta.organisation_units))
    scope = run.scope
    if scope.countries is not None and not scope.shared:
        # A country's importer changes its own country's assignments only; the other countries' stay.
        foreign = [u.uid for u in units if not scope.writes_country(u.country_id)]
        if foreign:
            position = run.metadata.data_sets.index(meta)
            run.report.error(
                "dataSets",
                index=run.index("dataSets", position),
                uid=meta.uid,
                code="E3001",
                message=_(
                    "Data set %(name)s: organisation units of another country cannot be assigned "
                    "from here: %(uids)s"
                )
                % {"name": meta.name, "uids": ", ".join(foreign[:10])},
                prop="organisationUnits",
                args=tuple(foreign[:10]),
            )
            return
        kept = list(data_set.organisation_units.exclude(country_id__in=scope.countries))
        data_set.organisation_units.set(kept + units)
    else:
        data_set.organisation_units.set(units)


def _problems(run: _Run, kind: str, model, meta, existing) -> list[tuple]:
    """What stops an object from being stored, before it is: the import strategy, the lengths the
    database keeps, codes another object already has."""
    problems = []
    if run.strategy == "CREATE" and existing is not None:
        problems.append(
            (
                "E5000",
                _("%(uid)s already exists, and importStrategy is CREATE") % {"uid": meta.uid},
                "id",
                meta.uid,
            )
        )
    if run.strategy == "UPDATE" and existing is None:
        problems.append(
            (
                "E5001",
                _("No object %(uid)s to update (importStrategy is UPDATE)") % {"uid": meta.uid},
                "id",
                meta.uid,
            )
        )
    for prop, value, limit in (("name", meta.name, 230), ("code", getattr(meta, "code", None), 100)):
        if value and len(value) > limit:
            problems.append(
                (
                    "E4001",
                    _("%(property)s is %(length)d characters long; at most %(limit)d are kept")
                    % {"property": prop, "length": len(value), "limit": limit},
                    prop,
                    value[:50],
                )
            )
    code = getattr(meta, "code", None)
    if code:
        holder = model.objects.filter(code=code).exclude(uid=meta.uid).values_list("uid", flat=True).first()
        earlier = run._codes.get(f"{kind}:{code}")
        if holder or (earlier and earlier != meta.uid):
            problems.append(
                (
                    "E5003",
                    _("Code %(code)s is already used by %(other)s")
                    % {"code": code, "other": holder or earlier},
                    "code",
                    code,
                )
            )
        else:
            run._codes[f"{kind}:{code}"] = meta.uid
    return problems


# Per type, the lists a file gives of an object's parts: DHIS2's property → (the row's relation, the meta's).
RELATED = {
    "categories": {"categoryOptions": ("options", "category_options")},
    "categoryCombos": {"categories": ("categories", "categories")},
    "categoryOptionCombos": {"categoryOptions": ("options", "category_options")},
    "dataSets": {"dataSetElements": ("data_elements", "data_elements")},
}


def _upsert(run: _Run, kind: str, model, metas, extra) -> dict:
    """Create or update ``model`` rows by UID, each unless it has problems; returns uid → row stored.

    A row that exists and would not change is left untouched (its lastUpdated stays), but counts as
    updated, as DHIS2 counts it. A row the user may not change is accepted only when the file changes
    nothing of it (its parts included): it is then left as it is and marked kept."""
    rows = {}
    existing = {row.uid: row for row in model.objects.filter(uid__in=[m.uid for m in metas if m.uid])}
    for position, meta in enumerate(metas):
        uid = meta.uid or generate_uid()
        index = run.index(kind, position)
        errors: list[tuple] = []
        fields = {
            "name": meta.name,
            "code": getattr(meta, "code", None) or None,
            "short_name": (getattr(meta, "short_name", None) or "")[:100],
            **_attribute_values(meta),
            **extra(meta, errors),
        }
        errors += _problems(run, kind, model, replace(meta, uid=uid), existing.get(uid))
        if errors:
            for code, message, prop, value in errors:
                run.report.error(
                    kind, index=index, uid=meta.uid, name=meta.name, code=code, message=message, prop=prop,
                    value=value, args=(value,) if value else (),
                )  # fmt: skip
            run.report.count(kind, "ignored", index=index, uid=meta.uid, name=meta.name)
            continue
        row = existing.get(uid)
        if row is None:
            row = model.objects.create(uid=uid, country_id=run.scope.own_country_id, **fields)
            run.report.count(kind, "created", index=index, uid=uid, name=meta.name)
        elif run.scope.may_change_metadata(row.country_id):
            _save_if_changed(row, fields)
            run.report.count(kind, "updated", index=index, uid=uid, name=meta.name)
        else:
            changes = _changes(row, fields) + _related_changes(kind, row, meta)
            if changes:
                run.report.error(
                    kind, index=index, uid=meta.uid, name=meta.name, code="E3001", prop=changes[0],
                    message=_not_yours(row, changes), args=tuple(changes),
                )  # fmt: skip
                run.report.count(kind, "ignored", index=index, uid=meta.uid, name=meta.name)
                continue
            run.kept.add((kind, uid))
            run.report.count(kind, "updated", index=index, uid=uid, name=meta.name)
        rows[meta.uid or uid] = row
    return rows


def _changes(row, fields: dict) -> list[str]:
    """The properties the file would change on ``row`` (those it leaves empty are not counted: a DHIS2 client
    that assigns its org units to a shared data set names the data set, not all of it), by DHIS2's names."""
    return [
        _dhis2_property(name)
        for name, value in fields.items()
        if value not in (None, "")
        and getattr(row, name) != value
        and not (name == "attribute_values" and not value)
    ]


def _related_changes(kind: str, row, meta) -> list[str]:
    changed = []
    for prop, (relation, listed) in RELATED.get(kind, {}).items():
        uids = set(getattr(meta, listed) or ())
        if uids and uids != set(getattr(row, relation).values_list("uid", flat=True)):
            changed.append(prop)
    return changed


def _dhis2_property(field: str) -> str:
    first, *rest = field.split("_")
    return first + "".join(part.title() for part in rest)


def _not_yours(row, changes: list[str]) -> str:
    if row.country_id is None:
        return _(
            "%(name)s is shared by the network's countries: only its coordinators change it (this file "
            "changes %(properties)s)"
        ) % {"name": row.name, "properties": ", ".join(changes)}
    return _(
        "%(name)s is kept by %(country)s: only those who manage its data change it (this file changes "
        "%(properties)s)"
    ) % {
        "name": row.name,
        "country": row.country.name,
        "properties": ", ".join(changes),
    }


def _unless_default(combo, default_combo):
    return None if combo is not None and combo.pk == default_combo.pk else combo


def _attribute_values(meta) -> dict:
    """The object's attribute values, replacing those stored, when the file gives them (as DHIS2's default
    REPLACE merge does); nothing when the file says nothing of them (CSV), so they are kept."""
    pairs = getattr(meta, "attribute_values", None)
    return {} if pairs is None else {"attribute_values": dict(pairs)}


def _save_if_changed(row, fields: dict) -> None:
    changed = False
    for name, value in fields.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        row.save()


def _import_org_units(run: _Run) -> None:
    metadata, country, report = run.metadata, run.country, run.report
    positions = {id(meta): position for position, meta in enumerate(metadata.organisation_units)}
    pending = sorted(metadata.organisation_units, key=lambda m: m.level or (m.path or "").count("/") or 99)
    known = {
        uid: (pk, path, level, country_id)
        for uid, pk, path, level, country_id in OrgUnit.objects.filter(
            uid__in=[m.parent for m in pending if m.parent]
        ).values_list("uid", "id", "path", "level", "country_id")
    }
    existing = {row.uid: row for row in OrgUnit.objects.filter(uid__in=[m.uid for m in pending if m.uid])}
    for meta in pending:
        uid = meta.uid or generate_uid()
        index = run.index("organisationUnits", positions[id(meta)])

        def fail(code, message, prop, value=None, meta=meta, index=index):
            report.error(
                "organisationUnits", index=index, uid=meta.uid, name=meta.name, code=code, message=message,
                prop=prop, value=value, args=(value,) if value else (),
            )  # fmt: skip
            report.count("organisationUnits", "ignored", index=index, uid=meta.uid, name=meta.name)

        parent = known.get(meta.parent) if meta.parent else None
        if meta.parent and parent is None:
            fail(
                "E5002",
                _(
                    "Organisation unit %(name)s: its parent %(parent)s is neither in the file "
                    "nor already known"
                )
                % {"name": meta.name, "parent": meta.parent},
                "parent",
                meta.parent,
            )
            continue
        now = existing.get(uid)
        if parent is None and now is not None and not meta.parent:
            target = now.country  # a root stays in its country
        else:
            target = country if parent is None else Country.objects.get(pk=parent[3])
        if parent is None and target is None:
            target = _country_named(meta)
        if target is None:
            fail(
                "E4000",
                _(
                    "Organisation unit %(name)s: say which country it belongs to (no country "
                    "matches its name or code)"
                )
                % {"name": meta.name},
                "parent",
            )
            continue
        problems = _problems(run, "organisationUnits", OrgUnit, replace(meta, uid=uid), now)
        if problems:
            for code, message, prop, value in problems:
                report.error(
                    "organisationUnits", index=index, uid=meta.uid, name=meta.name, code=code,
                    message=message, prop=prop, value=value, args=(value,) if value else (),
                )  # fmt: skip
            report.count("organisationUnits", "ignored", index=index, uid=meta.uid, name=meta.name)
            continue
        path = f"{parent[1]}/{uid}" if parent else f"/{uid}"
        level = parent[2] + 1 if parent else (meta.level or 1)
        fields = {
            "name": meta.name,
            "code": meta.code or None,
            "short_name": (meta.short_name or "")[:100],
            "parent_id": parent[0] if parent else None,
            "path": path,
            "level": level,
            "country_id": target.pk,
            "opening_date": meta.opening_date,
            "closed_date": meta.closed_date,
            **_attribute_values(meta),
        }
        refusal = None
        if not run.scope.may_place_org_unit(now.country_id if now else None, target.pk):
            where = (
                now.country if now is not None and not run.scope.writes_country(now.country_id) else target
            )
            refusal = _(
                "Organisation unit %(name)s is in %(country)s: only those who manage %(country)s's data "
                "change it"
            ) % {"name": meta.name, "country": where.name}
        elif country is not None and target.pk != country.pk:
            refusal = _("Organisation unit %(name)s is in another country") % {"name": meta.name}
        if refusal is not None:
            if now is not None and not _changes(now, fields):  # sent back as it is: nothing to refuse
                report.count("organisationUnits", "updated", index=index, uid=uid, name=meta.name)
                known[uid] = (now.pk, now.path, now.level, now.country_id)
            else:
                fail("E3000", refusal, "parent", meta.parent)
            continue
        row = existing.get(uid)
        if row is None:
            row = OrgUnit.objects.create(uid=uid, **fields)
            report.count("organisationUnits", "created", index=index, uid=uid, name=meta.name)
        else:
            if row.path != path or row.country_id != target.pk:
                run.moved.append((row.path, path, row.country_id, target.pk))
            _save_if_changed(row, fields)
            report.count("organisationUnits", "updated", index=index, uid=uid, name=meta.name)
        known[uid] = (row.pk, path, level, target.pk)


def _country_named(meta) -> Country | None:
    keys = [k for k in (meta.code, meta.name, meta.short_name) if k]
    query = Q()
    for key in keys:
        query |= Q(iso2__iexact=key) | Q(iso3__iexact=key) | Q(name__iexact=key)
    return Country.objects.filter(query).first() if keys else None


def _follow_moves(run: _Run) -> None:
    """Org units that moved take their subtrees along (paths, levels, country), and the analytics table is
    recomputed for the countries they left and joined, for every period with values below them."""
    for old_path, new_path, old_country, new_country in run.moved:
        shift = new_path.count("/") - old_path.count("/")
        below = list(OrgUnit.objects.filter(path__startswith=old_path + "/"))
        for unit in below:
            unit.path = new_path + unit.path[len(old_path) :]
            unit.level += shift
            unit.country_id = new_country
        OrgUnit.objects.bulk_update(below, ["path", "level", "country"], batch_size=500)
        subtree = OrgUnit.objects.filter(Q(path=new_path) | Q(path__startswith=new_path + "/"))
        periods = set(
            DataValue.objects.filter(org_unit__in=subtree)
            .values_list("period_id", flat=True)
            .distinct()
            .order_by()
        )
        refresh_aggregates((country, period) for country in {old_country, new_country} for period in periods)
