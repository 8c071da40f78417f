"""Pages of collaboratives: the list, create and edit, the learning sessions and calls, the picture, the
learning-session report (HTML and PDF) and the export of the teams' reports and scores."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.core.forms import add_service_errors
from qicop.core.markdown import render_markdown
from qicop.core.pagination import paginate
from qicop.core.pdf import html_to_pdf
from qicop.improvement import permissions, selectors
from qicop.improvement.collaboratives import exports, services
from qicop.improvement.collaboratives.forms import (
    CollaborativeForm,
    MeasureForm,
    MeetingsForm,
    meeting_choices,
)
from qicop.improvement.collaboratives.picture import picture
from qicop.integrations import spreadsheet
from qicop.meetings.permissions import can_see_meetings
from qicop.network.selectors import network_page


def _collaborative(request, slug, collaborative_id):
    viewer, network = network_page(request.user, slug)
    return viewer, network, selectors.collaborative_for(viewer, network, collaborative_id)


def _runner(request, slug, collaborative_id):
    viewer, network, collaborative = _collaborative(request, slug, collaborative_id)
    if not permissions.can_run(viewer, collaborative):
        raise PermissionDenied
    return viewer, network, collaborative


@login_required
def collaborative_list(request, slug):
    viewer, network = network_page(request.user, slug)
    countries = list(network.countries.order_by("name"))
    chosen = next((c for c in countries if c.iso2 == request.GET.get("country", "").upper()), None)
    collaboratives = selectors.visible_collaboratives(viewer, network)
    if chosen is not None:
        collaboratives = collaboratives.filter(Q(country=chosen) | Q(other_countries=chosen)).distinct()
    collaboratives = selectors.with_people(collaboratives).annotate(team_count=Count("teams", distinct=True))
    return render(
        request,
        "improvement/collaboratives/list.html",
        {
            "network": network,
            "page": paginate(request, collaboratives.order_by("-start", "name")),
            "countries": countries,
            "chosen": chosen,
            "query_string": f"country={chosen.iso2}" if chosen else "",
            "can_create": permissions.can_create_anywhere(viewer, network),
        },
    )


@login_required
def collaborative_create(request, slug):
    viewer, network = network_page(request.user, slug)
    if not permissions.can_create_anywhere(viewer, network):
        raise PermissionDenied
    form = CollaborativeForm(request.POST or None, viewer=viewer, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            collaborative = services.create_collaborative(
                actor=request.user, network=network, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The collaborative is created. Add its teams and learning sessions."))
            return redirect(
                "improvement:collaborative_detail", slug=network.slug, collaborative_id=collaborative.pk
            )
    return render(
        request,
        "improvement/collaboratives/form.html",
        {"network": network, "form": form, "collaborative": None},
        status=400 if form.errors else 200,
    )


@login_required
def collaborative_edit(request, slug, collaborative_id):
    viewer, network, collaborative = _runner(request, slug, collaborative_id)
    form = CollaborativeForm(
        request.POST or None, viewer=viewer, network=network, collaborative=collaborative
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_collaborative(
                actor=request.user, collaborative=collaborative, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(
                "improvement:collaborative_detail", slug=network.slug, collaborative_id=collaborative.pk
            )
    return render(
        request,
        "improvement/collaboratives/form.html",
        {"network": network, "form": form, "collaborative": collaborative},
        status=400 if form.errors else 200,
    )


@login_required
def collaborative_meetings(request, slug, collaborative_id):
    _viewer, network, collaborative = _runner(request, slug, collaborative_id)
    form = MeetingsForm(
        request.POST or None, collaborative=collaborative, meetings=meeting_choices(collaborative)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_meetings(
                actor=request.user, collaborative=collaborative, roles=form.roles(), offered=form.meetings
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved: the collaborative's phases follow its learning sessions."))
            return redirect(
                "improvement:collaborative_detail", slug=network.slug, collaborative_id=collaborative.pk
            )
    return render(
        request,
        "improvement/collaboratives/meetings_form.html",
        {"network": network, "form": form, "collaborative": collaborative},
        status=400 if form.errors else 200,
    )


@login_required
def collaborative_measure_add(request, slug, collaborative_id):
    """Add a measure: a network indicator, or the country's data elements computed for each team."""
    _viewer, network, collaborative = _runner(request, slug, collaborative_id)
    form = MeasureForm(request.POST or None, collaborative=collaborative)
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.add_measure(actor=request.user, collaborative=collaborative, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Added: %(measure)s is charted for each team from the shared data.")
                % {"measure": measure.title},
            )
            return redirect(
                "improvement:collaborative_detail", slug=network.slug, collaborative_id=collaborative.pk
            )
    return render(
        request,
        "improvement/collaboratives/measure_form.html",
        {"network": network, "form": form, "collaborative": collaborative},
        status=400 if form.errors else 200,
    )


@login_required
def collaborative_measure_edit(request, slug, collaborative_id, measure_id):
    """Change a measure on the country's data elements: its name, elements, factor, direction, kind."""
    _viewer, network, collaborative = _runner(request, slug, collaborative_id)
    measure = selectors.element_measure_for(collaborative, measure_id)
    form = MeasureForm(request.POST or None, collaborative=collaborative, measure=measure)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_measure(actor=request.user, measure=measure, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Saved: %(measure)s is charted afresh from the data.") % {"measure": measure.title}
            )
            return redirect(
                "improvement:collaborative_detail", slug=network.slug, collaborative_id=collaborative.pk
            )
    return render(
        request,
        "improvement/collaboratives/measure_form.html",
        {"network": network, "form": form, "collaborative": collaborative, "measure": measure},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def collaborative_measure_remove(request, slug, collaborative_id, measure_id):
    _viewer, network, collaborative = _runner(request, slug, collaborative_id)
    measure = selectors.element_measure_for(collaborative, measure_id)
    try:
        services.remove_measure(actor=request.user, measure=measure)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(
            "improvement:collaborative_measure_edit",
            slug=network.slug,
            collaborative_id=collaborative.pk,
            measure_id=measure.pk,
        )
    messages.success(request, _("The measure %(measure)s is removed.") % {"measure": measure.name})
    return redirect("improvement:collaborative_detail", slug=network.slug, collaborative_id=collaborative.pk)


@login_required
@require_POST
def collaborative_share(request, slug, collaborative_id):
    _viewer, network, collaborative = _runner(request, slug, collaborative_id)
    shared = request.POST.get("shared") == "1"
    services.set_shared(actor=request.user, collaborative=collaborative, shared=shared)
    messages.success(
        request,
        _("Shared: members of the network's other countries now see this collaborative.")
        if shared
        else _("No longer shared: only its own countries and the coordinators see this collaborative."),
    )
    return redirect("improvement:collaborative_detail", slug=network.slug, collaborative_id=collaborative.pk)


def _picture_context(request, viewer, network, collaborative, *, with_reports=False) -> dict:
    return {
        "network": network,
        "collaborative": collaborative,
        "picture": picture(request.user, collaborative, with_reports=with_reports),
        "change_package": render_markdown(collaborative.change_package),
        "can_run": permissions.can_run(viewer, collaborative),
        # Observers see the picture, not the teams' workspaces nor the meetings' pages: no links to them.
        "can_see_workspaces": permissions.can_view_workspaces(viewer, collaborative),
        "may_see_meetings": can_see_meetings(viewer, network),
    }


@login_required
def collaborative_detail(request, slug, collaborative_id):
    viewer, network, collaborative = _collaborative(request, slug, collaborative_id)
    context = _picture_context(request, viewer, network, collaborative)
    context["measures"] = context["picture"].measures
    return render(request, "improvement/collaboratives/detail.html", context)


def _report(request, slug, collaborative_id, *, for_print: bool) -> tuple[object, str]:
    viewer, network, collaborative = _collaborative(request, slug, collaborative_id)
    # The teams' reports belong to their workspaces: an observer's report is the picture alone.
    with_reports = permissions.can_view_workspaces(viewer, collaborative)
    context = _picture_context(request, viewer, network, collaborative, with_reports=with_reports)
    context |= {"for_print": for_print, "base_url": settings.BASE_URL, "today": timezone.localdate()}
    return collaborative, render_to_string("improvement/collaboratives/report.html", context, request=request)


@login_required
def collaborative_report(request, slug, collaborative_id):
    _collaborative_obj, html = _report(request, slug, collaborative_id, for_print=False)
    return HttpResponse(html)


@login_required
def collaborative_report_pdf(request, slug, collaborative_id):
    collaborative, html = _report(request, slug, collaborative_id, for_print=True)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="learning-session-report-{collaborative.pk}.pdf"'
    return response


def _exporter(request, slug, collaborative_id):
    viewer, _network, collaborative = _collaborative(request, slug, collaborative_id)
    if not permissions.can_view_workspaces(viewer, collaborative):
        raise PermissionDenied
    return collaborative


@login_required
def collaborative_export_csv(request, slug, collaborative_id):
    collaborative = _exporter(request, slug, collaborative_id)
    columns, measures = exports.columns(collaborative)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="collaborative-{collaborative.pk}-reports.csv"'
    rows = exports.report_rows(request.user, collaborative, measures)
    spreadsheet.write_people_csv(rows, response, columns=columns)
    return response


@login_required
def collaborative_export_xlsx(request, slug, collaborative_id):
    collaborative = _exporter(request, slug, collaborative_id)
    columns, measures = exports.columns(collaborative)
    spooled = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115 - streamed back
    rows = exports.report_rows(request.user, collaborative, measures)
    spreadsheet.write_people_xlsx(rows, spooled, columns=columns, title="reports")
    spooled.seek(0)
    return FileResponse(
        spooled,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        filename=f"collaborative-{collaborative.pk}-reports.xlsx",
    )
