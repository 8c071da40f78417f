"""Template tags of the teams room: the figures a collaborative's team list shows (_team_list.html)."""

from __future__ import annotations

from django import template

from qicop.improvement.teams.selectors import team_rows as _team_rows

register = template.Library()


@register.simple_tag
def team_rows(teams):
    """Each team with its latest score and number of PDSA cycles, in two queries whatever the number."""
    return _team_rows(teams)
