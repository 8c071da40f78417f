from django import forms
from django.utils.translation import gettext_lazy as _


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
    country = forms.TypedChoiceField(
        label=_("Country"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Leave empty for the owner's country."),
    )
    due = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, members, countries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—")] + [(m.pk, m.full_name) for m in members]
        self.fields["country"].choices = [("", "—")] + [(c.pk, c.display_name) for c in countries]
        self._members = {m.pk: m for m in members}
        self._countries = {c.pk: c for c in countries}

    def clean_owner(self):
        pk = self.cleaned_data.get("owner")
        return self._members.get(pk) if pk else None

    def clean_country(self):
        pk = self.cleaned_data.get("country")
        return self._countries.get(pk) if pk else None

    def clean(self):
        cleaned = super().clean()
        owner = cleaned.get("owner")
        if cleaned.get("country") is None and owner is not None and "country" not in self.errors:
            cleaned["country"] = owner.country
        return cleaned
