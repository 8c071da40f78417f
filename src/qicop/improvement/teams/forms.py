"""Forms of teams: the team (org unit, name, aim, lead, coach), its members (a few rows, no JavaScript) and
its driver diagram as an outline."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qicop.improvement.models import Collaborative, Team, TeamMember
from qicop.improvement.teams.outline import parse_outline
from qicop.improvement.teams.selectors import org_unit_choices, people_choices
from qicop.improvement.teams.services import AIM_MAX, Seat
from qicop.indicators.models import OrgUnit
from qicop.network.models import Member

#: Empty member rows offered below the team's members (more: save, and the form offers more again).
EXTRA_ROWS = 3
OUTLINE_MAX = 30_000


class TeamForm(forms.Form):
    org_unit = forms.ModelChoiceField(
        label=_("Facility or district"),
        queryset=OrgUnit.objects.none(),
        help_text=_("Grouped by the district or region it belongs to."),
        error_messages={
            "required": _("Choose the facility or district the team works in."),
            "invalid_choice": _("Choose a facility or district from the list."),
        },
    )
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=Team._meta.get_field("name").max_length,
        help_text=_("Optional: leave it empty and the team is called by its facility's name."),
    )
    aim = forms.CharField(
        label=_("The team's aim"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What the team will improve, how much, by when: e.g. suppression from 80 % to 95 % by June."
        ),
    )
    lead = forms.ModelChoiceField(
        label=_("Team lead"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=_("None yet"),
        error_messages={"invalid_choice": _("Choose the team lead from the list.")},
    )
    coach = forms.ModelChoiceField(
        label=_("Coach"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=_("None yet"),
        error_messages={"invalid_choice": _("Choose the coach from the list.")},
    )

    def __init__(self, data=None, *, collaborative: Collaborative, team: Team | None = None, **kwargs):
        if team is not None:
            kwargs.setdefault(
                "initial",
                {
                    "org_unit": team.org_unit_id,
                    "name": team.name,
                    "aim": team.aim,
                    "lead": team.lead_id,
                    "coach": team.coach_id,
                },
            )
        super().__init__(data, **kwargs)
        # Any facility or district, any member of the network may be typed in: the service says precisely
        # why one outside the collaborative's countries is refused; the lists offer only those inside.
        self.fields["org_unit"].queryset = OrgUnit.objects.filter(level__gte=2).select_related("country")
        self.fields["org_unit"].widget.choices = [("", _("Choose…")), *org_unit_choices(collaborative)]
        people = people_choices(collaborative)
        for name in ("lead", "coach"):
            self.fields[name].queryset = Member.objects.filter(
                memberships__network_id=collaborative.network_id
            ).distinct()
            self.fields[name].widget.choices = [("", _("None yet")), *people]


class TeamAimForm(forms.Form):
    """The team's own aim, which its members edit in the workspace (the rest of the team is the runners')."""

    aim = forms.CharField(
        label=_("The team's aim"),
        required=False,
        max_length=AIM_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What the team will improve, how much, by when: e.g. suppression from 80 % to 95 % by June."
        ),
        error_messages={
            "max_length": _("Keep the aim to %(limit_value)d characters (it has %(show_value)d).")
        },
    )


class SeatForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("Member"),
        queryset=Member.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a member from the list.")},
    )
    name = forms.CharField(
        label=_("or the name of someone without an account"),
        required=False,
        max_length=TeamMember._meta.get_field("name").max_length,
    )
    role = forms.CharField(
        label=_("Role on the team"),
        required=False,
        max_length=TeamMember._meta.get_field("role").max_length,
        help_text=_("e.g. Nurse in charge, data clerk, peer educator"),
    )
    is_consumer = forms.BooleanField(
        label=_("Consumer representative (a person living with HIV)"), required=False
    )

    def __init__(self, *args, collaborative: Collaborative, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(
            memberships__network_id=collaborative.network_id
        ).distinct()
        self.fields["member"].widget.choices = [("", _("Someone without an account")), *people]

    def clean(self):
        cleaned = super().clean()
        member, name = cleaned.get("member"), (cleaned.get("name") or "").strip()
        if member and name:
            self.add_error("name", _("Choose a member or type a name, not both."))
        elif not member and not name and (cleaned.get("role") or cleaned.get("is_consumer")):
            self.add_error("name", _("Choose a member or type a name for this row, or clear the row."))
        return cleaned

    def seat(self) -> Seat | None:
        """The person of this row, or None for an empty row."""
        data = self.cleaned_data
        if not data.get("member") and not (data.get("name") or "").strip():
            return None
        return Seat(
            member=data.get("member"),
            name=data.get("name") or "",
            role=data.get("role") or "",
            is_consumer=bool(data.get("is_consumer")),
        )


SeatFormSet = forms.formset_factory(SeatForm, extra=EXTRA_ROWS, max_num=200, absolute_max=200)


def seat_formset(data=None, *, collaborative: Collaborative, team: Team | None = None):
    initial = []
    if team is not None:
        initial = [
            {"member": seat.member_id, "name": seat.name, "role": seat.role, "is_consumer": seat.is_consumer}
            for seat in team.members.all()
        ]
    return SeatFormSet(
        data,
        initial=initial,
        prefix="members",
        form_kwargs={"collaborative": collaborative, "people": people_choices(collaborative)},
    )


class OutlineForm(forms.Form):
    outline = forms.CharField(
        label=_("Driver diagram, as an outline"),
        required=False,
        max_length=OUTLINE_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
        error_messages={
            "max_length": _("Keep the outline to %(limit_value)d characters (it has %(show_value)d).")
        },
    )
    confirm_clear = forms.BooleanField(
        label=_("Clear the diagram"),
        required=False,
        help_text=_("Tick this to save an empty outline and remove the team's driver diagram."),
    )

    def __init__(self, *args, had_diagram: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.had_diagram = had_diagram
        self.parsed = None

    def clean(self):
        cleaned = super().clean()
        if "outline" in cleaned:
            self.parsed = parse_outline(
                cleaned["outline"],
                had_diagram=self.had_diagram,
                confirm_clear=cleaned.get("confirm_clear", False),
            )
            for problem in self.parsed.problems:
                self.add_error("outline", problem.message)
        return cleaned
