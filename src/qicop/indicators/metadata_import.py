"""Importing DHIS2 metadata (org units, data elements, disaggregations, data sets, indicators).

Objects are matched by UID and created or updated in dependency order, in one transaction. Org units are
placed in a country: the one given, the importer's own for a country data manager, or the country whose
name or ISO code matches the hierarchy's root.
"""

from __future__ import annotations

import secrets
import string
from collections import Counter

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.indicators.models import (
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    Indicator,
    OrgUnit,
)
from qicop.indicators.permissions import data_countries_for
from qicop.integrations.dhis2.expressions import ExpressionError, parse_expression
from qicop.integrations.dhis2.metadata import Metadata
from qicop.network.models import Country

DEFAULT_COMBO_UID = "bjDvmb4bfuf"  # DHIS2's conventional UIDs for the "default" disaggregation
DEFAULT_COC_UID = "HllvX50cXC0"


def generate_uid() -> str:
    """A DHIS2-style UID: a letter, then ten letters or digits."""
    first = secrets.choice(string.ascii_letters)
    return first + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(10))


def ensure_default_combo() -> tuple[CategoryCombo, CategoryOptionCombo]:
    combo = CategoryCombo.objects.filter(name="default").first() or CategoryCombo.objects.create(
        uid=DEFAULT_COMBO_UID, name="default"
    )
    coc = CategoryOptionCombo.objects.filter(name="default").first() or CategoryOptionCombo.objects.create(
        uid=DEFAULT_COC_UID, name="default", category_combo=combo
    )
    return combo, coc


class _Rollback(Exception):
    pass


def import_metadata(
    *, actor, metadata: Metadata, country: Country | None = None, dry_run: bool = False
) -> dict:
    """Create or update every object of ``metadata``; return counts per type and the problems found.

    Coordinators import for any country; focal points and data managers only into their own country.
    All or nothing: any error leaves the database as it was.
    """
    allowed = data_countries_for(actor)
    if allowed == set():
        raise PermissionDenied(_("Only coordinators, focal points and data managers import metadata."))
    if allowed is not None:
        own = next(iter(allowed))
        if country is not None and country.pk != own:
            raise PermissionDenied(_("You may import organisation units only into your own country."))
        country = Country.objects.get(pk=own)
    stats: Counter = Counter()
    errors = [{"message": str(error), "line": error.line} for error in metadata.errors]
    try:
        with transaction.atomic():
            _import_all(metadata, country, stats, errors)
            if errors or dry_run:
                raise _Rollback
            audit(actor=actor, verb="metadata.import", target=actor, stats=dict(stats))
    except _Rollback:
        pass
    status = "ERROR" if errors else "OK"
    return {
        "status": status,
        "dryRun": dry_run,
        "stats": dict(stats),
        "errors": errors,
        "stored": not errors and not dry_run,
    }


def _import_all(metadata: Metadata, country: Country | None, stats: Counter, errors: list) -> None:
    default_combo, _coc = ensure_default_combo()
    options = _upsert(CategoryOption, metadata.category_options, stats, lambda m: {})
    categories = _upsert(
        Category,
        metadata.categories,
        stats,
        lambda m: {"data_dimension_type": m.data_dimension_type or "DISAGGREGATION"},
    )
    for meta in metadata.categories:
        categories[meta.uid].options.set(
            [options[u] for u in meta.category_options if u in options]
            + list(CategoryOption.objects.filter(uid__in=meta.category_options))
        )
    combos = _upsert(
        CategoryCombo,
        metadata.category_combos,
        stats,
        lambda m: {"data_dimension_type": m.data_dimension_type or "DISAGGREGATION"},
    )
    for meta in metadata.category_combos:
        combos[meta.uid].categories.set(Category.objects.filter(uid__in=meta.categories))

    def combo_of(uid):
        found = CategoryCombo.objects.filter(uid=uid).first() if uid else None
        if uid and found is None:
            errors.append({"message": _("Unknown category combination %(uid)s") % {"uid": uid}, "line": None})
        return found or default_combo

    cocs = _upsert(
        CategoryOptionCombo,
        metadata.category_option_combos,
        stats,
        lambda m: {"category_combo": combo_of(m.category_combo)},
    )
    for meta in metadata.category_option_combos:
        cocs[meta.uid].options.set(CategoryOption.objects.filter(uid__in=meta.category_options))
    _upsert(
        DataElement,
        metadata.data_elements,
        stats,
        lambda m: {
            "value_type": m.value_type,
            "aggregation_type": m.aggregation_type or "SUM",
            "category_combo": combo_of(m.category_combo),
            "zero_is_significant": m.zero_is_significant,
        },
    )
    data_sets = _upsert(
        DataSet,
        metadata.data_sets,
        stats,
        lambda m: {"period_type": m.period_type or "Monthly", "open_future_periods": m.open_future_periods},
    )
    for meta in metadata.data_sets:
        data_sets[meta.uid].data_elements.set(DataElement.objects.filter(uid__in=meta.data_elements))
    factors = {t.uid: t.factor for t in metadata.indicator_types}
    for meta in metadata.indicators:
        for part in ("numerator", "denominator"):
            try:
                parse_expression(getattr(meta, part) or "0")
            except ExpressionError as error:
                errors.append(
                    {
                        "message": _("Indicator %(name)s: its %(part)s does not parse: %(error)s")
                        % {
                            "name": meta.name,
                            "part": _("numerator") if part == "numerator" else _("denominator"),
                            "error": error,
                        },
                        "line": None,
                    }
                )
    _upsert(
        Indicator,
        metadata.indicators,
        stats,
        lambda m: {
            "numerator": m.numerator,
            "denominator": m.denominator,
            "factor": factors.get(m.indicator_type, 1),
            "numerator_description": m.numerator_description or "",
            "denominator_description": m.denominator_description or "",
            "decimals": m.decimals,
        },
    )
    _import_org_units(metadata, country, stats, errors)


def _upsert(model, metas, stats: Counter, extra) -> dict:
    """Create or update ``model`` rows by UID; returns uid → row."""
    rows = {}
    name = model._meta.model_name
    for meta in metas:
        uid = meta.uid or generate_uid()
        fields = {
            "name": meta.name,
            "code": getattr(meta, "code", None) or None,
            "short_name": (getattr(meta, "short_name", None) or "")[:100],
            **_attribute_values(meta),
            **extra(meta),
        }
        row, created = model.objects.update_or_create(uid=uid, defaults=fields)
        stats[f"{name}.{'created' if created else 'updated'}"] += 1
        rows[meta.uid or uid] = row
    return rows


def _attribute_values(meta) -> dict:
    """The object's attribute values, replacing those stored, when the file gives them (as DHIS2's default
    REPLACE merge does); nothing when the file says nothing of them (CSV), so they are kept."""
    pairs = getattr(meta, "attribute_values", None)
    return {} if pairs is None else {"attribute_values": dict(pairs)}


def _import_org_units(metadata: Metadata, country: Country | None, stats: Counter, errors: list) -> None:
    pending = sorted(metadata.organisation_units, key=lambda m: m.level or (m.path or "").count("/") or 99)
    known = {
        uid: (pk, path, level, country_id)
        for uid, pk, path, level, country_id in OrgUnit.objects.filter(
            uid__in=[m.parent for m in pending if m.parent]
        ).values_list("uid", "id", "path", "level", "country_id")
    }
    for meta in pending:
        uid = meta.uid or generate_uid()
        parent = known.get(meta.parent) if meta.parent else None
        if meta.parent and parent is None:
            errors.append(
                {
                    "message": _(
                        "Organisation unit %(name)s: its parent %(parent)s is neither in the file "
                        "nor already known"
                    )
                    % {"name": meta.name, "parent": meta.parent},
                    "line": None,
                }
            )
            continue
        target = country if parent is None else Country.objects.get(pk=parent[3])
        if parent is None and target is None:
            target = _country_named(meta)
        if target is None:
            errors.append(
                {
                    "message": _(
                        "Organisation unit %(name)s: say which country it belongs to (no country "
                        "matches its name or code)"
                    )
                    % {"name": meta.name},
                    "line": None,
                }
            )
            continue
        if country is not None and target.pk != country.pk:
            errors.append(
                {
                    "message": _("Organisation unit %(name)s is in another country") % {"name": meta.name},
                    "line": None,
                }
            )
            continue
        path = f"{parent[1]}/{uid}" if parent else f"/{uid}"
        level = parent[2] + 1 if parent else (meta.level or 1)
        row, created = OrgUnit.objects.update_or_create(
            uid=uid,
            defaults={
                "name": meta.name,
                "code": meta.code or None,
                "short_name": (meta.short_name or "")[:100],
                "parent_id": parent[0] if parent else None,
                "path": path,
                "level": level,
                "country": target,
                "opening_date": meta.opening_date,
                "closed_date": meta.closed_date,
                **_attribute_values(meta),
            },
        )
        known[uid] = (row.pk, path, level, target.pk)
        stats[f"orgunit.{'created' if created else 'updated'}"] += 1


def _country_named(meta) -> Country | None:
    keys = [k for k in (meta.code, meta.name, meta.short_name) if k]
    query = Q()
    for key in keys:
        query |= Q(iso2__iexact=key) | Q(iso3__iexact=key) | Q(name__iexact=key)
    return Country.objects.filter(query).first() if keys else None
