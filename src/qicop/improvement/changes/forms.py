"""Forms of the change-idea library: the library's filters, an idea's text, target and case studies, and the
ideas a case study cites."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qicop.core.forms import countries_by_name
from qicop.improvement.changes.selectors import OUTCOMES
from qicop.improvement.models import ChangeIdea
from qicop.indicators.models import NetworkIndicator
from qicop.knowledge.models import CaseStudy

TITLE_MAX = ChangeIdea._meta.get_field("title").max_length
DESCRIPTION_MAX = 10_000


class LibraryFilters(forms.Form):
    """The library's GET form: every field optional, a value that is not a choice is a clear error."""

    indicator = forms.TypedChoiceField(label=_("Indicator"), required=False, coerce=int, empty_value=None)
    country = forms.TypedChoiceField(
        label=_("Tested or proposed in"), required=False, coerce=int, empty_value=None
    )
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    retired = forms.BooleanField(label=_("Show retired ideas"), required=False)

    def __init__(self, data=None, *, network, **kwargs):
        super().__init__(data, **kwargs)
        anything = [("", _("Any"))]
        self.fields["indicator"].choices = anything + [
            (i.pk, i.name) for i in NetworkIndicator.objects.filter(network=network).order_by("order", "name")
        ]
        self.fields["country"].choices = anything + sorted(
            ((c.pk, c.display_name) for c in network.countries.all()), key=lambda choice: choice[1]
        )
        # In the words of a ramp's outcome, not of the decision's button.
        labels = {"adopt": _("Adopted"), "adapt": _("Adapted"), "abandon": _("Abandoned")}
        self.fields["outcome"].choices = anything + [(o.value, labels[o.value]) for o in OUTCOMES]


class ChangeIdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_("The change in a few words, e.g. “Same-day review of viral-load results”."),
        error_messages={
            "required": _("Give the change idea a title."),
            "max_length": _("Keep the title to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What the change is, how a team tries it and what to watch. The first line shows in the "
            "library's list. In Markdown."
        ),
        error_messages={
            "max_length": _("Keep the description to %(limit_value)d characters (it has %(show_value)d).")
        },
    )
    indicator = forms.ModelChoiceField(
        label=_("Indicator it aims to move"),
        queryset=NetworkIndicator.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("Its topic is the step of the cascade the change works on."),
        error_messages={"invalid_choice": _("Choose one of this network's indicators.")},
    )
    country = forms.ModelChoiceField(
        label=_("First proposed by"),
        queryset=None,
        required=False,
        empty_label=_("The network"),
        error_messages={"invalid_choice": _("Choose one of this network's countries.")},
    )
    case_studies = forms.ModelMultipleChoiceField(
        label=_("Case studies that tell its story"),
        queryset=CaseStudy.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("The network's published case studies; hold Ctrl (or ⌘) to choose several."),
        error_messages={"invalid_choice": _("Choose the network's published case studies.")},
    )

    def __init__(self, data=None, *, network, idea: ChangeIdea | None = None, country=None, **kwargs):
        if idea is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": idea.title,
                    "description": idea.description,
                    "indicator": idea.indicator_id,
                    "country": idea.country_id,
                    "case_studies": [c.pk for c in idea.case_studies.all()],
                },
            )
        elif country is not None:
            kwargs.setdefault("initial", {"country": country.pk})
        super().__init__(data, **kwargs)
        self.fields["indicator"].queryset = NetworkIndicator.objects.filter(network=network).order_by(
            "order", "name"
        )
        countries_by_name(self.fields["country"], network.countries.all())
        # A case study cited before it went back to draft stays choosable, so that saving keeps it.
        shown = Q(status=CaseStudy.Status.PUBLISHED)
        if idea is not None:
            shown |= Q(change_ideas=idea)
        self.fields["case_studies"].queryset = (
            CaseStudy.objects.filter(network=network).filter(shown).distinct().order_by("title")
        )

    def clean_title(self):
        return self.cleaned_data["title"].strip()


#: The most change ideas the case study's form offers (a network's library holds a few dozen).
CITABLE_LIMIT = 300


class CitedIdeasForm(forms.Form):
    """The change ideas a case study tells the story of, ticked in a plain list (no JavaScript)."""

    ideas = forms.ModelMultipleChoiceField(
        label=_("Change ideas this case study tells the story of"),
        queryset=ChangeIdea.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose change ideas of this network's library.")},
    )

    def __init__(self, data=None, *, case_study: CaseStudy, **kwargs):
        kwargs.setdefault("initial", {"ideas": [idea.pk for idea in case_study.change_ideas.all()]})
        super().__init__(data, **kwargs)
        # A retired idea stays choosable when the case study already cites it, so that saving keeps it.
        shown = Q(retired=False) | Q(case_studies=case_study)
        ideas = ChangeIdea.objects.filter(network_id=case_study.network_id).filter(shown).distinct()
        self.fields["ideas"].queryset = ideas
        self.fields["ideas"].widget.choices = [
            (idea.pk, idea.title) for idea in ideas.order_by("title", "pk")[:CITABLE_LIMIT]
        ]
