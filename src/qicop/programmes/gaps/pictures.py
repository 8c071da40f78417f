"""The drawings of the results pages: one function per picture, called by the page and by its download so
that both show the same thing."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qicop.charts._model import Drawing
from qicop.charts.levels import level_bars
from qicop.charts.radar import radar_chart
from qicop.network.models import Country
from qicop.programmes.gaps.selectors import GapMap, InstrumentHistory


def country_radar(country: Country, history: InstrumentHistory) -> Drawing:
    years = history.years
    return radar_chart(
        [name for _code, name in history.domains],
        [(str(year.year), [year.levels.get(code) for code, _name in history.domains]) for year in years],
        title=f"{country.display_name}: {history.instrument.name}",
        description=_(
            "Level of each domain, 0 at the centre to 5 at the outer ring, one line per year; "
            "the table under the chart gives the same numbers."
        ),
        translate=_,
    )


def domain_distribution(gaps: GapMap) -> Drawing:
    return level_bars(
        [(d.name, d.counts) for d in gaps.distribution],
        title=_("Countries at each level, by domain"),
        description=_(
            "How many countries stand at each level 0–5 of each domain; the table gives the numbers."
        ),
        translate=_,
    )
