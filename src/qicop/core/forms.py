from django import forms
from django.utils.translation import gettext_lazy as _

from qicop.core.i18n import time_zone_names


def time_zone_choices(blank_label=None):
    choices = [(name, name.replace("_", " ")) for name in time_zone_names()]
    choices.insert(0, ("UTC", "UTC"))
    if blank_label is not None:
        choices.insert(0, ("", blank_label))
    return choices


class TimeZoneField(forms.ChoiceField):
    default_error_messages = {"invalid_choice": _("Unknown time zone: %(value)s. Choose one from the list.")}

    def __init__(self, *, blank_label=None, **kwargs):
        super().__init__(choices=lambda: time_zone_choices(blank_label), **kwargs)
