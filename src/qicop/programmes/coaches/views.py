"""Pages of QI coach certification work: a country's candidates and standards, enrolling a candidate, a
certification's portfolio, the knowledge check, a mentor's observation, the certifying body's decision, and
the withdraw and renew buttons."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.core.forms import add_service_errors
from qicop.improvement.permissions import can_view_workspaces
from qicop.network import selectors as network_selectors
from qicop.programmes.certificates.documents import certificate_code
from qicop.programmes.coaches import forms, selectors, services, words
from qicop.programmes.coaches import permissions as rules
from qicop.programmes.coaches.portfolio import is_mentor, portfolio_of, requirements
from qicop.programmes.coaches.stages import Stage, stage_of
from qicop.programmes.coaches.standards import competencies_of, standard_for
from qicop.programmes.models import CoachCertification

OPEN = CoachCertification.Status.CANDIDATE
CERTIFIED = CoachCertification.Status.CERTIFIED


def _country(request, slug, iso2, *, keeper: bool = False):
    viewer, network = network_selectors.network_page(request.user, slug)
    country = network_selectors.country_in_network(network, iso2)
    if keeper and not rules.can_keep_certification(viewer, network, country.pk):
        raise PermissionDenied
    return viewer, network, country


def _certification(request, slug, certification_id):
    """The certification and whether the viewer is a mentor in force, for someone who may see its
    portfolio (403 otherwise; 404 outside the network)."""
    viewer, network = network_selectors.network_page(request.user, slug)
    certification = selectors.certification_in(network, certification_id)
    mentor = is_mentor(viewer, network, timezone.localdate())
    if not rules.can_see_portfolio(viewer, certification, is_mentor=mentor):
        raise PermissionDenied
    return viewer, network, certification, mentor


def _back(certification):
    return redirect("programmes:coach_portfolio", certification.network.slug, certification.pk)


def _form_page(request, template, context, form):
    return render(request, template, context, status=400 if form.errors else 200)


@login_required
def coach_candidates(request, slug, iso2):
    viewer, network, country = _country(request, slug, iso2)
    today = timezone.localdate()
    mentor = is_mentor(viewer, network, today)
    if not rules.can_see_candidates(viewer, network, country.pk, is_mentor=mentor):
        raise PermissionDenied
    standard = standard_for(network, country)
    return render(
        request,
        "programmes/coaches/candidates.html",
        {
            "network": network,
            "country": country,
            "work": selectors.country_work(network, country, standard, today),
            "standard": standard,
            "keeper": rules.can_keep_certification(viewer, network, country.pk),
        },
    )


@login_required
def coach_standards(request, slug, iso2):
    _viewer, network, country = _country(request, slug, iso2, keeper=True)
    standard = standard_for(network, country)
    form = forms.StandardForm(request.POST or None, instance=standard)
    if request.method == "POST" and form.is_valid():
        values = {key: form.cleaned_data.get(key) for key in services.STANDARD_FIELDS}
        try:
            services.save_standard(
                actor=request.user,
                network=network,
                country=country,
                competencies=list(form.cleaned_data["competencies"]),
                **values,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Standards saved: they apply to every decision from now on."))
            return redirect("programmes:coach_candidates", network.slug, country.iso2)
    return _form_page(
        request,
        "programmes/coaches/standards.html",
        {"network": network, "country": country, "form": form, "saved": standard.pk is not None},
        form,
    )


@login_required
def coach_enrol(request, slug, iso2):
    _viewer, network, country = _country(request, slug, iso2, keeper=True)
    form = forms.EnrolForm(
        request.POST or None, network=network, country=country, initial={"started_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            certification = services.enrol_candidate(
                actor=request.user, network=network, country=country, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Candidate enrolled: their portfolio fills itself from the teams they coach.")
            )
            certification.network = network
            return _back(certification)
    return _form_page(
        request,
        "programmes/coaches/form.html",
        {
            "network": network,
            "country": country,
            "form": form,
            "title": _("Enrol a candidate coach"),
            "button": _("Enrol"),
        },
        form,
    )


@login_required
def coach_portfolio(request, slug, certification_id):
    viewer, network, certification, mentor = _certification(request, slug, certification_id)
    today = timezone.localdate()
    portfolio = portfolio_of(certification)
    prefetch_related_objects([t.team.collaborative for t in portfolio.teams], "other_countries")
    standard = standard_for(network, certification.country)
    needs = requirements(portfolio, standard)
    is_open = certification.status == OPEN
    stage = stage_of(certification.status, certification.valid_until, len(portfolio.observations), today)
    verify = ""
    if rules.can_download_certificate(viewer, certification):
        # The link the coach hands to whoever must check the certificate (an employer, a partner).
        code = certificate_code(certification)
        verify = reverse("programmes:coach_verify", args=[network.slug]) + "?" + urlencode({"code": code})
    return render(
        request,
        "programmes/coaches/portfolio.html",
        {
            "verify_url": verify,
            "network": network,
            "certification": certification,
            "portfolio": portfolio,
            "stage": stage,
            "teams": [(t, can_view_workspaces(viewer, t.team.collaborative)) for t in portfolio.teams],
            "checklist": [(r, words.sentence(r)) for r in needs],
            "all_met": all(r.met for r in needs),
            "can_see_country": rules.can_see_candidates(
                viewer, network, certification.country_id, is_mentor=mentor
            ),
            "can_knowledge": is_open
            and rules.can_keep_certification(viewer, network, certification.country_id),
            "can_observe": rules.can_observe(viewer, certification, is_mentor=mentor),
            "can_decide": rules.can_decide(viewer, certification),
            "can_withdraw": is_open and rules.can_withdraw(viewer, certification),
            # Recertification opens as the certificate nears its end (or after it lapsed), not years before.
            "can_renew": stage in (Stage.EXPIRING, Stage.LAPSED)
            and not certification.renewals.filter(status__in=[OPEN, CERTIFIED]).exists()
            and rules.can_renew(viewer, certification),
        },
    )


def _certification_form(request, template, network, certification, form, **context):
    return _form_page(
        request,
        f"programmes/coaches/{template}",
        {"network": network, "certification": certification, "form": form, **context},
        form,
    )


@login_required
def coach_knowledge(request, slug, certification_id):
    viewer, network, certification, _mentor = _certification(request, slug, certification_id)
    if not rules.can_keep_certification(viewer, network, certification.country_id):
        raise PermissionDenied
    initial = {
        "score": certification.knowledge_score,
        "taken_on": certification.knowledge_on or timezone.localdate(),
    }
    form = forms.KnowledgeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_knowledge_check(
                actor=request.user, certification=certification, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Knowledge check recorded."))
            return _back(certification)
    return _certification_form(
        request,
        "certification_form.html",
        network,
        certification,
        form,
        title=_("Record the knowledge check"),
        button=_("Record"),
        refusal="" if certification.status == OPEN else services.closed_message(certification),
    )


@login_required
def coach_observe(request, slug, certification_id):
    _viewer, network, certification, mentor = _certification(request, slug, certification_id)
    if not mentor:
        raise PermissionDenied
    observer = network_selectors.member_of_account(request.user)
    refusal = services.observation_refusal(observer, certification, timezone.localdate())
    competencies = competencies_of(standard_for(network, certification.country))
    form = forms.ObservationForm(
        request.POST or None,
        certification=certification,
        competencies=competencies,
        initial={"observed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_observation(
                actor=request.user,
                mentor=observer,
                certification=certification,
                observed_on=data["observed_on"],
                setting=data["setting"],
                team=data.get("team"),
                summary=data.get("summary") or "",
                ratings=form.ratings(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Observation recorded in the candidate's portfolio."))
            return _back(certification)
    return _certification_form(
        request,
        "observe.html",
        network,
        certification,
        form,
        refusal=refusal,
        ratings=[(form[f"rating_{c.pk}"], form[f"comment_{c.pk}"]) for c in competencies],
    )


@login_required
def coach_decide(request, slug, certification_id):
    viewer, network, certification, _mentor = _certification(request, slug, certification_id)
    if not rules.can_decide(viewer, certification):
        raise PermissionDenied
    standard = standard_for(network, certification.country)
    form = forms.DecisionForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decide_certification(
                actor=request.user,
                certifier=network_selectors.member_of_account(request.user),
                certification=certification,
                certify=data["decision"] == "certify",
                mentor=data["mentor"],
                decided_on=data["decided_on"],
                notes=data["decision_notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if certification.status == CERTIFIED:
                messages.success(request, _("Certified: the coach is told by e-mail."))
            else:
                messages.success(
                    request, _("Decision recorded: the candidate is told by e-mail, with your reasons.")
                )
            return _back(certification)
    needs = requirements(portfolio_of(certification), standard)
    return _certification_form(
        request,
        "decide.html",
        network,
        certification,
        form,
        checklist=[(r, words.sentence(r)) for r in needs],
        all_met=all(r.met for r in needs),
        validity_years=standard.validity_years,
    )


@login_required
@require_POST
def coach_withdraw(request, slug, certification_id):
    viewer, _network, certification, _mentor = _certification(request, slug, certification_id)
    if not rules.can_withdraw(viewer, certification):
        raise PermissionDenied
    try:
        services.withdraw_candidacy(actor=request.user, certification=certification)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Candidacy withdrawn."))
    return _back(certification)


@login_required
@require_POST
def coach_renew(request, slug, certification_id):
    viewer, network, certification, _mentor = _certification(request, slug, certification_id)
    if not rules.can_renew(viewer, certification):
        raise PermissionDenied
    try:
        renewal = services.open_renewal(actor=request.user, certification=certification)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(certification)
    messages.success(request, _("Recertification opened: what the coach did since the certificate counts."))
    renewal.network = network
    return _back(renewal)
