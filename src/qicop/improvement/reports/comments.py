"""Comments on a monthly report: the coach's feedback on the teams they coach, the team's answers, the
advice of faculty. One write (``comment_on_report``), and one e-mail to each of the team's lead and coach
who did not write the comment, in their own language, after the commit.

Each e-mail is recorded in the meetings app's ``SentMail`` (key "report-comment:<comment id>") in the
transaction that sends it, so that a task run twice sends it once.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.core.i18n import reader_language, reader_zone
from qicop.improvement.models import ReportComment, TeamReport
from qicop.meetings.models import SentMail
from qicop.network.models import Member

log = logging.getLogger(__name__)

#: The longest comment kept (a few paragraphs of feedback).
COMMENT_MAX = 5000
#: The most comments a report's page shows (oldest first).
COMMENTS_SHOWN = 200


def comments_of(report: TeamReport) -> list[ReportComment]:
    """The report's comments, oldest first, with their authors (one query)."""
    return list(report.comments.select_related("author").order_by("created_at", "id")[:COMMENTS_SHOWN])


@transaction.atomic
def comment_on_report(*, actor, report: TeamReport, body: str) -> ReportComment:
    """Add ``actor``'s comment to ``report``. The caller checked that the actor may discuss the team's
    reports (``permissions.can_discuss_reports``). Raises ValidationError (on "body") for an empty or too
    long comment. The team's lead and coach, but the author, get an e-mail after the commit."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write the comment before you send it.")})
    if len(body) > COMMENT_MAX:
        raise ValidationError(
            {
                "body": _("Keep the comment to %(limit)d characters (it has %(count)d).")
                % {"limit": COMMENT_MAX, "count": len(body)}
            }
        )
    author = Member.objects.filter(user=actor).first()
    comment = ReportComment.objects.create(report=report, author=author, body=body)
    audit(actor=actor, verb="team_report.comment", target=report, comment=comment.pk)
    transaction.on_commit(lambda: _enqueue(comment.pk))
    return comment


def _enqueue(comment_id: int) -> None:
    from qicop.improvement import tasks  # local: tasks imports this module

    tasks.send_report_comment_mail.enqueue(comment_id)


def recipients_of(comment: ReportComment) -> list[Member]:
    """The team's lead and coach who have an account, but the comment's author."""
    team = comment.report.team
    people = {m.pk: m for m in (team.lead, team.coach) if m is not None and m.user_id is not None}
    people.pop(comment.author_id, None)
    return [people[pk] for pk in sorted(people)]


def send_report_comment_mail(comment_id: int) -> int:
    """E-mail the comment to its recipients not yet written to; returns how many mails went."""
    comment = (
        ReportComment.objects.filter(pk=comment_id)
        .select_related(
            "author",
            "report__team__collaborative__network",
            "report__team__org_unit",
            "report__team__lead__user",
            "report__team__lead__country",
            "report__team__coach__user",
            "report__team__coach__country",
        )
        .first()
    )
    if comment is None:
        return 0
    sent = 0
    for member in recipients_of(comment):
        try:
            with transaction.atomic():
                _record, created = SentMail.objects.get_or_create(
                    key=f"report-comment:{comment.pk}", member=member
                )
                if created:
                    _message(comment, member).send()
                    sent += 1
        except OSError:  # smtplib's errors: the claim is rolled back, a later run tries again
            log.warning("comment %s to member %s failed", comment.pk, member.pk)
    return sent


def _message(comment: ReportComment, member: Member) -> EmailMessage:
    report = comment.report
    team = report.team
    collaborative = team.collaborative
    url = settings.BASE_URL + reverse(
        "improvement:report_detail",
        args=[collaborative.network.slug, collaborative.pk, team.pk, report.month],
    )
    zone = reader_zone(member)
    with translation.override(reader_language(member)), timezone.override(ZoneInfo(zone)):
        context = {"member": member, "comment": comment, "team": team, "month": report.month, "url": url}
        subject = " ".join(render_to_string("improvement/reports/mail/comment_subject.txt", context).split())
        body = render_to_string("improvement/reports/mail/comment.txt", context)
        language = translation.get_language()
    return EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [member.user.email],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
    )
