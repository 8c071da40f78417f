"""Writes of collaboratives: create, edit, share, and the meetings that are its learning sessions and calls.
Each is atomic and audited; a collaborative's aim is checked against its key measure and its dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qicop.core.audit import audit
from qicop.core.when import when
from qicop.improvement.models import Collaborative, CollaborativeMeeting, Measure
from qicop.indicators.models import ChartKind, DataElement, NetworkIndicator
from qicop.network.models import Country, Member, Network

#: How long after its end a collaborative's aim may still be dated: results are often sustained later.
AIM_GRACE_MONTHS = 12
#: Chart kinds whose values are proportions: the value runs from 0 to the indicator's factor (100 %).
PROPORTIONS = {ChartKind.P, ChartKind.PP}


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, kept within the month it lands in (31 January + 1 → 28 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def target_range(indicator: NetworkIndicator) -> tuple[Decimal, Decimal | None]:
    """The values the key measure can take: 0 to its factor for a proportion, 0 and up otherwise."""
    if indicator.chart_kind in PROPORTIONS:
        return Decimal(0), Decimal(indicator.factor or 1)
    return Decimal(0), None


def _check(
    *,
    network: Network,
    name: str,
    country: Country,
    key_measure: NetworkIndicator,
    aim_target: Decimal,
    aim_date: date,
    start: date,
    end: date,
    exclude: Collaborative | None,
) -> None:
    errors: dict[str, list[str]] = {}
    taken = Collaborative.objects.filter(network=network, name__iexact=name.strip())
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        errors["name"] = [
            _("This network already has a collaborative called “%(name)s”. Choose another name.")
            % {"name": name.strip()}
        ]
    if not network.countries.filter(pk=country.pk).exists():
        errors["country"] = [_("Choose one of the network's countries.")]
    if key_measure.network_id != network.pk:
        errors["key_measure"] = [_("Choose one of the network's indicators.")]
    low, high = target_range(key_measure)
    if aim_target < low or (high is not None and aim_target > high):
        errors["aim_target"] = [
            _("A target for “%(indicator)s” lies between %(low)s and %(high)s; %(value)s does not.")
            % {"indicator": key_measure.name, "low": low, "high": high, "value": aim_target}
            if high is not None
            else _("A target for “%(indicator)s” cannot be below %(low)s.")
            % {"indicator": key_measure.name, "low": low}
        ]
    if end <= start:
        errors["end"] = [_("The collaborative must end after it starts.")]
    elif not start <= aim_date <= add_months(end, AIM_GRACE_MONTHS):
        errors["aim_date"] = [
            _(
                "The aim must be reached between the collaborative's start and %(months)d months after its "
                "end (%(first)s to %(last)s)."
            )
            % {
                "months": AIM_GRACE_MONTHS,
                "first": when(start, "date"),
                "last": when(add_months(end, AIM_GRACE_MONTHS), "date"),
            }
        ]
    if errors:
        raise ValidationError(errors)


def _check_people(network: Network, country_ids: set[int], faculty) -> None:
    allowed = set(
        Member.objects.filter(
            pk__in=[m.pk for m in faculty], country_id__in=country_ids, memberships__network=network
        ).values_list("pk", flat=True)
    )
    strangers = [m.full_name for m in faculty if m.pk not in allowed]
    if strangers:
        raise ValidationError(
            {
                "faculty": _("Faculty are members of the collaborative's countries; %(names)s is not.")
                % {"names": ", ".join(strangers)}
            }
        )


def _set_measures(collaborative: Collaborative, measures: list[tuple[NetworkIndicator, str]]) -> list[str]:
    """Set the network indicators the collaborative measures; the key measure is always one (an outcome
    measure unless said otherwise). Rows that stay are updated, not replaced, so the PDSA cycles and case
    presentations that name them keep them; one that cycles watch is not removed (a cycle's measure is part
    of its plan, kept as recorded). Measures on data elements are left as they are."""
    if not any(indicator.pk == collaborative.key_measure_id for indicator, _kind in measures):
        measures = [(collaborative.key_measure, Measure.Kind.OUTCOME), *measures]
    outside = [i.name for i, _kind in measures if i.network_id != collaborative.network_id]
    if outside:
        raise ValidationError({"measures": _("Choose the network's indicators.")})
    existing = {m.indicator_id: m for m in collaborative.measures.filter(indicator__isnull=False)}
    wanted = {indicator.pk for indicator, _kind in measures}
    dropped = [m for indicator_id, m in existing.items() if indicator_id not in wanted]
    watched = (
        Measure.objects.filter(pk__in=[m.pk for m in dropped], cycles__isnull=False)
        .select_related("indicator")
        .annotate(watching=models.Count("cycles"))
        .order_by("indicator__name")
    )
    # Each under the indicator's own choice on the collaborative's form.
    if problems := {f"measure_{m.indicator_id}": [_watched_message(m, m.watching)] for m in watched}:
        raise ValidationError(problems)
    Measure.objects.filter(pk__in=[m.pk for m in dropped]).delete()
    changed, created = [], []
    for order, (indicator, kind) in enumerate(measures):
        row = existing.get(indicator.pk)
        if row is None:
            created.append(Measure(collaborative=collaborative, indicator=indicator, kind=kind, order=order))
        elif (row.kind, row.order) != (kind, order):
            row.kind, row.order = kind, order
            changed.append(row)
    # Measures on data elements keep their order, after the indicators.
    elements = collaborative.measures.filter(indicator__isnull=True).order_by("order", "id")
    for order, row in enumerate(elements, start=len(measures)):
        if row.order != order:
            row.order = order
            changed.append(row)
    Measure.objects.bulk_update(changed, ["kind", "order"])
    Measure.objects.bulk_create(created)
    return [indicator.code for indicator, _kind in measures]


def _watched_message(measure: Measure, count: int) -> str:
    return ngettext(
        "%(measure)s is the measure %(count)d PDSA cycle watches: it stays among the collaborative's "
        "measures, since a cycle's plan is kept as it was recorded.",
        "%(measure)s is the measure %(count)d PDSA cycles watch: it stays among the collaborative's "
        "measures, since a cycle's plan is kept as it was recorded.",
        count,
    ) % {"measure": measure.title, "count": count}


@transaction.atomic
def create_collaborative(
    *,
    actor,
    network: Network,
    name: str,
    country: Country,
    key_measure: NetworkIndicator,
    aim: str,
    aim_target: Decimal,
    aim_date: date,
    start: date,
    end: date,
    topic: str = "",
    other_countries=(),
    change_package: str = "",
    measures: list[tuple[NetworkIndicator, str]] = (),
    faculty=(),
    shared: bool = False,
) -> Collaborative:
    """A new collaborative of ``network`` run by ``country``. The caller has checked that ``actor`` may run
    collaboratives for ``country``. Raises ValidationError (a message per field) for a name already taken, a
    target outside the key measure's range, an end before the start, an aim dated outside the collaborative
    (up to 12 months after its end), or faculty from other countries."""
    _check(
        network=network,
        name=name,
        country=country,
        key_measure=key_measure,
        aim_target=aim_target,
        aim_date=aim_date,
        start=start,
        end=end,
        exclude=None,
    )
    others = [c for c in other_countries if c.pk != country.pk]
    _check_people(network, {country.pk, *(c.pk for c in others)}, list(faculty))
    collaborative = Collaborative.objects.create(
        network=network,
        country=country,
        key_measure=key_measure,
        name=name.strip(),
        topic=topic,
        aim=aim,
        aim_target=aim_target,
        aim_date=aim_date,
        start=start,
        end=end,
        change_package=change_package,
        shared=shared,
        created_by=actor,
    )
    collaborative.other_countries.set(others)
    collaborative.faculty.set(list(faculty))
    codes = _set_measures(collaborative, list(measures))
    audit(
        actor=actor,
        verb="collaborative.create",
        target=collaborative,
        name=collaborative.name,
        country=country.iso2,
        measures=codes,
        shared=shared,
    )
    return collaborative


@transaction.atomic
def update_collaborative(
    *,
    actor,
    collaborative: Collaborative,
    name: str,
    country: Country,
    key_measure: NetworkIndicator,
    aim: str,
    aim_target: Decimal,
    aim_date: date,
    start: date,
    end: date,
    topic: str = "",
    other_countries=(),
    change_package: str = "",
    measures: list[tuple[NetworkIndicator, str]] = (),
    faculty=(),
    shared: bool = False,
) -> Collaborative:
    """Edit a collaborative: the same checks as ``create_collaborative``; the audit entry names what
    changed."""
    _check(
        network=collaborative.network,
        name=name,
        country=country,
        key_measure=key_measure,
        aim_target=aim_target,
        aim_date=aim_date,
        start=start,
        end=end,
        exclude=collaborative,
    )
    others = [c for c in other_countries if c.pk != country.pk]
    _check_people(collaborative.network, {country.pk, *(c.pk for c in others)}, list(faculty))
    values = {
        "name": name.strip(),
        "topic": topic,
        "aim": aim,
        "aim_target": aim_target,
        "aim_date": aim_date,
        "start": start,
        "end": end,
        "change_package": change_package,
        "shared": shared,
    }
    changed = [f for f, v in values.items() if getattr(collaborative, f) != v]
    if collaborative.country_id != country.pk:
        changed.append("country")
    if collaborative.key_measure_id != key_measure.pk:
        changed.append("key_measure")
    for field, value in values.items():
        setattr(collaborative, field, value)
    collaborative.country, collaborative.key_measure = country, key_measure
    collaborative.save()
    collaborative.other_countries.set(others)
    collaborative.faculty.set(list(faculty))
    codes = _set_measures(collaborative, list(measures))
    audit(actor=actor, verb="collaborative.update", target=collaborative, changed=changed, measures=codes)
    return collaborative


@transaction.atomic
def set_shared(*, actor, collaborative: Collaborative, shared: bool) -> Collaborative:
    """Share the collaborative with the network's other countries (their members see its picture and, for
    participants, its teams' workspaces), or stop sharing it."""
    if collaborative.shared != shared:
        collaborative.shared = shared
        collaborative.save(update_fields=["shared", "updated_at"])
        audit(
            actor=actor,
            verb="collaborative.share" if shared else "collaborative.unshare",
            target=collaborative,
        )
    return collaborative


@transaction.atomic
def set_meetings(*, actor, collaborative: Collaborative, roles: dict[int, str], offered) -> None:
    """Link meetings of the network to the collaborative with a role (learning session, action-period call,
    congress), or unlink them (role ""). Only ``offered`` meetings (those the form listed) change; each must
    be a meeting of the collaborative's network."""
    offered = {m.pk: m for m in offered}
    foreign = [pk for pk in roles if pk not in offered or offered[pk].network_id != collaborative.network_id]
    if foreign:
        raise ValidationError(_("Choose meetings of this network."))
    valid = set(CollaborativeMeeting.Role.values)
    wrong = [role for role in roles.values() if role and role not in valid]
    if wrong:
        raise ValidationError(_("A meeting is a learning session, an action-period call or a congress."))
    current = {link.meeting_id: link for link in collaborative.meetings.filter(meeting_id__in=list(roles))}
    changes = {}
    for meeting_id, role in roles.items():
        link = current.get(meeting_id)
        if not role and link is not None:
            link.delete()
            changes[str(meeting_id)] = ""
        elif role and link is None:
            CollaborativeMeeting.objects.create(collaborative=collaborative, meeting_id=meeting_id, role=role)
            changes[str(meeting_id)] = role
        elif role and link.role != role:
            link.role = role
            link.save(update_fields=["role"])
            changes[str(meeting_id)] = role
    if changes:
        audit(actor=actor, verb="collaborative.meetings", target=collaborative, meetings=changes)


def _element_problems(collaborative: Collaborative, elements: list[DataElement]) -> list[str]:
    """Why these data elements cannot be the collaborative's: one kept by another country, each by name."""
    return [
        _("%(element)s is kept by %(other)s, not %(country)s: choose your country's data elements.")
        % {"element": e.name, "other": e.country.display_name, "country": collaborative.country.display_name}
        for e in elements
        if e.country_id not in (None, collaborative.country_id)
    ]


def _element_errors(
    collaborative: Collaborative,
    *,
    name: str,
    numerator: DataElement | None,
    denominator: DataElement | None,
    factor: int,
    exclude: Measure | None = None,
) -> dict[str, list[str]]:
    """What is wrong with a measure on data elements (adding one, or changing ``exclude``), by field."""
    errors: dict[str, list[str]] = {}
    taken = collaborative.measures.filter(indicator__isnull=True, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if not name:
        errors["name"] = [_("Name the measure.")]
    elif taken.exists():
        errors["name"] = [_("The collaborative already has a measure called %(name)s.") % {"name": name}]
    if numerator is None:
        errors["numerator"] = [_("Choose the data element the measure counts (its numerator).")]
    for field, element in (("numerator", numerator), ("denominator", denominator)):
        if element is not None and (problems := _element_problems(collaborative, [element])):
            errors[field] = problems
    if factor < 1:
        errors["factor"] = [_("The factor is a whole number, 1 or more (100 for a percentage).")]
    return errors


@transaction.atomic
def add_measure(
    *,
    actor,
    collaborative: Collaborative,
    kind: str,
    indicator: NetworkIndicator | None = None,
    name: str = "",
    numerator: DataElement | None = None,
    denominator: DataElement | None = None,
    factor: int = 1,
    improvement: str = Measure.Direction.UP,
) -> Measure:
    """Add a measure: a network indicator, or the owning country's data elements (a numerator, an optional
    denominator, a factor, a direction and a name), never both nor neither. The country's own or the
    network's shared elements only; a name or an indicator the collaborative already measures is refused."""
    on_elements = numerator is not None or denominator is not None or bool(name.strip())
    errors: dict[str, list[str]] = {}
    if indicator is None and not on_elements:
        errors["__all__"] = [_("Choose a network indicator, or your country's data elements.")]
    elif indicator is not None and on_elements:
        errors["__all__"] = [
            _("A measure is either a network indicator or your country's data elements, not both.")
        ]
    elif indicator is not None:
        if indicator.network_id != collaborative.network_id:
            errors["indicator"] = [_("Choose one of the network's indicators.")]
        elif collaborative.measures.filter(indicator=indicator).exists():
            errors["indicator"] = [
                _("%(indicator)s is already a measure of this collaborative.") % {"indicator": indicator.name}
            ]
    else:
        name = name.strip()
        errors = _element_errors(
            collaborative, name=name, numerator=numerator, denominator=denominator, factor=factor
        )
    if errors:
        raise ValidationError(errors)
    order = (collaborative.measures.aggregate(top=models.Max("order"))["top"] or 0) + 1
    measure = Measure.objects.create(
        collaborative=collaborative,
        kind=kind,
        order=order,
        indicator=indicator,
        name="" if indicator else name,
        numerator=None if indicator else numerator,
        denominator=None if indicator else denominator,
        factor=1 if indicator else factor,
        improvement=improvement,
    )
    audit(actor=actor, verb="collaborative.measure_add", target=collaborative, measure=measure.code)
    return measure


@transaction.atomic
def update_measure(
    *,
    actor,
    measure: Measure,
    kind: str,
    name: str,
    numerator: DataElement | None,
    denominator: DataElement | None = None,
    factor: int = 1,
    improvement: str = Measure.Direction.UP,
) -> Measure:
    """Change a measure on the country's data elements, with ``add_measure``'s checks: its name (unique in
    the collaborative), its elements (the country's own or the network's shared), its factor. The PDSA cycles
    that watch it keep watching it: it is the same measure, computed afresh from the data. A network
    indicator's measure is changed on the collaborative's form instead."""
    if not measure.on_elements:
        raise ValidationError(_("A network indicator's measure is chosen on the collaborative's own form."))
    collaborative = measure.collaborative
    name = name.strip()
    errors = _element_errors(
        collaborative, name=name, numerator=numerator, denominator=denominator, factor=factor, exclude=measure
    )
    if errors:
        raise ValidationError(errors)
    values = {
        "kind": kind,
        "name": name,
        "numerator_id": numerator.pk,
        "denominator_id": denominator.pk if denominator else None,
        "factor": factor,
        "improvement": improvement,
    }
    changed = sorted(
        field.removesuffix("_id") for field, value in values.items() if getattr(measure, field) != value
    )
    measure.kind, measure.name, measure.numerator, measure.denominator = kind, name, numerator, denominator
    measure.factor, measure.improvement = factor, improvement
    measure.save()
    if changed:
        audit(
            actor=actor,
            verb="collaborative.measure_update",
            target=collaborative,
            measure=measure.code,
            changed=changed,
        )
    return measure


@transaction.atomic
def remove_measure(*, actor, measure: Measure) -> None:
    """Remove a measure on the country's data elements. Refused while PDSA cycles watch it, naming how many:
    a cycle's measure is part of its plan, kept as recorded once the result is studied (the cycles are not
    moved to another measure behind their teams' backs). Case presentations that showed it show no chart
    then, and say why."""
    if not measure.on_elements:
        raise ValidationError(_("A network indicator's measure is chosen on the collaborative's own form."))
    collaborative = measure.collaborative
    measure = Measure.objects.select_for_update().get(pk=measure.pk)  # no cycle starts watching meanwhile
    watching = measure.cycles.count()
    if watching:
        raise ValidationError(_watched_message(measure, watching))
    code, name = measure.code, measure.name
    measure.delete()
    audit(
        actor=actor,
        verb="collaborative.measure_remove",
        target=collaborative,
        measure=code,
        name=name,
    )
