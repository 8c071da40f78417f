"""Pages of case studies: the list, writing and editing one, reading one, and the private feed's address.

Each view reads, checks, acts and responds: the network through ``knowledge_network`` (404 outside it),
objects through permission-scoped selectors (404 alike for missing and hidden drafts), the rule from
``cases.permissions`` (403), the change through one service of ``cases.services``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qicop.core.markdown import render_markdown
from qicop.core.pagination import paginate
from qicop.core.params import id_or_none
from qicop.knowledge.cases import feeds, selectors
from qicop.knowledge.cases import permissions as rules
from qicop.knowledge.cases import services as cases
from qicop.knowledge.cases.forms import (
    CaseStudyFilterForm,
    CaseStudyForm,
    ReviewCommentForm,
)
from qicop.knowledge.cases.views.common import case_page, filter_data, query_string, save_form
from qicop.knowledge.models import CaseStudy
from qicop.network import selectors as network_selectors
from qicop.network.models import Member

SECTIONS = [
    ("context", gettext_lazy("Context and problem")),
    ("aim", gettext_lazy("Aim")),
    ("changes", gettext_lazy("Changes tested")),
    ("results", gettext_lazy("Results")),
    ("challenges", gettext_lazy("Implementation challenges")),
    ("lessons", gettext_lazy("Lessons and advice for others")),
]


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
    found = selectors.case_study_list(viewer, network, **filter_data(form))
    return render(
        request,
        "knowledge/case_list.html",
        {
            "network": network,
            "form": form,
            "page": paginate(request, found),
            "query_string": query_string(request),
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
    if not rules.writes_about_any_country(viewer, network):
        query["country"] = viewer.country_id
    return {
        "count": selectors.waiting_for_review(viewer, network).count(),
        "query": urlencode(query),
    }


def _allowed_countries(viewer, network, case=None) -> list:
    """The countries one may write about: any of the network's for coordinators, else one's own (and the
    case study's, for a focal point or author editing it)."""
    countries = network.countries.order_by("name")
    if not rules.writes_about_any_country(viewer, network):
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
    case = save_form(
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
    viewer, network, case, authors = case_page(request, slug, case_id)
    if not rules.can_edit_case_study(viewer, case, authors):
        raise PermissionDenied
    form, allowed, country = _case_form(request, viewer, network, case)
    if form is None:  # its country has left the network: a coordinator chooses another first
        return _form_page(
            request, network, None, allowed, None, case, status=400 if request.method == "POST" else 200
        )
    saved = save_form(
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
    viewer, network, case, authors = case_page(request, slug, case_id)
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
