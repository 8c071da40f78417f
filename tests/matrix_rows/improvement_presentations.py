"""Authorization matrix rows: improvement work, presentations (built by tests/improvement_world.py).

Binding a case presentation to its evidence and turning its recommendations into work are for those who
may send the case (Kenya's focal point, a coordinator): other participants see the case but may not change
it (403), observers read proceedings only (403, as the meetings app answers), outsiders get 404."""

from __future__ import annotations

from datetime import timedelta

from matrix_rows.common import expect


def _case(w) -> str:
    from qicop.meetings.models import CasePresentation

    # Not improvement_of(w): its data world creates the org unit "KenyaRoot01" that the knowledge rows'
    # chart snapshot creates again (a unique code), and these pages answer the same without any team.
    case, _created = CasePresentation.objects.get_or_create(
        meeting=w.meeting, country=w.kenya, defaults={"deadline": w.meeting.start - timedelta(days=7)}
    )
    return f"/n/vln/improvement/presentations/{case.pk}/"


def country_or_coordinator() -> dict[str, int]:
    return expect(403, carla=200, faith=200, oscar=404, anonymous=302)


# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "improvement:presentation_evidence": (lambda w: _case(w) + "evidence/", country_or_coordinator()),
    "improvement:presentation_recommendations": (
        lambda w: _case(w) + "recommendations/",
        country_or_coordinator(),
    ),
}
