"""What is waiting for the reader: every step someone owes in their networks, gathered for the home pages.

Each source is one bounded query whatever the data (a source the reader's roles rule out asks nothing),
so the list costs a fixed number of queries: ``waiting_for`` is pinned by a test. Roles decide what shows,
one condition a line, as the apps' own permissions say it:

- a case presentation to submit (the presenting country's focal point) or to approve (a coordinator);
- a meeting whose invitation the reader had and has not answered (participants);
- an invitation to a network, pending for the reader's e-mail address;
- months of the reader's country with values not yet published (its focal point);
- the reader's own imports that failed lately and were not run again;
- a case study waiting for the reader's review (coordinators; the country's focal point);
- PDSA cycles of the reader's teams still in "Do" after their end (team members, leads and coaches);
- monthly team reports due (team leads);
- open work-plan steps the reader owns;
- assessment rounds to complete (the country's focal point: drafts) or to confirm (coordinators);
- coach candidates to observe (mentors in force) and to decide on (the country's certifying body).

Items are sorted most urgent first: late ones, then by due moment; items without a due moment come last.
Everything a link or a sentence shows is a name (a country's ``display_name``, a meeting's title), and due
moments are kept as aware datetimes or dates for the templates' ``when`` filter (the reader's zone).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qicop.core.when import when
from qicop.improvement.models import PdsaCycle, Team, TeamMember, TeamReport
from qicop.improvement.reports import calendar
from qicop.indicators import periods as indicator_periods
from qicop.indicators.models import DataImport
from qicop.indicators.selectors import months_with_values, published_spans
from qicop.knowledge.models import CaseStudy
from qicop.meetings.mail.recipients import INVITATION_PREFIX
from qicop.meetings.models import CasePresentation, Meeting, Registration, SentMail
from qicop.network.invitation_links import invitation_token
from qicop.network.models import Invitation, Network, Role
from qicop.network.permissions import Viewer, is_participant
from qicop.programmes.models import AssessmentRound, CoachCertification, WorkPlanAction

#: The most items one source contributes (the page lists the first SHOWN of them all).
PER_SOURCE = 10
SHOWN = 12
#: How far back failed imports and meetings to answer are looked for, and months to publish.
FAILED_IMPORTS_SINCE = dt.timedelta(days=14)
ANSWER_MEETINGS_WITHIN = dt.timedelta(days=45)
MONTHS_TO_PUBLISH = 12
TEAMS_LIMIT = 20

OPEN_CASES = (CasePresentation.Status.ASSIGNED, CasePresentation.Status.CHANGES_REQUESTED)


@dataclass(frozen=True)
class Waiting:
    """One thing the reader owes: what (a sentence in the reader's language), where it is done, by when."""

    kind: str
    text: str
    url: str
    network: Network
    due: dt.datetime | dt.date | None = None
    late: bool = False

    @property
    def due_has_time(self) -> bool:
        return isinstance(self.due, dt.datetime)


def _any(conditions: Iterable[Q]) -> Q | None:
    found = None
    for condition in conditions:
        found = condition if found is None else found | condition
    return found


def _sort_key(item: Waiting, zone) -> tuple:
    if item.due is None:
        return (not item.late, 1, dt.datetime.max.replace(tzinfo=dt.UTC), item.text)
    due = item.due
    if not isinstance(due, dt.datetime):  # a day is due by its end, in the reader's zone
        due = dt.datetime.combine(due, dt.time.max).replace(tzinfo=zone)
    return (not item.late, 0, due, item.text)


def waiting_for(
    user, viewer: Viewer, networks: list[Network], *, now: dt.datetime | None = None
) -> list[Waiting]:
    """Everything ``viewer`` (the account ``user``) owes in ``networks`` (networks they may see), most
    urgent first. A fixed number of queries — at most one per source — whatever the data."""
    if not viewer.is_authenticated:
        return []
    now = now or timezone.now()
    today = timezone.localdate(now)
    by_id = {n.pk: n for n in networks}
    items: list[Waiting] = []
    items += _invitations(user, networks, now)
    if viewer.member_id is not None:
        items += _case_presentations(viewer, by_id, now)
        items += _meetings_to_answer(viewer, by_id, now)
        items += _months_to_publish(viewer, networks, today)
        items += _failed_imports(user, viewer, networks, now)
        items += _reviews(viewer, by_id)
        items += _cycles_to_study(viewer, by_id, today)
        items += _team_reports(viewer, by_id, now)
        items += _work_plan_steps(viewer, by_id, today)
        items += _assessment_rounds(viewer, by_id)
        items += _coach_candidates(viewer, by_id, today)
    zone = timezone.get_current_timezone()
    return sorted(items, key=lambda item: _sort_key(item, zone))


# --------------------------------------------------------------------------------------------- sources


def _invitations(user, networks, now) -> list[Waiting]:
    """Invitations to a network (any network: the reader is not in it yet) sent to the reader's address."""
    pending = (
        Invitation.objects.filter(
            email__iexact=user.email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        )
        .select_related("network")
        .order_by("expires_at")[:PER_SOURCE]
    )
    return [
        Waiting(
            "invitation",
            _("Answer the invitation to join %(network)s as %(role)s")
            % {"network": invitation.network.name, "role": invitation.get_role_display()},
            reverse("network:accept_invitation", args=[invitation_token(invitation)]),
            invitation.network,
            invitation.expires_at,
        )
        for invitation in pending
    ]


def _case_presentations(viewer: Viewer, by_id: dict, now) -> list[Waiting]:
    """To submit: the presenting country's focal point. To approve: the network's coordinators."""
    to_submit = [
        Q(meeting__network_id=n, country_id=viewer.country_id, status__in=OPEN_CASES)
        for n in by_id
        if viewer.is_focal_point_for(n, viewer.country_id)
    ]
    to_approve = [
        Q(meeting__network_id=n, status=CasePresentation.Status.SUBMITTED)
        for n in by_id
        if viewer.is_coordinator(n)
    ]
    condition = _any(to_submit + to_approve)
    if condition is None:
        return []
    cases = (
        CasePresentation.objects.filter(condition, meeting__end__gt=now)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting", "country")
        .order_by("deadline", "pk")[:PER_SOURCE]
    )
    items = []
    for case in cases:
        network = by_id[case.meeting.network_id]
        url = reverse("meetings:case_detail", args=[network.slug, case.meeting_id, case.pk])
        names = {"country": case.country.display_name, "meeting": case.meeting.title}
        if case.status == CasePresentation.Status.SUBMITTED:
            text = _("Approve or return the case presentation of %(country)s for “%(meeting)s”") % names
            items.append(Waiting("case_approve", text, url, network, case.meeting.start))
        else:
            if case.status == CasePresentation.Status.CHANGES_REQUESTED:
                text = _("Revise and submit again the case presentation of %(country)s for “%(meeting)s”")
            else:
                text = _("Submit the case presentation of %(country)s for “%(meeting)s”")
            items.append(
                Waiting("case_submit", text % names, url, network, case.deadline, case.deadline < now)
            )
    return items


def _meetings_to_answer(viewer: Viewer, by_id: dict, now) -> list[Waiting]:
    """Meetings of the coming weeks whose invitation the reader had, with no answer (registered or not)."""
    ids = [n for n in by_id if is_participant(viewer, n)]
    if not ids:
        return []
    invited = SentMail.objects.filter(
        member_id=viewer.member_id,
        meeting_id=OuterRef("pk"),
        key__startswith=INVITATION_PREFIX.split("{", 1)[0],
    )
    answered = Registration.objects.filter(member_id=viewer.member_id, meeting_id=OuterRef("pk"))
    meetings = (
        Meeting.objects.filter(network_id__in=ids, start__gt=now, start__lte=now + ANSWER_MEETINGS_WITHIN)
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(Exists(invited))
        .exclude(Exists(answered))
        .order_by("start", "pk")[:PER_SOURCE]
    )
    return [
        Waiting(
            "meeting_answer",
            _("Say whether you will attend “%(meeting)s”") % {"meeting": meeting.title},
            reverse("meetings:detail", args=[by_id[meeting.network_id].slug, meeting.pk]),
            by_id[meeting.network_id],
            meeting.start,
        )
        for meeting in meetings
    ]


def _months_to_publish(viewer: Viewer, networks: list[Network], today: dt.date) -> list[Waiting]:
    """The focal point's own country: of its newest twelve months with values, those the network cannot
    see yet. Publication is the country's, whatever the network: one item, on the first network.
    Three queries."""
    network = next((n for n in networks if viewer.is_focal_point_for(n, viewer.country_id)), None)
    if network is None:
        return []
    country = network.countries.filter(pk=viewer.country_id).first()
    if country is None:
        return []
    spans = published_spans([country.pk]).get(country.pk, [])
    months = [
        m
        for m in months_with_values([country], before=today)[:MONTHS_TO_PUBLISH]
        if not indicator_periods.covered(spans, m)
    ]
    if not months:
        return []
    text = ngettext(
        "Publish %(country)s's data: %(count)d month with values is not published (%(month)s)",
        "Publish %(country)s's data: %(count)d months with values are not published (oldest: %(month)s)",
        len(months),
    ) % {"country": country.display_name, "count": len(months), "month": when(months[-1].start, "month")}
    return [Waiting("publish", text, reverse("indicators:publish", args=[network.slug]), network)]


def _failed_imports(user, viewer: Viewer, networks: list[Network], now) -> list[Waiting]:
    """The reader's own imports that failed in the last two weeks and were not run again. An import
    belongs to no network; its page is reached through the first network where the reader imports."""
    network = next(
        (
            n
            for n in networks
            if viewer.is_coordinator(n)
            or viewer.has_role(n, Role.FOCAL_POINT)
            or viewer.has_role(n, Role.DATA_MANAGER)
        ),
        None,
    )
    if network is None:
        return []
    failed = (
        DataImport.objects.filter(
            user=user, status=DataImport.Status.FAILED, finished_at__gte=now - FAILED_IMPORTS_SINCE
        )
        .exclude(Exists(DataImport.objects.filter(rerun_of=OuterRef("pk"))))
        .only("pk", "filename", "format", "finished_at")
        .order_by("-finished_at")[:PER_SOURCE]
    )
    return [
        Waiting(
            "import_failed",
            _("Your import of “%(file)s” failed: read why and run it again")
            % {"file": data_import.filename or data_import.format},
            reverse("indicators:import_detail", args=[network.slug, data_import.pk]),
            network,
            late=True,
        )
        for data_import in failed
    ]


def _reviews(viewer: Viewer, by_id: dict) -> list[Waiting]:
    """Case studies in review: a coordinator reviews the network's, a focal point their country's."""
    conditions = []
    for n in by_id:
        if viewer.is_coordinator(n):
            conditions.append(Q(network_id=n))
        elif viewer.is_focal_point_for(n, viewer.country_id):
            conditions.append(Q(network_id=n, country_id=viewer.country_id))
    condition = _any(conditions)
    if condition is None:
        return []
    cases = (
        CaseStudy.objects.filter(condition, status=CaseStudy.Status.REVIEW)
        .select_related("country")
        .only("pk", "title", "network_id", "updated_at", "country")
        .order_by("updated_at", "pk")[:PER_SOURCE]
    )
    return [
        Waiting(
            "review",
            _("Review the case study “%(title)s” (%(country)s)")
            % {"title": case.title, "country": case.country.display_name},
            reverse("knowledge:case_detail", args=[by_id[case.network_id].slug, case.pk]),
            by_id[case.network_id],
        )
        for case in cases
    ]


def _my_teams(viewer: Viewer) -> Q:
    seat = TeamMember.objects.filter(team_id=OuterRef("team_id"), member_id=viewer.member_id)
    return Q(team__lead_id=viewer.member_id) | Q(team__coach_id=viewer.member_id) | Q(Exists(seat))


def _cycles_to_study(viewer: Viewer, by_id: dict, today: dt.date) -> list[Waiting]:
    """Cycles of the reader's teams whose test ended while they are still in "Do": time to study them."""
    ids = [n for n in by_id if is_participant(viewer, n)]
    if not ids:
        return []
    cycles = (
        PdsaCycle.objects.filter(
            _my_teams(viewer),
            team__collaborative__network_id__in=ids,
            stage=PdsaCycle.Stage.DO,
            end__lt=today,
        )
        .select_related("team__collaborative", "team__org_unit")
        .order_by("end", "pk")[:PER_SOURCE]
    )
    items = []
    for cycle in cycles:
        team = cycle.team
        network = by_id[team.collaborative.network_id]
        items.append(
            Waiting(
                "pdsa_study",
                _("Study the PDSA cycle “%(cycle)s” (%(team)s): its test has ended")
                % {"cycle": cycle.title, "team": team.display_name},
                reverse(
                    "improvement:cycle_study", args=[network.slug, team.collaborative_id, team.pk, cycle.pk]
                ),
                network,
                cycle.end,
                True,
            )
        )
    return items


def _team_reports(viewer: Viewer, by_id: dict, now) -> list[Waiting]:
    """Monthly reports the reader owes as a team lead (as improvement.reports.selectors.owed_reports says
    it for one network, here for all the reader's networks at once). Two queries."""
    teams = list(
        Team.objects.filter(lead_id=viewer.member_id, collaborative__network_id__in=list(by_id))
        .select_related("collaborative", "org_unit__country")
        .order_by("collaborative__start", "pk")[:TEAMS_LIMIT]
    )
    if not teams:
        return []
    done = set(
        TeamReport.objects.filter(team__in=teams)
        .exclude(status=TeamReport.Status.DRAFT)
        .values_list("team_id", "month")
    )
    items = []
    for team in teams:
        zone = calendar.zone_of(team.org_unit.country)
        today = calendar.local_today(zone, now)
        this_month = calendar.first_of(today)
        network = by_id[team.collaborative.network_id]
        for month in calendar.report_months(team.collaborative, today):
            if month >= this_month or (team.pk, month) in done:
                continue
            due = calendar.due_at(month, zone)
            items.append(
                Waiting(
                    "team_report",
                    _("%(team)s: the monthly report for %(month)s")
                    % {"team": team.display_name, "month": when(month, "long_month")},
                    reverse(
                        "improvement:report_edit", args=[network.slug, team.collaborative_id, team.pk, month]
                    ),
                    network,
                    due,
                    now > due,
                )
            )
    items.sort(key=lambda item: item.due)
    return items[:PER_SOURCE]


def _work_plan_steps(viewer: Viewer, by_id: dict, today: dt.date) -> list[Waiting]:
    ids = [n for n in by_id if is_participant(viewer, n)]
    if not ids:
        return []
    steps = (
        WorkPlanAction.objects.filter(
            owner_id=viewer.member_id,
            status=WorkPlanAction.Status.OPEN,
            objective__plan__round__network_id__in=ids,
        )
        .select_related("objective__plan__round__country")
        .order_by("due", "pk")[:PER_SOURCE]
    )
    items = []
    for step in steps:
        round_ = step.objective.plan.round
        network = by_id[round_.network_id]
        items.append(
            Waiting(
                "work_plan",
                _("Work plan of %(country)s, %(year)s: %(step)s")
                % {"country": round_.country.display_name, "year": round_.year, "step": step.description},
                reverse("programmes:workplan_detail", args=[network.slug, round_.pk]),
                network,
                step.due,
                step.due is not None and step.due < today,
            )
        )
    return items


def _assessment_rounds(viewer: Viewer, by_id: dict) -> list[Waiting]:
    """Drafts to complete and submit (the country's focal point); submitted rounds to confirm or send
    back (coordinators)."""
    conditions = []
    for n in by_id:
        if viewer.is_coordinator(n):
            conditions.append(Q(network_id=n, status=AssessmentRound.Status.SUBMITTED))
        if viewer.is_focal_point_for(n, viewer.country_id):
            conditions.append(
                Q(network_id=n, country_id=viewer.country_id, status=AssessmentRound.Status.DRAFT)
            )
    condition = _any(conditions)
    if condition is None:
        return []
    rounds = (
        AssessmentRound.objects.filter(condition)
        .select_related("country", "instrument")
        .order_by("year", "pk")[:PER_SOURCE]
    )
    items = []
    for round_ in rounds:
        names = {
            "country": round_.country.display_name,
            "year": round_.year,
            "instrument": round_.instrument.name,
        }
        if round_.status == AssessmentRound.Status.SUBMITTED:
            text = _("Confirm or send back the assessment of %(country)s, %(year)s (%(instrument)s)") % names
        else:
            text = _("Complete and submit the assessment of %(country)s, %(year)s (%(instrument)s)") % names
        network = by_id[round_.network_id]
        items.append(
            Waiting(
                "assessment",
                text,
                reverse("programmes:round_detail", args=[network.slug, round_.pk]),
                network,
            )
        )
    return items


def _coach_candidates(viewer: Viewer, by_id: dict, today: dt.date) -> list[Waiting]:
    """Candidates to decide on (the certifying body of their country) and to observe (mentors in force in
    the network: one condition of the same query)."""
    mentor = CoachCertification.objects.filter(
        network_id=OuterRef("network_id"),
        member_id=viewer.member_id,
        status=CoachCertification.Status.CERTIFIED,
        mentor=True,
        valid_until__gte=today,
    )
    certifying = [
        Q(network_id=n, country_id=viewer.country_id) for n in by_id if viewer.has_role(n, Role.CERTIFIER)
    ]
    participant = [n for n in by_id if is_participant(viewer, n)]
    conditions = certifying + ([Q(network_id__in=participant) & Q(Exists(mentor))] if participant else [])
    condition = _any(conditions)
    if condition is None:
        return []
    candidates = (
        CoachCertification.objects.filter(condition, status=CoachCertification.Status.CANDIDATE)
        .exclude(member_id=viewer.member_id)
        .select_related("member", "country")
        .order_by("started_on", "pk")[:PER_SOURCE]
    )
    items = []
    for certification in candidates:
        network = by_id[certification.network_id]
        names = {"name": certification.member.full_name, "country": certification.country.display_name}
        if viewer.has_role(network, Role.CERTIFIER) and certification.country_id == viewer.country_id:
            text = _("Decide on the QI coach certification of %(name)s (%(country)s)") % names
        else:
            text = _("Observe %(name)s (%(country)s), a QI coach candidate, and record it") % names
        url = reverse("programmes:coach_portfolio", args=[network.slug, certification.pk])
        items.append(Waiting("coach", text, url, network))
    return items
