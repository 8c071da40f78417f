"""Pages of teams: add and edit a team (those who run the collaborative), the team's workspace (its aim,
people, driver diagram, charts, PDSA ramps and reports), its driver diagram's outline and drawings, and one
measure's chart."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.charts.driver_diagram import driver_diagram
from qicop.core.forms import add_service_errors
from qicop.dashboards.permissions import can_edit_chart
from qicop.dashboards.pipeline import drawing_download
from qicop.improvement import permissions, selectors
from qicop.improvement.charts import measure_chart, month_id, subject_of
from qicop.improvement.models import PdsaCycle
from qicop.improvement.teams import selectors as team_selectors
from qicop.improvement.teams import services
from qicop.improvement.teams.forms import OutlineForm, TeamAimForm, TeamForm, seat_formset
from qicop.improvement.teams.outline import outline_text
from qicop.network.selectors import network_page

#: The most monthly reports the workspace lists (an 18-month collaborative has 18).
REPORTS_SHOWN = 36


def _team(request, slug, collaborative_id, team_id):
    viewer, network = network_page(request.user, slug)
    return viewer, network, selectors.team_for(viewer, network, collaborative_id, team_id)


def _editor(request, slug, collaborative_id, team_id):
    viewer, network, team = _team(request, slug, collaborative_id, team_id)
    if not permissions.can_edit_team(viewer, team):
        raise PermissionDenied
    return viewer, network, team


def _form_page(request, network, collaborative, team):
    form = TeamForm(request.POST or None, collaborative=collaborative, team=team)
    seats = seat_formset(request.POST or None, collaborative=collaborative, team=team)
    if request.method == "POST" and form.is_valid() and seats.is_valid():
        members = [seat for f in seats.forms if f.is_valid() and (seat := f.seat())]
        try:
            with transaction.atomic():
                if team is None:
                    team = services.add_team(
                        actor=request.user, collaborative=collaborative, members=members, **form.cleaned_data
                    )
                else:
                    services.update_team(actor=request.user, team=team, **form.cleaned_data)
                    services.set_team_members(actor=request.user, team=team, members=members)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The team is saved. Its workspace is below."))
            return redirect(
                "improvement:team_detail",
                slug=network.slug,
                collaborative_id=collaborative.pk,
                team_id=team.pk,
            )
    invalid = bool(form.errors) or any(f.errors for f in seats.forms)
    return render(
        request,
        "improvement/teams/team_form.html",
        {"network": network, "collaborative": collaborative, "team": team, "form": form, "seats": seats},
        status=400 if invalid else 200,
    )


@login_required
def team_create(request, slug, collaborative_id):
    viewer, network = network_page(request.user, slug)
    collaborative = selectors.collaborative_for(viewer, network, collaborative_id)
    if not permissions.can_run(viewer, collaborative):
        raise PermissionDenied
    return _form_page(request, network, collaborative, None)


@login_required
def team_edit(request, slug, collaborative_id, team_id):
    viewer, network, team = _team(request, slug, collaborative_id, team_id)
    if not permissions.can_run(viewer, team.collaborative):
        raise PermissionDenied
    return _form_page(request, network, team.collaborative, team)


def _cycles(team):
    return list(
        PdsaCycle.objects.filter(team=team)
        .select_related("change_idea", "measure")
        .order_by("change_idea__title", "start", "pk")
    )


def _measures(team):
    return selectors.measures_of(team.collaborative)


def _diagram(team, tree):
    return driver_diagram(
        team.aim, tree, title=_("Driver diagram of %(team)s") % {"team": team.display_name}, translate=_
    )


@login_required
def team_detail(request, slug, collaborative_id, team_id):
    viewer, network, team = _team(request, slug, collaborative_id, team_id)
    cycles = _cycles(team)
    today = timezone.localdate()
    charts = []
    for measure in _measures(team):
        result = measure_chart(request.user, team, measure, today=today, cycles=cycles)
        charts.append(
            {
                "measure": measure,
                "result": result,
                "svg": result.drawing(width=720, height=300).to_svg() if result.has_data else "",
                "why": "" if result.has_data else team_selectors.why_no_data(request.user, team, result),
            }
        )
    tree = team_selectors.diagram_of(team)
    return render(
        request,
        "improvement/teams/team_detail.html",
        {
            "network": network,
            "collaborative": team.collaborative,
            "team": team,
            "tree": tree,
            "diagram_svg": _diagram(team, tree).to_svg() if tree else "",
            "charts": charts,
            "cycles": cycles,
            "reports": list(team.reports.order_by("-month")[:REPORTS_SHOWN]),
            "can_edit": permissions.can_edit_team(viewer, team),
            "can_run": permissions.can_run(viewer, team.collaborative),
        },
    )


@login_required
def team_aim_edit(request, slug, collaborative_id, team_id):
    _viewer, network, team = _editor(request, slug, collaborative_id, team_id)
    form = TeamAimForm(request.POST or None, initial={"aim": team.aim})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_team_aim(actor=request.user, team=team, aim=form.cleaned_data["aim"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The team's aim is saved."))
            return redirect(
                "improvement:team_detail",
                slug=network.slug,
                collaborative_id=team.collaborative_id,
                team_id=team.pk,
            )
    return render(
        request,
        "improvement/teams/team_aim_form.html",
        {"network": network, "collaborative": team.collaborative, "team": team, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def driver_diagram_edit(request, slug, collaborative_id, team_id):
    _viewer, network, team = _editor(request, slug, collaborative_id, team_id)
    tree = team_selectors.diagram_of(team)
    form = OutlineForm(request.POST or None, had_diagram=bool(tree), initial={"outline": outline_text(tree)})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_driver_diagram(actor=request.user, team=team, outline=form.parsed)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The driver diagram is saved."))
            return redirect(
                "improvement:team_detail",
                slug=network.slug,
                collaborative_id=team.collaborative_id,
                team_id=team.pk,
            )
    return render(
        request,
        "improvement/teams/driver_diagram_form.html",
        {
            "network": network,
            "collaborative": team.collaborative,
            "team": team,
            "form": form,
            "problems": form.parsed.problems if form.parsed else (),
        },
        status=400 if form.errors else 200,
    )


def _diagram_download(request, slug, collaborative_id, team_id, fmt):
    _viewer, _network, team = _team(request, slug, collaborative_id, team_id)
    drawing = _diagram(team, team_selectors.diagram_of(team))
    return drawing_download(drawing, fmt, f"driver-diagram-{team.org_unit.code or team.org_unit.uid}")


@login_required
def driver_diagram_svg(request, slug, collaborative_id, team_id):
    return _diagram_download(request, slug, collaborative_id, team_id, "svg")


@login_required
def driver_diagram_png(request, slug, collaborative_id, team_id):
    return _diagram_download(request, slug, collaborative_id, team_id, "png")


@login_required
def team_chart_page(request, slug, collaborative_id, team_id, indicator_code):
    viewer, network, team = _team(request, slug, collaborative_id, team_id)
    measure = next((m for m in _measures(team) if m.code == indicator_code), None)
    if measure is None:
        raise Http404("No such measure of this collaborative")
    indicator = subject_of(measure)
    cycles = _cycles(team)
    can_edit = permissions.can_edit_team(viewer, team)
    adopted = sorted(
        {
            c.decided_on.replace(day=1)
            for c in cycles
            if c.decision == PdsaCycle.Decision.ADOPT
            and c.decided_on
            and c.measure_id is not None
            and c.measure_id == measure.pk
        }
    )
    if request.method == "POST" and not measure.on_elements:  # phases are saved per network indicator
        return _start_phase(request, network, team, indicator, adopted, can_edit)
    result = measure_chart(request.user, team, measure, today=timezone.localdate(), cycles=cycles)
    fmt = request.GET.get("format")
    if fmt in {"svg", "png"}:
        if not result.has_data:
            raise Http404("Nothing to chart")
        return drawing_download(result.drawing(), fmt, f"{result.file_name}-team")
    phases = set(result.settings.phase_starts) if result.settings else set()
    return render(
        request,
        "improvement/teams/team_chart.html",
        {
            "network": network,
            "collaborative": team.collaborative,
            "team": team,
            "measure": measure,
            "indicator": indicator,
            "result": result,
            "svg": result.drawing().to_svg() if result.has_data else "",
            "svg_narrow": result.drawing(width=360, height=280).to_svg() if result.has_data else "",
            "rows": list(zip(result.periods, result.rows(), strict=True)) if result.has_data else [],
            "why": "" if result.has_data else team_selectors.why_no_data(request.user, team, result),
            # Phases are saved per network indicator: a measure on data elements has none to propose.
            "phase_months": [(month_id(m), m) for m in adopted if month_id(m) not in phases]
            if can_edit and not measure.on_elements
            else [],
            "may_set_phases": not measure.on_elements and can_edit_chart(request.user, team.org_unit),
        },
    )


def _start_phase(request, network, team, indicator, adopted, can_edit):
    if not can_edit:
        raise PermissionDenied
    chosen = next((m for m in adopted if month_id(m) == request.POST.get("month")), None)
    if chosen is None:
        messages.error(request, _("Choose a month in which the team adopted a change on this measure."))
    else:
        try:
            services.start_phase(actor=request.user, team=team, indicator=indicator, month=chosen)
        except PermissionDenied:
            messages.error(
                request,
                _(
                    "Only the country's focal point, data managers and coordinators start a new phase on a "
                    "chart, because every chart of this facility shows it. Ask one of them, or your coach."
                ),
            )
        else:
            messages.success(request, _("A new phase starts on the chart, for everyone who views it."))
    return redirect(request.path)
