from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from qicop.exchange.models import DHIS2_UID, EVERY_HOURS, IdScheme
from qicop.exchange.remote import check_base_url


def _hours(n: int) -> str:
    return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}


class MappingField(forms.CharField):
    """Lines of ``remote = local`` identifiers, read into a dict; blank lines and ``#`` comments skipped."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 40})

    def to_python(self, value):
        mapping: dict[str, str] = {}
        for number, line in enumerate((value or "").splitlines(), start=1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            remote, equals, local = (part.strip() for part in line.partition("="))
            if not equals or not remote or not local:
                raise ValidationError(
                    _("Line %(number)d: write the DHIS2 identifier, “=”, then qicop's, e.g. DE_TST = HTS_TST")
                    % {"number": number}
                )
            if remote in mapping:
                raise ValidationError(
                    _("Line %(number)d: %(id)s is mapped twice.") % {"number": number, "id": remote}
                )
            mapping[remote] = local
        return mapping

    def prepare_value(self, value):
        if isinstance(value, dict):
            return "\n".join(f"{remote} = {local}" for remote, local in value.items())
        return value


class ConnectionForm(forms.Form):
    base_url = forms.CharField(
        label=_("DHIS2 address"),
        max_length=300,
        widget=forms.URLInput(attrs={"placeholder": "https://dhis2.example.org"}),
        help_text=_("The address you open DHIS2 at, without /api. https is required."),
    )
    token = forms.CharField(
        label=_("Personal access token"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    owner = forms.ModelChoiceField(
        label=_("Imports as"),
        queryset=get_user_model().objects.none(),
        help_text=_(
            "Values are imported with this person's rights: a focal point or data manager of the country."
        ),
    )
    data_set = forms.CharField(label=_("Data set UID"), max_length=11, validators=[DHIS2_UID])
    org_unit = forms.CharField(
        label=_("Organisation unit UID"),
        max_length=11,
        validators=[DHIS2_UID],
        help_text=_("The country (or a region): its values and those of every unit below it are pulled."),
    )
    id_scheme = forms.ChoiceField(
        label=_("Match data elements and organisation units by"),
        choices=IdScheme.choices,
        initial=IdScheme.CODE,
        help_text=_(
            "Codes, when the country's DHIS2 uses the network's codes; UIDs when both share metadata."
        ),
    )
    data_element_map = MappingField(
        label=_("Data elements named differently"),
        required=False,
        help_text=_("One a line: the DHIS2 identifier = qicop's identifier (in the scheme chosen above)."),
    )
    org_unit_map = MappingField(
        label=_("Organisation units named differently"),
        required=False,
        help_text=_("One a line: the DHIS2 identifier = qicop's identifier."),
    )
    months = forms.IntegerField(
        label=_("Months of history"),
        min_value=1,
        max_value=120,
        initial=24,
        help_text=_("Periods older than this are not pulled."),
    )
    every_hours = forms.TypedChoiceField(
        label=_("Pull every"),
        coerce=int,
        initial=24,
        choices=[],  # in the reader's language: see __init__
    )
    at_hour = forms.TypedChoiceField(
        label=_("Starting at (the country's time)"),
        coerce=int,
        initial=6,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
    )
    enabled = forms.BooleanField(label=_("Pull on this schedule"), required=False, initial=True)

    def __init__(self, *args, owners, token_hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["every_hours"].choices = [
            (
                n,
                gettext("24 hours (daily)")
                if n == 24
                else ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n},
            )
            for n in EVERY_HOURS
        ]
        self.fields["owner"].queryset = get_user_model().objects.filter(pk__in=[u.pk for u in owners])
        self.fields["owner"].label_from_instance = lambda user: (
            f"{user.member.full_name} ({user.email})" if hasattr(user, "member") else user.email
        )
        if token_hint:
            self.fields["token"].help_text = _(
                "A token is stored (ending …%(hint)s). Leave this blank to keep it, or give a new one."
            ) % {"hint": token_hint}
        else:
            self.fields["token"].help_text = _(
                "Create it in DHIS2 (profile, Personal access tokens) for an account reading the data set."
            )

    def clean_base_url(self):
        try:
            return check_base_url(self.cleaned_data["base_url"])
        except ValueError as error:
            raise ValidationError(str(error)) from None
