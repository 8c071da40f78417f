"""Forms of collaboratives: the collaborative itself (its aim checked by the service), and the meetings that
are its learning sessions and calls."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qicop.core.forms import countries_by_name
from qicop.core.when import when
from qicop.improvement.models import Collaborative, CollaborativeMeeting, Measure
from qicop.indicators.models import DataElement, NetworkIndicator
from qicop.meetings.models import Meeting
from qicop.network.models import Country, Member, Network
from qicop.network.permissions import PARTICIPANT_ROLES, Viewer

NAME_MAX = Collaborative._meta.get_field("name").max_length
#: The most meetings the "learning sessions and calls" form offers (newest first), besides those linked.
MEETING_CHOICES = 40
#: The most indicators offered as measures, and people offered as faculty.
INDICATOR_LIMIT = 60
FACULTY_LIMIT = 300


def _date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Give a date."), "invalid": _("Write the date as year-month-day.")},
        **kwargs,
    )


def country_choices(viewer: Viewer, network: Network, collaborative: Collaborative | None):
    """The countries ``viewer`` may say run a collaborative: any of the network's for a coordinator; else
    their own (a focal point), and the one it already has."""
    countries = network.countries.all()
    if viewer.is_coordinator(network):
        return countries.order_by("name")
    allowed = Q(pk__in=[])
    if viewer.is_focal_point_for(network, viewer.country_id):
        allowed |= Q(pk=viewer.country_id)
    if collaborative is not None:
        allowed |= Q(pk=collaborative.country_id)
    return countries.filter(allowed).order_by("name")


class CollaborativeForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        help_text=_("e.g. Viral-load suppression collaborative 2026–2027"),
        error_messages={"required": _("Give the collaborative a name.")},
    )
    country = forms.ModelChoiceField(
        label=_("Country that runs it"),
        queryset=Country.objects.none(),
        error_messages={
            "required": _("Choose the country that runs the collaborative."),
            "invalid_choice": _(
                "Choose a country you may run collaboratives for: a focal point runs their own country's."
            ),
        },
    )
    other_countries = forms.ModelMultipleChoiceField(
        label=_("Other countries taking part"),
        queryset=Country.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a multi-country collaborative."),
    )
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    aim = forms.CharField(
        label=_("Aim"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What will improve, for whom, by how much and by when."),
        error_messages={"required": _("Write the collaborative's aim.")},
    )
    key_measure = forms.ModelChoiceField(
        label=_("Key measure"),
        queryset=NetworkIndicator.objects.none(),
        help_text=_("The network indicator the aim is checked against, in every team's data."),
        error_messages={"invalid_choice": _("Choose one of the network's indicators.")},
    )
    aim_target = forms.DecimalField(
        label=_("Target"),
        max_digits=8,
        decimal_places=2,
        help_text=_("The key measure's value the aim names, e.g. 95 for 95 %."),
        error_messages={
            "required": _("Give the target value."),
            "invalid": _("Write the target as a number."),
        },
    )
    aim_date = _date_field(_("Aim reached by"))
    start = _date_field(_("Start"))
    end = _date_field(_("End"))
    change_package = forms.CharField(
        label=_("Change package"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The changes believed to work, by driver. In Markdown."),
    )
    faculty = forms.ModelMultipleChoiceField(
        label=_("Faculty and coaches"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members of the collaborative's countries: they run it with the focal point."),
    )
    shared = forms.BooleanField(
        label=_("Share with the network"),
        required=False,
        help_text=_("Members of other countries see the collaborative and its teams' work."),
    )

    def __init__(self, data=None, *, viewer: Viewer, network: Network, collaborative=None, **kwargs):
        self.indicators = list(NetworkIndicator.objects.filter(network=network).order_by("order", "name"))[
            :INDICATOR_LIMIT
        ]
        if collaborative is not None:
            kwargs.setdefault("initial", self._initial(collaborative))
        super().__init__(data, **kwargs)
        self.network, self.collaborative = network, collaborative
        countries = country_choices(viewer, network, collaborative)
        countries_by_name(self.fields["country"], countries)
        countries_by_name(self.fields["other_countries"], network.countries.all())
        self.fields["key_measure"].queryset = NetworkIndicator.objects.filter(network=network)
        self.fields["key_measure"].choices = [("", "---------")] + [(i.pk, i.name) for i in self.indicators]
        self.fields["faculty"].queryset = self._faculty(network, countries, collaborative)
        kinds = [("", _("Not a measure")), *Measure.Kind.choices]
        for indicator in self.indicators:
            self.fields[f"measure_{indicator.pk}"] = forms.ChoiceField(
                label=_("Measure: %(name)s") % {"name": indicator.name}, choices=kinds, required=False
            )
        if collaborative is None and countries.count() == 1:
            self.fields["country"].initial = countries.first()

    @staticmethod
    def _initial(collaborative: Collaborative) -> dict:
        initial = {
            name: getattr(collaborative, name)
            for name in ("name", "topic", "aim", "aim_target", "aim_date", "start", "end", "change_package")
        }
        initial |= {
            "shared": collaborative.shared,
            "country": collaborative.country_id,
            "key_measure": collaborative.key_measure_id,
            "other_countries": [c.pk for c in collaborative.other_countries.all()],
            "faculty": [m.pk for m in collaborative.faculty.all()],
        }
        initial |= {f"measure_{m.indicator_id}": m.kind for m in collaborative.measures.all()}
        return initial

    @staticmethod
    def _faculty(network, countries, collaborative):
        """Participants of the countries that may run it (for an edit, of its countries)."""
        country_ids = (
            collaborative.country_ids()
            if collaborative is not None
            else set(countries.values_list("pk", flat=True))
        )
        people = Member.objects.filter(
            country_id__in=country_ids, memberships__network=network, memberships__role__in=PARTICIPANT_ROLES
        )
        if collaborative is not None:
            people = people | Member.objects.filter(pk__in=[m.pk for m in collaborative.faculty.all()])
        ids = list(people.order_by("full_name").values_list("pk", flat=True).distinct()[:FACULTY_LIMIT])
        return Member.objects.filter(pk__in=ids).select_related("country").order_by("full_name")

    def measures(self) -> list[tuple[NetworkIndicator, str]]:
        """(indicator, kind) of each indicator chosen as a measure, in the form's order."""
        return [
            (indicator, self.cleaned_data[f"measure_{indicator.pk}"])
            for indicator in self.indicators
            if self.cleaned_data.get(f"measure_{indicator.pk}")
        ]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        names = ("name", "country", "key_measure", "aim", "aim_target", "aim_date", "start", "end", "topic")
        arguments = {name: data[name] for name in names}
        arguments |= {
            "other_countries": list(data["other_countries"]),
            "change_package": data["change_package"],
            "faculty": list(data["faculty"]),
            "shared": data["shared"],
            "measures": self.measures(),
        }
        return arguments


def meeting_choices(collaborative: Collaborative) -> list[Meeting]:
    """The meetings the form offers: the network's newest (bounded), and those already linked."""
    newest = list(
        Meeting.objects.filter(network_id=collaborative.network_id).order_by("-start", "-pk")[
            :MEETING_CHOICES
        ]
    )
    linked = Meeting.objects.filter(collaborative_roles__collaborative=collaborative).exclude(
        pk__in=[m.pk for m in newest]
    )
    return sorted([*newest, *linked], key=lambda m: (m.start, m.pk), reverse=True)


class MeetingsForm(forms.Form):
    """One choice per meeting: not part of the collaborative, or its role in it."""

    def __init__(self, data=None, *, collaborative: Collaborative, meetings: list[Meeting], **kwargs):
        current = dict(collaborative.meetings.values_list("meeting_id", "role"))
        super().__init__(data, **kwargs)
        self.meetings = meetings
        roles = [("", _("Not part of it")), *CollaborativeMeeting.Role.choices]
        for meeting in meetings:
            self.fields[f"meeting_{meeting.pk}"] = forms.ChoiceField(
                label=f"{meeting.title} — {when(meeting.start, 'date')}",
                choices=roles,
                required=False,
                initial=current.get(meeting.pk, ""),
            )

    def roles(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data.get(f"meeting_{m.pk}", "") for m in self.meetings}


class MeasureForm(forms.Form):
    """A new measure: a network indicator, or the owning country's data elements (named by UID, code or
    name). The service refuses neither, both, and another country's elements; what was typed stays. With
    ``measure`` (one on data elements), that measure changed: the same fields but the indicator, the same
    refusals."""

    indicator = forms.ChoiceField(label=_("A network indicator"), required=False)
    name = forms.CharField(
        label=_("Name of the measure"), max_length=Measure._meta.get_field("name").max_length, required=False
    )
    numerator = forms.CharField(
        label=_("Numerator: your country's data element"),
        max_length=230,
        required=False,
        help_text=_("Its UID, code or name, as your country's data holds it."),
    )
    denominator = forms.CharField(
        label=_("Denominator: your country's data element (optional)"),
        max_length=230,
        required=False,
        help_text=_("Leave empty to chart the numerator's values themselves."),
    )
    factor = forms.IntegerField(
        label=_("Factor"),
        min_value=1,
        initial=1,
        required=False,
        help_text=_("100 for a percentage, 1000 for a rate per thousand; 1 otherwise."),
    )
    improvement = forms.ChoiceField(
        label=_("Direction"), choices=Measure.Direction.choices, initial=Measure.Direction.UP
    )
    kind = forms.ChoiceField(label=_("Kind of measure"), choices=Measure.Kind.choices)

    def __init__(self, data=None, *, collaborative: Collaborative, measure: Measure | None = None, **kwargs):
        if measure is not None:
            kwargs.setdefault("initial", self._initial(measure))
        super().__init__(data, **kwargs)
        self.collaborative, self.measure = collaborative, measure
        if measure is not None:
            del self.fields["indicator"]
            self.indicators = {}
            return
        self.indicators = {
            str(i.pk): i
            for i in NetworkIndicator.objects.filter(network_id=collaborative.network_id).order_by(
                "order", "name"
            )[:INDICATOR_LIMIT]
        }
        self.fields["indicator"].choices = [("", _("None: the measure is on data elements"))] + [
            (pk, i.name) for pk, i in self.indicators.items()
        ]

    @staticmethod
    def _initial(measure: Measure) -> dict:
        """The measure as stored; its elements by UID, which names one element only."""
        return {
            "name": measure.name,
            "numerator": measure.numerator.uid if measure.numerator_id else "",
            "denominator": measure.denominator.uid if measure.denominator_id else "",
            "factor": measure.factor,
            "improvement": measure.improvement,
            "kind": measure.kind,
        }

    def _element(self, field: str) -> DataElement | None:
        """The data element typed in ``field``: the country's own (or the network's shared) first, else
        another country's, which the service refuses by name."""
        text = (self.cleaned_data.get(field) or "").strip()
        if not text:
            return None
        found = list(
            DataElement.objects.filter(Q(uid=text) | Q(code=text) | Q(name__iexact=text))
            .select_related("country")
            .order_by("id")[:20]
        )
        own = [e for e in found if e.country_id in (None, self.collaborative.country_id)]
        if own or found:
            return (own or found)[0]
        self.add_error(field, _("No data element %(text)s: give its UID, code or name.") % {"text": text})
        return None

    def clean(self):
        cleaned = super().clean()
        if self.measure is None:
            cleaned["indicator"] = self.indicators.get(cleaned.get("indicator") or "")
        cleaned["numerator"] = self._element("numerator")
        cleaned["denominator"] = self._element("denominator")
        cleaned["factor"] = cleaned.get("factor") or 1
        return cleaned

    def values(self) -> dict:
        keys = ("name", "numerator", "denominator", "factor", "improvement", "kind")
        if self.measure is None:
            keys = ("indicator", *keys)
        return {key: self.cleaned_data[key] for key in keys}
