"""Authorization matrix rows: meeting materials and the low-bandwidth pack."""

from __future__ import annotations

from matrix_rows.common import expect, participants_only, post_only


def _kim_presents(w) -> str:
    """The materials page of a meeting where Kim presents an item: presenters add their own materials."""
    from qicop.meetings.models import AgendaItem

    item = AgendaItem.objects.create(
        meeting=w.meeting, start=w.meeting.start, end=w.meeting.end, kind="country", title="Kenya presents"
    )
    item.presenters.add(w.kim)
    return f"/n/vln/meetings/{w.meeting.pk}/materials/"


# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "meetings:materials": (_kim_presents, expect(403, carla=200, kim=200, oscar=404, anonymous=302)),
    "meetings:material": (
        lambda w: f"/n/vln/meetings/{w.meeting.pk}/materials/999/",
        participants_only(404),
    ),
    "meetings:material_delete": (
        lambda w: f"/n/vln/meetings/{w.meeting.pk}/materials/999/delete/",
        post_only(),
    ),
    "meetings:pack": (lambda w: f"/n/vln/meetings/{w.meeting.pk}/pack.zip", participants_only()),
}
