"""The monthly report's form and the coach's confirmation. Scores are chosen on the scale (radio buttons
whose labels are the levels' definitions, drawn by the template); the measures are not on the form: they
are read from the data."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qicop.improvement.scale import LEVELS


def _score(value: str) -> Decimal | None:
    value = (value or "").strip().replace(",", ".")
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValidationError(
            _("A score on the IHI scale is 1.0 to 5.0 in half points; %(value)s is not one."),
            code="score",
            params={"value": value},
        ) from None


class ScoreField(forms.CharField):
    """A score on the scale, as typed or chosen; the service says whether it is on the scale."""

    def to_python(self, value):
        return _score(super().to_python(value))


class ReportForm(forms.Form):
    # The report this form was opened on (empty: a new one), so that a report filed meanwhile by someone
    # else is not overwritten by a second "new" one.
    report = forms.IntegerField(required=False, widget=forms.HiddenInput)
    tested = forms.CharField(
        label=_("What we tested"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    learned = forms.CharField(
        label=_("What we learned"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    barriers = forms.CharField(label=_("Barriers"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    help_needed = forms.CharField(
        label=_("Help we need"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    self_score = ScoreField(label=_("Our score on the IHI assessment scale"), required=False)

    levels = LEVELS


class ConfirmForm(forms.Form):
    score = ScoreField(label=_("The score"), required=False)
    reason = forms.CharField(
        label=_("Your reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you change the team's score: the team reads it."),
    )

    levels = LEVELS


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The team, its coach and faculty read it; the team lead and the coach get it by e-mail."),
    )
