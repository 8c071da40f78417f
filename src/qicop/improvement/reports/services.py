"""Writes of monthly team reports (save a draft, submit, confirm the score), each atomic and audited, and the
evidence behind the score qicop suggests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.core.when import when
from qicop.improvement import scoring
from qicop.improvement.models import PdsaCycle, Team, TeamReport, validate_score
from qicop.improvement.reports import calendar, selectors
from qicop.improvement.scale import score_text

# A cycle that reached Study has tested its change to the end.
TESTED_STAGES = (PdsaCycle.Stage.STUDY, PdsaCycle.Stage.ACT, PdsaCycle.Stage.DONE)
SIGNAL_RULES = ("shift", "trend")


# ------------------------------------------------------------------------------------------- the evidence


def gather_evidence(*, user, team: Team, month: date, charts=None, cycles=None) -> scoring.Evidence:
    """What the team had done and shown by the end of ``month``: its PDSA cycles (one query unless given),
    and its measures' charts up to the month (``selectors.measure_charts``, computed unless given)."""
    if cycles is None:
        cycles = list(PdsaCycle.objects.filter(team=team).select_related("change_idea", "measure"))
    if charts is None:
        charts = selectors.measure_charts(user, team, month, cycles=cycles)
    last_day = calendar.next_month(month)
    started = [c for c in cycles if c.start < last_day]
    tested = [c for c in started if c.stage in TESTED_STAGES or c.decision]
    adopted = [
        c
        for c in tested
        if c.decision == PdsaCycle.Decision.ADOPT and (c.decided_on is None or c.decided_on < last_day)
    ]
    collaborative = team.collaborative
    at_aim, goal_runs = 0, []
    for measure, chart in charts:
        # The key measure's goal is the aim's target; another measure's, its indicator's target (a measure on
        # data elements has none).
        key = measure.indicator_id == collaborative.key_measure_id
        target = collaborative.aim_target if key else chart.indicator.target
        if target is None:
            continue
        months = _months_at(chart, target, measure.direction)
        goal_runs.append(months)
        if key:
            at_aim = months
    return scoring.Evidence(
        aim_set=bool((team.aim or "").strip()),
        cycles_planned=len(started),
        cycles_done=len(tested),
        changes_adopted=len(adopted),
        improvement_signal=any(_improving(chart) for _measure, chart in charts),
        aim_reached=at_aim > 0,
        months_at_aim=at_aim,
        all_at_goal_months=min(goal_runs) if goal_runs else 0,
    )


def _improving(chart) -> bool:
    """Whether the chart shows improvement (analytics' story): a new phase whose centre line moved in the
    direction of improvement (a documented change that held), or a shift or a trend in that direction."""
    for phase in chart.spc.result.story():
        if phase.number > 1 and phase.classification == "improvement":
            return True
        for finding in phase.findings:
            if finding.rule in SIGNAL_RULES and finding.classification == "improvement":
                return True
    return False


def _months_at(chart, target, improvement: str) -> int:
    goal = float(target)
    if improvement == "down":
        return scoring.months_in_a_row(chart.values, lambda v: v <= goal)
    return scoring.months_in_a_row(chart.values, lambda v: v >= goal)


def suggestion_for(*, user, team: Team, month: date, charts=None) -> scoring.Suggestion:
    return scoring.suggest(gather_evidence(user=user, team=team, month=month, charts=charts))


# ------------------------------------------------------------------------------------------------ writes


def check_month(team: Team, month: date, now=None) -> None:
    """Refuse a month the team cannot report on: outside its collaborative, or not begun yet."""
    collaborative = team.collaborative
    if not calendar.in_collaborative(collaborative, month):
        raise ValidationError(
            {
                "month": _(
                    "%(month)s is outside the collaborative, which runs from %(start)s to %(end)s: a team "
                    "reports on the collaborative's months only."
                )
                % {
                    "month": when(month, "long_month"),
                    "start": when(collaborative.start, "long_month"),
                    "end": when(collaborative.end, "long_month"),
                }
            }
        )
    today = calendar.local_today(selectors.team_zone(team), now or timezone.now())
    if month > today:
        raise ValidationError(
            {
                "month": _("%(month)s has not begun yet: a team reports on a month once it has started.")
                % {"month": when(month, "long_month")}
            }
        )


def _already(month: date) -> ValidationError:
    return ValidationError(
        {
            "month": _(
                "The team already has a report for %(month)s (someone filed it while you were writing): "
                "what you typed is kept below — open that report and add it there."
            )
            % {"month": when(month, "long_month")}
        }
    )


@transaction.atomic
def save_report(
    *,
    actor,
    team: Team,
    month: date,
    report: TeamReport | None,
    tested: str,
    learned: str,
    barriers: str,
    help_needed: str,
    self_score: Decimal | None,
    now=None,
) -> TeamReport:
    """Create the team's report on ``month`` (``report`` None) or change the draft ``report``. The month
    must be one of the collaborative's that has begun; a second report on one month is refused. The
    caller checked that ``actor`` may edit it (``permissions.can_edit_report``)."""
    check_month(team, month, now)
    if self_score is not None:
        try:
            validate_score(self_score)
        except ValidationError as error:
            raise ValidationError({"self_score": error.messages}) from None
    fields = {
        "tested": tested,
        "learned": learned,
        "barriers": barriers,
        "help_needed": help_needed,
        "self_score": self_score,
    }
    if report is None:
        if TeamReport.objects.filter(team=team, month=month).exists():
            raise _already(month)
        try:
            with transaction.atomic():
                report = TeamReport.objects.create(team=team, month=month, **fields)
        except IntegrityError:  # filed at the same moment by someone else
            raise _already(month) from None
        audit(actor=actor, verb="team_report.create", target=report, month=month.isoformat())
        return report
    for name, value in fields.items():
        setattr(report, name, value)
    report.save(update_fields=[*fields, "updated_at"])
    audit(actor=actor, verb="team_report.save", target=report, month=month.isoformat())
    return report


@transaction.atomic
def submit_report(*, actor, report: TeamReport) -> TeamReport:
    """Hand the draft to the coach: it needs the team's score; the score the evidence suggests is stored
    beside it. The team reads it from then on."""
    if report.status != TeamReport.Status.DRAFT:
        raise ValidationError(_("This report is already submitted."))
    if report.self_score is None:
        raise ValidationError({"self_score": _("Choose your score on the scale before you submit.")})
    suggestion = suggestion_for(user=actor, team=report.team, month=report.month)
    report.status = TeamReport.Status.SUBMITTED
    report.suggested_score = suggestion.score
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    report.save(update_fields=["status", "suggested_score", "submitted_at", "submitted_by", "updated_at"])
    audit(
        actor=actor,
        verb="team_report.submit",
        target=report,
        self_score=str(report.self_score),
        suggested_score=str(suggestion.score),
    )
    return report


@transaction.atomic
def confirm_score(*, actor, report: TeamReport, score: Decimal | None, reason: str) -> TeamReport:
    """The coach confirms the team's score, or changes it — then with a reason the team reads."""
    if report.status == TeamReport.Status.DRAFT:
        raise ValidationError(_("The team has not submitted this report yet: there is no score to confirm."))
    if score is None:
        raise ValidationError({"score": _("Choose the score on the scale.")})
    try:
        validate_score(score)
    except ValidationError as error:
        raise ValidationError({"score": error.messages}) from None
    reason = reason.strip()
    if Decimal(score) != report.self_score and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "Say why you change the team's score from %(own)s to %(new)s: the team reads your reason."
                )
                % {"own": score_text(report.self_score), "new": score_text(score)}
            }
        )
    report.coach_score = Decimal(score)
    report.coach_reason = reason
    report.status = TeamReport.Status.CONFIRMED
    report.confirmed_at = timezone.now()
    report.confirmed_by = actor
    report.save(
        update_fields=["coach_score", "coach_reason", "status", "confirmed_at", "confirmed_by", "updated_at"]
    )
    changed = report.coach_score != report.self_score
    audit(actor=actor, verb="team_report.confirm", target=report, score=str(score), changed=changed)
    return report
