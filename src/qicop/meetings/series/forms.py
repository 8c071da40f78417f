"""Forms of meeting series: a series' title and description, and the "find a time" helper."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qicop.meetings.models import MeetingSeries
from qicop.meetings.series import selectors as series_selectors
from qicop.scheduling import WORKING_HOURS

TITLE_MAX = MeetingSeries._meta.get_field("title").max_length
DESCRIPTION_MAX = 5000


class SeriesForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_("e.g. Virtual learning network sessions"),
        error_messages={
            "required": _("Give the series a title."),
            "max_length": _("Keep the title to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the series is for, who takes part and how often it meets."),
        error_messages={
            "max_length": _("Keep the description to %(limit_value)d characters (it has %(show_value)d).")
        },
    )

    def __init__(self, data=None, *, network, series: MeetingSeries | None = None, **kwargs):
        if series is not None:
            kwargs.setdefault("initial", {"title": series.title, "description": series.description})
        super().__init__(data, **kwargs)
        self.network, self.series = network, series

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if series_selectors.title_taken(self.network, title, exclude=self.series):
            raise forms.ValidationError(
                _(
                    "This network already has a series called “%(title)s”. Choose another title, "
                    "or add the meetings to that series."
                ),
                code="duplicate",
                params={"title": title},
            )
        return title


class FindTimeForm(forms.Form):
    countries = forms.MultipleChoiceField(
        label=_("Countries taking part"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one country.")},
    )
    duration = forms.IntegerField(label=_("Duration in minutes"), min_value=15, max_value=480, initial=90)
    first_day = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    days = forms.IntegerField(label=_("Over how many days"), min_value=1, max_value=14, initial=5)
    # The same working day as every meeting page's local-time table (scheduling.WORKING_HOURS).
    day_start = forms.TimeField(
        label=_("Working day starts"),
        initial=WORKING_HOURS[0],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    day_end = forms.TimeField(
        label=_("Working day ends"),
        initial=WORKING_HOURS[1],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    series = forms.ModelChoiceField(
        label=_("Series"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        help_text=_(
            "Optional. For the next meeting of a series: countries that met outside working hours at the "
            "series' past sessions are favoured this time, so that the same countries do not always meet "
            "at night."
        ),
        error_messages={"invalid_choice": _("Choose one of this network's series.")},
    )

    def __init__(self, *args, countries, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = [(c.iso2, c.display_name) for c in countries]
        self.fields["first_day"].initial = timezone.localdate() + timedelta(days=7)
        self.fields["series"].queryset = series

    def clean_first_day(self):
        day = self.cleaned_data["first_day"]
        if not 1990 <= day.year < 2200:
            raise forms.ValidationError(_("Choose a day between the years 1990 and 2199."))
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("day_start") and cleaned.get("day_end") and cleaned["day_start"] >= cleaned["day_end"]:
            self.add_error("day_end", _("The working day must end after it starts."))
        return cleaned
