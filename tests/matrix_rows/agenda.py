"""Authorization matrix rows: agenda, case presentations, editing and copying meetings."""

from __future__ import annotations

from datetime import timedelta

from matrix_rows.common import expect, participants_only, post_only

MEETING = "/n/vln/meetings/{pk}/"


def coordinators_only() -> dict[str, int]:
    """A planning page: coordinators only; other participants and observers 403, outsiders 404."""
    return expect(403, carla=200, oscar=404, anonymous=302)


def _item(w):
    from qicop.meetings.models import AgendaItem

    item = AgendaItem.objects.create(
        meeting=w.meeting, start=w.meeting.start, end=w.meeting.end, kind="opening", title="Welcome"
    )
    return MEETING.format(pk=w.meeting.pk) + f"agenda/{item.pk}/"


def _case(w):
    from qicop.meetings.models import CasePresentation

    case, _created = CasePresentation.objects.get_or_create(
        meeting=w.meeting, country=w.kenya, defaults={"deadline": w.meeting.start - timedelta(days=7)}
    )
    return MEETING.format(pk=w.meeting.pk) + f"cases/{case.pk}/"


# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "meetings:meeting_create": (lambda w: "/n/vln/meetings/new/", coordinators_only()),
    "meetings:topics": (lambda w: "/n/vln/meetings/topics/", coordinators_only()),
    "meetings:meeting_edit": (lambda w: MEETING.format(pk=w.meeting.pk) + "edit/", coordinators_only()),
    "meetings:meeting_copy": (lambda w: MEETING.format(pk=w.meeting.pk) + "copy/", coordinators_only()),
    "meetings:meeting_cancel": (lambda w: MEETING.format(pk=w.meeting.pk) + "cancel/", coordinators_only()),
    "meetings:agenda_edit": (lambda w: MEETING.format(pk=w.meeting.pk) + "agenda/", coordinators_only()),
    "meetings:agenda_item_edit": (_item, coordinators_only()),
    "meetings:agenda_item_delete": (lambda w: _item(w) + "delete/", post_only()),
    "meetings:case_assign": (lambda w: MEETING.format(pk=w.meeting.pk) + "cases/new/", coordinators_only()),
    "meetings:case_detail": (_case, participants_only()),
}
