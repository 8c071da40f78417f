from datetime import time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FindTimeForm(forms.Form):
    countries = forms.MultipleChoiceField(
        label=_("Countries taking part"), widget=forms.CheckboxSelectMultiple
    )
    duration = forms.IntegerField(label=_("Duration in minutes"), min_value=15, max_value=480, initial=90)
    first_day = forms.DateField(label=_("From"), help_text=_("e.g. 2026-12-01"))
    days = forms.IntegerField(label=_("Over how many days"), min_value=1, max_value=14, initial=5)
    day_start = forms.TimeField(label=_("Working day starts"), initial=time(7))
    day_end = forms.TimeField(label=_("Working day ends"), initial=time(19))

    def __init__(self, *args, countries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = [(c.iso2, c.display_name) for c in countries]
        self.fields["first_day"].initial = timezone.localdate() + timedelta(days=7)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("day_start") and cleaned.get("day_end") and cleaned["day_start"] >= cleaned["day_end"]:
            self.add_error("day_end", _("The working day must end after it starts."))
        return cleaned


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, lists with -, links [text](https://…)."),
    )


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), max_length=500)


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=500)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    due = forms.DateField(label=_("Due"), required=False, help_text=_("e.g. 2026-12-15"))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—")] + [(m.pk, m.full_name) for m in members]
        self._members = {m.pk: m for m in members}

    def clean_owner(self):
        pk = self.cleaned_data.get("owner")
        return self._members.get(pk) if pk else None
