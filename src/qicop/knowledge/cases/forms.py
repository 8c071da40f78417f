"""Forms of case studies, their charts and attachments, resources, and the list filters."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from qicop.core.uploads import check_upload, too_large_message
from qicop.dashboards.pipeline import period_choices, rule_set_choices
from qicop.knowledge.models import LANGUAGES, CaseStudy, Resource

MAX_SECTION = 20_000  # characters in one section of a case study: a long report, not a book
ANY = [("", _("Any"))]


def _file_help() -> str:
    return _(
        "PDF, PowerPoint (PPTX), Word (DOCX), Excel (XLSX) or an image (PNG, JPEG, GIF, WebP); "
        "at most %(limit)s."
    ) % {"limit": filesizeformat(settings.QICOP_UPLOAD_MAX_BYTES)}


def _section(label, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_SECTION,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class CaseStudyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=500,
        required=False,
        help_text=_("One or two sentences shown in lists and the feed."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    country = forms.ModelChoiceField(label=_("Country"), queryset=None)
    org_units = forms.ModelMultipleChoiceField(
        label=_("Where"), queryset=None, required=False, help_text=_("Regions, districts or facilities.")
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    improvement_model = forms.ChoiceField(label=_("Improvement model"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    context = _section(_("Context and problem"), _("In Markdown."))
    aim = _section(_("Aim"))
    changes = _section(_("Changes tested"))
    results = _section(_("Results"), _("Add live charts of your data from the case study's page."))
    challenges = _section(_("Implementation challenges"))
    lessons = _section(_("Lessons and advice for others"))
    authors = forms.ModelMultipleChoiceField(
        label=_("Authors"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        help_text=_("A few words for the version history."),
    )
    # The version the editor started from: compared under the row lock when saving (optimistic locking).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    # Unticked boxes send nothing: this says the author boxes were on the page, so that "none ticked"
    # means "remove them all" (refused by the service) rather than "not part of this request" (kept).
    authors_shown = forms.BooleanField(widget=forms.HiddenInput, required=False, initial=True)

    def __init__(self, *args, countries, topics, org_units, authors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries
        if len(countries) == 1:
            self.fields["country"].empty_label = None
        self.fields["topics"].queryset = topics
        self.fields["org_units"].queryset = org_units
        self.fields["authors"].queryset = authors
        if not authors.exists():
            del self.fields["authors"]
            del self.fields["authors_shown"]
        if not org_units.exists():
            del self.fields["org_units"]
        self.fields["improvement_model"].choices = [("", "—"), *CaseStudy.ImprovementModel.choices]
        self.fields["outcome"].choices = [("", "—"), *CaseStudy.Outcome.choices]

    def clean(self):
        cleaned = super().clean()
        country, units = cleaned.get("country"), cleaned.get("org_units") or []
        wrong = [u.name for u in units if country is not None and u.country_id != country.pk]
        if wrong:
            self.add_error(
                "org_units",
                _("These places are not in %(country)s: %(names)s")
                % {"country": country, "names": ", ".join(wrong)},
            )
        return cleaned

    def chosen_authors(self):
        """The authors to save: None (keep them) when the author boxes were not on the submitted form."""
        if "authors" not in self.fields or not self.cleaned_data.get("authors_shown"):
            return None
        return list(self.cleaned_data.get("authors") or [])

    def case_fields(self) -> dict:
        data = self.cleaned_data
        names = (
            "title",
            "summary",
            "country",
            "language",
            "improvement_model",
            "outcome",
            "context",
            "aim",
            "changes",
            "results",
            "challenges",
            "lessons",
        )
        return {name: data[name] for name in names}


class ReviewCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}), strip=True
    )


class ChartForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=None)
    org_unit = forms.ModelChoiceField(label=_("Where"), queryset=None, required=False)
    org_unit_code = forms.CharField(
        label=_("Or a facility, by its code or UID"),
        max_length=50,
        required=False,
        help_text=_("For a place below the districts listed above, e.g. a facility: its DHIS2 code or UID."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)
    rules = forms.ChoiceField(label=_("Rules"))
    periods = forms.ChoiceField(label=_("Periods"))

    def __init__(self, *args, indicators, org_units, country_units, **kwargs):
        """``org_units``: the places offered in the list; ``country_units``: every place of the case study's
        country, which a code or UID may name."""

        super().__init__(*args, **kwargs)
        self._country_units = country_units
        self.fields["indicator"].queryset = indicators
        self.fields["org_unit"].queryset = org_units
        self.fields["rules"].choices = rule_set_choices()
        self.fields["periods"].choices = period_choices()
        self.fields["org_unit"].label_from_instance = lambda u: ("— " * (u.level - 1)) + u.name

    def clean(self):
        cleaned = super().clean()
        code = (cleaned.get("org_unit_code") or "").strip()
        if code:
            unit = self._country_units.filter(Q(code=code) | Q(uid=code)).first()
            if unit is None:
                self.add_error(
                    "org_unit_code",
                    _("No place of this country has the code or UID “%(code)s”.") % {"code": code},
                )
            else:
                cleaned["org_unit"] = unit
        elif not cleaned.get("org_unit") and "org_unit" not in self.errors:
            self.add_error("org_unit", _("Choose a place, or give a facility's code or UID."))
        return cleaned


class _UploadMixin:
    def _checked_file(self, required: bool):
        upload = self.cleaned_data.get("file")
        if self._too_large:
            raise ValidationError(too_large_message(), code="too_large")
        if upload:
            check_upload(upload)
        elif required:
            raise ValidationError(_("Choose a file to upload."), code="required")
        return upload


class AttachmentForm(_UploadMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args, too_large=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._too_large = bool(too_large)
        self.fields["file"].help_text = _file_help()

    def clean_file(self):
        return self._checked_file(required=True)


class ResourceForm(_UploadMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In Markdown."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Resource.Kind.choices)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=None, required=False, empty_label=_("All countries")
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1980, max_value=2100)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("Or a link"), required=False, assume_scheme="https", max_length=200)

    def __init__(self, *args, countries, topics, has_file: bool = False, too_large=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._too_large = bool(too_large)
        self._has_file = has_file
        self.fields["country"].queryset = countries
        if len(countries) == 1:
            self.fields["country"].empty_label = None
        self.fields["topics"].queryset = topics
        self.fields["file"].help_text = _file_help()
        if has_file:
            self.fields["file"].label = _("Replace the file")

    def clean_file(self):
        return self._checked_file(required=False)

    def clean(self):
        cleaned = super().clean()
        if self.errors.get("file") or self.errors.get("url"):
            return cleaned
        upload, url = cleaned.get("file"), cleaned.get("url")
        if upload and url:
            raise ValidationError(_("Give a file or a link, not both."), code="both")
        if not upload and not url and not self._has_file:
            raise ValidationError(_("Choose a file to upload or give a link."), code="neither")
        return cleaned

    def resource_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("title", "description", "kind", "country", "language", "year", "url")
        }


class CaseStudyFilterForm(forms.Form):
    country = forms.TypedChoiceField(label=_("Country"), required=False, coerce=int, empty_value=None)
    topic = forms.TypedChoiceField(label=_("Topic"), required=False, coerce=int, empty_value=None)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, countries, topics, years, with_status: bool = False, **kwargs):
        """``with_status``: offer the status filter, to those who may see drafts and case studies in
        review (the list still shows them only what they may see)."""
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = ANY + [(c.pk, c.display_name) for c in countries]
        self.fields["topic"].choices = ANY + [(t.pk, t.name) for t in topics]
        self.fields["outcome"].choices = ANY + list(CaseStudy.Outcome.choices)
        self.fields["language"].choices = ANY + LANGUAGES
        self.fields["year"].choices = ANY + [(y, str(y)) for y in years]
        if with_status:
            self.fields["status"].choices = ANY + list(CaseStudy.Status.choices)
        else:
            del self.fields["status"]


class ResourceFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    topic = forms.TypedChoiceField(label=_("Topic"), required=False, coerce=int, empty_value=None)
    country = forms.TypedChoiceField(label=_("Country"), required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(label=_("Language"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, countries, topics, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ANY + list(Resource.Kind.choices)
        self.fields["country"].choices = ANY + [(c.pk, c.display_name) for c in countries]
        self.fields["topic"].choices = ANY + [(t.pk, t.name) for t in topics]
        self.fields["language"].choices = ANY + LANGUAGES
        self.fields["year"].choices = ANY + [(y, str(y)) for y in years]
