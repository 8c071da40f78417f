"""Your replies by e-mail: mailing-list mode, and revoking every reply address sent to you."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.knowledge.discussions.files import FILES_PER_POST
from qicop.mailin import services
from qicop.mailin.forms import MailPreferenceForm
from qicop.network.models import Member
from qicop.network.permissions import viewer_for


def _member(request) -> Member:
    viewer = viewer_for(request.user)
    if viewer.member_id is None:
        raise Http404  # an account without a member profile gets no notifications to answer
    return Member.objects.select_related("user").get(pk=viewer.member_id)


@login_required
def mail_settings(request):
    member = _member(request)
    # An unticked box posts nothing at all: the form is bound whenever the method is POST.
    posted = request.POST if request.method == "POST" else None
    form = MailPreferenceForm(posted, initial={"every_post": services.every_post(member)})
    if request.method == "POST" and form.is_valid():
        services.mail_preference_update(
            actor=request.user, member=member, every_post=form.cleaned_data["every_post"]
        )
        messages.success(request, _("Your choice is saved."))
        return redirect("mailin:settings")
    return render(
        request,
        "mailin/settings.html",
        {
            "form": form,
            "replies_on": settings.QICOP_MAIL_REPLIES,
            "days": settings.QICOP_MAIL_REPLY_DAYS,
            "files_per_post": FILES_PER_POST,
            "mail_limit": filesizeformat(settings.QICOP_MAIL_MAX_BYTES),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def revoke(request):
    member = _member(request)
    services.reply_addresses_revoke(actor=request.user, member=member)
    messages.success(
        request,
        _("Every reply address sent to you so far no longer works. New notifications carry new ones."),
    )
    return redirect("mailin:settings")
