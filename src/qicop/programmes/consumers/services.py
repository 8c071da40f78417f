"""Writes of the consumer register: record or change a representative (only with a date of consent) and
their roles. Each is atomic and audited; the caller checked the actor's permission (consumers/permissions.py).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qicop.core.audit import audit
from qicop.core.i18n import first_time_zone
from qicop.network.models import Country, Member, Network
from qicop.programmes.models import ConsumerRepresentative, ConsumerRole

#: A country's register and a representative's roles are bounded, so that every page that reads them is.
MAX_REPRESENTATIVES = 200
MAX_ROLES = 30

REPRESENTATIVE_FIELDS = (
    "full_name",
    "member",
    "appearance",
    "consent_on",
    "consent_how",
    "consent_witness",
    "notes",
)
ROLE_FIELDS = ("kind", "team", "meeting", "round", "description", "since", "until")

CONSENT_REQUIRED = gettext_lazy(
    "Record the date the representative gave consent: a representative is kept in the register only with "
    "their consent."
)


def _check_representative(values: dict, country: Country) -> None:
    errors: dict[str, str] = {}
    member = values.get("member")
    if member is not None and member.country_id != country.pk:
        errors["member"] = _("Link the representative to a member of their own country, or to nobody.")
    if not (values.get("full_name") or "").strip():
        errors["full_name"] = _("Write the representative's full name (it is shown only as they chose).")
    if not values.get("consent_on"):
        errors["consent_on"] = str(CONSENT_REQUIRED)
    elif values["consent_on"] > timezone.localdate():
        errors["consent_on"] = _("The date of consent cannot be in the future: write the day it was given.")
    if (
        values.get("consent_how") == ConsumerRepresentative.ConsentHow.VERBAL
        and not (values.get("consent_witness") or "").strip()
    ):
        errors["consent_witness"] = _(
            "Verbal consent needs a witness: write the name of the person who witnessed it."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_representative(
    *, actor, network: Network, country: Country, member: Member | None = None, **values
) -> ConsumerRepresentative:
    _check_representative({**values, "member": member}, country)
    if ConsumerRepresentative.objects.filter(network=network, country=country).count() >= MAX_REPRESENTATIVES:
        raise ValidationError(
            _("A country's register holds at most %(count)s representatives.")
            % {"count": MAX_REPRESENTATIVES}
        )
    representative = ConsumerRepresentative.objects.create(
        network=network,
        country=country,
        member=member,
        created_by=actor,
        full_name=values["full_name"].strip(),
        **{k: values.get(k) or "" for k in ("appearance", "consent_how", "consent_witness", "notes")},
        consent_on=values["consent_on"],
    )
    audit(actor=actor, verb="consumer.add", target=representative, country=country.iso2)
    return representative


@transaction.atomic
def change_representative(
    *, actor, representative: ConsumerRepresentative, member: Member | None = None, **values
) -> ConsumerRepresentative:
    _check_representative({**values, "member": member}, representative.country)
    representative.member = member
    representative.full_name = values["full_name"].strip()
    representative.consent_on = values["consent_on"]
    for key in ("appearance", "consent_how", "consent_witness", "notes"):
        setattr(representative, key, values.get(key) or "")
    representative.save()
    audit(actor=actor, verb="consumer.change", target=representative, appearance=representative.appearance)
    return representative


def _check_role(representative: ConsumerRepresentative, values: dict) -> dict:
    kind = values.get("kind")
    Kind = ConsumerRole.Kind
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("Choose the role the representative holds.")
    since, until = values.get("since"), values.get("until")
    if not since:
        errors["since"] = _("Write the day the role began.")
    elif until and until < since:
        errors["until"] = _("The role cannot end before it began: the end date is before the start date.")
    if kind == Kind.OTHER and not (values.get("description") or "").strip():
        errors["description"] = _("Describe the role: the register says what the representative does.")
    team, meeting, round_ = values.get("team"), values.get("meeting"), values.get("round")
    # What a role links to belongs to the representative's country and network, whoever asks and however
    # the link was given (the forms offer only those; the service does not rely on it).
    network_id, country_id = representative.network_id, representative.country_id
    if (
        kind == Kind.TEAM
        and team is not None
        and (
            team.collaborative.network_id != network_id or country_id not in team.collaborative.country_ids()
        )
    ):
        errors["team"] = _("Choose a team of a collaborative the representative's country runs.")
    if kind == Kind.PANEL and meeting is not None and meeting.network_id != network_id:
        errors["meeting"] = _("Choose a meeting of this network.")
    if (
        kind == Kind.ASSESSMENT
        and round_ is not None
        and (round_.network_id != network_id or round_.country_id != country_id)
    ):
        errors["round"] = _("Choose an assessment round of the representative's country.")
    if errors:
        raise ValidationError(errors)
    # Only the link the kind asks for is kept.
    return {
        "kind": kind,
        "team": team if kind == Kind.TEAM else None,
        "meeting": meeting if kind == Kind.PANEL else None,
        "round": round_ if kind == Kind.ASSESSMENT else None,
        "description": (values.get("description") or "").strip(),
        "since": since,
        "until": until,
    }


@transaction.atomic
def add_role(*, actor, representative: ConsumerRepresentative, **values) -> ConsumerRole:
    fields = _check_role(representative, values)
    if representative.roles.count() >= MAX_ROLES:
        raise ValidationError(
            _("A representative holds at most %(count)s roles in the register: end an old one instead.")
            % {"count": MAX_ROLES}
        )
    role = ConsumerRole.objects.create(representative=representative, **fields)
    audit(actor=actor, verb="consumer.role", target=representative, role=role.pk, kind=role.kind)
    return role


@transaction.atomic
def change_role(*, actor, role: ConsumerRole, **values) -> ConsumerRole:
    for key, value in _check_role(role.representative, values).items():
        setattr(role, key, value)
    role.save()
    audit(actor=actor, verb="consumer.role_change", target=role.representative, role=role.pk, kind=role.kind)
    return role


@transaction.atomic
def remove_representative(*, actor, representative: ConsumerRepresentative) -> None:
    """Take a representative out of the register (they withdrew their consent, or were recorded by
    mistake), with every role they held. The audit entry keeps no name: only what was removed."""
    roles = representative.roles.count()
    audit(
        actor=actor,
        verb="consumer.remove",
        target=representative,
        country=representative.country.iso2,
        roles=roles,
    )
    representative.delete()  # its roles go with it (on_delete CASCADE)


def country_today(country: Country):
    """Today's date in ``country`` (its first time zone)."""
    return timezone.localdate(timezone=ZoneInfo(first_time_zone(country.time_zone)))


@transaction.atomic
def end_role(*, actor, role: ConsumerRole, today=None) -> ConsumerRole:
    """End a role today — today in the representative's country, whoever ends it from wherever: it stays in
    the register, with that day as its last."""
    today = today or country_today(role.representative.country)
    if role.until is not None and role.until <= today:
        raise ValidationError(_("This role has already ended: there is nothing to end."))
    if role.since > today:
        raise ValidationError(_("This role has not begun yet: remove it instead of ending it."))
    role.until = today
    role.save(update_fields=["until", "updated_at"])
    audit(actor=actor, verb="consumer.role_end", target=role.representative, role=role.pk, kind=role.kind)
    return role


@transaction.atomic
def remove_role(*, actor, role: ConsumerRole) -> None:
    """Take a role out of the register (recorded by mistake): unlike an ended role, it leaves no trace on
    the register."""
    audit(actor=actor, verb="consumer.role_remove", target=role.representative, role=role.pk, kind=role.kind)
    role.delete()
