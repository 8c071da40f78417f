"""Authorization matrix rows: a country's DHIS2 connection (its focal point and coordinators manage it)."""

from __future__ import annotations

from matrix_rows.common import expect, post_only

MANAGERS = expect(403, carla=200, faith=200, oscar=404, anonymous=302)

# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "exchange:connection_list": (lambda w: "/n/vln/data/dhis2/", MANAGERS),
    "exchange:connection_detail": (lambda w: "/n/vln/data/dhis2/KE/", MANAGERS),
    "exchange:connection_edit": (lambda w: "/n/vln/data/dhis2/KE/edit/", MANAGERS),
    "exchange:connection_test": (lambda w: "/n/vln/data/dhis2/KE/test/", post_only()),
    "exchange:pull_now": (lambda w: "/n/vln/data/dhis2/KE/pull/", post_only()),
}
