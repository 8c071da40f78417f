"""Authorization matrix rows: improvement work, collaboratives (built by tests/improvement_world.py).

Kenya's collaborative is not shared: Kenya's people and the coordinator see it, Henri (Haiti) and Olga (an
observer from Namibia) get 404 as if it did not exist. Faith (Kenya's focal point, and its faculty) and
Carla run it; Dan and Kim see it but may not change it (403). The export reads the teams' workspaces.
"""

from __future__ import annotations

from improvement_world import improvement_of
from matrix_rows.common import expect, members_only, post_only

LIST = "/n/vln/improvement/"


def _kenya(w) -> str:
    return LIST + f"{improvement_of(w).kenya.pk}/"


def _counted(w) -> str:
    """Kenya's collaborative's measure on its data elements (made on first use), by its address."""
    from qicop.improvement.models import Measure

    work = improvement_of(w)
    if not hasattr(work, "counted"):
        work.counted = Measure.objects.create(
            collaborative=work.kenya, name="Clients suppressed", numerator=work.data.vl_suppressed, order=1
        )
    return _kenya(w) + f"measures/{work.counted.pk}/"


def kenya_only(status: int = 200) -> dict[str, int]:
    """A page of Kenya's (unshared) collaborative: Kenya and the coordinator; others 404."""
    return expect(status, henri=404, olga=404, oscar=404, anonymous=302)


def runners_only() -> dict[str, int]:
    return expect(403, carla=200, faith=200, henri=404, olga=404, oscar=404, anonymous=302)


# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "improvement:collaborative_list": (lambda w: LIST, members_only()),
    "improvement:collaborative_create": (
        lambda w: LIST + "new/",
        expect(403, carla=200, faith=200, oscar=404, anonymous=302),
    ),
    "improvement:collaborative_detail": (_kenya, kenya_only()),
    "improvement:collaborative_edit": (lambda w: _kenya(w) + "edit/", runners_only()),
    "improvement:collaborative_meetings": (lambda w: _kenya(w) + "meetings/", runners_only()),
    "improvement:collaborative_measure_add": (lambda w: _kenya(w) + "measures/new/", runners_only()),
    "improvement:collaborative_measure_edit": (lambda w: _counted(w) + "edit/", runners_only()),
    "improvement:collaborative_measure_remove": (lambda w: _counted(w) + "remove/", post_only()),
    "improvement:collaborative_share": (lambda w: _kenya(w) + "share/", post_only()),
    "improvement:collaborative_report": (lambda w: _kenya(w) + "report/", kenya_only()),
    "improvement:collaborative_report_pdf": (lambda w: _kenya(w) + "report.pdf", kenya_only()),
    "improvement:collaborative_export_csv": (lambda w: _kenya(w) + "export.csv", kenya_only()),
    "improvement:collaborative_export_xlsx": (lambda w: _kenya(w) + "export.xlsx", kenya_only()),
}
