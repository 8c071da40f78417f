"""Network indicators as FHIR Measures and their values as MeasureReports, read with the viewer's rights.

A Measure per network indicator (a proportion: numerator, denominator, score × the indicator's factor); a
summary MeasureReport per indicator × org unit (its whole subtree) × period. The org unit is the report's
subject, a contained Location (as IHE mADX does); the reporter is the country's Ministry of Health as
registered among the network's organisations (else the country), a contained Organization. Values are
those ``indicators.arithmetic.indicator_value`` counts for the viewer, so a member sees what the pages show
them (another country's unpublished values never), an observer only published national totals.
"""

from __future__ import annotations

import math
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from qicop.core.i18n import first_time_zone
from qicop.indicators.arithmetic import IndicatorValue, as_decimal, indicator_values
from qicop.indicators.models import NetworkIndicator, OrgUnit, Period
from qicop.integrations.dhis2.periods import PeriodError, parse_period
from qicop.integrations.fhir import ids, resources
from qicop.integrations.fhir import measure_report as fhir
from qicop.network import permissions, selectors
from qicop.network.models import Organisation

STRATIFIER = "disaggregation"


def base_url() -> str:
    return f"{settings.BASE_URL}/api/fhir"


def indicator_system() -> str:
    """The code system of network indicator codes (a namespace, not a page)."""
    return f"{settings.BASE_URL}/fhir/indicators"


def org_unit_system() -> str:
    """The identifier system of org unit UIDs (a namespace, not a page)."""
    return f"{settings.BASE_URL}/fhir/organisation-units"


def measure_id(indicator: NetworkIndicator) -> str:
    return ids.measure_id(indicator.network.slug, indicator.code, indicator.pk)


def measure_url(indicator: NetworkIndicator) -> str:
    """The Measure's canonical URL, which resolves: ``GET`` it for the Measure."""
    return f"{base_url()}/Measure/{measure_id(indicator)}"


def visible_indicators(user) -> QuerySet[NetworkIndicator]:
    """Indicators of the networks the user belongs to (a Measure is the network's definition)."""
    networks = selectors.networks_for_viewer(permissions.viewer_for(user))
    return NetworkIndicator.objects.select_related("network").filter(network__in=networks)


def indicator_for(user, key: ids.MeasureKey, text: str) -> NetworkIndicator | None:
    """The indicator a Measure id names, if the user may see it and ``text`` is its id as we write it."""
    indicators = visible_indicators(user)
    if key.number is not None:
        found = indicators.filter(pk=key.number).first()
    else:
        found = indicators.filter(network__slug=key.network, code=key.indicator).first()
    return found if found is not None and measure_id(found) == text else None


def org_units_of(indicator_network, identifiers: list[str]) -> QuerySet[OrgUnit]:
    """Org units of the network's countries named by UID or code."""
    return (
        OrgUnit.objects.select_related("country")
        .filter(Q(uid__in=identifiers) | Q(code__in=identifiers), country__networks=indicator_network)
        .order_by("path")
    )


def period_of(text: str) -> Period:
    """An unsaved Period for a DHIS2 period id (a read stores nothing); raises PeriodError."""
    parsed = parse_period(text)
    return Period(
        dhis2_id=parsed.id,
        period_type=parsed.period_type,
        start_date=parsed.start,
        end_date=parsed.end,
    )


def report_for_id(user, text: str) -> dict | None:
    """The MeasureReport a report id names, computed as the search computes it; None when it names none
    the user may see (missing and forbidden alike)."""
    key = ids.parse_report_id(text)
    if key is None:
        return None
    measure_text = text.rsplit(".", 2)[0]
    indicator = indicator_for(user, key.measure, measure_text)
    if indicator is None:
        return None
    unit = org_units_of(indicator.network, [key.org_unit]).filter(uid=key.org_unit).first()
    try:
        period = period_of(key.period)
    except PeriodError:
        return None
    if unit is None or period.dhis2_id != key.period:
        return None
    report = Reports(user).report(indicator, unit, period)
    return report if report["id"] == text else None


def measure_definition(indicator: NetworkIndicator) -> dict:
    return resources.measure(
        resources.MeasureDefinition(
            id=measure_id(indicator),
            url=measure_url(indicator),
            name=indicator.code,
            title=indicator.name,
            publisher=indicator.network.name,
            date=indicator.updated_at.isoformat(timespec="seconds"),
            code=indicator.code,
            code_system=indicator_system(),
            description=indicator.description,
            numerator=indicator.numerator_label,
            denominator=indicator.denominator_label,
            improvement="decrease" if indicator.improvement == "down" else "increase",
            stratifier_code=STRATIFIER,
        )
    )


class Reports:
    """Builds MeasureReports for one viewer; remembers each country's reporter (one query per country)."""

    def __init__(self, user):
        self.user = user
        self.now = timezone.now().isoformat(timespec="seconds")
        self._reporters: dict[int, dict] = {}

    def _today(self, unit: OrgUnit) -> date:
        """Today where the org unit is: whether a period has ended (its report ``complete``) is the country's
        calendar, whoever asks (at 23:30 UTC on 28 February, February is over in Nairobi, not in Haiti)."""
        return timezone.localdate(timezone=ZoneInfo(first_time_zone(unit.country.time_zone)))

    def _reporter(self, unit: OrgUnit) -> dict:
        if unit.country_id not in self._reporters:
            ministry = (
                Organisation.objects.filter(country_id=unit.country_id, kind=Organisation.Kind.MINISTRY)
                .order_by("name")
                .values_list("name", flat=True)
                .first()
            )
            self._reporters[unit.country_id] = resources.organization(
                "reporter", name=ministry or unit.country.display_name, country_iso2=unit.country.iso2
            )
        return self._reporters[unit.country_id]

    def report(self, indicator: NetworkIndicator, unit: OrgUnit, period: Period) -> dict:
        return self.reports(indicator, unit, [period])[0]

    def reports(self, indicator: NetworkIndicator, unit: OrgUnit, periods: list[Period]) -> list[dict]:
        """The reports of one indicator at one org unit for several periods; what is stored is read once."""
        values = indicator_values(user=self.user, indicator=indicator, org_unit=unit, periods=periods)
        return [
            self._report(indicator, unit, period, value)
            for period, value in zip(periods, values, strict=True)
        ]

    def _report(
        self, indicator: NetworkIndicator, unit: OrgUnit, period: Period, result: IndicatorValue
    ) -> dict:
        unit_fields = tuple((resources.score_unit(indicator.factor) or {}).items())
        strata = tuple(
            fhir.Stratum(
                stratifier=(fhir.Code(code=STRATIFIER, text="Disaggregation"),),
                value=fhir.Code(code=uid, display=name),
                populations=_populations(num, den),
                measure_score=_score(num, den, indicator.factor),
            )
            for (uid, name), (num, den) in sorted(result.strata.items())
        )
        group = fhir.Group(
            code=fhir.Code(code=indicator.code, display=indicator.name, system=indicator_system()),
            populations=_populations(result.numerator, result.denominator),
            measure_score=_score(result.numerator, result.denominator, indicator.factor),
            strata=strata,
            score_unit=unit_fields,
        )
        reporter = self._reporter(unit)
        today = self._today(unit)
        data = fhir.MeasureReportData(
            measure=measure_url(indicator),
            period_start=period.start_date.isoformat(),
            period_end=period.end_date.isoformat(),
            # A period that has not ended may still receive values.
            status="complete" if period.end_date < today else "pending",
            id=ids.report_id(measure_id(indicator), unit.uid, period.dhis2_id, indicator.pk),
            subject="#subject",
            subject_display=unit.name,
            reporter="#reporter",
            reporter_display=reporter["name"],
            date=self.now,
            groups=(group,),
            contained=(
                resources.location(
                    "subject",
                    uid=unit.uid,
                    name=unit.name,
                    identifier_system=org_unit_system(),
                    active=unit.closed_date is None or unit.closed_date >= today,
                ),
                reporter,
            ),
            improvement_notation="decrease" if indicator.improvement == "down" else "increase",
        )
        return fhir.write_json(data)


def _count(value) -> int | None:
    """A population count as FHIR means it, a number of members (an integer; sums of whole-number data
    values are whole already): none for a stored value that cannot be one (negative, infinite), as for a
    missing one. Such values are listed in the data-quality view."""
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
