"""Forms of a case presentation's evidence and of its recommendations.

The evidence form proposes the country's own teams, their collaboratives' measures and the ideas they
tested, but accepts any team, measure or idea the viewer may see: the service then says precisely why a
choice does not fit (a team of another country, a measure of another collaborative, an idea never tested)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qicop.improvement.models import ChangeIdea
from qicop.improvement.presentations import selectors


class EvidenceForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=None,
        error_messages={"invalid_choice": _("That team is not one you may see: choose one from the list.")},
    )
    measure = forms.ModelChoiceField(
        label=_("Measure to show"),
        queryset=None,
        help_text=_("Its chart at the team's facility is drawn up to the session's date."),
        error_messages={
            "invalid_choice": _("That measure is not one you may see: choose one from the list.")
        },
    )
    change_idea = forms.ModelChoiceField(
        label=_("Change idea whose PDSA ramp to show"),
        queryset=None,
        required=False,
        empty_label=_("No ramp"),
        error_messages={
            "invalid_choice": _("That change idea is not in the library: choose one from the list.")
        },
    )

    def __init__(self, *args, viewer, network, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = teams = selectors.teams_of_country(viewer, network, case.country_id)
        self.fields["team"].queryset = selectors.teams_in_reach(viewer, network)
        self.fields["measure"].queryset = selectors.measures_in_reach(viewer, network).select_related(
            "collaborative"
        )
        self.fields["change_idea"].queryset = ChangeIdea.objects.filter(network=network)
        self._propose("team", "---------", [(t, f"{t.display_name} — {t.collaborative.name}") for t in teams])
        measures = selectors.measures_of(teams)
        several = len({m.collaborative_id for m in measures}) > 1
        self._propose(
            "measure",
            "---------",
            [(m, f"{m.title} — {m.collaborative.name}" if several else m.title) for m in measures],
            label=lambda m: f"{m.title} — {m.collaborative.name}",
        )
        self._propose("change_idea", _("No ramp"), [(i, i.title) for i in selectors.ideas_tested_by(teams)])

    def _propose(self, name: str, blank: str, proposed: list, label=str) -> None:
        """Offer ``proposed`` (object, label) pairs; a choice typed outside them (which the service will
        refuse, saying why) stays selected, named by ``label``, so that the form shows what was sent."""
        field = self.fields[name]
        choices = [("", blank)] + [(obj.pk, text) for obj, text in proposed]
        sent = self.data.get(self.add_prefix(name)) if self.is_bound else None
        if sent and str(sent).isdigit() and int(sent) not in {obj.pk for obj, _text in proposed}:
            other = field.queryset.filter(pk=int(sent)).first()
            if other is not None:
                choices.append((other.pk, label(other)))
        field.choices = choices


class RecommendationForm(forms.Form):
    """One recommendation a submission: it becomes an action for the team, or a new change idea."""

    recommendation = forms.CharField(
        label=_("Recommendation"),
        max_length=500,
        help_text=_("One recommendation: it becomes the action, or the change idea's title."),
    )
    kind = forms.ChoiceField(
        label=_("Turn it into"),
        widget=forms.RadioSelect,
        choices=[
            ("action", _("an action for the team, owned by its lead")),
            ("idea", _("a new change idea in the network's library")),
        ],
        initial="action",
    )
    due = forms.DateField(
        label=_("Due (for an action)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    description = forms.CharField(
        label=_("Description (for a change idea)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How to carry the change out. In Markdown."),
    )
