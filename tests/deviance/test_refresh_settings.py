"""The refresh honours a chart's saved baseline and phases, so that the feed says what the chart a person
opens says (``dashboards.pipeline.indicator_chart`` on the same series): the rules read against the saved
baseline, within each saved phase, and a new phase whose centre line moved the better way is the
improvement.

Kenya's hospital at Nakuru (viral_load_world: 36 months near 81 %, every month published)."""

from __future__ import annotations

import pytest

from qicop.dashboards.pipeline import ChartOptions, indicator_chart
from qicop.dashboards.services import save_chart_settings
from qicop.deviance.engine import PHASE
from qicop.deviance.models import ImprovementSignal
from qicop.deviance.services import refresh_signals
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import OrgUnit
from qicop.integrations.dhis2.rows import DataValueRow
from viral_load_world import FACILITY, viral_load_world

pytestmark = pytest.mark.dates


def level(data, start: int, to, *, wiggle=lambda m: m % 3) -> None:
    """The hospital's suppression is ``to`` (+ ``wiggle`` of the month) of 100 tested from month ``start``
    on."""
    rows = [
        DataValueRow("VlSupp0001a", period, FACILITY, value=str(to + wiggle(m)), index=i)
        for i, (m, period) in enumerate(list(enumerate(data.periods))[start:])
    ]
    summary = import_data_values(actor=data.world.carla.user, rows=rows, options=ImportOptions())
    assert summary["status"] == "SUCCESS", summary


def save(data, *, freeze=None, phase_starts=()) -> None:
    """Saved as the chart page saves them: the country's data version changes with them."""
    save_chart_settings(
        actor=data.world.dan.user,
        indicator=data.indicator,
        org_unit=OrgUnit.objects.get(uid=FACILITY),
        freeze=freeze,
        phase_starts=list(phase_starts),
    )


def signal_of(data) -> ImprovementSignal | None:
    return ImprovementSignal.objects.filter(org_unit__uid=FACILITY, indicator=data.indicator).first()


def chart_of(data, today):
    unit = OrgUnit.objects.get(uid=FACILITY)
    return indicator_chart(data.world.dan.user, data.indicator, unit, ChartOptions(), today=today).spc.result


def improvements_told(result) -> list[tuple[str, int]]:
    """(rule, first point) of each improvement the chart's story tells: within a phase, or a new phase."""
    told = []
    for phase in result.story():
        if phase.classification == "improvement":
            told.append((PHASE, phase.first))
        told += [(f.rule, f.first) for f in phase.findings if f.classification == "improvement"]
    return told


@pytest.fixture
def data(world):
    return viral_load_world(world)


def test_a_saved_baseline_makes_the_refresh_read_the_chart_against_it(data):
    """From month 12 the hospital holds 92 %, 84 % one month in four: over the whole window its centre
    line (their mean, 87 %) runs through them, no signal; against a baseline of the first twelve months
    (81 %), a shift up, from month 11 (82 %, above it)."""
    today = data.today
    level(data, 12, 92, wiggle=lambda m: -8 if m % 4 == 0 else 0)
    refresh_signals(today=today)
    assert signal_of(data) is None
    assert improvements_told(chart_of(data, today)) == []

    save(data, freeze=12)
    refresh_signals(today=today)
    signal = signal_of(data)
    [(rule, first)] = improvements_told(chart_of(data, today))
    assert (signal.rule, signal.since) == (rule, data.periods[first]) == ("shift", data.periods[11])


def test_a_saved_new_phase_is_the_improvement_the_chart_tells(data):
    today = data.today
    level(data, 24, 95)
    save(data, phase_starts=[data.periods[24]])
    refresh_signals(today=today)
    signal = signal_of(data)
    result = chart_of(data, today)
    assert improvements_told(result) == [(PHASE, 24)]
    before, after = result.story()
    assert (signal.rule, signal.since, signal.sustained) == (PHASE, data.periods[24], True)
    assert signal.baseline == pytest.approx(before.centre)
    assert signal.level_now == pytest.approx(after.centre)
    assert signal.size == pytest.approx(after.change)


def test_a_saved_phase_outside_the_window_changes_nothing(data):
    today = data.today
    level(data, 24, 95)
    refresh_signals(today=today)
    plain = signal_of(data)
    save(data, phase_starts=["201001"])
    refresh_signals(today=today)
    again = signal_of(data)
    assert (
        (again.rule, again.since, again.size)
        == (plain.rule, plain.since, plain.size)
        == (
            "shift",
            data.periods[24],
            pytest.approx(plain.size),
        )
    )
