"""The review of a case study: moving it through its workflow (submit, publish, back to draft), review
comments, and its history of versions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qicop.core.pagination import paginate
from qicop.core.params import id_or_none
from qicop.knowledge.cases import permissions as rules
from qicop.knowledge.cases import selectors
from qicop.knowledge.cases import services as cases
from qicop.knowledge.cases.forms import (
    ReviewCommentForm,
)
from qicop.knowledge.cases.views.common import case_page

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
    viewer, network, case, authors = case_page(request, slug, case_id)
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
    viewer, network, case, _authors = case_page(request, slug, case_id)
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
    _viewer, network, case, _authors = case_page(request, slug, case_id)
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
