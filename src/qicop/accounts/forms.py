from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from qicop.core.forms import TimeZoneField
from qicop.core.i18n import time_from_now


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": _(
            "That e-mail address and password do not match an account. Both are checked exactly; "
            "the e-mail address is not case-sensitive."
        ),
        "inactive": _("This account is disabled. Ask your network coordinator."),
    }

    def get_invalid_login_error(self):
        """The usual error, or, when sign-ins are being throttled (``qicop.accounts.throttle``), when the
        next attempt will be heard."""
        wait = getattr(self.request, "sign_in_wait", None)
        if wait is None:
            return super().get_invalid_login_error()
        when = time_from_now(wait.seconds())
        if getattr(self.request, "sign_in_refused", False):
            if wait.locked:
                message = _(
                    "Too many failed sign-ins to this account or from your address: signing in is paused. "
                    "Try again %(when)s, or reset your password by e-mail."
                )
            else:
                message = _(
                    "Too many failed sign-ins in a row: your attempt was not checked. Try again %(when)s."
                )
            return ValidationError(message, code="throttled", params={"when": when})
        return ValidationError(
            "%(wrong)s %(wait)s",
            code="invalid_login",
            params={
                "wrong": self.error_messages["invalid_login"],
                "wait": _("You can try again %(when)s.") % {"when": when},
            },
        )


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Same as my browser")), *settings.LANGUAGES],
        error_messages={"invalid_choice": _("Unknown language: %(value)s.")},
    )
    time_zone = TimeZoneField(label=_("Time zone"), required=False, blank_label=_("My country's time zone"))


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("What will use it, e.g. “DHIS2 nightly export”.")
    )


class LocalizedPasswordResetForm(PasswordResetForm):
    """Sends the reset e-mail in the account's own language, whatever language the request was in."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        language = getattr(context.get("user"), "language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
