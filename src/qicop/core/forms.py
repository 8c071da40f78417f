import datetime as dt
from functools import lru_cache

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qicop.core.i18n import by_display_name, canonical_time_zone, picker_time_zones, sort_key
from qicop.core.when import zone_label

#: The picker's groups: the first part of a zone's IANA name, as a person names the region.
REGIONS = {
    "Africa": pgettext_lazy("region of time zones", "Africa"),
    "America": pgettext_lazy("region of time zones", "Americas"),
    "Antarctica": pgettext_lazy("region of time zones", "Antarctica"),
    "Arctic": pgettext_lazy("region of time zones", "Arctic"),
    "Asia": pgettext_lazy("region of time zones", "Asia"),
    "Atlantic": pgettext_lazy("region of time zones", "Atlantic Ocean"),
    "Australia": pgettext_lazy("region of time zones", "Australia"),
    "Europe": pgettext_lazy("region of time zones", "Europe"),
    "Indian": pgettext_lazy("region of time zones", "Indian Ocean"),
    "Pacific": pgettext_lazy("region of time zones", "Pacific"),
}


def time_zone_choices(blank_label=None):
    """The zones a person picks from: one per place (no aliases), named by its city in the reader's
    language and its offset this hour ("Nairobi (UTC+3)"), grouped by region and sorted by name there;
    the value stays the IANA name."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    choices: list = [("UTC", "UTC"), *_labelled_zones(translation.get_language() or "en", hour)]
    if blank_label is not None:
        choices.insert(0, ("", blank_label))
    return choices


@lru_cache(maxsize=8)
def _labelled_zones(language: str, hour: dt.datetime) -> tuple:
    """The picker's groups in ``language`` at ``hour`` (labelling 400 zones takes some 40 ms: once an hour
    per language is enough, offsets change on the hour)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in picker_time_zones():
        label = zone_label(name, at=hour, language=language)
        groups.setdefault(name.split("/", 1)[0], []).append((name, label))
    with translation.override(language):
        return tuple(
            (str(label), sorted(groups[region], key=lambda pair: sort_key(pair[1])))
            for region, label in REGIONS.items()
            if region in groups
        )


class TimeZoneField(forms.ChoiceField):
    """A time zone, picked by city; an older name of a zone (an alias such as "Asia/Calcutta") is read as
    the zone it names, so a stored alias shows as chosen and saves again."""

    default_error_messages = {"invalid_choice": _("Unknown time zone: %(value)s. Choose one from the list.")}

    def __init__(self, *, blank_label=None, **kwargs):
        super().__init__(choices=lambda: time_zone_choices(blank_label), **kwargs)

    def prepare_value(self, value):
        return canonical_time_zone(value) if value else value

    def to_python(self, value):
        value = super().to_python(value)
        return canonical_time_zone(value) if value else value


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
