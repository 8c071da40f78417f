from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MailPreferenceForm(forms.Form):
    every_post = forms.BooleanField(
        label=_(
            "Mailing-list mode: e-mail me every post of the discussions and topics I follow, as it is posted"
        ),
        help_text=_(
            "Each post comes in full in its own e-mail, which you can answer by replying, whatever you "
            "chose for your other notifications."
        ),
        required=False,
    )
