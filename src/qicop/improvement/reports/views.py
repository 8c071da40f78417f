"""Pages of monthly team reports: the team's months, one month's report with its measures read from the
data and the score the evidence suggests, the team's form, the coach's confirmation, and the comments the
team, its coach and faculty write on a report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.core.forms import add_service_errors
from qicop.improvement import permissions
from qicop.improvement.models import PdsaCycle, TeamReport
from qicop.improvement.reports import comments, forms, services
from qicop.improvement.reports import permissions as rules
from qicop.improvement.reports import selectors as reports
from qicop.improvement.reports.reasons import reasons_text
from qicop.improvement.scale import LEVELS, level_of
from qicop.improvement.selectors import report_for, team_for
from qicop.network.selectors import network_page


def _team(request, slug, collaborative_id, team_id):
    viewer, network = network_page(request.user, slug)
    team = team_for(viewer, network, collaborative_id, team_id)
    return viewer, network, team


def _evidence(request, team, month):
    """The month's measures from the data and the score the evidence suggests, from one set of charts."""
    cycles = list(PdsaCycle.objects.filter(team=team).select_related("change_idea", "measure"))
    charts = reports.measure_charts(request.user, team, month, cycles=cycles)
    suggestion = services.suggestion_for(user=request.user, team=team, month=month, charts=charts)
    return {
        "measures": reports.month_measures(team, month, charts),
        "suggestion": suggestion,
        "suggested_level": level_of(suggestion.score),
        "reasons": reasons_text(suggestion.reasons),
    }


@login_required
def report_list(request, slug, collaborative_id, team_id):
    viewer, network, team = _team(request, slug, collaborative_id, team_id)
    rows = reports.month_rows(team, reports.reports_of(team), reports.team_zone(team))
    return render(
        request,
        "improvement/reports/report_list.html",
        {
            "network": network,
            "collaborative": team.collaborative,
            "team": team,
            "rows": rows,
            "can_edit": permissions.can_edit_team(viewer, team),
        },
    )


def _detail(request, viewer, network, team, month, report, comment_form=None):
    discuss = report is not None and permissions.can_discuss_reports(viewer, team)
    context = {
        "network": network,
        "collaborative": team.collaborative,
        "team": team,
        "month": month,
        "report": report,
        "can_edit": rules.can_edit_report(viewer, team, report),
        "can_confirm": rules.can_confirm(viewer, report),
        "levels": _levels(report),
        "comments": comments.comments_of(report) if discuss else None,
        "comment_form": (comment_form or forms.CommentForm()) if discuss else None,
    }
    if report is not None or context["can_edit"]:
        context.update(_evidence(request, team, month))
    status = 400 if comment_form is not None and comment_form.errors else 200
    return render(request, "improvement/reports/report_detail.html", context, status=status)


@login_required
def report_detail(request, slug, collaborative_id, team_id, month):
    viewer, network, team = _team(request, slug, collaborative_id, team_id)
    return _detail(request, viewer, network, team, month, report_for(team, month.year, month.month))


@login_required
@require_POST
def report_comment(request, slug, collaborative_id, team_id, month):
    viewer, network, team = _team(request, slug, collaborative_id, team_id)
    report = report_for(team, month.year, month.month)
    if report is None:
        raise Http404("No such report")
    if not permissions.can_discuss_reports(viewer, team):
        raise PermissionDenied
    report.team = team
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            comments.comment_on_report(actor=request.user, report=report, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Comment sent: the team lead and the coach get it by e-mail."))
            url = reverse("improvement:report_detail", args=[slug, collaborative_id, team_id, month])
            return redirect(url + "#comments")
    return _detail(request, viewer, network, team, month, report, comment_form=form)


def _levels(report: TeamReport | None) -> dict:
    if report is None:
        return {}
    return {
        "own": level_of(report.self_score),
        "suggested": level_of(report.suggested_score),
        "coach": level_of(report.coach_score),
    }


@login_required
def report_edit(request, slug, collaborative_id, team_id, month):
    viewer, network, team = _team(request, slug, collaborative_id, team_id)
    report = report_for(team, month.year, month.month)
    if not rules.can_edit_report(viewer, team, report):
        raise PermissionDenied
    initial = {"report": report.pk if report else None}
    if report is not None:
        initial.update(
            tested=report.tested,
            learned=report.learned,
            barriers=report.barriers,
            help_needed=report.help_needed,
            self_score=report.self_score,
        )
    form = forms.ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        opened_on = data.pop("report")
        if opened_on != (report.pk if report else None):
            report = None  # opened as a new report: the service refuses a second one for the month
        submit = "submit" in request.POST
        try:
            with transaction.atomic():
                saved = services.save_report(
                    actor=request.user, team=team, month=month, report=report, **data
                )
                if submit and saved.status == TeamReport.Status.DRAFT:
                    services.submit_report(actor=request.user, report=saved)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if submit:
                messages.success(request, _("Report submitted: the coach confirms the score next."))
            else:
                messages.success(request, _("Draft saved. Submit it when the team agrees on it."))
            return redirect("improvement:report_detail", slug, collaborative_id, team_id, month)
    elif request.method == "GET":
        try:
            services.check_month(team, month)
        except ValidationError as error:
            add_service_errors(form, error)
    context = {
        "network": network,
        "collaborative": team.collaborative,
        "team": team,
        "month": month,
        "report": report,
        "form": form,
        "levels": LEVELS,
        "chosen": _chosen(form, "self_score"),
        **_evidence(request, team, month),
    }
    return render(
        request, "improvement/reports/report_form.html", context, status=400 if form.errors else 200
    )


def _chosen(form, name: str):
    """The level the form shows as chosen: what was posted, else the initial score (None: none)."""
    value = form.data.get(name) if form.is_bound else form.initial.get(name)
    return level_of(str(value or "").replace(",", "."))


@login_required
def report_confirm(request, slug, collaborative_id, team_id, month):
    viewer, network, team = _team(request, slug, collaborative_id, team_id)
    report = report_for(team, month.year, month.month)
    if report is None:
        raise Http404("No such report")
    report.team = team
    if not rules.can_confirm(viewer, report):
        raise PermissionDenied
    own = report.coach_score if report.coach_score is not None else report.self_score
    form = forms.ConfirmForm(request.POST or None, initial={"score": own, "reason": report.coach_reason})
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_score(actor=request.user, report=report, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Score confirmed. The team sees it on its report."))
            return redirect("improvement:report_detail", slug, collaborative_id, team_id, month)
    context = {
        "network": network,
        "collaborative": team.collaborative,
        "team": team,
        "month": month,
        "report": report,
        "form": form,
        "levels": LEVELS,
        "chosen": _chosen(form, "score"),
        "own_level": level_of(report.self_score),
        "suggested_level": level_of(report.suggested_score),
    }
    return render(
        request, "improvement/reports/report_confirm.html", context, status=400 if form.errors else 200
    )
