"""A country's register as rows for a spreadsheet (CSV through ``integrations.spreadsheet``'s writer for
people): each representative as the viewer may see them — the keepers see every name, the appearance chosen
and the consent; the country's participants see each as they chose to appear, and of someone not named the
kinds of their roles only (what a role links to could name them)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from qicop.programmes.models import ConsumerRepresentative, ConsumerRole

KEEPER_COLUMNS = ["representative", "appearance", "consent_on", "consent_how", "consent_witness", "roles"]
PARTICIPANT_COLUMNS = ["representative", "roles"]


def columns(*, keeper: bool) -> list[str]:
    return KEEPER_COLUMNS if keeper else PARTICIPANT_COLUMNS


def role_text(role: ConsumerRole, *, named: bool) -> str:
    """A role in words: its kind, what it links to (only when the representative is named), its dates."""
    text = str(role.get_kind_display())
    if named:
        if role.team is not None:
            text += f": {role.team.display_name}"
        elif role.meeting is not None:
            text += f": {role.meeting.title}"
        elif role.round is not None:
            text += f": {role.round.instrument.name} {role.round.year}"
        if role.description:
            text += f" ({role.description})"
    dates = _("since %(since)s") % {"since": role.since.isoformat()}
    if role.until:
        dates += ", " + _("until %(until)s") % {"until": role.until.isoformat()}
    return f"{text}, {dates}"


def register_rows(representatives: list[ConsumerRepresentative], *, keeper: bool, shown_as) -> Iterator[dict]:
    """One row per representative; ``shown_as(representative, keeper=...)`` names them as the page does."""
    for representative in representatives:
        named = keeper or representative.appearance != ConsumerRepresentative.Appearance.HIDDEN
        row = {
            "representative": shown_as(representative, keeper=keeper),
            "roles": "; ".join(role_text(role, named=named) for role in representative.roles.all()),
        }
        if keeper:
            row.update(
                appearance=str(representative.get_appearance_display()),
                consent_on=representative.consent_on,
                consent_how=str(representative.get_consent_how_display()),
                consent_witness=representative.consent_witness,
            )
        yield row
