"""Pages of the meetings app: mail — the coordinators' buttons, unsubscribing, and mail preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from qicop.core.i18n import reader_language
from qicop.meetings import permissions, selectors
from qicop.meetings.access import meetings_network
from qicop.meetings.mail import recipients, summary, triggers
from qicop.meetings.mail import unsubscribe as unsubscribing
from qicop.meetings.mail.forms import MailPreferencesForm
from qicop.meetings.models import Delegate, MailOptOut, Meeting
from qicop.network.models import Member


def detail_panel(request, viewer, network, meeting) -> dict:
    """What the meeting page shows of this feature (rendered by meetings/_panel_mail.html): everyone gets
    the link to their mail preferences; coordinators see what went out and the buttons (two queries)."""
    panel = {"network": network, "meeting": meeting, "manage": False}
    if not permissions.can_manage_meetings(viewer, network):
        return panel
    upcoming = meeting.status != Meeting.Status.CANCELLED and meeting.end > timezone.now()
    return {
        **panel,
        "manage": True,
        **summary.mail_summary(meeting),
        "can_invite": upcoming,
        "can_follow_up": bool(meeting.minutes.strip()),
        "reminders": summary.reminder_schedule(meeting) if upcoming else [],
    }


@login_required
@require_POST
def send_invitations(request, slug, meeting_id):
    _viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    return _request(
        request, network, meeting, triggers.request_invitations, _("Invitations are on their way.")
    )


@login_required
@require_POST
def send_follow_up(request, slug, meeting_id):
    _viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    return _request(
        request, network, meeting, triggers.request_follow_up, _("The follow-up e-mail is on its way.")
    )


def _request(request, network, meeting, service, done: str):
    try:
        service(actor=request.user, meeting=meeting)
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    else:
        messages.success(request, done)
    return redirect("meetings:detail", slug=network.slug, meeting_id=meeting.pk)


@csrf_exempt  # the signed token is the credential; mail clients' one-click POST (RFC 8058) has no cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """No sign-in: GET asks for confirmation (link scanners only GET), POST records the opt-out."""
    try:
        member_id, email, kind = unsubscribing.read_unsubscribe_target(token)
    except signing.SignatureExpired:
        return _bad_link(request, expired=True)
    except signing.BadSignature:
        return _bad_link(request, expired=False)
    done = request.method == "POST"
    if email is not None:  # a delegate who is not a member: the address is what unsubscribes
        if done:
            unsubscribing.opt_out_address(email=email, kind=kind, actor=_actor(request))
        language = _address_language(email)
    else:
        member = Member.objects.select_related("user", "country").filter(pk=member_id).first()
        if member is None:
            return _bad_link(request, expired=False)
        if done:
            unsubscribing.opt_out(member=member, kind=kind, actor=_actor(request))
        email, language = member.user.email, reader_language(member)
    with translation.override(language):
        return render(
            request,
            "meetings/unsubscribe.html",
            {
                "token": token,
                "kind_label": MailOptOut.Kind(kind).label,
                "email": email,
                "done": done,
                "address": member_id is None,
            },
        )


def _actor(request):
    return request.user if request.user.is_authenticated else None


def _address_language(email: str) -> str:
    """The language the address's mail was written in: that of the country of a delegate with it."""
    delegate = (
        Delegate.objects.filter(member__isnull=True, email__iexact=email).select_related("country").last()
    )
    if delegate is None:
        return translation.get_language()
    return recipients.Address(email, delegate.full_name, delegate.country).language


def _bad_link(request, *, expired: bool):
    return render(request, "meetings/unsubscribe_invalid.html", {"expired": expired}, status=400)


@login_required
def mail_preferences(request, slug):
    """A member sees which meeting e-mails they stopped, and changes their mind."""
    viewer, network = meetings_network(request, slug)
    member = Member.objects.filter(pk=viewer.member_id).first() if viewer.member_id else None
    if member is None:
        raise PermissionDenied
    current = list(MailOptOut.objects.filter(member=member).values_list("kind", flat=True))
    posted = request.POST if request.method == "POST" else None
    form = MailPreferencesForm(posted, initial={"opt_outs": current})
    if request.method == "POST" and form.is_valid():
        unsubscribing.set_opt_outs(actor=request.user, member=member, kinds=form.cleaned_data["opt_outs"])
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("meetings:mail_preferences", slug=network.slug)
    return render(
        request,
        "meetings/mail_preferences.html",
        {"network": network, "form": form},
        status=400 if form.errors else 200,
    )
