"""Improvement work in the personas' network, for the improvement app's tests and the authorization matrix.

Kenya runs a viral-load collaborative (not shared with the network) with one team at Nakuru Level 5
Hospital: Kim is on the team, Dan coaches it, Faith (Kenya's focal point) runs the collaborative. The team
tests one change idea in one PDSA cycle (watching the key measure, ``measure``) and has filed one monthly
report. Haiti runs a shared collaborative with a team at Jacmel (its key measure: ``haiti_measure``). The
data behind the charts is viral_load_world's (36 months, Kenya published).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from viral_load_world import viral_load_world


class ImprovementWorld:
    def __init__(self, world):
        from qicop.improvement.models import (
            ChangeIdea,
            Collaborative,
            Measure,
            PdsaCycle,
            Team,
            TeamMember,
            TeamReport,
        )

        self.world = world
        self.data = data = viral_load_world(world)
        first = date(int(data.periods[12][:4]), int(data.periods[12][4:]), 1)
        self.start = first
        end = date(first.year + 1, first.month, 1)
        self.kenya = Collaborative.objects.create(
            network=world.network,
            country=world.kenya,
            name="Kenya viral-load suppression collaborative",
            topic="Viral load",
            aim="Raise viral-load suppression in 14 facilities from 80 % to 95 % within 12 months.",
            key_measure=data.indicator,
            aim_target=Decimal("95"),
            aim_date=end,
            start=first,
            end=end,
            created_by=world.faith.user,
        )
        self.kenya.faculty.set([world.faith])
        # The key measure, as a measure of the collaborative (the services always make it one).
        self.measure = Measure.objects.create(collaborative=self.kenya, indicator=data.indicator)
        from qicop.indicators.models import OrgUnit

        self.nakuru_unit = OrgUnit.objects.get(uid="NakuruHosp1")
        self.team = Team.objects.create(
            collaborative=self.kenya,
            org_unit=self.nakuru_unit,
            aim="Suppression from 80 % to 95 % by next year.",
            lead=world.kim,
            coach=world.dan,
        )
        TeamMember.objects.create(team=self.team, member=world.kim, role="Team lead")
        TeamMember.objects.create(
            team=self.team, name="Grace Wanjiru", role="Peer educator", is_consumer=True
        )
        self.idea = ChangeIdea.objects.create(
            network=world.network,
            title="Same-day viral load result review",
            description="A clinician reviews every new result on the day it arrives.",
            indicator=data.indicator,
            country=world.kenya,
            created_by=world.faith.user,
        )
        self.cycle = PdsaCycle.objects.create(
            team=self.team,
            change_idea=self.idea,
            title="Review results daily for one week",
            objective="Can one clinician review every result the day it arrives?",
            prediction="All results reviewed within a day; five clients recalled.",
            measure=self.measure,
            start=first,
            end=date(first.year, first.month, 8),
            created_by=world.kim.user,
        )
        self.report = TeamReport.objects.create(
            team=self.team,
            month=first,
            status=TeamReport.Status.SUBMITTED,
            tested="Daily review of results.",
            self_score=Decimal("2.0"),
            submitted_by=world.kim.user,
        )
        self.haiti = Collaborative.objects.create(
            network=world.network,
            country=world.haiti,
            name="Rétention à 12 mois",
            aim="Retain 90 % of clients at 12 months.",
            key_measure=data.indicator,
            aim_target=Decimal("90"),
            aim_date=end,
            start=first,
            end=end,
            shared=True,
            created_by=world.carla.user,
        )
        self.haiti_measure = Measure.objects.create(collaborative=self.haiti, indicator=data.indicator)
        self.jacmel = Team.objects.create(
            collaborative=self.haiti, org_unit=OrgUnit.objects.get(uid="JacmelHosp1"), lead=world.henri
        )


def improvement_of(world) -> ImprovementWorld:
    """The improvement world of ``world``, built on first use (matrix rows call it for each path)."""
    if not hasattr(world, "_improvement"):
        world._improvement = ImprovementWorld(world)
    return world._improvement


def measure_on_elements(work, collaborative, name, numerator, denominator=None, factor=1):
    """A process measure of ``collaborative`` on data elements, added by the coordinator as the form does."""
    from qicop.improvement.collaboratives.services import add_measure

    return add_measure(
        actor=work.world.carla.user,
        collaborative=collaborative,
        kind="process",
        name=name,
        numerator=numerator,
        denominator=denominator,
        factor=factor,
    )
