"""A country's standards for certifying QI coaches: its saved ones, or the network's defaults."""

from __future__ import annotations

from qicop.network.models import Country, Network
from qicop.programmes.coaches.framework import DEFAULT_FRAMEWORK
from qicop.programmes.models import CertificationStandard, Competency


def standard_for(network: Network, country: Country) -> CertificationStandard:
    """The country's standard; an unsaved one with the network's defaults when it has saved none (``pk``
    is None then). One query."""
    saved = CertificationStandard.objects.filter(network=network, country=country).first()
    return saved or CertificationStandard(network=network, country=country)


def competencies_of(standard: CertificationStandard) -> list[Competency]:
    """The competencies observations rate under ``standard``: those it chose, else the whole shared
    framework. One or two queries."""
    if standard.pk is not None:
        chosen = list(standard.competencies.order_by("order", "id"))
        if chosen:
            return chosen
    return list(Competency.objects.filter(framework=DEFAULT_FRAMEWORK).order_by("order", "id"))
