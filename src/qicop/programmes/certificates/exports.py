"""The register of certified coaches as rows for a spreadsheet (CSV and XLSX through
``integrations.spreadsheet``'s writers for people, which keep text from ever running as a formula): public
fields only — the coach's name, the country, the dates and the stage — never an e-mail, a note or a score."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.utils.translation import gettext as _

from qicop.core.i18n import sort_key
from qicop.network.models import Network
from qicop.programmes.certificates import selectors
from qicop.programmes.coaches.stages import stage_of

COLUMNS = ["coach", "country_code", "country", "certified_on", "valid_until", "stage_code", "stage"]


def register_entries(network: Network, today: date) -> list:
    """Every coach on the register, in force or lapsed, by country (in the reader's language) and name."""
    rows = (
        selectors.latest_certifications(network)
        .select_related("member", "country")
        .order_by("member__full_name", "pk")[: selectors.EXPORT_ROWS]
    )
    return sorted(rows, key=lambda c: (sort_key(c.country.display_name), sort_key(c.member.full_name)))


def register_rows(network: Network, today: date) -> Iterator[dict]:
    for certification in register_entries(network, today):
        stage = stage_of(certification.status, certification.valid_until, 0, today)
        yield {
            "coach": certification.member.full_name,
            "country_code": certification.country.iso2,
            "country": certification.country.display_name,
            "certified_on": certification.decided_on,
            "valid_until": certification.valid_until,
            "stage_code": stage.value,
            "stage": str(stage.label),
        }


def register_sheets(network: Network, today: date) -> list[tuple[str, list[str], Iterator[list]]]:
    """The register under a header in the reader's language (one sheet)."""
    labels = [
        _("Coach"),
        _("Country code"),
        _("Country"),
        _("Certified on"),
        _("Valid until"),
        _("Stage code"),
        _("Stage"),
    ]
    rows = ([row[column] for column in COLUMNS] for row in register_rows(network, today))
    return [(_("Certified QI coaches"), labels, rows)]
