"""A country's candidates page measures every candidate against the standard at once: what it counts must
be what each candidate's own portfolio counts, renewals (which count only what happened since the
certificate they renew) included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coaches_world import coaches_of
from qicop.improvement.models import PdsaCycle
from qicop.meetings.models import Attendance, Meeting
from qicop.programmes.coaches import services
from qicop.programmes.coaches.portfolio import portfolio_of, requirements
from qicop.programmes.coaches.selectors import portfolios_counted
from qicop.programmes.coaches.standards import standard_for


def _attend(world, member, start: datetime, minutes: float = 60):
    meeting = Meeting.objects.create(
        network=world.network,
        title=f"Session of {start:%Y-%m-%d}",
        kind=Meeting.Kind.VIRTUAL,
        start=start,
        end=start + timedelta(hours=1),
        time_zone="UTC",
        status=Meeting.Status.CONFIRMED,
    )
    Attendance.objects.create(meeting=meeting, member=member, name=member.full_name, minutes=minutes)


def test_the_counts_of_many_candidates_at_once_are_each_candidates_own(world):
    coaches = coaches_of(world)
    PdsaCycle.objects.filter(pk=coaches.improvement.cycle.pk).update(stage=PdsaCycle.Stage.DONE)
    now = datetime.combine(coaches.today, datetime.min.time(), tzinfo=UTC)
    _attend(world, world.dan, now - timedelta(days=40))
    _attend(world, world.dan, now - timedelta(days=20))
    _attend(world, world.dan, now - timedelta(days=10), minutes=0)  # registered, never came: not counted
    _attend(world, world.faith, now - timedelta(days=2000))  # before her certificate: not for its renewal
    _attend(world, world.faith, now - timedelta(days=5))
    renewal = services.open_renewal(actor=world.faith.user, certification=coaches.faith)
    candidates = [coaches.dan, renewal]
    for certification in candidates:
        certification.refresh_from_db()
    standard = standard_for(world.network, world.kenya)
    counted = portfolios_counted(candidates)
    for certification, portfolio in zip(candidates, counted, strict=True):
        assert requirements(portfolio, standard) == requirements(portfolio_of(certification), standard)
    assert (counted[0].team_count, counted[0].cycles_done, counted[0].session_count) == (1, 1, 2)
    assert counted[1].session_count == 1


def test_no_candidate_asks_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert portfolios_counted([]) == []
