"""The improvement demo: three national collaboratives whose work agrees with the demo's facility data.

Kenya raises viral-load suppression (``third-95``) with twelve facility teams over 18 months, still under
way in the demo's today (each team's report on last month still a draft); Haiti raises retention at
12 months (``retention-12m``) with its eight largest facilities over 18 months, ended; Thailand raises
same-day ART (``same-day-art``) with its six hospitals over two years and has not shared its work yet. The
demo's data (indicators/demo.py) steps up at each facility in its country's "change month": this module
reads that month from the data (``step_month``), starts each collaborative a few months before its
country's earliest step, and dates each team's adopted main change in its facility's step month, so the
PDSA notes sit where the chart moves and the scores rise with the data, never before it. Each collaborative
has three two-day learning sessions in its capital (meetings of the virtual network), a driver diagram per
team, ramps of 2–5 PDSA cycles per change idea, and a monthly report per team and month. Idempotent.
"""

from __future__ import annotations

import itertools
import random
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from qicop.accounts.backends import DEMO_PASSWORD
from qicop.accounts.models import User
from qicop.dashboards.models import ChartSettings
from qicop.improvement import demo_texts as texts
from qicop.improvement import scoring
from qicop.improvement.models import (
    ChangeIdea,
    Collaborative,
    CollaborativeMeeting,
    DriverNode,
    Measure,
    PdsaCycle,
    Team,
    TeamMember,
    TeamReport,
)
from qicop.improvement.reports import selectors as report_selectors
from qicop.improvement.reports import services as report_services
from qicop.indicators.models import DataValue, IndicatorMapping, NetworkIndicator, OrgUnit
from qicop.knowledge.models import CaseStudy
from qicop.meetings import times
from qicop.meetings.agenda.demo import DEMO_TOPICS
from qicop.meetings.models import ActionItem, AgendaItem, Attendance, Decision, Material, Meeting
from qicop.network.demo import COUNTRIES
from qicop.network.models import Country, Member, Membership, Network, Role, Topic

# A collaborative starts this many months before its country's earliest step. Kenya's teams tested for
# three months, so that its learning sessions fall in months of their own (Haiti's and Thailand's are a
# month apart): the network's coordinator opens each of them.
LEAD_MONTHS = {"KE": 3, "HT": 4, "TH": 4}
TEAMS = {"KE": 12, "HT": 8, "TH": 6}  # the country's largest facilities (Kenya's twelve: all of them)
SESSION_MONTHS = (0, 5, 10)  # learning sessions, in months after the start
FIRST_YEAR = 12


def load_demo(seed: int = 2026) -> bool:
    """Create the three collaboratives unless they are there. Needs the demo network and its data."""
    network = Network.objects.filter(slug="virtual").first()
    if network is None or not NetworkIndicator.objects.filter(network=network, code="third-95").exists():
        return False
    if Collaborative.objects.filter(network=network, name=texts.COLLABORATIVES["KE"]["name"]).exists():
        return False
    rng = random.Random(seed)
    with transaction.atomic():
        indicators = {i.code: i for i in NetworkIndicator.objects.filter(network=network)}
        ideas = _change_ideas(network, indicators)
        for iso2 in TEAMS:
            _Story(rng, network, Country.objects.get(iso2=iso2), indicators, ideas).tell()
    return True


# Reading the data --------------------------------------------------------------------------------------


def monthly_points(indicator, country, units) -> dict[int, dict[str, tuple[float, float]]]:
    """Per org unit: {monthly period id: (numerator, denominator)} of ``indicator`` as ``country`` maps it
    (data elements summed over their disaggregations)."""
    mapping = IndicatorMapping.objects.get(network_indicator=indicator, country=country)
    numerator, denominator = (
        re.findall(r"#\{(\w+)", side) for side in (mapping.numerator, mapping.denominator)
    )
    uids = set(numerator) | set(denominator)
    rows = DataValue.objects.filter(
        org_unit__in=units, data_element__uid__in=uids, period__period_type="Monthly", deleted=False
    ).values_list("org_unit_id", "data_element__uid", "period__dhis2_id", "numeric")
    points: dict[int, dict[str, list[float]]] = {}
    for unit_id, uid, period_id, value in rows:
        pair = points.setdefault(unit_id, {}).setdefault(period_id, [0.0, 0.0])
        if value is not None:
            pair[0] += value if uid in numerator else 0
            pair[1] += value if uid in denominator else 0
    return {u: {p: (n, d) for p, (n, d) in series.items() if d} for u, series in points.items()}


def step_month(ratios: list[float]) -> int:
    """The index of the month from which a series steps up: the split into two flat stretches (at least
    six months each) that leaves the least squared error, the least-squares change point."""
    best, best_error = len(ratios) // 2, float("inf")
    for split in range(6, len(ratios) - 5):
        before, after = ratios[:split], ratios[split:]
        mean_before, mean_after = sum(before) / len(before), sum(after) / len(after)
        error = sum((x - mean_before) ** 2 for x in before) + sum((x - mean_after) ** 2 for x in after)
        if error < best_error and mean_after > mean_before:
            best, best_error = split, error
    return best


def first_of(period_id: str) -> date:
    return date(int(period_id[:4]), int(period_id[4:6]), 1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# The library ------------------------------------------------------------------------------------------


def _change_ideas(network, indicators) -> dict[str, ChangeIdea]:
    focal = _focal_points(network)
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in={i.country for i in texts.IDEAS})}
    stories = {
        "refill-groups": "Community refill groups raise viral load suppression in Kenya",
        "eac": "Enhanced adherence counselling for every high viral load",
        "welcome-desk": "Des comités de patients dans les cliniques améliorent la rétention",
        # "Appels des patients manqués par un pair, dans la semaine", among the case study's changes
        "tracing": "Des comités de patients dans les cliniques améliorent la rétention",
    }
    ideas = {}
    for seed in texts.IDEAS:
        # One by one, not in bulk: the library's search index follows each saved idea.
        ideas[seed.code] = ChangeIdea.objects.create(
            network=network,
            title=seed.title,
            description=seed.description,
            indicator=indicators[seed.indicator],
            country=countries[seed.country],
            created_by=focal[seed.country].user,
        )
        if seed.code in stories:
            ideas[seed.code].case_studies.set(CaseStudy.objects.filter(title=stories[seed.code])[:1])
    return ideas


def _focal_points(network) -> dict[str, Member]:
    rows = Membership.objects.filter(network=network, role=Role.FOCAL_POINT).select_related(
        "member__user", "member__country"
    )
    found: dict[str, Member] = {}
    for row in rows.order_by("member_id"):
        found.setdefault(row.member.country.iso2, row.member)
    return found


# One country's story ------------------------------------------------------------------------------------


class _Story:
    def __init__(self, rng, network, country, indicators, ideas):
        self.rng, self.network, self.country = rng, network, country
        self.plan = texts.COLLABORATIVES[country.iso2]
        self.language = self.plan["language"]
        self.key = indicators[self.plan["key"]]
        self.indicators, self.ideas = indicators, ideas
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.zone = ZoneInfo(country.time_zone)

    def tell(self) -> None:
        facilities = list(OrgUnit.objects.filter(country=self.country, level=3).order_by("code"))
        points = monthly_points(self.key, self.country, facilities)
        months = sorted({p for series in points.values() for p in series if len(p) == 6})
        size = {u.pk: sum(d for _n, d in points.get(u.pk, {}).values()) for u in facilities}
        chosen = sorted(facilities, key=lambda u: -size[u.pk])[: TEAMS[self.country.iso2]]
        chosen.sort(key=lambda u: u.code)
        steps = {}
        for unit in chosen:
            series = points[unit.pk]
            steps[unit.pk] = step_month([series[p][0] / series[p][1] if p in series else 0 for p in months])
        self.months = [first_of(p) for p in months]
        start_index = max(0, min(steps.values()) - LEAD_MONTHS[self.country.iso2])
        start = self.months[start_index]
        end = add_months(start, self.plan["months"]) - timedelta(days=1)
        baseline = self._first_year(points, chosen, months)
        people = _People(self.rng, self.network, self.country, len(chosen), start)
        collaborative = self._collaborative(start, end, baseline, len(chosen), people)
        sessions = self._learning_sessions(collaborative, people)
        first_day = sessions[0].end.astimezone(self.zone).date() + timedelta(days=3)
        cycles, reports, nodes = [], [], []
        for number, unit in enumerate(chosen):
            team = self._team(collaborative, unit, number, baseline, people)
            nodes.append(team)
            step = self.months[steps[unit.pk]]
            team_cycles = self._cycles(team, number, first_day, step, end)
            cycles.extend(team_cycles)
            reports.extend(self._reports(team, start, end, step, team_cycles, number))
        self._driver_diagrams(nodes)
        _save_cycles(cycles)
        TeamReport.objects.bulk_create(reports)
        # A report was opened when its month ended, not when the demo loads.
        for report in reports:
            report.created_at = datetime.combine(add_months(report.month, 1), time(7), tzinfo=UTC)
        TeamReport.objects.bulk_update(reports, ["created_at"], batch_size=500)
        # Each team's adopted change started a new phase on its key measure's chart (the country's focal
        # point accepted the team's proposal), so the charts read "before / after" where the data moved.
        ChartSettings.objects.bulk_create(
            [
                ChartSettings(
                    indicator=self.key,
                    org_unit=unit,
                    phase_starts=[months[steps[unit.pk]]],
                    updated_by=people.focal.user,
                )
                for unit in chosen
            ],
            ignore_conflicts=True,
        )
        _suggest(nodes, cycles, reports)

    def _first_year(self, points, chosen, months) -> int:
        numerator = sum(points[u.pk][p][0] for u in chosen for p in months[:FIRST_YEAR] if p in points[u.pk])
        denominator = sum(
            points[u.pk][p][1] for u in chosen for p in months[:FIRST_YEAR] if p in points[u.pk]
        )
        return round(100 * numerator / denominator) if denominator else 0

    def _collaborative(self, start, end, baseline, teams, people) -> Collaborative:
        plan = self.plan
        words = {"baseline": baseline, "target": plan["target"], "teams": teams}
        package = "\n".join(
            f"- **{primary}**: " + "; ".join(secondary for secondary, _codes in lines)
            for primary, lines in texts.DRIVERS[self.country.iso2]
        )
        collaborative = Collaborative.objects.create(
            network=self.network,
            country=self.country,
            name=plan["name"],
            topic=plan["topic"],
            aim=plan["aim"].format(**words),
            key_measure=self.key,
            aim_target=Decimal(plan["target"]),
            aim_date=end,
            start=start,
            end=end,
            change_package=package,
            shared=plan["shared"],
            created_by=people.focal.user,
        )
        collaborative.faculty.set([people.focal, *people.coaches])
        # The teams' PDSA cycles watch the key measure.
        self.key_measure = Measure.objects.create(
            collaborative=collaborative, indicator=self.key, kind=Measure.Kind.OUTCOME, order=0
        )
        Measure.objects.bulk_create(
            Measure(collaborative=collaborative, indicator=self.indicators[code], kind=kind, order=order)
            for order, (code, kind) in enumerate(plan["measures"], start=1)
        )
        return collaborative

    # Learning sessions: meetings of the virtual network, in person in the capital.

    def _learning_sessions(self, collaborative, people) -> list[Meeting]:
        coordinator = Member.objects.filter(user__email="coordinator@example.org").first()
        sessions = []
        for number, offset in enumerate(SESSION_MONTHS, start=1):
            month = add_months(collaborative.start, offset)
            tuesday = month + timedelta(days=(1 - month.weekday()) % 7 + 7)  # the second Tuesday
            sessions.append(self._session(collaborative, number, tuesday, people, coordinator))
        return sessions

    def _session(self, collaborative, number, first_day, people, coordinator) -> Meeting:
        def at(day: int, hour: int, minute: int) -> datetime:
            local = datetime.combine(first_day + timedelta(days=day), time(hour, minute), tzinfo=self.zone)
            return local.astimezone(UTC)

        french = self.language == "fr"
        title = (
            f"Session d'apprentissage {number} : {collaborative.name}"
            if french
            else f"Learning session {number}: {collaborative.name}"
        )
        held = at(1, 17, 0) < self.now
        meeting = Meeting.objects.create(
            network=self.network,
            title=title,
            topic=collaborative.topic,
            kind=Meeting.Kind.IN_PERSON,
            status=Meeting.Status.HELD if held else Meeting.Status.PLANNED,
            start=at(0, 8, 30),
            end=at(1, 17, 0),
            time_zone=self.country.time_zone,
            venue=self.plan["venue"],
            city=self.plan["city"],
            host_country=self.country,
            created_by=people.focal.user,
            description=(
                "Les équipes présentent leurs affiches, comparent leurs cycles PDSA et planifient la "
                "prochaine période d'action avec leurs coachs."
                if french
                else "Teams bring their storyboards, compare their PDSA ramps and plan the next action "
                "period with their coaches."
            ),
        )
        meeting.countries.set([self.country])
        CollaborativeMeeting.objects.create(
            collaborative=collaborative, meeting=meeting, role=CollaborativeMeeting.Role.LEARNING_SESSION
        )
        moderated = {"opening", "closing", "discussion"}
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(
                    meeting=meeting,
                    start=at(day, *begins),
                    end=at(day, *ends),
                    kind=kind,
                    title=item_title,
                    moderator=coordinator if kind in moderated else None,
                )
                for day, begins, ends, kind, item_title in texts.SESSION_AGENDA[self.language]
            ]
        )
        # What the meetings' own demo steps would add on the next load, so that loading twice adds nothing:
        # the country's focal point on the discussions' panel, the topic, a material, the record if held.
        for item in AgendaItem.objects.filter(meeting=meeting, kind=AgendaItem.Kind.DISCUSSION):
            item.panellists.set([people.focal])
        slug, name = DEMO_TOPICS.get(meeting.topic, (slugify(meeting.topic)[:70], meeting.topic))
        topic, _created = Topic.objects.get_or_create(
            network=self.network, slug=slug, defaults={"name": name}
        )
        meeting.topics.add(topic)
        Material.objects.create(
            meeting=meeting,
            title="Affiches des équipes" if french else "Team storyboards",
            kind=Material.Kind.LINK,
            url=f"https://storyboards.example.org/{self.country.iso2.lower()}/{number}/",
            language=self.language,
            uploaded_by=people.focal,
        )
        if held:
            self._held(meeting, number, people)
        return meeting

    def _held(self, meeting, number, people) -> None:
        french = self.language == "fr"
        attendees = [people.focal, *people.coaches, *people.leads]
        Attendance.objects.bulk_create(
            [
                Attendance(
                    meeting=meeting,
                    member=m,
                    name=m.full_name,
                    email=m.user.email,
                    minutes=times.meeting_minutes(meeting),
                    first_joined=meeting.start,
                    source=Attendance.Source.MANUAL,
                    matched_by="hand",
                )
                for m in attendees
            ]
        )
        meeting.minutes = (
            f"Les {len(people.leads)} équipes ont présenté leurs affiches. Chaque équipe repart avec deux "
            "cycles PDSA planifiés pour la période d'action."
            if french
            else f"The {len(people.leads)} teams presented their storyboards. Each team leaves with two PDSA "
            "cycles planned for the action period."
        )
        meeting.save(update_fields=["minutes"])
        Decision.objects.create(
            meeting=meeting,
            text="Appels mensuels des coachs avec chaque équipe."
            if french
            else "Coaches call each team once a month during the action period.",
        )
        ActionItem.objects.create(
            meeting=meeting,
            description="Chaque équipe soumet son rapport mensuel avant le 5."
            if french
            else "Every team files its monthly report by the 5th.",
            country=self.country,
            owner=people.focal,
            due=(meeting.end + timedelta(days=30)).date(),
            status=ActionItem.Status.DONE,
        )

    # Teams, their diagrams, cycles and reports.

    def _team(self, collaborative, unit, number, baseline, people) -> Team:
        team = Team.objects.create(
            collaborative=collaborative,
            org_unit=unit,
            aim=self.plan["team_aim"].format(baseline=baseline, target=self.plan["target"]),
            lead=people.leads[number],
            coach=people.coaches[number % len(people.coaches)],
        )
        roles = texts.ROLES[self.language]
        seed = next(s for s in COUNTRIES if s.iso2 == self.country.iso2)
        seats = [TeamMember(team=team, member=team.lead, role=_lead_role(self.language))]
        if people.extra and number == 0:
            seats.append(TeamMember(team=team, member=people.extra, role=roles[2]))
        taken = {seat.member.full_name for seat in seats}
        for role in roles[: self.rng.choice([3, 4])] + ((roles[-1],) if number % 3 != 2 else ()):
            if any(seat.role == role for seat in seats):
                continue  # the data manager already sits on the first team as its data clerk
            name = f"{self.rng.choice(seed.first_names)} {self.rng.choice(seed.last_names)}"
            while name in taken:  # two people of one team never share a name
                name = f"{self.rng.choice(seed.first_names)} {self.rng.choice(seed.last_names)}"
            taken.add(name)
            seats.append(TeamMember(team=team, name=name, role=role, is_consumer=role == roles[-1]))
        TeamMember.objects.bulk_create(seats)
        return team

    def _driver_diagrams(self, teams) -> None:
        diagram = texts.DRIVERS[self.country.iso2]
        primaries = [
            DriverNode(team=team, kind=DriverNode.Kind.PRIMARY, text=text, order=order)
            for team in teams
            for order, (text, _lines) in enumerate(diagram)
        ]
        DriverNode.objects.bulk_create(primaries)
        secondaries, parents = [], iter(primaries)
        for _team in teams:
            for _text, lines in diagram:
                parent = next(parents)
                secondaries += [
                    DriverNode(
                        team=parent.team, parent=parent, kind=DriverNode.Kind.SECONDARY, text=s, order=o
                    )
                    for o, (s, _codes) in enumerate(lines)
                ]
        DriverNode.objects.bulk_create(secondaries)
        changes, owners = [], iter(secondaries)
        for _team in teams:
            for _text, lines in diagram:
                for _secondary, codes in lines:
                    parent = next(owners)
                    changes += [
                        DriverNode(
                            team=parent.team,
                            parent=parent,
                            kind=DriverNode.Kind.CHANGE,
                            text=self._narrative(code).short,
                            change_idea=self.ideas[code],
                            order=o,
                        )
                        for o, code in enumerate(codes)
                    ]
        DriverNode.objects.bulk_create(changes)

    def _narrative(self, code) -> texts.Narrative:
        seed = next(i for i in texts.IDEAS if i.code == code)
        return getattr(seed, self.language) or seed.en or seed.fr

    def _cycles(self, team, number, first_day, step, end) -> list[PdsaCycle]:
        """The team's ramps: its main change adopted in its step month, an idea tried early and dropped
        for a third of the teams, and a second change tested after the first was adopted."""
        rng = self.rng
        main_codes, next_codes, early_codes = texts.RAMPS[self.country.iso2]
        main = main_codes[number % len(main_codes)]
        later = next(c for c in next_codes[number % len(next_codes) :] + next_codes if c != main)
        early = next(
            c for c in early_codes[number % len(early_codes) :] + early_codes if c not in (main, later)
        )
        limit = min(end, self.today - timedelta(days=2))
        ramps = []
        # The main ramp, backwards from the adopting cycle in the step month.
        adopt_start = step + timedelta(days=rng.randint(1, 5))
        adopt_end = adopt_start + timedelta(days=rng.randint(12, 18))
        slots = [(adopt_start, adopt_end, adopt_end + timedelta(days=rng.randint(1, 3)))]
        cursor = step - timedelta(days=rng.randint(2, 4))
        for _earlier in range(rng.choice([1, 2])):
            length = timedelta(days=rng.randint(13, 21))
            if cursor - length < first_day:
                break
            slots.insert(0, (cursor - length, cursor - timedelta(days=1), cursor))
            cursor -= length + timedelta(days=rng.randint(3, 9))
        if slots[-1][2] <= limit:
            ramps.append((main, slots, PdsaCycle.Decision.ADOPT))
        # An idea tried early, alongside the main ramp.
        if number % 3 == 0 and (step - first_day).days > 50:
            begin = first_day + timedelta(days=rng.randint(0, 10))
            one = (begin, begin + timedelta(days=14), begin + timedelta(days=15))
            two_start = one[2] + timedelta(days=rng.randint(3, 7))
            two = (two_start, two_start + timedelta(days=14), two_start + timedelta(days=16))
            if two[2] <= limit:  # dropped: the data does not move before the main change
                ramps.append((early, [one, two], PdsaCycle.Decision.ABANDON))
        # The next change, once the first was adopted.
        cursor = slots[-1][2] + timedelta(days=rng.randint(7, 20))
        later_slots = []
        for _cycle in range(rng.choice([2, 3])):
            length = timedelta(days=rng.randint(14, 24))
            if cursor + length + timedelta(days=2) > limit:
                break
            later_slots.append((cursor, cursor + length, cursor + length + timedelta(days=2)))
            cursor += length + timedelta(days=rng.randint(5, 12))
        if len(later_slots) >= 2:
            decision = PdsaCycle.Decision.ABANDON if number % 5 == 3 else PdsaCycle.Decision.ADOPT
            ramps.append((later, later_slots, decision))
        cycles = []
        for code, ramp_slots, decision in ramps:
            cycles.extend(self._ramp(team, code, ramp_slots, decision))
        return cycles

    def _ramp(self, team, code, slots, final) -> list[PdsaCycle]:
        rng, words = self.rng, self._narrative(code)
        french = self.language == "fr"
        cycles = []
        for index, (start, end, decided) in enumerate(slots):
            last = index == len(slots) - 1
            decision = final if last else PdsaCycle.Decision.ADAPT
            scale = words.scales[min(index + (len(words.scales) - len(slots) if last else 0), 4)]
            predicted = rng.choice([60, 70, 75, 80, 90])
            if decision == PdsaCycle.Decision.ADOPT:
                reached = min(100, predicted + rng.randint(-3, 10))
            elif decision == PdsaCycle.Decision.ABANDON:
                reached = max(5, predicted - rng.randint(30, 50))
            else:
                reached = max(10, predicted - rng.randint(8, 30))
            counted = rng.randint(8, 60)
            if decision == PdsaCycle.Decision.ADOPT:
                next_steps = (
                    "Adopté : devient la routine, suivi dans le rapport mensuel."
                    if french
                    else "Adopt: make it routine and follow it in the monthly report."
                )
            elif decision == PdsaCycle.Decision.ABANDON:
                next_steps = words.abandon
            else:
                next_steps = words.adapt[index % len(words.adapt)]
            cycles.append(
                PdsaCycle(
                    team=team,
                    change_idea=self.ideas[code],
                    title=f"{words.short} : {scale}" if french else f"{words.short}: {scale}",
                    stage=PdsaCycle.Stage.DONE,
                    objective=(
                        f"Pouvons-nous {words.act} {scale} ?" if french else f"Can we {words.act} {scale}?"
                    ),
                    prediction=(
                        f"Au moins {predicted} % de {words.unit} ; {words.effect}."
                        if french
                        else f"At least {predicted} % of {words.unit}; {words.effect}."
                    ),
                    plan=(
                        f"Qui : {words.who}. Quoi : {words.act}. Quand et où : {scale}. Mesure : "
                        f"{words.unit}, "
                        "comptés chaque jour sur une feuille de pointage."
                        if french
                        else f"Who: {words.who}. What: {words.act}. When and where: {scale}. Measure: "
                        f"{words.unit}, counted daily on a tally sheet."
                    ),
                    measure=self.key_measure,
                    start=start,
                    end=end,
                    observations=(
                        f"{reached} % de {words.unit} ({round(counted * reached / 100)} sur {counted})."
                        if french
                        else f"{reached} % of {words.unit} ({round(counted * reached / 100)} of {counted})."
                    ),
                    problems=rng.choice(words.problems),
                    result=(
                        f"Prévu {predicted} %, atteint {reached} %."
                        if french
                        else f"Predicted {predicted} %, reached {reached} %."
                    ),
                    learned=words.learned[(index + len(cycles)) % len(words.learned)],
                    decision=decision,
                    next_steps=next_steps,
                    decided_on=decided,
                    created_by=team.lead.user,
                )
            )
        return cycles

    def _reports(self, team, start, end, step, cycles, number) -> list[TeamReport]:
        rng, words = self.rng, texts.REPORT[self.language]
        this_month = self.today.replace(day=1)
        last = min(end.replace(day=1), add_months(this_month, -1))
        months = []
        month = start
        while month <= last:
            months.append(month)
            month = add_months(month, 1)
        adopted = next((c for c in cycles if c.decision == PdsaCycle.Decision.ADOPT), None)
        running = end >= self.today
        reports = []
        counted = Decimal("1.0")  # the score the team's last report counts at (the coach's once confirmed)
        for index, month in enumerate(months):
            from_end = len(months) - 1 - index
            coach = _coach_score(index, month, step, number, cycles)
            own = _self_score(rng, coach, month, step)
            if from_end < 2:
                # Not confirmed yet, the team's own score counts: a team that improves does not rate itself
                # below the score its coach confirmed last month (the picture's distribution would fall).
                own = max(own, counted)
            counted = coach if from_end >= 2 else own
            tested = [c.title for c in cycles if c.start.replace(day=1) == month]
            decided = [c.learned for c in cycles if c.decided_on.replace(day=1) == month]
            if tested:
                tested_text = words["tested"].format(titles="; ".join(tested))
            elif adopted is not None and month > adopted.decided_on:
                tested_text = words["kept"].format(idea=self._narrative_of(adopted).short.lower())
            else:
                tested_text = words["forming"] if index == 0 else ""
            report = TeamReport(
                team=team,
                month=month,
                tested=tested_text,
                learned=" ".join(decided)
                or (words["learned_routine"] if adopted and month > adopted.decided_on else ""),
                barriers=rng.choice(words["barriers"]),
                help_needed=rng.choice(words["help"]),
                self_score=own,
            )
            if from_end == 0 and running:
                report.status = TeamReport.Status.DRAFT
            else:
                report.status = TeamReport.Status.SUBMITTED
                report.submitted_at = min(
                    self._moment(add_months(month, 1) + timedelta(days=rng.randint(1, 5)), 16),
                    self.now - timedelta(hours=2),
                )
                report.submitted_by = team.lead.user
            if from_end >= 2:
                report.status = TeamReport.Status.CONFIRMED
                report.coach_score = coach
                report.confirmed_at = report.submitted_at + timedelta(days=rng.randint(2, 7))
                report.confirmed_by = team.coach.user
                if coach != own:
                    reason = texts.COACH_REASONS[self.language]["below" if coach < own else "above"]
                    report.coach_reason = reason.format(score=coach)
            reports.append(report)
        return reports

    def _narrative_of(self, cycle) -> texts.Narrative:
        code = next(c for c, idea in self.ideas.items() if idea.pk == cycle.change_idea_id)
        return self._narrative(code)

    def _moment(self, day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=self.zone).astimezone(UTC)


def _lead_role(language: str) -> str:
    return "Responsable de l'équipe" if language == "fr" else "Team lead"


def _coach_score(index, month, step, number, cycles) -> Decimal:
    """The IHI score the data supports: at most 2.5 (changes tested, no improvement) until the team's
    data steps up, 3.0 in the step's first months, then 3.5, 4.0 and, for some teams, 4.5 once sustained."""
    if month < step:
        tested = any(c.decided_on < month for c in cycles)
        return Decimal("1.5") if index == 0 else Decimal("2.5") if tested else Decimal("2.0")
    after = (month.year - step.year) * 12 + month.month - step.month
    if after < 2:
        return Decimal("3.0")
    if after < 5:
        return Decimal("3.5")
    if after < 9 or number % 3:
        return Decimal("4.0")
    return Decimal("4.5")


def _self_score(rng, coach: Decimal, month: date, step: date) -> Decimal:
    """Teams rate themselves a half point up or down now and then; before the data moves, never above 2.5."""
    own = coach + rng.choice([Decimal("0"), Decimal("0"), Decimal("0"), Decimal("0.5"), Decimal("-0.5")])
    # Nobody rates a team "outstanding sustainable results" (5.0) before its coach would.
    own = min(max(own, Decimal("1.0")), max(coach, Decimal("4.5")))
    return min(own, Decimal("2.5")) if month < step else max(own, Decimal("3.0"))


def _suggest(teams: list[Team], cycles: list[PdsaCycle], reports: list[TeamReport]) -> None:
    """Store beside each submitted report the score qicop suggested from the evidence, as submitting it
    does (``reports.services.submit_report``): the team lead's view of its cycles and charts up to the
    month. Drafts have none yet."""
    by_team: dict[int, list[PdsaCycle]] = {}
    for cycle in cycles:
        by_team.setdefault(cycle.team_id, []).append(cycle)
    teams_by_pk = {team.pk: team for team in teams}
    changed = []
    for report in reports:
        if report.status == TeamReport.Status.DRAFT:
            continue
        team = teams_by_pk[report.team_id]
        team_cycles = by_team.get(team.pk, [])
        user = team.lead.user
        charts = report_selectors.measure_charts(user, team, report.month, cycles=team_cycles)
        evidence = report_services.gather_evidence(
            user=user, team=team, month=report.month, charts=charts, cycles=team_cycles
        )
        report.suggested_score = scoring.suggest(evidence).score
        changed.append(report)
    TeamReport.objects.bulk_update(changed, ["suggested_score"], batch_size=500)


def _save_cycles(cycles: list[PdsaCycle]) -> None:
    """Insert in bulk, then link each adapted cycle to the one that follows it on the same ramp."""
    PdsaCycle.objects.bulk_create(cycles)
    # Each cycle was written down when it was planned (a few days before it started), not when the demo loads.
    for cycle in cycles:
        cycle.created_at = datetime.combine(cycle.start - timedelta(days=3), time(7), tzinfo=UTC)
    PdsaCycle.objects.bulk_update(cycles, ["created_at"], batch_size=500)
    linked = []
    for earlier, later in itertools.pairwise(cycles):
        if earlier.decision == PdsaCycle.Decision.ADAPT and later.change_idea_id == earlier.change_idea_id:
            later.previous = earlier
            linked.append(later)
    PdsaCycle.objects.bulk_update(linked, ["previous"])


class _People:
    """A collaborative's people: the country's focal point, a coach for about four teams and at least two
    (members of the country, QI coaches and mentors first), a lead per team (the country's other members,
    then a few facility staff added for the demo), and for Kenya the data manager on the first team."""

    TITLES = ("QI Coach", "Clinical Mentor", "Nurse Mentor", "Quality Improvement Officer")

    def __init__(self, rng, network, country, teams, start):
        self.focal = _focal_points(network)[country.iso2]
        members = list(
            Member.objects.filter(
                country=country, memberships__network=network, memberships__role=Role.MEMBER
            )
            .select_related("user")
            .order_by("pk")
            .distinct()
        )
        fixed = [m for m in members if m.user.email.endswith(".ht@example.org")]  # Haiti's demo login
        coaches = fixed + sorted(
            (m for m in members if m not in fixed),
            key=lambda m: (m.title not in self.TITLES, m.pk),
        )
        self.coaches = coaches[: max(2, round(teams / 4))]
        others = [m for m in members if m not in self.coaches]
        self.leads = others[:teams] + _new_leads(rng, network, country, teams - len(others[:teams]), start)
        if country.iso2 == "KE":
            self.leads[0] = _team_lead_login(network, country, start)  # a demo login (README)
        self.extra = Member.objects.filter(user__email="data.ke@example.org", country=country).first()


def _new_leads(rng, network, country, count, start) -> list[Member]:
    """Facility staff who lead a team: members of the network since the collaborative began."""
    if count <= 0:
        return []
    seed = next(s for s in COUNTRIES if s.iso2 == country.iso2)
    used = set(Member.objects.filter(country=country).values_list("full_name", flat=True))
    title = "Responsable qualité de l'institution" if country.iso2 == "HT" else "Facility QI team lead"
    leads = []
    for number in range(1, count + 1):
        name = next(
            n
            for n in (f"{rng.choice(seed.first_names)} {rng.choice(seed.last_names)}" for _ in range(200))
            if n not in used
        )
        used.add(name)
        user = User.objects.create_user(
            f"{country.iso2.lower()}.team{number:02d}@example.org",
            None,
            language={"HT": "fr"}.get(country.iso2, ""),
            time_zone=country.time_zone,
        )
        leads.append(
            Member.objects.create(
                user=user,
                full_name=name,
                country=country,
                title=title,
                languages=sorted({"en", *seed.languages}),
            )
        )
    Membership.objects.bulk_create([Membership(member=m, network=network, role=Role.MEMBER) for m in leads])
    # They joined when the collaborative began, not today: the network's "new members" stay the newcomers.
    joined = datetime.combine(start, time(9), tzinfo=UTC)
    Member.objects.filter(pk__in=[m.pk for m in leads]).update(created_at=joined)
    return leads


TEAM_LEAD_LOGIN = "lead.ke@example.org"


def _team_lead_login(network, country, start) -> Member:
    """The Kenyan facility team lead whom README.md lists among the demo logins: she leads the first team of
    Kenya's collaborative, logs its PDSA cycles and files its monthly reports."""
    user = User.objects.create_user(TEAM_LEAD_LOGIN, DEMO_PASSWORD, language="", time_zone=country.time_zone)
    member = Member.objects.create(
        user=user,
        full_name="Wanjiku Mutua",
        country=country,
        title="Nurse in charge, comprehensive care clinic",
        languages=["en", "sw"],
    )
    Membership.objects.create(member=member, network=network, role=Role.MEMBER)
    Member.objects.filter(pk=member.pk).update(created_at=datetime.combine(start, time(9), tzinfo=UTC))
    return member
