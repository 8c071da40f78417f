"""Forms of the meetings app: the survey after a meeting and the proceedings' introduction."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

ANSWER_LIMIT = 4000  # as Evaluation's text fields
INTRODUCTION_LIMIT = 20000

SCALE_CHOICES = [
    (1, _("1 — poor")),
    (2, _("2")),
    (3, _("3")),
    (4, _("4")),
    (5, _("5 — excellent")),
]


# Django fills in the limit and the length typed, so the message says exactly how much to cut.
TOO_LONG = {"max_length": _("Keep this to %(limit_value)d characters at most; it has %(show_value)d.")}


def _answer(label, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        max_length=ANSWER_LIMIT,
        help_text=help_text,
        error_messages=TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Overall, how useful was this session?"),
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )
    relevance = forms.TypedChoiceField(
        label=_("How relevant was it to your work?"),
        choices=SCALE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose a relevance from 1 to 5, or leave it empty.")},
    )
    most_useful = _answer(_("What was most useful?"))
    improve = _answer(_("What should we improve?"))
    next_topics = _answer(
        _("Which topics would you like in coming sessions?"), _("One a line, if you have several.")
    )


class IntroductionForm(forms.Form):
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=INTRODUCTION_LIMIT,
        error_messages=TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: **bold**, lists with -, links [text](https://…)."),
    )
