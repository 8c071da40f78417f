"""The form of a member's meeting-mail preferences."""

from django import forms
from django.utils.translation import gettext_lazy

from qicop.meetings.models import MailOptOut


class MailPreferencesForm(forms.Form):
    opt_outs = forms.MultipleChoiceField(
        label=gettext_lazy("Do not send me"),
        choices=MailOptOut.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Tick the meeting e-mails you do not want; untick one to receive it again."),
        error_messages={"invalid_choice": gettext_lazy("%(value)s is not a kind of meeting e-mail.")},
    )
