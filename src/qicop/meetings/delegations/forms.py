"""Forms of delegations, attendance recorded by hand and the attendance statistics."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qicop.meetings.models import Delegate


class DelegateForm(forms.Form):
    """A delegate: a member of the network from the country, or a person typed in."""

    country = forms.TypedChoiceField(label=_("Country"), coerce=int)
    member = forms.TypedChoiceField(
        label=_("Member of the network"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Or leave empty and type the person's details below."),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        required=False,
        help_text=_("For someone who is not a member; a member's name is filled in for you."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    affiliation = forms.ChoiceField(label=_("Affiliation"), choices=Delegate.Affiliation.choices)
    role = forms.ChoiceField(
        label=_("Role in the delegation"), choices=Delegate.Role.choices, initial=Delegate.Role.DELEGATE
    )

    def __init__(self, *args, countries, members, **kwargs):
        super().__init__(*args, **kwargs)
        self._countries = {c.pk: c for c in countries}
        self._members = {m.pk: m for m in members}
        self.fields["country"].choices = [(c.pk, c.display_name) for c in countries]
        groups: dict[str, list] = {}
        for m in members:
            groups.setdefault(m.country.display_name, []).append((m.pk, m.full_name))
        self.fields["member"].choices = [("", "—"), *groups.items()]

    def clean_country(self):
        return self._countries[self.cleaned_data["country"]]

    def clean_member(self):
        pk = self.cleaned_data.get("member")
        return self._members.get(pk) if pk else None

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("member") and not (cleaned.get("full_name") or "").strip():
            self.add_error("full_name", _("Pick a member or type the delegate's full name."))
        return cleaned


class AttendanceRecordForm(forms.Form):
    """A member who attended, or a guest who is not a member (a name, and an e-mail if known)."""

    member = forms.TypedChoiceField(
        label=_("Member"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Or leave empty and type the guest's name below."),
    )
    guest_name = forms.CharField(
        label=_("Guest who is not a member: full name"),
        max_length=200,
        required=False,
        help_text=_("As it should appear on the certificate of attendance."),
    )
    guest_email = forms.EmailField(label=_("Guest's e-mail"), required=False, max_length=254)
    minutes = forms.FloatField(
        label=_("Time attended (minutes)"),
        required=False,
        min_value=1,
        max_value=60 * 24 * 14,
        help_text=_("Leave empty for the whole meeting."),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self._members = {m.pk: m for m in members}
        self.fields["member"].choices = [("", "—")] + [
            (m.pk, f"{m.full_name} ({m.country.display_name})") for m in members
        ]

    def clean_member(self):
        pk = self.cleaned_data.get("member")
        return self._members[pk] if pk else None

    def clean(self):
        cleaned = super().clean()
        name = " ".join((cleaned.get("guest_name") or "").split())
        cleaned["guest_name"] = name
        if cleaned.get("member") and (name or cleaned.get("guest_email")):
            self.add_error("guest_name", _("Choose a member or type a guest's name, not both."))
        elif not (cleaned.get("member") or name or {"member", "guest_name"} & set(self.errors)):
            self.add_error("member", _("Choose a member, or type the guest's name."))
        return cleaned
