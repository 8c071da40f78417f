from django import forms
from django.utils.translation import gettext_lazy as _

from qicop.indicators.periods import period_name


class PeriodsField(forms.MultipleChoiceField):
    """Periods ticked by name ("Mar 2024"); the ids themselves, separated by commas ("202403, 202409"),
    as a data manager or a script sends them, are read too. The form says which are not the chart's."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value):
        return [part.strip() for text in super().to_python(value) for part in text.split(",") if part.strip()]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class ChartSettingsForm(forms.Form):
    freeze = forms.IntegerField(
        label=_("Baseline: first points"),
        required=False,
        min_value=2,
        help_text=_("Leave empty to use all points of each phase."),
    )
    phase_starts = PeriodsField(
        label=_("New phases start at"),
        required=False,
        help_text=_("Tick the periods where a documented change took effect: a new phase starts at each."),
    )

    def __init__(self, *args, period_ids: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.period_ids = period_ids
        self.fields["phase_starts"].choices = [(p, period_name(p)) for p in period_ids]

    def clean_phase_starts(self):
        starts = self.cleaned_data["phase_starts"]
        unknown = [p for p in starts if p not in self.period_ids]
        if unknown:
            raise forms.ValidationError(
                _("Not a period of this chart: %(periods)s")
                % {"periods": ", ".join(period_name(p) for p in unknown)}
            )
        return list(dict.fromkeys(starts))


class AnnotationForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"))
    text = forms.CharField(label=_("Note"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, period_ids: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p, period_name(p)) for p in reversed(period_ids)]
