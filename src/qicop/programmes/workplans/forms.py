"""Forms of work plans: an objective for a domain, an action step."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qicop.network.models import Member
from qicop.programmes.models import AssessmentRound
from qicop.programmes.scores import DomainResult

#: The most members offered as owners of a step (a country's members in the network).
OWNER_CHOICES_LIMIT = 300


def domain_label(result: DomainResult) -> str:
    if result.level is None:
        return _("%(domain)s (not assessed)") % {"domain": result.name}
    return _("%(domain)s (level %(level).1f)") % {"domain": result.name, "level": result.level}


class ObjectiveForm(forms.Form):
    domain = forms.ChoiceField(
        label=_("Domain"),
        help_text=_("The lowest domains come first: they are the ones the plan proposes to work on."),
        error_messages={
            "required": _("Choose the domain this objective serves."),
            "invalid_choice": _("Choose one of the round's domains."),
        },
    )
    text = forms.CharField(
        label=_("Objective"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the country means to reach in this domain by next year's round."),
        error_messages={
            "required": _(
                "Write the objective: what the country means to reach in this domain by next year's round."
            )
        },
    )

    def __init__(self, *args, proposal: list[DomainResult], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [(d.code, domain_label(d)) for d in proposal]


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return obj.full_name


class ActionForm(forms.Form):
    description = forms.CharField(
        label=_("Action step"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Describe the step: what will be done, so that its owner knows.")},
    )
    owner = OwnerField(
        label=_("Owner"),
        queryset=Member.objects.none(),
        empty_label=_("Choose a member"),
        error_messages={"required": _("Choose who owns this step.")},
    )
    due = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the date the step is due."),
            "invalid": _("Give the date as 2026-09-30 (year, month, day)."),
        },
    )

    def __init__(self, *args, round_: AssessmentRound, **kwargs):
        super().__init__(*args, **kwargs)
        country = round_.country.display_name
        ids = list(
            Member.objects.filter(country_id=round_.country_id, memberships__network_id=round_.network_id)
            .order_by("full_name", "id")
            .values_list("pk", flat=True)
            .distinct()[:OWNER_CHOICES_LIMIT]
        )
        owner = self.fields["owner"]
        owner.queryset = Member.objects.filter(pk__in=ids).order_by("full_name", "id")
        owner.help_text = _("A member of %(country)s; the step shows on their home page.") % {
            "country": country
        }
        owner.error_messages["invalid_choice"] = _(
            "Choose a member of %(country)s: the owner of a step is one of the country's members."
        ) % {"country": country}
