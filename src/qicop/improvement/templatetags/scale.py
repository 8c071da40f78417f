"""``{% load scale %}``: a score as its level of the IHI assessment scale (``{{ score|level }}``)."""

from django import template

from qicop.improvement.scale import level_of

register = template.Library()


@register.filter
def level(score):
    """The scale's level of ``score`` (with ``.label``, ``.name``, ``.definition``), None off the scale."""
    return level_of(score)
