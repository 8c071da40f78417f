"""Pages of the network's change-idea library: the list with its filters, an idea's page (its ramps by
country, the charts after adoption, the case studies that tell its story), proposing, editing, retiring
and deleting an idea, and choosing from a case study the ideas it tells the story of."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.core.forms import add_service_errors
from qicop.core.markdown import render_markdown
from qicop.core.pagination import paginate
from qicop.dashboards.pipeline import ChartOptions
from qicop.improvement import permissions, selectors
from qicop.improvement.changes import selectors as library
from qicop.improvement.changes import services
from qicop.improvement.changes.forms import ChangeIdeaForm, CitedIdeasForm, LibraryFilters
from qicop.improvement.charts import measure_chart, team_chart
from qicop.knowledge.cases import selectors as case_selectors
from qicop.network import selectors as network_selectors
from qicop.network.permissions import is_participant

MARKDOWN_MARKS = "#*->_` "


def first_line(text: str) -> str:
    """The description's first line of words, without Markdown's marks: what the list shows."""
    for line in (text or "").splitlines():
        line = line.strip().lstrip(MARKDOWN_MARKS).strip()
        if line:
            return line
    return ""


def _library_page(request, slug):
    viewer, network = network_selectors.network_page(request.user, slug)
    if not permissions.can_see_change_ideas(viewer, network):
        raise Http404("No such network")
    return viewer, network


@login_required
def change_idea_list(request, slug):
    viewer, network = _library_page(request, slug)
    filters = LibraryFilters(request.GET or None, network=network)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    ideas = library.library(
        viewer,
        network,
        indicator_id=chosen.get("indicator"),
        country_id=chosen.get("country"),
        outcome=chosen.get("outcome") or "",
        show_retired=bool(chosen.get("retired")),
    )
    page = paginate(request, ideas)
    testers = library.testers_of(viewer, network, list(page))
    for idea in page:
        idea.first_line = first_line(idea.description)
        idea.testers = testers[idea.pk].by_country
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "improvement/changes/change_idea_list.html",
        {
            "network": network,
            "filters": filters,
            "filtered": bool(chosen) and any(chosen.values()),
            "page": page,
            "query_string": query.urlencode(),
            "can_propose": permissions.can_propose_change_idea(viewer, network),
            "may_see_cycles": library.may_see_cycles(viewer, network),
        },
        status=400 if filters.errors else 200,
    )


def _charts(request, idea, ramps):
    """The teams' charts after adoption, at most MAX_CHARTS, newest first: of the idea's indicator, else of
    the measure the adopting cycle watched (a network indicator or the country's data elements), else of the
    collaborative's key measure."""
    charts = []
    today = timezone.localdate()
    for cycle in library.adoptions(ramps):
        team = cycle.team
        team_cycles = [c for _country, rs in ramps for r in rs if r.team.pk == team.pk for c in r.cycles]
        common = {"options": ChartOptions(), "today": today, "cycles": team_cycles}
        if idea.indicator is None and cycle.measure is not None:
            name = cycle.measure.title
            result = measure_chart(request.user, team, cycle.measure, **common)
        else:
            indicator = idea.indicator or team.collaborative.key_measure
            name = indicator.name
            result = team_chart(request.user, team, indicator, **common)
        charts.append(
            {
                "cycle": cycle,
                "team": team,
                "name": name,
                "has_data": result.has_data,
                "svg": result.drawing(width=480, height=220).to_svg() if result.has_data else "",
                "story": result.story if result.has_data else [],
            }
        )
    return charts


@login_required
def change_idea_detail(request, slug, idea_id):
    viewer, network = _library_page(request, slug)
    idea = selectors.change_idea_for(viewer, network, idea_id)
    ramps = library.ramps_of(viewer, network, idea)
    presentation = idea.source_presentation
    return render(
        request,
        "improvement/changes/change_idea_detail.html",
        {
            "network": network,
            "idea": idea,
            "description": render_markdown(idea.description),
            "ramps": ramps,
            "charts": _charts(request, idea, ramps),
            "case_studies": idea.case_studies.filter(status="published").select_related("country")[:50],
            "presentation": presentation,
            "presentation_meeting": presentation.meeting if presentation else None,
            "may_see_meetings": is_participant(viewer, network) or viewer.is_coordinator(network),
            "may_see_cycles": library.may_see_cycles(viewer, network),
            "can_edit": permissions.can_edit_change_idea(viewer, idea),
            "used": idea.cycles.exists() or idea.driver_nodes.exists(),
        },
    )


@login_required
def change_idea_create(request, slug):
    viewer, network = _library_page(request, slug)
    if not permissions.can_propose_change_idea(viewer, network):
        raise PermissionDenied
    country = network.countries.filter(pk=viewer.country_id).first() if viewer.country_id else None
    form = ChangeIdeaForm(request.POST or None, network=network, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.create_change_idea(actor=request.user, network=network, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The change idea is in the library. Teams can now test it."))
            return redirect("improvement:change_idea_detail", slug=network.slug, idea_id=idea.pk)
    return render(
        request,
        "improvement/changes/change_idea_form.html",
        {"network": network, "form": form, "idea": None},
        status=400 if form.errors else 200,
    )


def _editable(request, slug, idea_id):
    viewer, network = _library_page(request, slug)
    idea = selectors.change_idea_for(viewer, network, idea_id)
    if not permissions.can_edit_change_idea(viewer, idea):
        raise PermissionDenied
    return network, idea


@login_required
def change_idea_edit(request, slug, idea_id):
    network, idea = _editable(request, slug, idea_id)
    form = ChangeIdeaForm(request.POST or None, network=network, idea=idea)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_change_idea(actor=request.user, idea=idea, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("improvement:change_idea_detail", slug=network.slug, idea_id=idea.pk)
    return render(
        request,
        "improvement/changes/change_idea_form.html",
        {"network": network, "form": form, "idea": idea},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def change_idea_retire(request, slug, idea_id):
    network, idea = _editable(request, slug, idea_id)
    retired = request.POST.get("retired") != "0"
    services.set_change_idea_retired(actor=request.user, idea=idea, retired=retired)
    if retired:
        messages.success(
            request, _("The change idea is retired: the library's list leaves it out, its page stays.")
        )
    else:
        messages.success(request, _("The change idea is back in the library's list."))
    return redirect("improvement:change_idea_detail", slug=network.slug, idea_id=idea.pk)


@login_required
@require_POST
def change_idea_delete(request, slug, idea_id):
    network, idea = _editable(request, slug, idea_id)
    try:
        services.delete_change_idea(actor=request.user, idea=idea)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("improvement:change_idea_detail", slug=network.slug, idea_id=idea.pk)
    messages.success(request, _("The change idea “%(title)s” is deleted.") % {"title": idea.title})
    return redirect("improvement:change_idea_list", slug=network.slug)


@login_required
def case_change_ideas(request, slug, case_id):
    """The change ideas a case study tells the story of, chosen from the case study's side (its page links
    here through improvement/changes/_cited_by_case.html)."""
    viewer, network = _library_page(request, slug)
    case = case_selectors.case_study_for_viewer(viewer, network, case_id)
    if not permissions.can_cite_change_ideas(viewer, case, case_selectors.author_ids(case)):
        raise PermissionDenied
    # Unticking every idea posts nothing: a POST is bound even when empty.
    form = CitedIdeasForm(request.POST if request.method == "POST" else None, case_study=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_cited_change_ideas(
                actor=request.user, case_study=case, ideas=form.cleaned_data["ideas"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Saved: the case study lists the change ideas it tells the story of.")
            )
            return redirect("knowledge:case_detail", slug=network.slug, case_id=case.pk)
    return render(
        request,
        "improvement/changes/case_change_ideas.html",
        {"network": network, "case": case, "form": form},
        status=400 if form.errors else 200,
    )
