"""``{% load team_reports %}``: a team's report months for the workspace's section (reports room)."""

from django import template

from qicop.improvement.reports import selectors

register = template.Library()


@register.simple_tag
def report_months(team, reports):
    """The months of the team's collaborative so far, newest first, each with its report from ``reports``
    (the team's reports: no query for them) and its due time in the team's zone."""
    return selectors.month_rows(team, reports if reports is not None else [], selectors.team_zone(team))
