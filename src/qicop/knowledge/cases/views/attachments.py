"""A case study's attachments: upload, download, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.core.uploads import with_upload_limit
from qicop.knowledge.cases import permissions as rules
from qicop.knowledge.cases import selectors
from qicop.knowledge.cases import services as cases
from qicop.knowledge.cases.forms import (
    AttachmentForm,
)
from qicop.knowledge.cases.views.common import case_page, file_response


@with_upload_limit
def case_attachments(request, slug, case_id, limit):
    """Attach files (checked by content) to a case study; see and remove them."""
    viewer, network, case, authors = case_page(request, slug, case_id)
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


@login_required
def case_attachment(request, slug, case_id, attachment_id):
    _viewer, _network, case, _authors = case_page(request, slug, case_id)
    attachment = selectors.attachment_of(case, attachment_id)
    return file_response(attachment, attachment.title)


@login_required
@require_POST
def case_attachment_delete(request, slug, case_id, attachment_id):
    viewer, network, case, authors = case_page(request, slug, case_id)
    attachment = selectors.attachment_of(case, attachment_id)
    if not rules.can_edit_case_study(viewer, case, authors):
        raise PermissionDenied
    cases.attachment_delete(actor=request.user, attachment=attachment)
    messages.success(request, _("“%(title)s” is removed.") % {"title": attachment.title})
    return redirect("knowledge:case_attachments", slug=network.slug, case_id=case.pk)
