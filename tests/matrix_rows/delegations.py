"""Authorization matrix rows: delegations, registration, letters, certificates, attendance statistics."""

from __future__ import annotations

from matrix_rows.common import expect, participants_only, post_only

# url name → (path builder taking the World, expected status by persona)


def in_person(w):
    """An all-country meeting of the personas' network, with Kenya and Haiti taking part."""
    from datetime import UTC, datetime

    from qicop.meetings.models import Meeting

    meeting = Meeting.objects.create(
        network=w.network,
        title="All-country meeting 2030",
        kind=Meeting.Kind.IN_PERSON,
        start=datetime(2030, 10, 12, 6, tzinfo=UTC),
        end=datetime(2030, 10, 14, 16, tzinfo=UTC),
        time_zone="Africa/Nairobi",
        city="Nairobi",
        host_country=w.kenya,
    )
    meeting.countries.set([w.kenya, w.haiti])
    return meeting


def kim_as_delegate(w):
    from qicop.meetings.models import Delegate

    meeting = in_person(w)
    delegate = Delegate.objects.create(
        meeting=meeting, country=w.kenya, member=w.kim, full_name="Kim Member", affiliation="moh"
    )
    return f"/n/vln/meetings/{meeting.pk}/delegations/{delegate.pk}/"


def kims_attendance(w):
    from qicop.meetings.models import Attendance

    row = Attendance.objects.create(
        meeting=w.meeting, member=w.kim, name="Kim Member", minutes=80, source="manual"
    )
    return f"/n/vln/meetings/{w.meeting.pk}/attendance/{row.pk}/certificate.pdf"


# Managing Kenya's delegation: coordinators and Kenya's focal point; the other participants may not.
KENYA_MANAGERS = expect(403, carla=200, faith=200, olga=403, oscar=404, anonymous=302)

ROWS: dict = {
    "meetings:delegations": (
        lambda w: f"/n/vln/meetings/{in_person(w).pk}/delegations/",
        participants_only(),
    ),
    "meetings:delegate_edit": (kim_as_delegate, KENYA_MANAGERS),
    "meetings:delegate_remove": (lambda w: kim_as_delegate(w) + "remove/", post_only()),
    # The letter: coordinators, Kenya's focal point and Kim, the delegate.
    "meetings:delegate_letter": (
        lambda w: kim_as_delegate(w) + "letter.pdf",
        expect(403, carla=200, faith=200, kim=200, oscar=404, anonymous=302),
    ),
    "meetings:delegation_letters": (
        lambda w: kim_as_delegate(w).rsplit("/", 2)[0] + "/KE/letters.pdf",
        KENYA_MANAGERS,
    ),
    "meetings:attendance_record": (
        lambda w: f"/n/vln/meetings/{w.meeting.pk}/attendance/record/",
        expect(403, carla=200, oscar=404, anonymous=302),
    ),
    "meetings:statistics": (lambda w: "/n/vln/meetings/statistics/", participants_only()),
    # Someone else's certificate is not shown to exist.
    "meetings:certificate": (
        kims_attendance,
        expect(404, carla=200, kim=200, olga=403, anonymous=302),
    ),
    "meetings:certificate_verify": (lambda w: "/certificates/verify/?code=not-a-code", expect(200)),
}
