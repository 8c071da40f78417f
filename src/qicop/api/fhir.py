"""FHIR R4 MeasureReport export: one summary report per network indicator x org unit x period.

``GET /api/fhir/MeasureReport?network=<slug>&indicator=<code>&orgUnit=<uid or code>&period=<DHIS2 period>``
(``indicator``, ``orgUnit`` and ``period`` may repeat) answers a FHIR Bundle of MeasureReports: one group per
indicator with its numerator and denominator populations and measureScore, and a stratum per disaggregation.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.api.dhis2 import _error, _user
from qicop.indicators.aggregation import as_decimal, indicator_value
from qicop.indicators.models import NetworkIndicator, OrgUnit, Period
from qicop.integrations.dhis2.periods import PeriodError, parse_period
from qicop.integrations.fhir import measure_report as fhir
from qicop.network import permissions, selectors

MAX_REPORTS = 500


def measure_reports(request):
    user = _user(request)
    if user is None:
        return _error(401, _("Sign in or send a personal API token (Authorization: ApiToken <token>)."))
    params = request.GET
    network = (
        selectors.networks_for_viewer(permissions.viewer_for(user)).filter(slug=params.get("network")).first()
    )
    if network is None:
        return _error(404, _("No such network: give network=<slug> of a network you belong to."))
    indicators = list(NetworkIndicator.objects.filter(network=network, code__in=params.getlist("indicator")))
    units = list(
        OrgUnit.objects.filter(Q(uid__in=params.getlist("orgUnit")) | Q(code__in=params.getlist("orgUnit")))
    )
    if not indicators or not units or not params.getlist("period"):
        return _error(400, _("Give indicator, orgUnit and period (each may repeat)."))
    periods = []
    for raw in params.getlist("period"):
        try:
            parsed = parse_period(raw)
        except PeriodError as error:
            return _error(400, str(error))
        periods.append(
            Period.objects.get_or_create(
                dhis2_id=parsed.id,
                defaults={
                    "period_type": parsed.period_type,
                    "start_date": parsed.start,
                    "end_date": parsed.end,
                },
            )[0]
        )
    if len(units) * len(periods) > MAX_REPORTS:
        return _error(
            400, _("Too many reports at once: at most %(max)d org units x periods.") % {"max": MAX_REPORTS}
        )
    reports = [_report(user, network, indicators, unit, period) for unit in units for period in periods]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "total": len(reports),
        "entry": [{"resource": fhir.write_json(r)} for r in reports],
    }
    return JsonResponse(
        bundle, content_type="application/fhir+json", json_dumps_params={"ensure_ascii": False}
    )


def _report(user, network, indicators, unit: OrgUnit, period: Period) -> fhir.MeasureReportData:
    groups = []
    for indicator in indicators:
        result = indicator_value(user=user, indicator=indicator, org_unit=unit, period=period)
        strata = tuple(
            fhir.Stratum(
                stratifier=(fhir.Code(code="disaggregation", text="Disaggregation"),),
                value=fhir.Code(code=uid, display=name),
                populations=_populations(num, den),
                measure_score=_score(num, den, indicator.factor),
            )
            for (uid, name), (num, den) in sorted(result.strata.items())
        )
        groups.append(
            fhir.Group(
                code=fhir.Code(
                    code=indicator.code, display=indicator.name, system=f"{settings.BASE_URL}/fhir/indicators"
                ),
                populations=_populations(result.numerator, result.denominator),
                measure_score=_score(result.numerator, result.denominator, indicator.factor),
                strata=strata,
                id=indicator.code,
            )
        )
    return fhir.MeasureReportData(
        measure=f"{settings.BASE_URL}/fhir/Measure/{network.slug}",
        period_start=period.start_date.isoformat(),
        period_end=period.end_date.isoformat(),
        id=f"{unit.uid}-{period.dhis2_id}",
        reporter=f"Organization/{unit.uid}",
        reporter_display=unit.name,
        subject=f"Organization/{unit.uid}",
        date=timezone.now().isoformat(timespec="seconds"),
        groups=tuple(groups),
    )


def _count(value) -> int | None:
    """A population count as FHIR means it, a number of members: none for a stored value that cannot be
    one (negative, infinite), as for a missing one. Such values are listed in the data-quality view."""
    return round(value) if value is not None and math.isfinite(value) and value >= 0 else None


def _populations(numerator, denominator) -> tuple:
    return tuple(
        fhir.Population(code=code, count=_count(count))
        for code, count in (("numerator", numerator), ("denominator", denominator))
    )


def _score(numerator, denominator, factor):
    if _count(numerator) is None or _count(denominator) is None or denominator == 0:
        return None
    return as_decimal(numerator / denominator * factor)
