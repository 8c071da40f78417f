from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qicop.accounts.models import User
from qicop.core.forms import TimeZoneField
from qicop.core.i18n import by_display_name, sort_key
from qicop.network.models import Member, Organisation, Role


def organisation_choices(organisations) -> list:
    """Organisations grouped under their country's name in the reader's language, both in name order: ten
    "Ministry of Health" are told apart by the country above them, not by a code."""
    groups: dict = {}
    for organisation in organisations:
        groups.setdefault(organisation.country, []).append(organisation)
    return [
        (country.display_name, [(o.pk, o.name) for o in sorted(members, key=lambda o: sort_key(o.name))])
        for country, members in sorted(groups.items(), key=lambda item: sort_key(item[0].display_name))
    ]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Any role")), *Role.choices])
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, countries, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country"))] + [
            (c.iso2, c.display_name) for c in by_display_name(countries)
        ]
        self.fields["organisation"].choices = [
            ("", _("Any organisation")),
            *organisation_choices(organisations),
        ]


class InvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))
    country = forms.ChoiceField(label=_("Country"))
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args, roles, countries, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        self.fields["country"].choices = [(c.iso2, c.display_name) for c in by_display_name(countries)]
        self.fields["organisation"].choices = [
            ("", _("None or not listed")),
            *organisation_choices(organisations),
        ]
        self._countries = {c.iso2: c for c in countries}
        self._organisations = {o.pk: o for o in organisations}

    def clean_country(self):
        return self._countries[self.cleaned_data["country"]]

    def clean_organisation(self):
        pk = self.cleaned_data.get("organisation")
        return self._organisations.get(pk) if pk else None


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = TimeZoneField(label=_("Time zone"))

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(p1, User(email=self.email))
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class MemberRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label=_("Roles"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r, Role(r).label) for r in roles]


class ProfileForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("en", _("English")),
            ("fr", _("French")),
            ("pt", _("Portuguese")),
            ("es", _("Spanish")),
            ("lo", _("Lao")),
            ("km", _("Khmer")),
            ("th", _("Thai")),
            ("vi", _("Vietnamese")),
            ("sw", _("Swahili")),
            ("ht", _("Haitian Creole")),
        ],
    )

    class Meta:
        model = Member
        fields = ["full_name", "title", "organisation", "languages", "bio", "photo"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            country_id=self.instance.country_id
        ).order_by("name")

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and getattr(photo, "size", 0) > settings.PHOTO_MAX_BYTES:
            raise ValidationError(_("The photo is too large: at most 2 MB, please."))
        return photo
