"""Forms of QI coach certification: a country's standards, enrolling a candidate, the knowledge check, a
mentor's observation (a rating and a comment for each competency of the standard) and the decision."""

from __future__ import annotations

from django import forms
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _

from qicop.programmes.coaches import selectors
from qicop.programmes.coaches.framework import DEFAULT_FRAMEWORK
from qicop.programmes.models import (
    CertificationStandard,
    CoachCertification,
    Competency,
    CompetencyRating,
    MentorObservation,
)

DATE_INVALID = _("Give the date as 2026-09-30 (year, month, day).")


def _date(label, *, required_message, help_text=""):
    return forms.DateField(
        label=label,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": required_message, "invalid": DATE_INVALID},
    )


class CompetencyChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Competency) -> str:
        return format_html("<strong>{}</strong>: {}", obj.name, obj.description)


class StandardForm(forms.ModelForm):
    competencies = CompetencyChoices(
        label=_("Competencies rated in observations"),
        queryset=Competency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: observations rate every competency of the network's shared framework."),
    )

    class Meta:
        model = CertificationStandard
        fields = [
            "validity_years",
            "min_teams",
            "min_cycles",
            "min_assessments",
            "min_sessions",
            "knowledge_pass",
            "min_observations",
            "min_rating",
            "renewal_teams",
            "renewal_sessions",
            "competencies",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "min_rating": forms.Select(choices=CompetencyRating.Rating.choices),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = Competency.objects.filter(
            framework=DEFAULT_FRAMEWORK
        ).order_by("order", "id")
        if self.instance.pk is None:
            self.initial["competencies"] = []


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return getattr(obj, "full_name", None) or getattr(obj, "display_name", None) or str(obj)


class EnrolForm(forms.Form):
    member = NamedChoiceField(
        label=_("Candidate"),
        queryset=None,
        empty_label=_("Choose a member"),
        error_messages={
            "required": _("Choose the member to enrol."),
            "invalid_choice": _("Choose a member of this country in the network."),
        },
    )
    started_on = _date(_("Candidate since"), required_message=_("Give the day the candidacy starts."))
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, network, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = selectors.member_choices(network, country)


class KnowledgeForm(forms.Form):
    score = forms.IntegerField(
        label=_("Result (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": _("Give the result as a percentage, from 0 to 100."),
            "invalid": _("Give the result as a percentage, from 0 to 100."),
            "min_value": _("Give the result as a percentage, from 0 to 100."),
            "max_value": _("Give the result as a percentage, from 0 to 100."),
        },
    )
    taken_on = _date(_("Taken on"), required_message=_("Give the day the knowledge check was taken."))


class ObservationForm(forms.Form):
    observed_on = _date(_("Observed on"), required_message=_("Give the day of the observation."))
    setting = forms.ChoiceField(
        label=_("Setting"),
        choices=MentorObservation.Setting.choices,
        error_messages={"required": _("Choose where the candidate was observed.")},
    )
    team = NamedChoiceField(
        label=_("Team coached"),
        queryset=None,
        required=False,
        empty_label=_("No team"),
        error_messages={
            "invalid_choice": _(
                "Choose a team the candidate coaches in the country's collaboratives, or none."
            )
        },
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the candidate did, what went well, what to work on."),
    )

    def __init__(self, *args, certification: CoachCertification, competencies: list[Competency], **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        self.fields["team"].queryset = selectors.team_choices(certification)
        for competency in competencies:
            self.fields[f"rating_{competency.pk}"] = forms.TypedChoiceField(
                label=competency.name,
                choices=[(value, f"{value} — {label}") for value, label in CompetencyRating.Rating.choices],
                coerce=int,
                widget=forms.RadioSelect,
                help_text=escape(competency.description),
                error_messages={
                    "required": _("Rate “%(name)s” from 1 to 4.") % {"name": competency.name},
                    "invalid_choice": _("Rate “%(name)s” from 1 to 4.") % {"name": competency.name},
                },
            )
            self.fields[f"comment_{competency.pk}"] = forms.CharField(
                label=_("Comment on “%(name)s”") % {"name": competency.name},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def ratings(self) -> dict[int, tuple[int | None, str]]:
        data = self.cleaned_data
        return {
            c.pk: (data.get(f"rating_{c.pk}"), data.get(f"comment_{c.pk}") or "") for c in self.competencies
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("certify", _("Certify")), ("decline", _("Do not certify (yet)"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the decision: certify, or not.")},
    )
    mentor = forms.BooleanField(
        label=_("Also name them a mentor (they may observe other candidates)"), required=False
    )
    decided_on = _date(_("Decided on"), required_message=_("Give the day of the decision."))
    decision_notes = forms.CharField(
        label=_("Reasons for the decision"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when not certifying: the candidate reads them."),
    )
