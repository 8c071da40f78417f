"""Authorization matrix rows: meeting e-mails and unsubscribing."""

from __future__ import annotations

from matrix_rows.common import expect, participants_only, post_only


def _unsubscribe_path(w) -> str:
    from qicop.meetings.mail.unsubscribe import unsubscribe_token

    return f"/meetings/unsubscribe/{unsubscribe_token(w.kim.pk, 'reminders')}/"


# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "meetings:send_invitations": (
        lambda w: f"/n/vln/meetings/{w.meeting.pk}/mail/invitations/",
        post_only(),
    ),
    "meetings:send_follow_up": (lambda w: f"/n/vln/meetings/{w.meeting.pk}/mail/follow-up/", post_only()),
    "meetings:mail_preferences": (lambda w: "/n/vln/meetings/mail-preferences/", participants_only()),
    # The signed link is the credential: anyone holding it sees the confirmation (a GET changes nothing).
    "meetings:unsubscribe": (_unsubscribe_path, expect(200)),
}
