"""Pages of assessment rounds: the list, start a round, the round (domains, items, levels and the change
since the previous round), fill one domain a page (with the files attached as evidence), an evidence file,
the round's steps, and its answers as CSV."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from qicop.core import uploads
from qicop.core.forms import add_service_errors
from qicop.core.i18n import by_display_name
from qicop.core.models import AuditEntry
from qicop.core.pagination import paginate
from qicop.integrations import spreadsheet
from qicop.network.selectors import network_page
from qicop.programmes import permissions
from qicop.programmes.assessments import exports, forms, selectors, services
from qicop.programmes.assessments import permissions as rules
from qicop.programmes.assessments.words import change_words
from qicop.programmes.downloads import xlsx_response
from qicop.programmes.models import AssessmentRound, Instrument


@login_required
def round_list(request, slug):
    viewer, network = network_page(request.user, slug)
    if not rules.can_list_rounds(viewer, network):
        raise PermissionDenied
    countries = by_display_name(network.countries.all())
    instruments = list(Instrument.objects.filter(current=True).order_by("kind", "slug"))
    country = next((c for c in countries if c.iso2 == request.GET.get("country", "").upper()), None)
    instrument = next((i for i in instruments if i.slug == request.GET.get("instrument")), None)
    rounds = selectors.visible_rounds(viewer, network).select_related("instrument", "country")
    if country is not None:
        rounds = rounds.filter(country=country)
    if instrument is not None:
        rounds = rounds.filter(instrument__slug=instrument.slug)
    query = "&".join(
        part
        for part in (
            f"country={country.iso2}" if country else "",
            f"instrument={instrument.slug}" if instrument else "",
        )
        if part
    )
    return render(
        request,
        "programmes/assessments/round_list.html",
        {
            "network": network,
            "page": paginate(request, rounds.order_by("country__name", "-year", "instrument__slug")),
            "countries": countries,
            "instruments": instruments,
            "chosen_country": country,
            "chosen_instrument": instrument,
            "query_string": query,
            "can_start": rules.can_start_rounds(viewer, network),
            "can_edit_instruments": permissions.can_edit_instruments(viewer, network),
        },
    )


@login_required
def round_create(request, slug):
    viewer, network = network_page(request.user, slug)
    if not rules.can_start_rounds(viewer, network):
        raise PermissionDenied
    form = forms.RoundForm(request.POST or None, viewer=viewer, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.start_round(actor=request.user, network=network, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if round_.started_from_id:
                messages.success(
                    request, _("The round is started from last year's answers: change what changed.")
                )
            else:
                messages.success(request, _("The round is started: fill in its domains one by one."))
            return redirect("programmes:round_detail", network.slug, round_.pk)
    return render(
        request,
        "programmes/assessments/round_form.html",
        {"network": network, "form": form},
        status=400 if form.errors else 200,
    )


def _round(request, slug, round_id):
    viewer, network = network_page(request.user, slug)
    return viewer, network, selectors.round_for(viewer, network, round_id)


def _detail_context(request, viewer, network, round_: AssessmentRound, *, return_form=None) -> dict:
    domains = selectors.domains_of(round_)
    answers = {a.item_id: a for a in selectors.answers_of(round_)}
    files: dict[int, list] = {}
    if any(answer.file_count for answer in answers.values()):  # most rounds: no query for files
        for evidence in selectors.evidence_files(round_):
            files.setdefault(evidence.answer.item_id, []).append(evidence)
    previous = selectors.previous_round(viewer, round_)
    changes = {c.result.code: c for c in selectors.domain_changes(round_, previous)}
    returned = None
    if round_.status == AssessmentRound.Status.DRAFT:
        returned = (
            AuditEntry.objects.filter(
                verb="assessment_round.return",
                target_type="programmes.assessmentround",
                target_id=str(round_.pk),
            )
            .order_by("-pk")
            .first()
        )
    can_fill = permissions.can_fill_round(viewer, round_)
    return {
        "network": network,
        "round": round_,
        "sections": [
            {
                "domain": domain,
                "change": changes.get(domain.code),
                "change_words": change_words(changes.get(domain.code), previous),
                "rows": [
                    _row(item, answers.get(item.pk), files.get(item.pk, [])) for item in domain.items.all()
                ],
            }
            for domain in domains
        ],
        "previous": previous,
        "returned": returned,
        "can_fill": can_fill,
        "can_submit": can_fill,
        "can_confirm": permissions.can_confirm_round(viewer, round_),
        "can_lock": permissions.can_lock_round(viewer, round_),
        "can_return": rules.can_return_round(viewer, round_),
        "can_share": rules.can_share_round(viewer, round_),
        "return_form": return_form or forms.ReturnForm(),
    }


def _row(item, answer, files) -> dict:
    level = answer.level if answer else None
    return {
        "item": item,
        "answer": answer,
        "files": files,
        "definition": item.level_text(level) if level is not None else "",
    }


@login_required
def round_detail(request, slug, round_id):
    viewer, network, round_ = _round(request, slug, round_id)
    return render(
        request, "programmes/assessments/round_detail.html", _detail_context(request, viewer, network, round_)
    )


@csrf_exempt  # the CSRF check runs inside, once the size limit is in place (it reads the uploads)
@login_required
def round_fill(request, slug, round_id, domain_code):
    """One domain's answers, with the files attached as their evidence (one multipart form)."""
    limit = uploads.UploadSizeLimit(request)
    request.upload_handlers.insert(0, limit)
    return _round_fill(request, slug, round_id, domain_code, limit)


@csrf_protect
def _round_fill(request, slug, round_id, domain_code, limit):
    viewer, network, round_ = _round(request, slug, round_id)
    domains = selectors.domains_of(round_)
    index = next((n for n, d in enumerate(domains) if d.code == domain_code), None)
    if index is None:
        raise Http404("No such domain in this round's instrument")
    if not permissions.can_fill_round(viewer, round_):
        if not permissions.may_fill_drafts_of(viewer, round_):
            raise PermissionDenied
        # Its assessors are told why (submitted, confirmed or locked since they opened the page), not 403.
        messages.error(request, services.why_not_editable(round_))
        return redirect("programmes:round_detail", network.slug, round_.pk)
    domain = domains[index]
    instrument = round_.instrument
    answers = {a.item_id: a for a in selectors.answers_of(round_, domain=domain)}
    files = []
    if any(answer.file_count for answer in answers.values()):
        files = list(selectors.evidence_files(round_, domain=domain))
    initial = {}
    for item_id, answer in answers.items():
        initial |= {
            f"level_{item_id}": "" if answer.level is None else str(answer.level),
            f"evidence_{item_id}": answer.evidence,
            f"comment_{item_id}": answer.comment,
        }
    posted = request.method == "POST"
    form = forms.DomainAnswersForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=initial,
        domain=domain,
        levels=instrument.levels,
        files=files,
        too_large=limit.too_large,
    )
    following = domains[index + 1] if index + 1 < len(domains) else None
    if posted and form.is_valid():
        try:
            services.save_answers(
                actor=request.user,
                round_=round_,
                answers=form.given(),
                attach=form.attachments(),
                remove=form.removed(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved: %(domain)s.") % {"domain": domain.name})
            if "next" in request.POST and following is not None:
                return redirect("programmes:round_fill", network.slug, round_.pk, following.code)
            if "next" in request.POST:
                return redirect("programmes:round_detail", network.slug, round_.pk)
            return redirect("programmes:round_fill", network.slug, round_.pk, domain.code)
    if form.errors:
        form.files_chosen_but_not_stored()
    return render(
        request,
        "programmes/assessments/round_fill.html",
        {
            "network": network,
            "round": round_,
            "domain": domain,
            "number": index + 1,
            "count": len(domains),
            "previous_domain": domains[index - 1] if index > 0 else None,
            "next_domain": following,
            "form": form,
            "questions": _questions(form, instrument, files),
            "files_per_answer": services.FILES_PER_ANSWER,
        },
        status=400 if form.errors else 200,
    )


def _questions(form: forms.DomainAnswersForm, instrument: Instrument, files) -> list[dict]:
    """Each item with its choices (level, definition, checked), as typed when the form was posted, and its
    evidence files (each with whether "Remove" was ticked)."""
    ticked = {str(pk) for pk in form.data.getlist("remove")} if form.is_bound else set()
    out = []
    for item in form.items:
        name = f"level_{item.pk}"
        chosen = form.data.get(name, "") if form.is_bound else form.initial.get(name, "")
        out.append(
            {
                "item": item,
                "name": name,
                "level": form[name],
                "unset_checked": not chosen,
                "choices": [
                    {
                        "value": level,
                        "definition": item.level_text(level),
                        "checked": str(level) == str(chosen),
                    }
                    for level in instrument.levels
                ],
                "needs_evidence": instrument.evidence_from,
                "evidence": form[f"evidence_{item.pk}"],
                "comment": form[f"comment_{item.pk}"],
                "file": form[f"file_{item.pk}"],
                "files": [
                    {"file": f, "ticked": str(f.pk) in ticked} for f in files if f.answer.item_id == item.pk
                ],
            }
        )
    return out


def _step(request, slug, round_id, allowed):
    viewer, network, round_ = _round(request, slug, round_id)
    if not allowed(viewer, round_):
        raise PermissionDenied
    return viewer, network, round_


def _done(request, network, round_, act, success: str):
    try:
        act()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("programmes:round_detail", network.slug, round_.pk)


@login_required
@require_POST
def round_submit(request, slug, round_id):
    _viewer, network, round_ = _step(request, slug, round_id, permissions.can_fill_round)
    return _done(
        request,
        network,
        round_,
        lambda: services.submit_round(actor=request.user, round_=round_),
        _("Submitted: the coordinator confirms the round next."),
    )


@login_required
@require_POST
def round_confirm(request, slug, round_id):
    _viewer, network, round_ = _step(request, slug, round_id, permissions.can_confirm_round)
    return _done(
        request,
        network,
        round_,
        lambda: services.confirm_round(actor=request.user, round_=round_),
        _("Confirmed. Other countries see it if the country shares it."),
    )


@login_required
@require_POST
def round_lock(request, slug, round_id):
    _viewer, network, round_ = _step(request, slug, round_id, permissions.can_lock_round)
    return _done(
        request,
        network,
        round_,
        lambda: services.lock_round(actor=request.user, round_=round_),
        _("Locked: nobody changes this round any more."),
    )


@login_required
@require_POST
def round_share(request, slug, round_id):
    _viewer, network, round_ = _step(request, slug, round_id, rules.can_share_round)
    shared = request.POST.get("shared") == "1"
    return _done(
        request,
        network,
        round_,
        lambda: services.share_round(actor=request.user, round_=round_, shared=shared),
        _("Shared: other countries see the round once it is confirmed.")
        if shared
        else _("No longer shared: only the country and the coordinators see the round."),
    )


@login_required
@require_POST
def round_return(request, slug, round_id):
    viewer, network, round_ = _step(request, slug, round_id, rules.can_return_round)
    form = forms.ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.return_round(actor=request.user, round_=round_, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Sent back to draft: its assessors see why on the round's page."))
            return redirect("programmes:round_detail", network.slug, round_.pk)
    context = _detail_context(request, viewer, network, round_, return_form=form)
    return render(request, "programmes/assessments/round_detail.html", context, status=400)


@login_required
def round_evidence(request, slug, round_id, file_id):
    """An evidence file of the round, to whoever may read the round (PDFs and images shown, the rest
    downloaded, never run)."""
    _viewer, _network, round_ = _round(request, slug, round_id)
    evidence = selectors.evidence_files(round_).filter(pk=file_id).first()
    if evidence is None:
        raise Http404("No such evidence file in this round")
    return uploads.private_file_response(evidence, _("evidence"))


@login_required
def round_csv(request, slug, round_id):
    _viewer, _network, round_ = _round(request, slug, round_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"assessment-{round_.country.iso2}-{round_.instrument.slug}-{round_.year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    spreadsheet.write_people_csv(exports.answer_rows(round_), response, columns=exports.COLUMNS)
    return response


@login_required
def round_xlsx(request, slug, round_id):
    _viewer, _network, round_ = _round(request, slug, round_id)
    name = f"assessment-{round_.country.iso2}-{round_.instrument.slug}-{round_.year}.xlsx"
    return xlsx_response(exports.workbook_sheets(round_), name)
