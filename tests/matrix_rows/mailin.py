"""Authorization matrix rows: replying by e-mail (your mailing-list mode, revoking your reply addresses)."""

from __future__ import annotations

from matrix_rows.common import expect, post_only

ROWS: dict = {
    # Everyone's own page; an account without a member profile gets no notifications to answer.
    "mailin:settings": (lambda w: "/notifications/replies/", expect(200, oscar=404, anonymous=302)),
    "mailin:revoke": (lambda w: "/notifications/replies/revoke/", post_only()),
}
