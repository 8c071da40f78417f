"""Reads of shared data, always scoped to what the viewer may see (see permissions.ReadScope)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from qicop.indicators import tasks
from qicop.indicators.heartbeat import last_sign_of_life
from qicop.indicators.id_schemes import IdSchemes
from qicop.indicators.models import (
    AggregateValue,
    CategoryOptionCombo,
    DataElement,
    DataImport,
    DataSet,
    DataValue,
    IndicatorMapping,
    NetworkIndicator,
    OrgUnit,
    Period,
    Publication,
)
from qicop.indicators.permissions import ReadScope
from qicop.integrations.dhis2.expressions import ExpressionError, in_words, parse_expression, uids_in
from qicop.integrations.dhis2.import_summary import ImportSummary
from qicop.integrations.dhis2.periods import period_of, periods_between
from qicop.integrations.dhis2.rows import DataValueRow
from qicop.network.permissions import viewer_for


def published_condition() -> Exists:
    """A value is published when its country published a period that covers the value's period."""
    return Exists(
        Publication.objects.filter(
            country_id=OuterRef("org_unit__country_id"),
            period__start_date__lte=OuterRef("period__start_date"),
            period__end_date__gte=OuterRef("period__end_date"),
        )
    )


def readable(rows: QuerySet, user) -> QuerySet:
    """The rows (data values, or analytics-table sums: anything with an org unit and a period) ``user`` may
    read. The one place the read rule lives: pages, API, exports and charts all come through here."""
    scope = ReadScope(user)
    if scope.everything:
        return rows
    if not scope.published and not scope.countries:
        return rows.none()
    published = Q(published_condition())
    if scope.national_only:
        published &= Q(org_unit__level=1)
    if not scope.countries:
        return rows.filter(published)
    return rows.filter(Q(org_unit__country_id__in=scope.countries) | published)


def visible_values(user) -> QuerySet[DataValue]:
    return readable(DataValue.objects.all(), user)


def values_counting_for(user, org_unit: OrgUnit) -> QuerySet[DataValue]:
    """The values ``user`` may see counted into ``org_unit``'s totals (filter them to its subtree).

    As ``visible_values``, except for observers: they read published national totals, which the dashboards
    take from the analytics table at the national org unit; summed from the stored values, that total is
    every published value of the country, whatever level it was stored at. Below the national level they
    see nothing."""
    scope = ReadScope(user)
    if scope.national_only and not scope.everything:
        if org_unit.level != 1:
            return DataValue.objects.none()
        return DataValue.objects.filter(published_condition())
    return visible_values(user)


def in_org_units(values: QuerySet[DataValue], org_units: list[str], *, children: bool) -> QuerySet[DataValue]:
    """Values of these org units (by UID or code), or of their whole subtrees."""
    units = OrgUnit.objects.filter(Q(uid__in=org_units) | Q(code__in=org_units))
    if not children:
        return values.filter(org_unit__in=units)
    subtree = Q()
    for path in units.values_list("path", flat=True):
        subtree |= Q(org_unit__path__startswith=path)
    return values.filter(subtree) if subtree else values.none()


def export_rows(
    user,
    *,
    data_elements: list[str] | None = None,
    periods: list[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    org_units: list[str] | None = None,
    children: bool = False,
    include_deleted: bool = False,
    id_schemes: IdSchemes | None = None,
    last_updated: datetime | None = None,
    limit: int | None = None,
) -> Iterator[DataValueRow]:
    """The visible values matching DHIS2's export filters, streamed from the database in chunks.

    Data elements, org units and combos are named under ``id_schemes`` (UID by default); an object with
    no code or no value of the attribute is named by its UID, so that no value is written unnamed.
    ``last_updated``: only values changed since then (deletions too, with ``include_deleted``), DHIS2's
    incremental sync; ``limit``: at most that many values."""
    schemes = id_schemes or IdSchemes()
    scope = ReadScope(user)
    if scope.national_only and not scope.everything and not scope.countries:
        yield from _national_totals(
            user, schemes, data_elements=data_elements, periods=periods, start=start, end=end,
            org_units=org_units, limit=limit,
        )  # fmt: skip
        return
    values = _matching(visible_values(user), data_elements, periods, start, end)
    if org_units:
        values = in_org_units(values, org_units, children=children)
    if not include_deleted:
        values = values.filter(deleted=False)
    if last_updated is not None:
        values = values.filter(last_updated__gte=last_updated)
    columns = values.order_by("period__start_date", "org_unit_id", "data_element_id", "id").values_list(
        schemes.data_elements.expression("data_element__"),
        "period__dhis2_id",
        schemes.org_units.expression("org_unit__"),
        schemes.category_option_combos.expression("category_option_combo__"),
        schemes.attribute_option_combos.expression("attribute_option_combo__"),
        "value",
        "stored_by",
        "created",
        "last_updated",
        "comment",
        "follow_up",
        "deleted",
    )
    if limit is not None:
        columns = columns[:limit]
    for index, row in enumerate(columns.iterator(chunk_size=5000)):
        yield DataValueRow(
            data_element=row[0],
            period=row[1],
            org_unit=row[2],
            category_option_combo=row[3],
            attribute_option_combo=row[4],
            value=row[5],
            stored_by=row[6] or None,
            created=row[7].isoformat(timespec="milliseconds"),
            last_updated=row[8].isoformat(timespec="milliseconds"),
            comment=row[9],
            follow_up=row[10],
            deleted=row[11] or None,
            index=index,
        )


def _matching(rows: QuerySet, data_elements, periods, start, end) -> QuerySet:
    """Rows (values or sums) of these data elements (UIDs or codes), periods (DHIS2 ids) and dates."""
    if data_elements:
        rows = rows.filter(Q(data_element__uid__in=data_elements) | Q(data_element__code__in=data_elements))
    if periods:
        rows = rows.filter(period__dhis2_id__in=periods)
    if start:
        rows = rows.filter(period__start_date__gte=start)
    if end:
        rows = rows.filter(period__end_date__lte=end)
    return rows


def _national_totals(user, schemes: IdSchemes, *, data_elements, periods, start, end, org_units, limit):
    """What an observer reads: each country's published national totals, as the dashboard shows them — the
    analytics table's sums at the country's org unit (the values stored there included), written as values
    of that org unit with the default attribute option combo. A country's org unit without children has no
    sums: its own values are its totals. ``lastUpdated`` does not narrow them (a sum has no time of its
    own)."""

    def narrowed(rows: QuerySet) -> QuerySet:
        rows = _matching(readable(rows.filter(org_unit__level=1), user), data_elements, periods, start, end)
        if org_units:
            rows = rows.filter(Q(org_unit__uid__in=org_units) | Q(org_unit__code__in=org_units))
        return rows.order_by(
            "period__start_date", "org_unit_id", "data_element_id", "category_option_combo_id"
        )

    names = (
        schemes.data_elements.expression("data_element__"),
        "period__dhis2_id",
        schemes.org_units.expression("org_unit__"),
        schemes.category_option_combos.expression("category_option_combo__"),
    )
    default = (
        CategoryOptionCombo.objects.filter(name="default")
        .values_list(schemes.attribute_option_combos.expression(), flat=True)
        .first()
    )
    sums = narrowed(AggregateValue.objects.all()).values_list(*names, "total")
    alone = narrowed(DataValue.objects.filter(org_unit__children__isnull=True, deleted=False)).values_list(
        *names, "value"
    )
    index = 0
    for rows in (sums, alone):
        for row in rows.iterator(chunk_size=5000):
            if limit is not None and index >= limit:
                return
            value = row[4]
            if isinstance(value, float):
                value = str(int(value)) if value.is_integer() else repr(value)
            yield DataValueRow(
                data_element=row[0],
                period=row[1],
                org_unit=row[2],
                category_option_combo=row[3],
                attribute_option_combo=default,
                value=value,
                index=index,
            )
            index += 1


def period_rows(ids: list[str]) -> QuerySet[Period]:
    return Period.objects.filter(dhis2_id__in=ids)


def import_answer(data_import) -> dict | None:
    """What a finished data value import answered, in the one shape every answer has (DHIS2's import
    summary, complete: a summary stored before every member was written gains the missing ones). A
    metadata import's report as it was stored; None while the import has not finished."""
    summary = data_import.summary
    if summary is None or data_import.job_type != "DATAVALUE_IMPORT":
        return summary
    return ImportSummary.normalised(summary)


def imports_for_user(user, job_type: str | None = "DATAVALUE_IMPORT") -> QuerySet:
    """The imports (of ``job_type``, or of every type) ``user`` may follow: their own, and a coordinator's
    those of the people of their networks' countries."""

    imports = DataImport.objects.select_related("user__member").order_by("-created_at")
    if job_type is not None:
        imports = imports.filter(job_type=job_type)
    viewer = viewer_for(user)
    if viewer.is_superuser:
        return imports
    countries = viewer.coordinated_country_ids()
    if countries:
        # A coordinator follows the imports of the people of their networks' countries, and their own.
        return imports.filter(Q(user=user) | Q(user__member__country_id__in=countries))
    return imports.filter(user=user)


# Why an import that was queued or running will never end, as its page and DHIS2's task summary say it.
WORKER_STOPPED = _("The worker stopped while importing; nothing was stored.")
TASK_FAILED = _("The import stopped on an unexpected error; nothing was stored.")
TASK_LOST = _("The import's task was lost before it ran; nothing was stored.")


def orphan_reason(data_import, *, now: datetime):
    """Why this queued or running import is orphaned — its worker stopped (no heartbeat for
    ``QICOP_IMPORT_STALE_AFTER`` seconds), its task failed, or the task backend lost it — or None while it
    may still end by itself. Imports are atomic: an orphaned one stored nothing."""
    from django.conf import settings

    stale_before = now - timedelta(seconds=settings.QICOP_IMPORT_STALE_AFTER)
    if data_import.status == DataImport.Status.RUNNING:
        alive = last_sign_of_life(data_import)
        return WORKER_STOPPED if alive is None or alive < stale_before else None
    if data_import.status != DataImport.Status.QUEUED:
        return None
    state = _task_state(data_import)
    if state is None:
        return None
    status, started_at = state
    if status == "FAILED":
        return TASK_FAILED
    if status in ("SUCCESSFUL", "MISSING"):
        return TASK_LOST
    if status == "RUNNING" and started_at is not None and started_at < stale_before:
        return WORKER_STOPPED  # claimed by a worker that died before it began
    return None


def _task_state(data_import) -> tuple[str, datetime | None] | None:
    """The task backend's status of the import's task and when it started ("MISSING" if the backend knows
    no such task); None when the import has no task or the backend cannot say (the immediate backend)."""
    from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

    if not data_import.task_id:
        return None
    metadata = data_import.job_type == DataImport.JobType.METADATA_IMPORT
    task = tasks.run_metadata_import if metadata else tasks.run_import
    if not task.get_backend().supports_get_result:
        return None
    try:
        result = task.get_result(data_import.task_id)
    except (TaskResultDoesNotExist, TaskResultMismatch):
        return "MISSING", None
    return str(result.status), result.started_at


def import_job_for_user(user, job_type: str, job_id: str):
    """One import by its DHIS2 job id (a UID; the integer ids of earlier links still work), or None alike
    when it does not exist and when ``user`` may not see it."""
    jobs = imports_for_user(user, job_type)
    if job_id.isdigit():
        return jobs.filter(pk=int(job_id)).first() if len(job_id) < 12 else None
    return jobs.filter(uid=job_id).first()


def completeness(countries: list, months: int = 12, today: date | None = None) -> dict:
    """Values reported and publication per country and month, for the last ``months`` months."""
    from django.db.models import Count
    from django.utils import timezone

    today = today or timezone.localdate()
    current = period_of("Monthly", today)
    periods = [current]
    for _step in range(months - 1):
        periods.append(periods[-1].previous())
    periods.reverse()
    counts = {
        (row["org_unit__country_id"], row["period__dhis2_id"]): row["n"]
        for row in DataValue.objects.filter(
            deleted=False, period__dhis2_id__in=[p.id for p in periods], org_unit__country__in=countries
        )
        .values("org_unit__country_id", "period__dhis2_id")
        .annotate(n=Count("id"))
    }
    published = set(
        Publication.objects.filter(country__in=countries).values_list(
            "country_id", "period__start_date", "period__end_date"
        )
    )
    grid = []
    for country in countries:
        cells = []
        for period in periods:
            is_published = any(
                c == country.pk and s <= period.start and e >= period.end for c, s, e in published
            )
            cells.append(
                {
                    "period": period.id,
                    "count": counts.get((country.pk, period.id), 0),
                    "published": is_published,
                }
            )
        grid.append({"country": country, "cells": cells})
    return {"periods": [p.id for p in periods], "rows": grid}


MONTHS_OFFERED = 120


def published_spans(country_ids) -> dict[int, list[tuple[date, date]]]:
    """Each country's published periods as (first day, last day), in one query (see periods.covered)."""
    spans: dict[int, list[tuple[date, date]]] = {}
    rows = Publication.objects.filter(country_id__in=country_ids).values_list(
        "country_id", "period__start_date", "period__end_date"
    )
    for country_id, start, end in rows:
        spans.setdefault(country_id, []).append((start, end))
    return spans


def months_with_values(countries, *, before: date) -> list:
    """The months that ended before ``before`` in which these countries hold values, newest first (ten
    years at most): the periods a focal point publishes. A value of a longer period (a year's estimate)
    counts for its months, never for months to come. Read from the national sums of the analytics table."""
    spans = (
        AggregateValue.objects.filter(
            org_unit__level=1, org_unit__country__in=countries, period__start_date__lt=before
        )
        .values_list("period__start_date", "period__end_date")
        .distinct()
        .order_by("-period__start_date")[: MONTHS_OFFERED * 4]
    )
    months = {month for start, end in spans for month in periods_between("Monthly", start, end)}
    return sorted((m for m in months if m.end < before), reverse=True)[:MONTHS_OFFERED]


def network_indicators(network):
    from django.db.models import Prefetch

    return NetworkIndicator.objects.filter(network=network).prefetch_related(
        Prefetch(
            "mappings", queryset=IndicatorMapping.objects.select_related("country").order_by("country__name")
        )
    )


def network_indicators_in_words(network) -> list[NetworkIndicator]:
    """The network's indicators with their mappings, each mapping's expressions also in words
    (``numerator_words``, ``denominator_words``: data elements and combos by name). Four queries."""
    indicators = list(network_indicators(network))
    mappings = [mapping for indicator in indicators for mapping in indicator.mappings.all()]
    uids = set().union(*(uids_in(m.numerator) | uids_in(m.denominator) for m in mappings))
    names = dict(DataElement.objects.filter(uid__in=uids).values_list("uid", "name"))
    names |= dict(CategoryOptionCombo.objects.filter(uid__in=uids).values_list("uid", "name"))
    for mapping in mappings:
        mapping.numerator_words = in_words(mapping.numerator, names)
        mapping.denominator_words = in_words(mapping.denominator, names)
    return indicators


def country_roots(country_ids: set[int] | None) -> QuerySet[OrgUnit]:
    """The root org unit of each country (of every country for None): one per country, so few."""
    roots = OrgUnit.objects.filter(level=1).order_by("name")
    return roots if country_ids is None else roots.filter(country_id__in=country_ids)


def data_set_uids() -> QuerySet:

    return DataSet.objects.order_by("name").values_list("uid", flat=True)


def network_data_element_uids(network) -> set[str]:
    """The data elements the network's indicators are computed from, in any country's mapping: what people
    of the network download first. Mappings whose text does not parse (written before validation) are left
    out."""

    uids = set()
    expressions = IndicatorMapping.objects.filter(network_indicator__network=network).values_list(
        "numerator", "denominator"
    )
    for texts in expressions[:5000]:
        for text in texts:
            try:
                uids |= {operand.data_element for operand in parse_expression(text).operands()}
            except ExpressionError:
                continue
    return uids
