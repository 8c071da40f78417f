"""Writes of the dashboards: a chart's settings and its annotations, audited."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.dashboards.models import Annotation, ChartSettings
from qicop.dashboards.permissions import can_edit_chart
from qicop.indicators.data_versions import bump_data_versions


@transaction.atomic
def save_chart_settings(
    *, actor, indicator, org_unit, freeze: int | None, phase_starts: list[str]
) -> ChartSettings:
    if not can_edit_chart(actor, org_unit):
        raise PermissionDenied(
            _("Only the country's focal point, data managers and coordinators set phases.")
        )
    settings, _created = ChartSettings.objects.update_or_create(
        indicator=indicator,
        org_unit=org_unit,
        defaults={"freeze": freeze, "phase_starts": phase_starts, "updated_by": actor},
    )
    audit(actor=actor, verb="chart.settings", target=settings, freeze=freeze, phase_starts=phase_starts)
    bump_data_versions([org_unit.country_id])
    return settings


@transaction.atomic
def annotate(*, actor, indicator, org_unit, period: str, text: str) -> Annotation:
    if not can_edit_chart(actor, org_unit):
        raise PermissionDenied(_("Only the country's focal point, data managers and coordinators annotate."))
    annotation = Annotation.objects.create(
        indicator=indicator, org_unit=org_unit, period=period, text=text.strip(), author=actor
    )
    audit(actor=actor, verb="chart.annotate", target=annotation, period=period)
    bump_data_versions([org_unit.country_id])
    return annotation
