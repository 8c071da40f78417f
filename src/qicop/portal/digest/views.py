"""The weekly digest's unsubscribe link: no sign-in, the signed token is the credential."""

from django.core import signing
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from qicop.core.i18n import reader_language
from qicop.knowledge.notifications import stop_weekly_digest
from qicop.network.models import Member
from qicop.portal.digest import sending


@csrf_exempt  # the signed token is the credential; mail clients' one-click POST (RFC 8058) has no cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks for confirmation (link scanners only GET), POST stops the weekly digests."""
    try:
        member_id = sending.read_unsubscribe_token(token)
    except signing.SignatureExpired:
        return _bad_link(request, expired=True)
    except signing.BadSignature:
        return _bad_link(request, expired=False)
    member = Member.objects.select_related("user", "country").filter(pk=member_id).first()
    if member is None:
        return _bad_link(request, expired=False)
    done = request.method == "POST"
    if done:
        actor = request.user if request.user.is_authenticated else None
        stop_weekly_digest(actor=actor, member=member)
    with translation.override(reader_language(member)):
        return render(
            request,
            "portal/digest/unsubscribe.html",
            {"token": token, "email": member.user.email, "done": done},
        )


def _bad_link(request, *, expired: bool):
    return render(request, "portal/digest/unsubscribe_invalid.html", {"expired": expired}, status=400)
