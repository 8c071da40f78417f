"""QI coach certification in the personas' network, for the coach-certification tests and the matrix.

The network's competency framework is loaded. Kim is Kenya's certifying body (the "certifier" role, beside
their membership). Henri is a certified coach of Haiti whom the certifying body also named a mentor: he
observes candidates. Dan, who coaches the Kenyan team of the improvement world, is Kenya's candidate, with a
knowledge check passed and one observation by Henri. Faith is a certified Kenyan coach whose certificate
ends in 60 days (expiring); Rose, a Haitian coach without an account role beyond member, lapsed a month ago.
Kenya saved its own standard (one team, one cycle, no sessions, one observation); Haiti uses the defaults.

Dates are counted from the pinned clock's day, so the stages hold wherever QICOP_TEST_NOW puts it.
"""

from __future__ import annotations

from datetime import timedelta

from improvement_world import improvement_of
from personas import make_member


class CoachesWorld:
    def __init__(self, world):
        from django.utils import timezone

        from qicop.network.models import Membership, Role
        from qicop.programmes.coaches.framework import DEFAULT_FRAMEWORK, load_framework
        from qicop.programmes.coaches.stages import valid_until_for
        from qicop.programmes.models import (
            CertificationStandard,
            CoachCertification,
            Competency,
            CompetencyRating,
            MentorObservation,
        )

        self.world = world
        self.improvement = improvement_of(world)  # Dan coaches its Kenyan team
        load_framework()
        self.competencies = list(Competency.objects.filter(framework=DEFAULT_FRAMEWORK).order_by("order"))
        self.today = today = timezone.localdate()
        Membership.objects.create(member=world.kim, network=world.network, role=Role.CERTIFIER)

        def certification(
            member, country, status, *, started, decided=None, years=3, mentor=False, until=None, **more
        ):
            return CoachCertification.objects.create(
                network=world.network,
                country=country,
                member=member,
                status=status,
                started_on=started,
                decided_on=decided,
                decided_by=world.kim if decided and country == world.kenya else None,
                valid_until=until or (valid_until_for(decided, years) if decided else None),
                mentor=mentor,
                created_by=world.carla.user,
                **more,
            )

        certified = CoachCertification.Status.CERTIFIED
        self.henri = certification(
            world.henri,
            world.haiti,
            certified,
            started=today - timedelta(days=700),
            decided=today - timedelta(days=400),
            mentor=True,
            knowledge_score=88,
        )
        # Faith's ends exactly 60 days from today (counted in days, whatever leap years lie between), three
        # years after it was decided.
        faith_until = today + timedelta(days=60)
        faith_decided = years_before(faith_until + timedelta(days=1), 3)
        self.faith = certification(
            world.faith,
            world.kenya,
            certified,
            started=faith_decided - timedelta(days=300),
            decided=faith_decided,
            until=faith_until,
            knowledge_score=75,
        )
        self.rose_member = make_member(
            "rose@example.org", "Rose Lapsée", world.haiti, network=world.network, roles=[Role.MEMBER]
        )
        self.rose = certification(
            self.rose_member,
            world.haiti,
            certified,
            started=today - timedelta(days=1500),
            decided=years_before(today, 3) - timedelta(days=29),
            knowledge_score=71,
        )
        self.dan = certification(
            world.dan,
            world.kenya,
            CoachCertification.Status.CANDIDATE,
            started=today - timedelta(days=200),
            knowledge_score=82,
            knowledge_on=today - timedelta(days=150),
        )
        self.kenya_standard = CertificationStandard.objects.create(
            network=world.network,
            country=world.kenya,
            min_teams=1,
            min_cycles=1,
            min_sessions=0,
            min_observations=1,
            updated_by=world.faith.user,
        )
        self.observation = MentorObservation.objects.create(
            certification=self.dan,
            mentor=world.henri,
            observed_on=today - timedelta(days=30),
            setting=MentorObservation.Setting.VISIT,
            team=self.improvement.team,
            summary="Dan led the team's review of the run chart and let the nurses choose the next test.",
            created_by=world.henri.user,
        )
        CompetencyRating.objects.bulk_create(
            CompetencyRating(observation=self.observation, competency=competency, rating=3, comment="")
            for competency in self.competencies
        )


def years_before(day, years: int):
    """The same day ``years`` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def coaches_of(world) -> CoachesWorld:
    """The coaches world of ``world``, built on first use (matrix rows call it for each path)."""
    if not hasattr(world, "_coaches"):
        world._coaches = CoachesWorld(world)
    return world._coaches
