"""Authorization matrix rows: the weekly digest's unsubscribe link."""

from __future__ import annotations

from matrix_rows.common import expect


def _unsubscribe_path(w) -> str:
    from qicop.portal.digest.sending import unsubscribe_token

    return f"/weekly-digest/unsubscribe/{unsubscribe_token(w.kim.pk)}/"


# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    # The signed link is the credential: anyone holding it sees the confirmation (a GET changes nothing).
    "portal:weekly_digest_unsubscribe": (_unsubscribe_path, expect(200)),
}
