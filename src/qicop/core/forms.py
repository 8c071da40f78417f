from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qicop.core.i18n import by_display_name, time_zone_names


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


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show on ``form`` the errors a service raised: each under its field when the service named one the
    form has, the others above the form."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def countries_by_name(field: forms.ModelChoiceField, countries) -> None:
    """Offer ``countries`` in ``field`` in the order of their names in the reader's language (a queryset's
    order is the English names'), keeping the queryset for validation."""
    field.queryset = countries
    choices = [(country.pk, country.display_name) for country in by_display_name(countries)]
    if not isinstance(field, forms.ModelMultipleChoiceField) and field.empty_label is not None:
        choices = [("", field.empty_label), *choices]
    field.choices = choices
