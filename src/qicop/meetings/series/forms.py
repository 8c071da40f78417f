"""The form of a meeting series: its title and description."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qicop.meetings.models import MeetingSeries
from qicop.meetings.series import selectors as series_service

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
        if series_service.title_taken(self.network, title, exclude=self.series):
            raise forms.ValidationError(
                _(
                    "This network already has a series called “%(title)s”. Choose another title, "
                    "or add the meetings to that series."
                ),
                code="duplicate",
                params={"title": title},
            )
        return title
