from django import forms
from django.utils.translation import gettext_lazy as _

from qicop.indicators.importer import ID_SCHEMES, STRATEGIES


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("DHIS2 data value set (JSON, XML or CSV), ADX, or the qicop spreadsheet template."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[
            ("", _("Recognise it")),
            ("json", "DHIS2 JSON"),
            ("xml", "DHIS2 XML"),
            ("csv", "DHIS2 CSV"),
            ("adx", "ADX"),
            ("template-csv", _("qicop spreadsheet template (CSV)")),
            ("template-xlsx", _("qicop spreadsheet template (Excel)")),
        ],
    )
    dry_run = forms.BooleanField(label=_("Only check the file, store nothing"), required=False, initial=True)
    strategy = forms.ChoiceField(
        label=_("What to do with the values"),
        initial="CREATE_AND_UPDATE",
        choices=[
            (s, label)
            for s, label in zip(
                STRATEGIES,
                [
                    _("Add new values only"),
                    _("Update existing values only"),
                    _("Add new and update existing values"),
                    _("Delete these values"),
                ],
                strict=True,
            )
        ],
    )
    id_scheme = forms.ChoiceField(
        label=_("The file identifies things by"),
        initial="UID",
        choices=[
            (s, label) for s, label in zip(ID_SCHEMES, [_("DHIS2 UID"), _("Code"), _("Name")], strict=True)
        ],
    )
    store_valid = forms.BooleanField(
        label=_("Store the valid values even if others have problems"),
        required=False,
        help_text=_("By default nothing is stored when any value has a problem."),
    )

    def params(self) -> dict:
        data = self.cleaned_data
        return {
            "dryRun": "true" if data["dry_run"] else "false",
            "importStrategy": data["strategy"],
            "idScheme": data["id_scheme"],
            "atomicMode": "NONE" if data["store_valid"] else "ALL",
        }


class PublishForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"))
    period = forms.CharField(
        label=_("Period"),
        max_length=20,
        help_text=_("A DHIS2 period, e.g. 202403 for March 2024 or 2024Q1 for a quarter."),
    )

    def __init__(self, *args, countries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [(c.iso2, c.display_name) for c in countries]
        self._countries = {c.iso2: c for c in countries}

    def clean_country(self):
        return self._countries[self.cleaned_data["country"]]
