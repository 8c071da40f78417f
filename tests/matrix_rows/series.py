"""Authorization matrix rows: meeting series (list, detail, create, edit)."""

from __future__ import annotations

from matrix_rows.common import expect, participants_only

SERIES = "/n/vln/meetings/series/"


def coordinators_only() -> dict[str, int]:
    """A planning page: coordinators only; other participants and observers 403, outsiders 404."""
    return expect(403, carla=200, oscar=404, anonymous=302)


def _series(w) -> str:
    from qicop.meetings.models import MeetingSeries

    series, _created = MeetingSeries.objects.get_or_create(network=w.network, title="Virtual sessions")
    return SERIES + f"{series.pk}/"


# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "meetings:series_list": (lambda w: SERIES, participants_only()),
    "meetings:series_create": (lambda w: SERIES + "new/", coordinators_only()),
    "meetings:series_detail": (_series, participants_only()),
    "meetings:series_edit": (lambda w: _series(w) + "edit/", coordinators_only()),
}
