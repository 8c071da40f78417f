from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qicop.knowledge.discussions.services import MAX_BODY, MAX_TITLE
from qicop.knowledge.models import NotificationSettings

BODY_HELP = _(
    "Markdown: **bold**, *italic*, [a link](https://example.org), lists, > quotes. "
    "To mention someone, write @ and the first part of their e-mail address (@kim for kim@example.org) "
    "or @# and the member number shown beside their name (@#42): they are notified."
)


def _body_field() -> forms.CharField:
    # No max_length on the field: the browser would cut a pasted text short without a word; the form
    # says how long the text is instead, and keeps it.
    return forms.CharField(
        label=_("Message"),
        help_text=BODY_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=True,
        error_messages={"required": _("Write a message.")},
    )


def _check_length(text: str) -> str:
    if len(text) > MAX_BODY:
        raise forms.ValidationError(
            _("A message has at most %(max)s characters; this one has %(count)s. Shorten it, or split it."),
            params={"max": f"{MAX_BODY:,}", "count": f"{len(text):,}"},
        )
    return text


class ThreadForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE,
        error_messages={
            "max_length": _("A title has at most %(limit_value)d characters (it has %(show_value)d).")
        },
    )
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=None, required=False, empty_label=_("(none)"))
    body = _body_field()

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics
        # Keep a long title in the box when it is refused, rather than let the browser cut it.
        self.fields["title"].widget.attrs.pop("maxlength", None)

    def clean_body(self):
        return _check_length(self.cleaned_data["body"])


class ReplyForm(forms.Form):
    body = _body_field()
    quote_of = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)

    def clean_body(self):
        return _check_length(self.cleaned_data["body"])


class PostEditForm(forms.Form):
    body = _body_field()

    def clean_body(self):
        return _check_length(self.cleaned_data["body"])


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this post?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Say what is wrong with this post."),
            "max_length": _("A reason has at most %(limit_value)d characters (it has %(show_value)d)."),
        },
    )


class NotificationSettingsForm(forms.Form):
    email = forms.ChoiceField(
        label=_("E-mail me about replies, mentions and accepted answers"),
        choices=NotificationSettings.Email.choices,
        widget=forms.RadioSelect,
    )
    weekly_digest = forms.ChoiceField(
        label=_("Send me the weekly digest of each network"),
        help_text=_(
            "On Monday morning in your time zone: the week's signals of improvement, new case studies and "
            "change ideas, the coming meetings and what you owe. Plain text, light enough for a slow "
            "connection."
        ),
        choices=NotificationSettings.WeeklyDigest.choices,
        widget=forms.RadioSelect,
        required=False,  # left out, the current choice stays
    )
