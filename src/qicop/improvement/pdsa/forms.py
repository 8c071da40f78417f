"""Forms of a PDSA cycle: the plan, and one form per stage (Do, Study, Act). The rules between fields (dates
within the collaborative's, a prediction before Study, stages in order) are the services'."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qicop.improvement.models import ChangeIdea, Measure, PdsaCycle

TEXT_MAX = 5000


def _date_field(label, help_text="", required=True):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give a day."),
            "invalid": _("Give a day as the date picker writes it, e.g. 2026-03-31."),
        },
    )


def _text(label, help_text="", required=False, rows=4, required_message=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message,
            "max_length": _("Keep this to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )


class PlanForm(forms.Form):
    change_idea = forms.ModelChoiceField(
        label=_("Change idea tested"),
        queryset=ChangeIdea.objects.none(),
        required=False,
        empty_label=_("Choose from the network's change ideas"),
        error_messages={"invalid_choice": _("Choose one of the network's change ideas.")},
    )
    new_idea = forms.CharField(
        label=_("Or a new change idea"),
        required=False,
        max_length=200,
        help_text=_("Type its title: it joins the network's library of change ideas."),
        error_messages={"max_length": _("Keep the title to %(limit_value)d characters.")},
    )
    title = forms.CharField(
        label=_("Title of the cycle"),
        max_length=200,
        help_text=_("e.g. Review results daily for one week"),
        error_messages={
            "required": _("Give the cycle a short title."),
            "max_length": _("Keep the title to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    objective = _text(
        _("Objective and question"),
        _("What should this test answer?"),
        required=True,
        rows=3,
        required_message=_("Write the question this test should answer."),
    )
    prediction = _text(
        _("Prediction"),
        _("What you expect to happen, and why. Needed before the cycle can be studied."),
        rows=3,
    )
    plan = _text(_("Plan: who, what, when, where"), _("Who does what, when and where, and what is measured."))
    measure = forms.ModelChoiceField(
        label=_("Measure to watch"),
        queryset=Measure.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose the measure to watch."),
            "invalid_choice": _("Choose one of the collaborative's measures."),
        },
    )
    start = _date_field(_("Start of the test"))
    end = _date_field(_("End of the test"))

    def __init__(self, data=None, *, team, measures, cycle: PdsaCycle | None = None, **kwargs):
        super().__init__(data, **kwargs)
        ideas = Q(retired=False)
        if cycle is not None:
            ideas |= Q(pk=cycle.change_idea_id)  # a retired idea stays choosable for the cycle that tests it
        self.fields["change_idea"].queryset = ChangeIdea.objects.filter(
            ideas, network_id=team.collaborative.network_id
        ).order_by("title")
        # Any measure of the collaborative, a network indicator's or the country's data elements', in the
        # order given (the key measure first).
        field = self.fields["measure"]
        field.queryset = Measure.objects.filter(pk__in=[m.pk for m in measures]).select_related("indicator")
        field.choices = [(m.pk, m.title) for m in measures]
        self.fields["change_idea"].label_from_instance = lambda idea: idea.title

    @staticmethod
    def initial_from(cycle: PdsaCycle) -> dict:
        return {
            "change_idea": cycle.change_idea_id,
            "title": cycle.title,
            "objective": cycle.objective,
            "prediction": cycle.prediction,
            "plan": cycle.plan,
            "measure": cycle.measure_id,
            "start": cycle.start,
            "end": cycle.end,
        }

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["new_idea_title"] = data.pop("new_idea")
        return data


class DoForm(forms.Form):
    observations = _text(
        _("What happened"),
        _("What was done, with whom, and what you observed."),
        required=True,
        rows=5,
        required_message=_("Say what happened when you ran the test."),
    )
    problems = _text(_("Problems and surprises"), _("What did not go to plan, and what you did not expect."))


class StudyForm(forms.Form):
    result = _text(
        _("Result against the prediction"),
        _("What the data and observations show, beside what you predicted."),
        required=True,
        rows=5,
        required_message=_("Say what the result was, against the prediction."),
    )
    learned = _text(_("What we learned"))


class ActForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (PdsaCycle.Decision.ADOPT, _("Adopt: make the change part of how we work")),
            (PdsaCycle.Decision.ADAPT, _("Adapt: change it and test again in the next cycle")),
            (PdsaCycle.Decision.ABANDON, _("Abandon: stop testing this change")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to adopt, adapt or abandon the change.")},
    )
    next_steps = _text(_("Next steps"), rows=3)
    decided_on = _date_field(_("Decided on"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()
        self.fields["decided_on"].error_messages["required"] = _("Give the day the team decided.")
