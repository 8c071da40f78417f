"""Authorization matrix rows: programmes, QI coach certificates (built by tests/coaches_world.py).

Every member of the network, observers too, reads the registers and their downloads; a certificate is its
coach's (Faith's own), Kenya's keepers' (Faith as focal point, Carla) and Kenya's certifying body's (Kim),
and nobody else learns that it exists; the verification page is public, visitors included."""

from __future__ import annotations

from coaches_world import coaches_of
from matrix_rows.common import api_members_only, expect, members_only

ROOT = "/n/vln/programmes/certified-coaches/"
API = "/api/v1/networks/vln"


def _with_coaches(path: str):
    def build(w):
        coaches_of(w)
        return path

    return build


ROWS: dict = {
    "programmes:coach_register": (_with_coaches(ROOT), members_only()),
    "programmes:coach_register_country": (_with_coaches(ROOT + "KE/"), members_only()),
    "programmes:coach_register_csv": (_with_coaches(ROOT + "register.csv"), members_only()),
    "programmes:coach_register_xlsx": (_with_coaches(ROOT + "register.xlsx"), members_only()),
    "programmes:coach_certificate": (
        lambda w: ROOT + f"{coaches_of(w).faith.pk}/certificate.pdf",
        expect(404, carla=200, faith=200, kim=200, anonymous=302),
    ),
    "programmes:coach_verify": (_with_coaches(ROOT + "verify/?code=not-a-code"), expect(200)),
    "api:list_coaches": (_with_coaches(API + "/coaches"), api_members_only()),
}
