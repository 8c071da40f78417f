"""The filter of the attendance statistics: a series and a year."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class StatisticsFilterForm(forms.Form):
    series = forms.TypedChoiceField(label=_("Series"), required=False, coerce=int, empty_value=None)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, series, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = [("", _("All series")), *list(series)]
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
