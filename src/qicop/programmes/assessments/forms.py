"""Forms of assessment rounds: start a round, answer one domain, send a round back to draft."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qicop.core.forms import countries_by_name
from qicop.core.uploads import check_upload, too_large_message
from qicop.network.models import Country, Member, Network
from qicop.network.permissions import Viewer
from qicop.programmes.assessments.services import Given
from qicop.programmes.models import AssessmentRound, Domain, EvidenceFile, Instrument

#: The most members offered as named assessors (a network of a few hundred people fits).
ASSESSOR_CHOICES_LIMIT = 500


class InstrumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Instrument) -> str:
        return obj.name


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.full_name} ({obj.country.display_name})"


class RoundForm(forms.Form):
    instrument = InstrumentChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose the instrument."),
            "invalid_choice": _("Choose an instrument."),
        },
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose the country assessed."),
            "invalid_choice": _(
                "Choose a country you may run assessments for: a focal point runs their own country's."
            ),
        },
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        error_messages={"required": _("Give the year assessed."), "invalid": _("Give the year as 2026.")},
    )
    assessed_by = forms.ChoiceField(
        label=_("Assessment"),
        choices=AssessmentRound.Assessor.choices,
        widget=forms.RadioSelect,
        initial=AssessmentRound.Assessor.SELF,
        help_text=_("A self-assessment by the country's own team, or an external one by a QI consultant."),
    )
    assessors = MemberChoiceField(
        label=_("Named assessors (members)"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("They may fill the round. Hold Ctrl (or ⌘) to choose several."),
    )
    assessor_names = forms.CharField(
        label=_("Other assessors"),
        max_length=300,
        required=False,
        help_text=_("Names of assessors without an account, e.g. an external consultant."),
    )
    from_last_year = forms.BooleanField(
        label=_("Start from last year's answers"),
        required=False,
        initial=True,
        help_text=_(
            "Copies the levels, evidence and comments of the country's latest earlier round of this "
            "instrument (questions that carried over to a new version keep theirs); then change what changed."
        ),
    )

    def __init__(self, *args, viewer: Viewer, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.fields["instrument"].queryset = Instrument.objects.filter(current=True).order_by("kind", "slug")
        countries = network.countries.order_by("name")
        if not viewer.is_coordinator(network):
            countries = countries.filter(pk=viewer.country_id)
        countries_by_name(self.fields["country"], countries)
        members = Member.objects.filter(memberships__network=network).order_by("full_name", "id")
        ids = list(members.values_list("pk", flat=True).distinct()[:ASSESSOR_CHOICES_LIMIT])
        self.fields["assessors"].queryset = (
            Member.objects.filter(pk__in=ids).select_related("country").order_by("full_name", "id")
        )
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)

    def clean_year(self):
        year = self.cleaned_data["year"]
        latest = timezone.localdate().year + 1
        if year > latest:
            raise forms.ValidationError(
                _("%(year)s is too far ahead: a round assesses this year or next (%(latest)s at the latest).")
                % {"year": year, "latest": latest}
            )
        return year


class DomainAnswersForm(forms.Form):
    """One domain's items: for each a level (radio buttons, drawn by the template with each level's
    definition), evidence, a comment and a file to attach as evidence; and the evidence files to remove.
    Fields ``level_<item id>``, ``evidence_<id>``, ``comment_<id>``, ``file_<id>``, ``remove``.

    The files go with the answers in the one form (multipart): one save stores levels and files together,
    so that a file can be the evidence of the level chosen beside it, and nothing typed is lost by leaving
    the page to upload."""

    def __init__(
        self,
        *args,
        domain: Domain,
        levels: list[int],
        files: list[EvidenceFile] = (),
        too_large=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.items = list(domain.items.all())
        self._too_large = set(too_large)
        file_help = _(
            "PDF, PowerPoint (PPTX), Word (DOCX), Excel (XLSX) or an image (PNG, JPEG, GIF, WebP); at most "
            "%(limit)s. It is stored with the answer when you save."
        ) % {"limit": filesizeformat(settings.QICOP_UPLOAD_MAX_BYTES)}
        self.fields["remove"] = forms.TypedMultipleChoiceField(
            choices=[(f.pk, f.original_name) for f in files],
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "invalid_choice": _("That file is no longer evidence of these questions: reload the page.")
            },
        )
        choices = [("", _("Not assessed yet"))] + [(str(level), str(level)) for level in levels]
        for item in self.items:
            self.fields[f"level_{item.pk}"] = forms.TypedChoiceField(
                label=item.text,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose one of the instrument's levels.")},
            )
            self.fields[f"evidence_{item.pk}"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"file_{item.pk}"] = forms.FileField(
                label=_("Attach a file as evidence"),
                required=False,
                help_text=file_help,
            )

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            name = f"file_{item.pk}"
            if name in self._too_large:
                self.add_error(name, too_large_message())
            elif cleaned.get(name):
                try:
                    check_upload(cleaned[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def attachments(self):
        """The files chosen, by item, as the service takes them."""
        return {item: upload for item in self.items if (upload := self.cleaned_data.get(f"file_{item.pk}"))}

    def removed(self) -> list[int]:
        return self.cleaned_data.get("remove") or []

    def files_chosen_but_not_stored(self) -> None:
        """When the page comes back with errors, the browser has forgotten the files chosen: say so beside
        each good one, so that nobody believes it stored."""
        for item in self.items:
            name = f"file_{item.pk}"
            if self.files.get(name) and not self.errors.get(name):
                self.add_error(
                    name,
                    _(
                        "“%(file)s” was not stored, because of the other problems on this page: choose it "
                        "again once they are corrected."
                    )
                    % {"file": self.files[name].name},
                )

    def given(self):
        """The answers typed, as the service takes them."""
        data = self.cleaned_data
        return {
            item: Given(
                level=data.get(f"level_{item.pk}"),
                evidence=data.get(f"evidence_{item.pk}", ""),
                comment=data.get(f"comment_{item.pk}", ""),
            )
            for item in self.items
        }


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it goes back to draft"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Say why the round goes back to draft: its assessors read it.")},
    )
