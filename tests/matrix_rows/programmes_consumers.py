"""Authorization matrix rows: programmes, consumer involvement (built by tests/consumers_world.py).

Everyone in the network reads the overview and a country's register (names only for the country's own
participants); Kenya's focal point and the coordinator keep Kenya's register; the outsider gets 404. The
register's CSV goes to those who see the names (the keepers, Kenya's own participants); the pages that ask
before a representative or a role is removed, to the keepers only."""

from __future__ import annotations

from consumers_world import consumers_of
from matrix_rows.common import expect

BASE = "/n/vln/programmes/consumers/"

READ = expect(200, oscar=404, anonymous=302)
KEEP = expect(403, carla=200, faith=200, oscar=404, anonymous=302)
LISTED = expect(403, carla=200, faith=200, kim=200, dan=200, oscar=404, anonymous=302)

ROWS: dict = {
    "programmes:consumer_overview": (lambda w: BASE, READ),
    "programmes:consumer_register": (lambda w: BASE + "KE/", READ),
    "programmes:consumer_register_csv": (lambda w: BASE + "KE/register.csv", LISTED),
    "programmes:consumer_add": (lambda w: BASE + "KE/new/", KEEP),
    "programmes:consumer_edit": (lambda w: BASE + f"KE/{consumers_of(w).grace.pk}/edit/", KEEP),
    "programmes:consumer_role_add": (lambda w: BASE + f"KE/{consumers_of(w).grace.pk}/roles/new/", KEEP),
    "programmes:consumer_remove": (lambda w: BASE + f"KE/{consumers_of(w).grace.pk}/remove/", KEEP),
    "programmes:consumer_role_remove": (
        lambda w: BASE + f"KE/roles/{consumers_of(w).committee.pk}/remove/",
        KEEP,
    ),
    "programmes:consumer_role_edit": (
        lambda w: BASE + f"KE/roles/{consumers_of(w).committee.pk}/edit/",
        KEEP,
    ),
}
