"""Meetings as coordinators plan them: creating, editing, copying and cancelling a meeting, its agenda,
the network's topics, and the countries' case presentations (Project ECHO's rhythm: assigned → submitted →
approved, or changes requested and submitted again; recommendations recorded after the session).

Every write here is atomic and audited. A change that calendars must hear about raises the meeting's
SEQUENCE and, once committed, hands the meeting to ``triggers.meeting_changed``: the same event, updated —
never a second invitation.
"""

from __future__ import annotations

import itertools
import statistics
import zoneinfo
from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.core.i18n import is_valid_time_zone
from qicop.meetings import permissions
from qicop.meetings.agenda.permissions import can_plan_meetings
from qicop.meetings.agenda.selectors import case_state, topic_usage
from qicop.meetings.calendars import calendar_status
from qicop.meetings.mail import triggers
from qicop.meetings.materials.services import delete_material, store_material
from qicop.meetings.models import AgendaItem, CasePresentation, Material, Meeting
from qicop.network.models import Member, Network, Topic
from qicop.network.permissions import viewer_for

# The meeting's own fields a coordinator sets (many-to-many ones apart).
MEETING_FIELDS = (
    "series",
    "title",
    "topic",
    "description",
    "kind",
    "status",
    "start",
    "end",
    "time_zone",
    "join_url",
    "meeting_code",
    "passcode",
    "venue",
    "city",
    "host_country",
    "capacity",
    "reminder_offsets",
    "recording_url",
)
# What an invitation carries: a change to any of these is a new version of the calendar event.
CALENDAR_FIELDS = (
    "start",
    "end",
    "title",
    "description",
    "time_zone",
    "join_url",
    "meeting_code",
    "passcode",
    "venue",
    "city",
    "host_country",
    "status",
)
MAX_MEETING_LENGTH = timedelta(days=14)


# ---------------------------------------------------------------------------------------------------
# Every write checks its actor first.


def _require_planner(actor, network: Network | int) -> None:
    if not can_plan_meetings(viewer_for(actor), network):
        raise PermissionDenied(_("Only the network's coordinators plan meetings."))


# ---------------------------------------------------------------------------------------------------
# Meetings


def _check_meeting(meeting: Meeting) -> None:
    """The invariants no write may break, whatever form (or admin page) it came from."""
    if meeting.end <= meeting.start:
        raise ValidationError({"end": _("The meeting must end after it starts.")})
    Meeting._meta.get_field("reminder_offsets").run_validators(meeting.reminder_offsets)
    if not is_valid_time_zone(meeting.time_zone):
        raise ValidationError(
            {"time_zone": _("Unknown time zone: %(value)s.") % {"value": meeting.time_zone}}
        )


def _set_many(meeting: Meeting, *, topics=None, countries=None) -> None:
    # Only the network's own topics and countries: a crafted form cannot attach another network's.
    if topics is not None:
        meeting.topics.set(Topic.objects.filter(network_id=meeting.network_id, pk__in=[t.pk for t in topics]))
    if countries is not None:
        meeting.countries.set(meeting.network.countries.filter(pk__in=[c.pk for c in countries]))


def _calendar_snapshot(meeting: Meeting) -> dict:
    snapshot = {name: Meeting._meta.get_field(name).value_from_object(meeting) for name in CALENDAR_FIELDS}
    snapshot["status"] = calendar_status(meeting.status)
    return snapshot


def wall_clock_mover(time_zone: str, old_start: datetime, new_start: datetime):
    """A function moving a moment of a meeting that moves from ``old_start`` to ``new_start``, by as
    much as the start moved on the organiser's wall clock: the second day's 09:00 stays at 09:00 even
    when a change of daylight time lies between the old and the new dates (or inside the meeting)."""
    zone = zoneinfo.ZoneInfo(time_zone)

    def local(moment: datetime) -> datetime:
        return moment.astimezone(zone).replace(tzinfo=None)

    delta = local(new_start) - local(old_start)

    def move(moment: datetime) -> datetime:
        # A wall-clock time the clocks skip that day comes out an hour later, as calendars do.
        return (local(moment) + delta).replace(tzinfo=zone).astimezone(UTC)

    return move


def _moved_span(move, start: datetime, end: datetime) -> tuple[datetime, datetime]:
    new_start, new_end = move(start), move(end)
    if new_end <= new_start:  # squeezed by a skipped hour: keep the length it had
        new_end = new_start + (end - start)
    return new_start, new_end


def _announce(meeting: Meeting) -> None:
    cancelled = meeting.status == Meeting.Status.CANCELLED
    # Looked up when the transaction commits, so that the mail module's current function is called.
    transaction.on_commit(lambda: triggers.meeting_changed(meeting, cancelled=cancelled))


@transaction.atomic
def create_meeting(*, actor, network: Network, topics=(), countries=(), **fields) -> Meeting:
    """A new meeting of ``network``. ``fields`` are among MEETING_FIELDS; start and end are aware."""
    _require_planner(actor, network)
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Not a meeting field: {sorted(unknown)}")
    meeting = Meeting(network=network, created_by=actor if actor.is_authenticated else None, **fields)
    _check_meeting(meeting)
    meeting.save()
    _set_many(meeting, topics=topics, countries=countries)
    audit(actor=actor, verb="meeting.create", target=meeting, title=meeting.title)
    return meeting


@transaction.atomic
def update_meeting(
    *, actor, meeting: Meeting, topics=None, countries=None, move_agenda: bool = False, **fields
) -> bool:
    """Apply ``fields`` (among MEETING_FIELDS) to ``meeting``. When a calendar field changed, SEQUENCE
    grows by one and, on commit, ``triggers.meeting_changed`` sends the update. ``move_agenda`` moves the
    agenda items by as much as the start moved on the organiser's wall clock. Returns whether calendars
    were told."""
    _require_planner(actor, meeting.network_id)
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Not a meeting field: {sorted(unknown)}")
    before = _calendar_snapshot(meeting)
    old_start = meeting.start
    for name, value in fields.items():
        setattr(meeting, name, value)
    _check_meeting(meeting)
    changed = sorted(name for name, value in _calendar_snapshot(meeting).items() if value != before[name])
    if changed:
        meeting.sequence += 1
    meeting.save()
    _set_many(meeting, topics=topics, countries=countries)
    moved = meeting.start != old_start
    if move_agenda and moved:
        move = wall_clock_mover(meeting.time_zone, old_start, meeting.start)
        items = list(meeting.agenda.all())
        for item in items:
            item.start, item.end = _moved_span(move, item.start, item.end)
        AgendaItem.objects.bulk_update(items, ["start", "end"], batch_size=200)
    audit(
        actor=actor,
        verb="meeting.update",
        target=meeting,
        calendar_fields=changed,
        moved_agenda=moved and move_agenda,
    )
    if changed:
        _announce(meeting)
    return bool(changed)


@transaction.atomic
def cancel_meeting(*, actor, meeting: Meeting) -> None:
    """Cancel ``meeting``: calendars receive a cancellation of the same event (SEQUENCE + 1)."""
    _require_planner(actor, meeting.network_id)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting is already cancelled."))
    if meeting.status == Meeting.Status.HELD:
        raise ValidationError(_("This meeting was held; it cannot be cancelled."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    audit(actor=actor, verb="meeting.cancel", target=meeting)
    _announce(meeting)


def proposed_copy_start(meeting: Meeting) -> datetime:
    """When the next meeting of the series would usually start: the latest meeting of the series plus
    the series' usual interval (the median gap between its last meetings, in whole days; one week when
    there is no series), at the same wall-clock time in the organiser's zone."""
    starts = [meeting.start]
    if meeting.series_id:
        starts = list(
            Meeting.objects.filter(series_id=meeting.series_id)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("-start")
            .values_list("start", flat=True)[:7]
        ) or [meeting.start]
    latest = max(starts[0], meeting.start)
    gaps = [round((a - b).total_seconds() / 86400) for a, b in itertools.pairwise(starts)]
    days = statistics.median_low(gaps) if gaps else 7
    zone = zoneinfo.ZoneInfo(meeting.time_zone)
    local = latest.astimezone(zone).replace(tzinfo=None) + timedelta(days=max(days, 1))
    # The same wall-clock time, even across a change of daylight time.
    return local.replace(tzinfo=zone).astimezone(UTC)


@transaction.atomic
def copy_meeting(*, actor, meeting: Meeting, start: datetime, title: str = "") -> Meeting:
    """The next meeting of ``meeting``'s series, starting at ``start``: the same settings, join data and
    agenda (moved by as much as the start on the organiser's wall clock, presenters kept); a new calendar
    event (new UID, SEQUENCE 0), planned, with no registrations, minutes, attendance, case presentations
    or materials."""
    _require_planner(actor, meeting.network_id)
    move = wall_clock_mover(meeting.time_zone, meeting.start, start)
    end = move(meeting.end)
    if end <= start:
        end = start + (meeting.end - meeting.start)
    copy = Meeting(
        network_id=meeting.network_id,
        series_id=meeting.series_id,
        title=title or meeting.title,
        topic=meeting.topic,
        description=meeting.description,
        kind=meeting.kind,
        status=Meeting.Status.PLANNED,
        start=start,
        end=end,
        time_zone=meeting.time_zone,
        join_url=meeting.join_url,
        meeting_code=meeting.meeting_code,
        passcode=meeting.passcode,
        venue=meeting.venue,
        city=meeting.city,
        host_country_id=meeting.host_country_id,
        capacity=meeting.capacity,
        reminder_offsets=meeting.reminder_offsets,
        copied_from=meeting,
        created_by=actor if actor.is_authenticated else None,
    )
    copy.save()
    copy.topics.set(meeting.topics.all())
    copy.countries.set(meeting.countries.all())
    for item in meeting.agenda.prefetch_related("presenters", "panellists"):
        item_start, item_end = _moved_span(move, item.start, item.end)
        moved = AgendaItem.objects.create(
            meeting=copy,
            start=item_start,
            end=item_end,
            kind=item.kind,
            title=item.title,
            country_id=item.country_id,
            moderator_id=item.moderator_id,
            speakers=item.speakers,
            description=item.description,
        )
        moved.presenters.set(item.presenters.all())
        moved.panellists.set(item.panellists.all())
    audit(actor=actor, verb="meeting.copy", target=copy, copied_from=meeting.pk)
    return copy


# ---------------------------------------------------------------------------------------------------
# Agenda


@transaction.atomic
def save_agenda_item(
    *,
    actor,
    meeting: Meeting,
    item: AgendaItem | None = None,
    start: datetime,
    end: datetime,
    kind: str,
    title: str,
    description: str = "",
    country=None,
    presenters=(),
    panellists=(),
    moderator: Member | None = None,
    speakers: str = "",
) -> AgendaItem:
    """Add an item to ``meeting``'s agenda (or change ``item``). Items may overlap or run outside the
    meeting — breakout groups overlap by design — and the agenda page flags it; they may not end before
    they start. People are the network's members; others go in ``speakers``."""
    _require_planner(actor, meeting.network_id)
    if item is not None and item.meeting_id != meeting.pk:
        raise PermissionDenied
    if end <= start:
        raise ValidationError({"end": _("The item must end after it starts.")})
    members = Member.objects.filter(memberships__network_id=meeting.network_id).distinct()
    item = item or AgendaItem(meeting=meeting)
    item.start, item.end, item.kind, item.title = start, end, kind, title.strip()
    item.description, item.country, item.speakers = description.strip(), country, speakers.strip()
    if moderator is not None and not members.filter(pk=moderator.pk).exists():
        raise ValidationError({"moderator": _("The moderator must be a member of the network.")})
    item.moderator = moderator
    item.save()
    item.presenters.set(members.filter(pk__in=[m.pk for m in presenters]))
    item.panellists.set(members.filter(pk__in=[m.pk for m in panellists]))
    audit(actor=actor, verb="meeting.agenda_item", target=meeting, item=item.pk, title=item.title)
    return item


@transaction.atomic
def delete_agenda_item(*, actor, item: AgendaItem) -> None:
    meeting = item.meeting
    _require_planner(actor, meeting.network_id)
    audit(actor=actor, verb="meeting.agenda_item_delete", target=meeting, item=item.pk, title=item.title)
    item.delete()


# ---------------------------------------------------------------------------------------------------
# Topics


@transaction.atomic
def create_topic(*, actor, network: Network, name: str, description: str = "") -> Topic:
    _require_planner(actor, network)
    name = name.strip()
    if Topic.objects.filter(network=network, name__iexact=name).exists():
        raise ValidationError(
            {"name": _("The network already has a topic named “%(name)s”.") % {"name": name}}
        )
    base = slugify(name)[:70] or "topic"
    slug, n = base, 1
    while Topic.objects.filter(network=network, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    topic = Topic.objects.create(network=network, name=name, slug=slug, description=description.strip())
    audit(actor=actor, verb="topic.create", target=topic, name=name)
    return topic


@transaction.atomic
def rename_topic(*, actor, topic: Topic, name: str, description: str = "") -> Topic:
    """Rename ``topic``. Its slug stays: links to the topic keep working."""
    _require_planner(actor, topic.network_id)
    name = name.strip()
    if Topic.objects.filter(network_id=topic.network_id, name__iexact=name).exclude(pk=topic.pk).exists():
        raise ValidationError(
            {"name": _("The network already has a topic named “%(name)s”.") % {"name": name}}
        )
    old = topic.name
    topic.name, topic.description = name, description.strip()
    topic.save(update_fields=["name", "description", "updated_at"])
    audit(actor=actor, verb="topic.rename", target=topic, old=old, new=name)
    return topic


@transaction.atomic
def delete_topic(*, actor, topic: Topic) -> dict[str, int]:
    """Delete ``topic``. What carried it (case studies, resources, meetings, discussions) stays as it is,
    without this tag; returns how many of each lost it. Each untagged item is re-indexed, so that the
    search's topic filter forgets it too."""
    _require_planner(actor, topic.network_id)
    usage = topic_usage(topic)
    # Untagged one relation at a time from the topic's side: each removal names the items it changes, so
    # that their search entries are rebuilt (a cascade would delete the links silently).
    for relation in (topic.case_studies, topic.resources, topic.meetings):
        relation.remove(*relation.all())
    for thread in topic.threads.all():
        thread.topic = None
        thread.save(update_fields=["topic"])
    audit(actor=actor, verb="topic.delete", target=topic, name=topic.name, slug=topic.slug, untagged=usage)
    topic.delete()
    return usage


# ---------------------------------------------------------------------------------------------------
# Case presentations

# status → the statuses a step may start from
CAN_SUBMIT_FROM = {
    CasePresentation.Status.ASSIGNED,
    CasePresentation.Status.SUBMITTED,  # replace before the coordinator has looked at it
    CasePresentation.Status.CHANGES_REQUESTED,
}
CAN_REVIEW_FROM = {CasePresentation.Status.SUBMITTED}


def _lock_status(case: CasePresentation) -> None:
    """Lock the case's row and read its status again: of two steps sent at once (an approval and a new
    version), the second sees what the first did."""
    current = (
        CasePresentation.objects.select_for_update()
        .filter(pk=case.pk)
        .values_list("status", flat=True)
        .first()
    )
    if current is not None:
        case.status = current


@transaction.atomic
def assign_case_presentation(
    *, actor, meeting: Meeting, country, deadline: datetime, agenda_item: AgendaItem | None = None
) -> CasePresentation:
    """Ask ``country`` (a participating country) to present a case at ``meeting`` by ``deadline``."""
    _require_planner(actor, meeting.network_id)
    if not meeting.countries.filter(pk=country.pk).exists():
        raise ValidationError({"country": _("Choose one of the meeting's participating countries.")})
    if meeting.case_presentations.filter(country=country).exists():
        raise ValidationError(
            {
                "country": _("%(country)s already has a case presentation at this meeting.")
                % {"country": country.display_name}
            }
        )
    if agenda_item is not None and (
        agenda_item.meeting_id != meeting.pk or agenda_item.kind != AgendaItem.Kind.CASE
    ):
        raise ValidationError({"agenda_item": _("Choose a case presentation item of this meeting's agenda.")})
    try:
        with transaction.atomic():
            case = CasePresentation.objects.create(
                meeting=meeting, country=country, deadline=deadline, agenda_item=agenda_item
            )
    except IntegrityError as error:
        raise ValidationError(
            {"agenda_item": _("That agenda item already has a case presentation.")}
        ) from error
    audit(actor=actor, verb="case.assign", target=case, meeting=meeting.pk, country=country.iso2)
    triggers.case_step(case, "assigned")
    return case


@transaction.atomic
def submit_case_presentation(
    *, actor, case: CasePresentation, title: str, question: str, upload=None
) -> CasePresentation:
    """The country's focal point sends the title, the question for the network and the presentation
    (checked by its content; required the first time). After the deadline it is accepted, marked late."""
    if not permissions.can_submit_case(viewer_for(actor), case):
        raise PermissionDenied(
            _("Only the focal point of %(country)s submits this case presentation.")
            % {"country": case.country.display_name}
        )
    _lock_status(case)
    if case.status not in CAN_SUBMIT_FROM:
        raise ValidationError(_("This case presentation is approved; it can no longer be changed."))
    if upload is None and case.presentation_id is None:
        raise ValidationError({"presentation": _("Attach the presentation.")})
    superseded = case.presentation if upload is not None else None
    if upload is not None:
        try:
            case.presentation = store_material(
                actor=actor,
                meeting=case.meeting,
                title=title.strip(),
                upload=upload,
                kind=Material.Kind.SLIDES,
                agenda_item=case.agenda_item,
            )
        except ValidationError as error:
            raise ValidationError({"presentation": error.messages}) from error
    case.title, case.question = title.strip(), question.strip()
    case.status = CasePresentation.Status.SUBMITTED
    case.submitted_at = timezone.now()
    case.save()
    if superseded is not None:
        # The version sent before is replaced, not kept among the meeting's materials and its pack.
        delete_material(actor=actor, material=superseded)
    audit(actor=actor, verb="case.submit", target=case, late=case_state(case).late)
    triggers.case_step(case, "submitted")
    return case


@transaction.atomic
def review_case_presentation(*, actor, case: CasePresentation, approve: bool, comment: str = "") -> None:
    """The coordinator approves the submitted presentation or asks for changes (saying which)."""
    _require_planner(actor, case.meeting.network_id)
    _lock_status(case)
    if case.status not in CAN_REVIEW_FROM:
        raise ValidationError(
            _("Only a submitted case presentation can be reviewed; this one is “%(status)s”.")
            % {"status": case.get_status_display()}
        )
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say what should change.")})
    case.review_comment = comment.strip()
    if approve:
        case.status = CasePresentation.Status.APPROVED
        case.approved_at, case.approved_by = timezone.now(), actor
    else:
        case.status = CasePresentation.Status.CHANGES_REQUESTED
    case.save()
    audit(actor=actor, verb="case.review", target=case, status=case.status)
    triggers.case_step(case, "approved" if approve else "returned")


@transaction.atomic
def record_recommendations(*, actor, case: CasePresentation, recommendations: str) -> None:
    """After the session: what the peers recommended, in Markdown."""
    _require_planner(actor, case.meeting.network_id)
    if case.meeting.start > timezone.now():
        raise ValidationError(_("Recommendations are recorded once the session has taken place."))
    case.recommendations = recommendations.strip()
    case.save(update_fields=["recommendations", "updated_at"])
    audit(actor=actor, verb="case.recommendations", target=case)
