"""Meetings in the search index: title, topic, description, agenda, minutes, decisions, the titles of its
materials and its approved case presentations (title, country, question); found by the network's
participants (observers read the proceedings instead)."""

from __future__ import annotations

from django.urls import reverse

from qicop.meetings.models import AgendaItem, CasePresentation, Decision, Material, Meeting
from qicop.search.index import Entry, register
from qicop.search.models import SearchEntry


def meeting_entry(meeting) -> Entry:
    agenda = [f"{item.title}. {item.description}".strip() for item in meeting.agenda.all()]
    # Only approved presentations: one still being prepared is its country's and the coordinator's.
    cases = [
        ". ".join(part for part in (case.title, case.country.name, case.question) if part)
        for case in meeting.case_presentations.all()
        if case.status == CasePresentation.Status.APPROVED
    ]
    body = "\n".join(
        part
        for part in (
            meeting.topic,
            meeting.description,
            ", ".join(p for p in (meeting.venue, meeting.city) if p),
            "\n".join(agenda),
            meeting.minutes,
            "\n".join(d.text for d in meeting.decisions.all()),
            "\n".join(cases),
            "\n".join(material.title for material in meeting.materials.all()),
        )
        if part
    )
    return Entry(
        network_id=meeting.network_id,
        audience=SearchEntry.Audience.PARTICIPANTS,
        title=meeting.title,
        body=body,
        url=reverse("meetings:detail", args=[meeting.network.slug, meeting.pk]),
        country_id=meeting.host_country_id,
        topic_ids=[t.pk for t in meeting.topics.all()],
        year=meeting.start.year,
        updated_at=meeting.updated_at,
    )


def meeting_queryset():

    return Meeting.objects.select_related("network").prefetch_related(
        "agenda", "decisions", "topics", "materials", "case_presentations__country"
    )


def register_meetings() -> None:

    register(
        Meeting,
        "meeting",
        build=meeting_entry,
        queryset=meeting_queryset,
        related={
            AgendaItem: "meeting_id",
            Decision: "meeting_id",
            Material: "meeting_id",
            CasePresentation: "meeting_id",
        },
    )
