from django import forms
from django.utils.translation import gettext_lazy as _

from qicop.indicators.import_types import ID_SCHEMES, STRATEGIES
from qicop.indicators.periods import covered, period_name
from qicop.integrations.dhis2.periods import ParsedPeriod, PeriodError, parse_period, period_of


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
        initial="",
        required=False,
        # As DHIS2: ADX files name things by code, the other formats by UID, unless the file says otherwise.
        choices=[("", _("What its format uses (codes for ADX, else DHIS2 UIDs)"))]
        + [(s, label) for s, label in zip(ID_SCHEMES, [_("DHIS2 UID"), _("Code"), _("Name")], strict=True)],
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


class PeriodSelect(forms.CharField):
    """A period picked by name from a list ("Nov 2026", "2026 Q3"); its value is the DHIS2 id, and an id
    sent that the list does not hold (a data manager's script, an older link) is read too, and shown again
    as it was typed when the form comes back with an error."""

    widget = forms.Select

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def offer(self, groups: list[tuple[str, list[tuple[str, str]]]], typed: str | None = None) -> None:
        """``groups``: (group name, [(id, name), …]) pairs, shown as groups of options."""
        listed = {value for _label, pairs in groups for value, _name in pairs}
        if typed and typed not in listed:
            groups = [("", [(typed, period_name(typed))]), *groups]  # "": no group around it
        self.widget.choices = groups


class PublishForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"))
    period = PeriodSelect(
        label=_("Period"),
        help_text=_(
            "The months in which the countries you publish for hold values, and their quarters and years."
        ),
    )

    def __init__(self, *args, countries, periods: list[ParsedPeriod], published=None, **kwargs):
        """``periods``: the months that hold values of these countries, newest first; the quarters and
        years that contain them are offered too. ``published``: for a single country, its publications'
        (first day, last day): the periods they cover say so."""
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [(c.iso2, c.display_name) for c in countries]
        self._countries = {c.iso2: c for c in countries}
        groups = [(_("Months"), periods)]
        for label, period_type in ((_("Quarters"), "Quarterly"), (_("Years"), "Yearly")):
            # Only those that have ended: publishing a year in June would publish the months to come.
            longer = dict.fromkeys(period_of(period_type, p.start) for p in periods)
            groups.append((label, [q for q in longer if q.end <= periods[0].end]))

        def name(period) -> str:
            if published is not None and covered(published, period):
                return _("%(period)s (published)") % {"period": period_name(period.id)}
            return period_name(period.id)

        self.fields["period"].offer(
            [(label, [(p.id, name(p)) for p in group]) for label, group in groups if group],
            typed=self.data.get("period") if self.is_bound else None,
        )
        if periods and not self.is_bound:
            self.initial.setdefault("period", periods[0].id)

    def clean_country(self):
        return self._countries[self.cleaned_data["country"]]


ALL_COUNTRIES = "all"


def _org_unit_groups(org_units) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each country as a group of options, countries by name: the country itself, then its units by name."""
    below: dict[int, list] = {}
    for unit in org_units:
        if unit.level > 1:
            below.setdefault(unit.parent_id, []).append(unit)
    roots = sorted((u for u in org_units if u.level == 1), key=lambda u: u.name.casefold())
    return [
        (
            root.name,
            [(root.uid, _("%(country)s, the whole country") % {"country": root.name})]
            + [(u.uid, u.name) for u in sorted(below.get(root.pk, []), key=lambda u: u.name.casefold())],
        )
        for root in roots
    ]


class ExportForm(forms.Form):
    q = forms.CharField(
        label=_("Find data elements"),
        required=False,
        max_length=100,
        help_text=_("Part of a name or a code, then Search: the matching data elements are added below."),
    )
    data_elements = forms.MultipleChoiceField(label=_("Data elements"), widget=forms.CheckboxSelectMultiple)
    org_unit = forms.ChoiceField(label=_("Organisation unit"))
    children = forms.BooleanField(label=_("Include everything below it"), required=False, initial=True)
    start = PeriodSelect(label=_("From"))
    end = PeriodSelect(label=_("To"))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("xlsx", _("Excel, for people")),
            ("people-csv", _("CSV, for people")),
            ("json", "DHIS2 JSON"),
            ("xml", "DHIS2 XML"),
            ("csv", "DHIS2 CSV"),
            ("adx", "ADX"),
        ],
    )

    def __init__(self, *args, data_elements, org_units, months: list[ParsedPeriod], **kwargs):
        """``data_elements``: (group label, data elements) pairs, shown as groups of choices;
        ``org_units``: the countries' national units and the units just below, in any order;
        ``months``: the months to choose from, newest first."""
        super().__init__(*args, **kwargs)
        self.fields["data_elements"].choices = [
            (label, [(d.uid, d.name) for d in elements]) for label, elements in data_elements if elements
        ]
        self.fields["org_unit"].choices = [(ALL_COUNTRIES, _("Every country")), *_org_unit_groups(org_units)]
        names = [(p.id, period_name(p.id)) for p in months]
        for name in ("start", "end"):
            typed = self.data.get(name) if self.is_bound else self.initial.get(name)
            self.fields[name].offer([("", names)], typed=typed)

    def _period(self, name):

        try:
            return parse_period(self.cleaned_data[name])
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_start(self):
        return self._period("start")

    def clean_end(self):
        return self._period("end")
