"""Authorization matrix rows: programmes, gap maps (built by tests/programmes_world.py).

The gap map is every member's, observers too (shared results only); a country's results page is for
participants (observers 403); Thailand's radar shows its confirmed round that it does not share, so only
the coordinator gets it and everyone else a 404 as if it did not exist.
"""

from __future__ import annotations

from matrix_rows.common import expect, members_only, participants_only
from programmes_world import programmes_of

ROOT = "/n/vln/programmes/"


def _with_rounds(path: str):
    def build(w) -> str:
        programmes_of(w)
        return path

    return build


# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "programmes:gap_map": (_with_rounds(ROOT + "gap-map/"), members_only()),
    "programmes:gap_map_csv": (_with_rounds(ROOT + "gap-map.csv"), members_only()),
    "programmes:gap_map_xlsx": (_with_rounds(ROOT + "gap-map.xlsx"), members_only()),
    "programmes:country_results": (_with_rounds(ROOT + "countries/KE/"), participants_only()),
    "programmes:country_results_csv": (_with_rounds(ROOT + "countries/KE/results.csv"), participants_only()),
    "programmes:country_results_xlsx": (
        _with_rounds(ROOT + "countries/KE/results.xlsx"),
        participants_only(),
    ),
    "programmes:country_radar_png": (
        _with_rounds(ROOT + "countries/TH/national-qm-programme.png"),
        expect(404, carla=200, olga=403, anonymous=302),
    ),
}
