"""Pages of the meetings app: the survey after a meeting, its results, and the yearly proceedings (page,
one self-contained HTML file, PDF)."""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.core.markdown import render_markdown
from qicop.core.pagination import paginate
from qicop.core.pdf import html_to_pdf
from qicop.meetings import selectors
from qicop.meetings.access import meetings_network
from qicop.meetings.proceedings import evaluation, permissions, services
from qicop.meetings.proceedings import selectors as proceedings
from qicop.meetings.proceedings.forms import EvaluationForm, IntroductionForm
from qicop.network import selectors as network_selectors


def detail_panel(request, viewer, network, meeting) -> dict:
    """What the meeting page shows of this feature (rendered by meetings/_panel_proceedings.html):
    the way to the survey, its summary, and the year's proceedings. Two queries."""
    can_evaluate = permissions.can_evaluate(viewer, meeting)
    return {
        "meeting": meeting,
        "open": permissions.survey_is_open(meeting),
        "can_evaluate": can_evaluate,
        "answered": can_evaluate and evaluation.evaluation_of(meeting, viewer.member_id) is not None,
        "summary": evaluation.summary(meeting),
        "can_read_answers": permissions.can_read_answers(viewer, network),
        "year": meeting.start.astimezone(UTC).year,
    }


# The survey.


@login_required
def evaluation_form(request, slug, meeting_id):
    """A participant's answer to the survey: a new one, or their earlier answer to change."""
    viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    allowed = permissions.can_evaluate(viewer, meeting)
    if request.method == "POST" and not allowed:
        raise PermissionDenied
    existing = evaluation.evaluation_of(meeting, viewer.member_id) if allowed else None
    initial = {}
    if existing is not None:
        fields = ("rating", "relevance", "most_useful", "improve", "next_topics")
        initial = {name: getattr(existing, name) for name in fields}
    form = EvaluationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        evaluation.save_evaluation(actor=request.user, meeting=meeting, **form.cleaned_data)
        messages.success(request, _("Thank you: your answer is saved. You can change it at any time."))
        return redirect("meetings:detail", slug=network.slug, meeting_id=meeting.pk)
    return render(
        request,
        "meetings/evaluation.html",
        {
            "network": network,
            "meeting": meeting,
            "form": form,
            "allowed": allowed,
            "open": permissions.survey_is_open(meeting),
            "existing": existing,
        },
        status=400 if form.errors else 200,
    )


@login_required
def evaluation_results(request, slug, meeting_id):
    """Coordinators: the count, the means, how the ratings spread, and every written answer."""
    viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    if not permissions.can_read_answers(viewer, network):
        raise PermissionDenied
    return render(
        request,
        "meetings/evaluation_results.html",
        {
            "network": network,
            "meeting": meeting,
            "summary": evaluation.summary(meeting),
            "ratings": evaluation.distribution(meeting, "rating"),
            "relevance": evaluation.distribution(meeting, "relevance"),
            "page": paginate(request, evaluation.written_answers(meeting)),
        },
    )


# Proceedings.


def _proceedings_network(request, slug):
    """Proceedings have their own rule: observers read them too (published years only), so the
    meetings pages' rule (observers 403) does not apply. Outsiders get 404, as everywhere."""
    return network_selectors.network_page(request.user, slug)


def _readable_year(viewer, network, year):
    """The year's proceedings row (or None) for a viewer who may read it; 404 otherwise, and for a year
    with neither meetings nor proceedings."""
    if not proceedings.FIRST_YEAR <= year <= proceedings.LAST_YEAR:
        raise Http404
    row = proceedings.proceedings_of(network, year)
    if not permissions.can_read_proceedings(viewer, network, row):
        raise Http404
    return row


def _year_context(viewer, network, year, *, base_url: str = "") -> dict:
    row = _readable_year(viewer, network, year)
    records = proceedings.year_record(network, year)
    if not records and row is None:
        raise Http404
    return {
        "network": network,
        "year": year,
        "proceedings": row,
        "published": row is not None and row.published_at is not None,
        "introduction_html": render_markdown(row.introduction) if row and row.introduction else "",
        "records": records,
        "can_download": permissions.can_download_materials(viewer, network),
        "can_edit": permissions.can_edit_proceedings(viewer, network),
        "base_url": base_url,
    }


@login_required
def proceedings_index(request, slug):
    viewer, network = _proceedings_network(request, slug)
    return render(
        request,
        "meetings/proceedings_index.html",
        {
            "network": network,
            "years": proceedings.years_for_viewer(viewer, network),
            "can_edit": permissions.can_edit_proceedings(viewer, network),
        },
    )


@login_required
def proceedings_year(request, slug, year):
    viewer, network = _proceedings_network(request, slug)
    return render(request, "meetings/proceedings_year.html", _year_context(viewer, network, year))


@login_required
def proceedings_edit(request, slug, year):
    """Coordinators write the year's introduction (the proceedings are created on the first save)."""
    viewer, network = _proceedings_network(request, slug)
    row = _readable_year(viewer, network, year)
    if not permissions.can_edit_proceedings(viewer, network):
        raise PermissionDenied
    form = IntroductionForm(
        request.POST if request.method == "POST" else None,
        initial={"introduction": row.introduction if row else ""},
    )
    if request.method == "POST" and form.is_valid():
        services.save_introduction(
            actor=request.user, network=network, year=year, introduction=form.cleaned_data["introduction"]
        )
        messages.success(request, _("Saved."))
        return redirect("meetings:proceedings_year", slug=network.slug, year=year)
    return render(
        request,
        "meetings/proceedings_edit.html",
        {"network": network, "year": year, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def proceedings_publish(request, slug, year):
    viewer, network = _proceedings_network(request, slug)
    _readable_year(viewer, network, year)
    if not permissions.can_edit_proceedings(viewer, network):
        raise PermissionDenied
    choice = request.POST.get("publish")
    if choice not in ("yes", "no"):  # a stray or truncated POST must not take published proceedings back
        return HttpResponseBadRequest(_("Choose whether to publish these proceedings."))
    published = choice == "yes"
    services.set_published(actor=request.user, network=network, year=year, published=published)
    messages.success(
        request,
        _("Published: observers of the network can now read these proceedings.")
        if published
        else _("Back to draft: observers no longer see these proceedings."),
    )
    return redirect("meetings:proceedings_year", slug=network.slug, year=year)


def _document(request, viewer, network, year, *, for_print: bool) -> str:
    """The proceedings as one standalone document: style inline, links absolute, nothing to fetch."""
    context = _year_context(viewer, network, year, base_url=settings.BASE_URL)
    context["for_print"] = for_print
    return render_to_string("meetings/proceedings_document.html", context, request=request)


def _attachment(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def proceedings_html(request, slug, year):
    viewer, network = _proceedings_network(request, slug)
    html = _document(request, viewer, network, year, for_print=False)
    return _attachment(html, "text/html; charset=utf-8", f"proceedings-{network.slug}-{year}.html")


@login_required
def proceedings_pdf(request, slug, year):
    viewer, network = _proceedings_network(request, slug)
    pdf = html_to_pdf(_document(request, viewer, network, year, for_print=True))
    return _attachment(pdf, "application/pdf", f"proceedings-{network.slug}-{year}.pdf")
