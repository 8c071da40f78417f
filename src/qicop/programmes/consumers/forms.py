"""Forms of the consumer register: a representative (consent first) and a role."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qicop.core.when import when
from qicop.programmes.consumers import selectors
from qicop.programmes.consumers.services import CONSENT_REQUIRED
from qicop.programmes.models import ConsumerRepresentative, ConsumerRole

DATE_INVALID = _("Give the date as 2026-09-30 (year, month, day).")


def _date(label, *, required=True, required_message=None, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": required_message or _("Give the date."), "invalid": DATE_INVALID},
    )


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return getattr(obj, "full_name", None) or str(obj)


class RepresentativeForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("Kept in the register; shown to others only as the representative chose below."),
        error_messages={
            "required": _("Write the representative's full name (it is shown only as they chose).")
        },
    )
    appearance = forms.ChoiceField(
        label=_("How they appear"),
        choices=ConsumerRepresentative.Appearance.choices,
        widget=forms.RadioSelect,
        initial=ConsumerRepresentative.Appearance.INITIALS,
        help_text=_(
            "As the representative chose. Whoever chose not to appear is counted, and named only to the "
            "country's focal point and the coordinator."
        ),
    )
    consent_on = _date(
        _("Consent given on"),
        required_message=CONSENT_REQUIRED,
        help_text=_("A representative is kept in the register only with their consent."),
    )
    consent_how = forms.ChoiceField(
        label=_("Consent given"),
        choices=ConsumerRepresentative.ConsentHow.choices,
        widget=forms.RadioSelect,
        initial=ConsumerRepresentative.ConsentHow.WRITTEN,
    )
    consent_witness = forms.CharField(
        label=_("Witness"),
        max_length=200,
        required=False,
        help_text=_("For verbal consent: the person who witnessed it."),
    )
    member = NamedChoiceField(
        label=_("Member of the network"),
        queryset=None,
        required=False,
        empty_label=_("Not a member"),
        help_text=_("Linked, their talks at meetings count as a consumer speaker's."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, network, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = selectors.member_choices(network, country)


class RoleForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Role"),
        choices=ConsumerRole.Kind.choices,
        error_messages={"required": _("Choose the role the representative holds.")},
    )
    team = NamedChoiceField(
        label=_("Team"),
        queryset=None,
        required=False,
        empty_label=_("No team"),
        help_text=_("For a collaborative team."),
    )
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=None,
        required=False,
        empty_label=_("No meeting"),
        help_text=_("For a meeting's delegation or panel."),
    )
    round = forms.ModelChoiceField(
        label=_("Assessment round"),
        queryset=None,
        required=False,
        empty_label=_("No round"),
        help_text=_("For an assessment team."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("What the role is (needed for “Other”)."),
    )
    since = _date(_("Since"), required_message=_("Write the day the role began."))
    until = _date(_("Until"), required=False, help_text=_("Empty while the role goes on."))

    def __init__(self, *args, network, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = selectors.team_choices(network, country)
        self.fields["meeting"].queryset = selectors.meeting_choices(network, country)
        self.fields["round"].queryset = selectors.round_choices(network, country)
        self.fields["meeting"].label_from_instance = lambda m: f"{m.title} ({when(m.start, 'date')})"
        self.fields["round"].label_from_instance = lambda r: f"{r.instrument.name} {r.year}"
