from django import forms
from django.utils.translation import gettext_lazy as _


class ChartSettingsForm(forms.Form):
    freeze = forms.IntegerField(
        label=_("Baseline: first points"),
        required=False,
        min_value=2,
        help_text=_("Leave empty to use all points of each phase."),
    )
    phase_starts = forms.CharField(
        label=_("New phases start at"),
        required=False,
        max_length=200,
        help_text=_(
            "Periods where a documented change took effect, separated by commas, e.g. 202403, 202409."
        ),
    )

    def __init__(self, *args, period_ids: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.period_ids = period_ids

    def clean_phase_starts(self):
        starts = [p.strip() for p in self.cleaned_data["phase_starts"].split(",") if p.strip()]
        unknown = [p for p in starts if p not in self.period_ids]
        if unknown:
            raise forms.ValidationError(
                _("Not a period of this chart: %(periods)s") % {"periods": ", ".join(unknown)}
            )
        return starts


class AnnotationForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"))
    text = forms.CharField(label=_("Note"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, period_ids: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p, p) for p in reversed(period_ids)]
