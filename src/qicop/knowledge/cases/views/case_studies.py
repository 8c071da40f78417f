"""Pages of case studies (with their live charts, attachments, review and history), resources and topics.

Each view reads, checks, acts and responds: the network through ``knowledge_network`` (404 outside it),
objects through permission-scoped selectors (404 alike for missing and hidden drafts), the rule from
permissions_cases (403), the change through one service of cases.py.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from qicop.core import uploads
from qicop.core.markdown import render_markdown
from qicop.core.pagination import paginate
from qicop.core.params import id_or_none
from qicop.indicators.models import NetworkIndicator, OrgUnit
from qicop.knowledge.cases import feeds, selectors
from qicop.knowledge.cases import permissions as rules
from qicop.knowledge.cases import services as cases
from qicop.knowledge.cases.forms import (
    AttachmentForm,
    CaseStudyFilterForm,
    CaseStudyForm,
    ChartForm,
    ResourceFilterForm,
    ResourceForm,
    ReviewCommentForm,
)
from qicop.knowledge.models import CaseStudy
from qicop.network import selectors as network_selectors
from qicop.network.models import Member

# Files are shown (PDF, images) or downloaded, never run: no script, no plugin, no frame of ours.
SECTIONS = [
    ("context", gettext_lazy("Context and problem")),
    ("aim", gettext_lazy("Aim")),
    ("changes", gettext_lazy("Changes tested")),
    ("results", gettext_lazy("Results")),
    ("challenges", gettext_lazy("Implementation challenges")),
    ("lessons", gettext_lazy("Lessons and advice for others")),
]


def _with_upload_limit(view):
    """Put the size limit in place before anything reads the request body, then check CSRF."""
    protected = csrf_protect(view)

    @csrf_exempt  # the CSRF check runs inside, once the size limit is in place (it reads the upload)
    @login_required
    def wrapper(request, *args, **kwargs):
        limit = uploads.UploadSizeLimit(request)
        request.upload_handlers.insert(0, limit)
        return protected(request, *args, limit=limit, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _case(request, slug, case_id):
    viewer, network = selectors.knowledge_network(request, slug)
    case = selectors.case_study_for_viewer(viewer, network, case_id)
    return viewer, network, case, selectors.author_ids(case)


def _filter_data(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "")} if form.is_valid() else {}


def _query_string(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# Case studies


@login_required
def case_list(request, slug):
    viewer, network = selectors.knowledge_network(request, slug)
    topics = network_selectors.topics_of_network(network)[:200]
    form = CaseStudyFilterForm(
        request.GET or None,
        countries=network.countries.order_by("name"),
        topics=topics,
        years=selectors.case_study_years(network),
        with_status=rules.can_see_unpublished(viewer, network),
    )
    found = selectors.case_study_list(viewer, network, **_filter_data(form))
    return render(
        request,
        "knowledge/case_list.html",
        {
            "network": network,
            "form": form,
            "page": paginate(request, found),
            "query_string": _query_string(request),
            "can_write": rules.can_write_case_studies(viewer, network),
            "private_feed": _private_feed(request, viewer, network),
            "review": _waiting_for_review(viewer, network),
        },
    )


def _waiting_for_review(viewer, network) -> dict | None:
    """For a reviewer: how many case studies wait for their review, and the list of them."""
    if not rules.reviews_in(viewer, network):
        return None
    query = {"status": CaseStudy.Status.REVIEW}
    if not viewer.is_coordinator(network):
        query["country"] = viewer.country_id
    return {
        "count": selectors.waiting_for_review(viewer, network).count(),
        "query": urlencode(query),
    }


def _allowed_countries(viewer, network, case=None) -> list:
    """The countries one may write about: any of the network's for coordinators, else one's own (and the
    case study's, for a focal point or author editing it)."""
    countries = network.countries.order_by("name")
    if not viewer.is_coordinator(network):
        allowed = {viewer.country_id} | ({case.country_id} if case else set())
        countries = countries.filter(pk__in=allowed)
    return list(countries)


def _chosen_country(request, allowed: list, default_id):
    """The country whose places and members the form offers. Places and co-authors depend on the country,
    and the form works without JavaScript: the country is chosen first (``?country=``, a GET step), the
    one posted wins on a save, else the case study's, else the member's own; None if none of these is
    allowed (a coordinator from a country outside the network chooses first)."""
    by_id = {country.pk: country for country in allowed}
    candidates = [id_or_none(request.GET.get("country")), default_id]
    if request.method == "POST":
        candidates.insert(0, id_or_none(request.POST.get("country")))
    for candidate in candidates:
        if candidate in by_id:
            return by_id[candidate]
    return None


def _private_feed(request, viewer, network) -> str | None:
    """The signed-in member's private feed address (see feeds.py), for feed readers."""
    if viewer.member_id is None:
        return None
    member = Member.objects.select_related("user", "notification_settings").get(pk=viewer.member_id)
    return request.build_absolute_uri(feeds.private_feed_path(member, network))


@login_required
@require_POST
def case_feed_renew(request, slug):
    """A new private feed address for the signed-in member; the old one stops working at once."""
    viewer, network = selectors.knowledge_network(request, slug)
    if viewer.member_id is None:
        raise Http404("Not a member")
    feeds.renew_private_feeds(member=Member.objects.select_related("user").get(pk=viewer.member_id))
    messages.success(
        request,
        _("Your private feed address has changed: feed readers using the old one no longer get updates."),
    )
    return redirect("knowledge:case_list", network.slug)


def _case_form(request, viewer, network, case=None):
    allowed = _allowed_countries(viewer, network, case)
    country = _chosen_country(request, allowed, case.country_id if case else viewer.country_id)
    if country is None:
        return None, allowed, None
    initial = {"country": country}
    authors = selectors.author_choices(network, country.pk)
    if case is not None:
        initial = {name: getattr(case, name) for name in CaseStudyForm.base_fields if hasattr(case, name)}
        current = list(case.authors.all())
        initial.update(
            country=country,
            topics=list(case.topics.all()),
            org_units=list(case.org_units.all()),
            authors=current,
            note="",
            version=case.version,
        )
        # Authors from elsewhere (a coordinator who wrote it) stay ticked, not silently dropped.
        authors = Member.objects.filter(
            Q(pk__in=authors.values("pk")) | Q(pk__in=[a.pk for a in current])
        ).order_by("full_name", "id")
    form = CaseStudyForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        countries=network.countries.filter(pk=country.pk),
        topics=network_selectors.topics_of_network(network),
        org_units=selectors.org_unit_choices(country.pk),
        authors=authors,
    )
    return form, allowed, country


def _save_case(request, form, save):
    """Run ``save`` on a valid form; a refusal from the service becomes the form's own error."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as problem:
        if hasattr(problem, "error_dict"):
            for field, errors in problem.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, problem)
    return None


def _form_page(request, network, form, allowed, country, case=None, *, status=None, conflict=None):
    return render(
        request,
        "knowledge/case_form.html",
        {
            "network": network,
            "form": form,
            "case": case,
            "country_choices": allowed,
            "chosen_country": country,
            "conflict": conflict,
        },
        status=status or (400 if form is not None and form.errors else 200),
    )


@login_required
def case_create(request, slug):
    viewer, network = selectors.knowledge_network(request, slug)
    if not rules.can_write_case_studies(viewer, network):
        raise PermissionDenied
    form, allowed, country = _case_form(request, viewer, network)
    if form is None:  # the country first: its places and members are the form's choices
        return _form_page(
            request, network, None, allowed, None, status=400 if request.method == "POST" else 200
        )
    case = _save_case(
        request,
        form,
        lambda data: cases.case_study_create(
            actor=request.user,
            network=network,
            fields=form.case_fields(),
            topics=data["topics"],
            org_units=data.get("org_units") or [],
            authors=data.get("authors") or [],
            note=data["note"],
        ),
    )
    if case is not None:
        messages.success(request, _("Your draft is saved. Add charts and files, then submit it for review."))
        return redirect("knowledge:case_detail", slug=network.slug, case_id=case.pk)
    return _form_page(request, network, form, allowed, country)


@login_required
def case_edit(request, slug, case_id):
    viewer, network, case, authors = _case(request, slug, case_id)
    if not rules.can_edit_case_study(viewer, case, authors):
        raise PermissionDenied
    form, allowed, country = _case_form(request, viewer, network, case)
    if form is None:  # its country has left the network: a coordinator chooses another first
        return _form_page(
            request, network, None, allowed, None, case, status=400 if request.method == "POST" else 200
        )
    saved = _save_case(
        request,
        form,
        lambda data: cases.case_study_update(
            actor=request.user,
            case_study=case,
            fields=form.case_fields(),
            topics=data["topics"],
            org_units=data.get("org_units") if "org_units" in form.fields else None,
            authors=form.chosen_authors(),
            note=data["note"],
            expected_version=data.get("version"),
        ),
    )
    if saved is not None:
        messages.success(request, _("Saved as version %(number)s.") % {"number": saved.version})
        return redirect("knowledge:case_detail", slug=network.slug, case_id=case.pk)
    conflict = None
    if form.has_error(NON_FIELD_ERRORS, code="version_conflict"):
        # What the member typed comes back as it was; the next save starts from the current version, now
        # that they have been told to compare.
        current = CaseStudy.objects.values_list("version", flat=True).get(pk=case.pk)
        form.data = form.data.copy()
        form.data["version"] = str(current)
        conflict = {"version": current}
    return _form_page(
        request, network, form, allowed, country, case, status=409 if conflict else None, conflict=conflict
    )


@login_required
def case_detail(request, slug, case_id):
    viewer, network, case, authors = _case(request, slug, case_id)
    can_review = rules.can_review(viewer, case)
    show_review = can_review or (
        case.status != CaseStudy.Status.PUBLISHED and rules.can_edit_case_study(viewer, case, authors)
    )
    return render(
        request,
        "knowledge/case_detail.html",
        {
            "network": network,
            "case": case,
            "sections": [
                (name, label, render_markdown(getattr(case, name)))
                for name, label in SECTIONS
                if getattr(case, name).strip()
            ],
            "has_results": bool(case.results.strip()),
            "charts": selectors.chart_views(request.user, case),
            "attachments": selectors.attachments_of(case),
            "comments": selectors.review_comments_of(case) if show_review else None,
            "comment_form": ReviewCommentForm() if can_review else None,
            "can_edit": rules.can_edit_case_study(viewer, case, authors),
            "can_submit": rules.can_submit_for_review(viewer, case, authors),
            "can_publish": rules.can_publish(viewer, case),
            "can_return": rules.can_return_to_draft(viewer, case),
        },
    )


WORKFLOW = {
    "submit": (lambda v, c, a: rules.can_submit_for_review(v, c, a), cases.case_study_submit),
    "publish": (lambda v, c, a: rules.can_publish(v, c), cases.case_study_publish),
    "draft": (lambda v, c, a: rules.can_return_to_draft(v, c), cases.case_study_return_to_draft),
}
WORKFLOW_DONE = {
    "submit": gettext_lazy(
        "Submitted for review: the coordinators and your country's focal point can comment."
    ),
    "publish": gettext_lazy("Published: every member of the network can read it now."),
    "draft": gettext_lazy("Back to draft: only its authors and reviewers see it."),
}


@login_required
@require_POST
def case_workflow(request, slug, case_id):
    """One step of draft → in review → published (or back to draft), named by ``action``."""
    viewer, network, case, authors = _case(request, slug, case_id)
    step = WORKFLOW.get(request.POST.get("action", ""))
    if step is None:
        return HttpResponse(_("Unknown step."), status=400, content_type="text/plain; charset=utf-8")
    allowed, service = step
    if not allowed(viewer, case, authors):
        raise PermissionDenied
    try:
        service(actor=request.user, case_study=case)
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    else:
        messages.success(request, str(WORKFLOW_DONE[request.POST["action"]]))
    return redirect("knowledge:case_detail", slug=network.slug, case_id=case.pk)


@login_required
@require_POST
def case_review(request, slug, case_id):
    viewer, network, case, _authors = _case(request, slug, case_id)
    if not rules.can_review(viewer, case):
        raise PermissionDenied
    form = ReviewCommentForm(request.POST)
    if form.is_valid():
        try:
            cases.case_study_comment(actor=request.user, case_study=case, body=form.cleaned_data["body"])
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            messages.success(request, _("Your comment is added; the authors are told."))
            return redirect("knowledge:case_detail", slug=network.slug, case_id=case.pk)
    return render(
        request,
        "knowledge/case_review.html",
        {"network": network, "case": case, "form": form},
        status=400,
    )


@login_required
def case_history(request, slug, case_id):
    """Every version with who and when; ``?version=N`` shows what changed from the version before."""
    _viewer, network, case, _authors = _case(request, slug, case_id)
    diff = None
    number = id_or_none(request.GET.get("version"))
    if number is not None:
        version, previous, changes = selectors.version_diff(case, number)
        diff = {"version": version, "previous": previous, "changes": changes}
    return render(
        request,
        "knowledge/case_history.html",
        {
            "network": network,
            "case": case,
            "page": paginate(request, selectors.versions_of(case)),
            "diff": diff,
        },
    )


# Charts


@login_required
def case_charts(request, slug, case_id):
    """Add a live dashboard chart (indicator × place of the case study's country) to the case study."""
    viewer, network, case, authors = _case(request, slug, case_id)
    if not rules.can_edit_case_study(viewer, case, authors):
        raise PermissionDenied
    form = ChartForm(
        request.POST if request.method == "POST" else None,
        indicators=NetworkIndicator.objects.filter(network=network).order_by("order", "name"),
        org_units=selectors.org_unit_choices(case.country_id),
        country_units=OrgUnit.objects.filter(country_id=case.country_id),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cases.case_study_add_chart(
                actor=request.user,
                case_study=case,
                indicator=data["indicator"],
                org_unit=data["org_unit"],
                caption=data["caption"],
                options={"rules": data["rules"], "periods": data["periods"]},
            )
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            messages.success(request, _("The chart is added to the case study."))
            return redirect("knowledge:case_detail", slug=network.slug, case_id=case.pk)
    return render(
        request,
        "knowledge/case_charts.html",
        {"network": network, "case": case, "form": form, "charts": selectors.charts_of(case)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def case_chart_delete(request, slug, case_id, chart_id):
    viewer, network, case, authors = _case(request, slug, case_id)
    chart = selectors.chart_of(case, chart_id)
    if not rules.can_edit_case_study(viewer, case, authors):
        raise PermissionDenied
    cases.case_study_remove_chart(actor=request.user, chart=chart)
    messages.success(request, _("The chart is removed."))
    return redirect("knowledge:case_charts", slug=network.slug, case_id=case.pk)


@login_required
def case_chart_snapshot(request, slug, case_id, chart_id):
    """The chart as it was when the case study was published: a drawing of our own, never a script."""
    _viewer, _network, case, _authors = _case(request, slug, case_id)
    chart = selectors.chart_of(case, chart_id)
    if not chart.snapshot_svg:
        raise Http404("Not published yet")
    response = HttpResponse(chart.snapshot_svg, content_type="image/svg+xml; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    patch_cache_control(response, private=True)
    return response


# Attachments


@_with_upload_limit
def case_attachments(request, slug, case_id, limit):
    """Attach files (checked by content) to a case study; see and remove them."""
    viewer, network, case, authors = _case(request, slug, case_id)
    if not rules.can_edit_case_study(viewer, case, authors):
        raise PermissionDenied
    posted = request.method == "POST"
    form = AttachmentForm(
        request.POST if posted else None, request.FILES if posted else None, too_large=limit.too_large
    )
    if posted and form.is_valid():
        try:
            cases.attachment_add(
                actor=request.user,
                case_study=case,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            messages.success(request, _("The file is attached."))
            return redirect("knowledge:case_attachments", slug=network.slug, case_id=case.pk)
    return render(
        request,
        "knowledge/case_attachments.html",
        {"network": network, "case": case, "form": form, "attachments": selectors.attachments_of(case)},
        status=400 if form.errors else 200,
    )


def _file_response(stored, fallback_name: str):
    return uploads.private_file_response(stored, fallback_name)


@login_required
def case_attachment(request, slug, case_id, attachment_id):
    _viewer, _network, case, _authors = _case(request, slug, case_id)
    attachment = selectors.attachment_of(case, attachment_id)
    return _file_response(attachment, attachment.title)


@login_required
@require_POST
def case_attachment_delete(request, slug, case_id, attachment_id):
    viewer, network, case, authors = _case(request, slug, case_id)
    attachment = selectors.attachment_of(case, attachment_id)
    if not rules.can_edit_case_study(viewer, case, authors):
        raise PermissionDenied
    cases.attachment_delete(actor=request.user, attachment=attachment)
    messages.success(request, _("“%(title)s” is removed.") % {"title": attachment.title})
    return redirect("knowledge:case_attachments", slug=network.slug, case_id=case.pk)


# Resources


@login_required
def resource_list(request, slug):
    viewer, network = selectors.knowledge_network(request, slug)
    form = ResourceFilterForm(
        request.GET or None,
        countries=network.countries.order_by("name"),
        topics=network_selectors.topics_of_network(network)[:200],
        years=selectors.resource_years(network),
    )
    found = selectors.resources_for_viewer(viewer, network, **_filter_data(form))
    page = paginate(request, found)
    for resource in page:
        resource.editable = rules.can_edit_resource(viewer, resource)
    return render(
        request,
        "knowledge/resource_list.html",
        {
            "network": network,
            "form": form,
            "page": page,
            "query_string": _query_string(request),
            "can_add": rules.can_add_resources(viewer, network),
        },
    )


def _resource_form(request, network, limit, resource=None):
    posted = request.method == "POST"
    initial = None
    if resource is not None:
        initial = {
            name: getattr(resource, name)
            for name in ("title", "description", "kind", "country", "language", "year", "url")
        }
        initial["topics"] = list(resource.topics.all())
    return ResourceForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=initial,
        countries=network.countries.order_by("name"),
        topics=network_selectors.topics_of_network(network),
        has_file=bool(resource and resource.file),
        too_large=limit.too_large,
    )


@_with_upload_limit
def resource_create(request, slug, limit):
    viewer, network = selectors.knowledge_network(request, slug)
    if not rules.can_add_resources(viewer, network):
        raise PermissionDenied
    form = _resource_form(request, network, limit)
    resource = _save_case(
        request,
        form,
        lambda data: cases.resource_create(
            actor=request.user,
            network=network,
            fields=form.resource_fields(),
            topics=data["topics"],
            upload=data["file"] or None,
        ),
    )
    if resource is not None:
        messages.success(request, _("“%(title)s” is added.") % {"title": resource.title})
        return redirect("knowledge:resource_detail", slug=network.slug, resource_id=resource.pk)
    return render(
        request,
        "knowledge/resource_form.html",
        {"network": network, "form": form, "resource": None},
        status=400 if form.errors else 200,
    )


@_with_upload_limit
def resource_edit(request, slug, resource_id, limit):
    viewer, network = selectors.knowledge_network(request, slug)
    resource = selectors.resource_for_viewer(viewer, network, resource_id)
    if not rules.can_edit_resource(viewer, resource):
        raise PermissionDenied
    form = _resource_form(request, network, limit, resource)
    saved = _save_case(
        request,
        form,
        lambda data: cases.resource_update(
            actor=request.user,
            resource=resource,
            fields=form.resource_fields(),
            topics=data["topics"],
            upload=data["file"] or None,
        ),
    )
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect("knowledge:resource_detail", slug=network.slug, resource_id=resource.pk)
    return render(
        request,
        "knowledge/resource_form.html",
        {"network": network, "form": form, "resource": resource},
        status=400 if form.errors else 200,
    )


@login_required
def resource_detail(request, slug, resource_id):
    viewer, network = selectors.knowledge_network(request, slug)
    resource = selectors.resource_for_viewer(viewer, network, resource_id)
    return render(
        request,
        "knowledge/resource_detail.html",
        {
            "network": network,
            "resource": resource,
            "description_html": render_markdown(resource.description),
            "can_edit": rules.can_edit_resource(viewer, resource),
        },
    )


@login_required
def resource_download(request, slug, resource_id):
    """The stored file, or the link it points to."""
    viewer, network = selectors.knowledge_network(request, slug)
    resource = selectors.resource_for_viewer(viewer, network, resource_id)
    if not resource.file:
        if not resource.url.startswith(("https://", "http://")):
            raise Http404
        return HttpResponseRedirect(resource.url)
    return _file_response(resource, resource.title)


@login_required
@require_POST
def resource_delete(request, slug, resource_id):
    viewer, network = selectors.knowledge_network(request, slug)
    resource = selectors.resource_for_viewer(viewer, network, resource_id)
    if not rules.can_edit_resource(viewer, resource):
        raise PermissionDenied
    cases.resource_delete(actor=request.user, resource=resource)
    messages.success(request, _("“%(title)s” is removed.") % {"title": resource.title})
    return redirect("knowledge:resource_list", slug=network.slug)


# Topics


@login_required
def topic_list(request, slug):
    """The network's topics; coordinators manage them on the meetings' topics page."""
    viewer, network = selectors.knowledge_network(request, slug)
    return render(
        request,
        "knowledge/topic_list.html",
        {
            "network": network,
            "page": paginate(request, network_selectors.topics_of_network(network)),
            "can_manage": rules.can_manage_topics(viewer, network),
        },
    )


@login_required
def topic_detail(request, slug, topic_slug):
    viewer, network = selectors.knowledge_network(request, slug)
    topic = selectors.topic_in_network(network, topic_slug)
    return render(
        request,
        "knowledge/topic_detail.html",
        {
            "network": network,
            "topic": topic,
            "description_html": render_markdown(topic.description),
            **selectors.topic_page(viewer, network, topic),
        },
    )
