from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qicop.knowledge.discussions.files import FILES_PER_POST, sort_files
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


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one box (``<input type="file" multiple>``): a list of uploads, maybe empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(upload, initial) for upload in data if upload]
        return [one(data, initial)] if data else []


def _files_help() -> str:
    return gettext(
        "Up to %(count)s files: PDF, PowerPoint (PPTX), Word (DOCX), Excel (XLSX) or images (PNG, JPEG, "
        "GIF, WebP), at most %(limit)s each. Everyone who reads the discussion can download them."
    ) % {"count": FILES_PER_POST, "limit": filesizeformat(settings.QICOP_UPLOAD_MAX_BYTES)}


class _PostFilesMixin:
    """A post's files, checked as every upload is (files.sort_files); the form is refused, with the text
    typed kept, unless every file is accepted. ``too_large`` are the names of the files the upload limit
    skipped before the form saw them (core.uploads.UploadSizeLimit)."""

    def _add_files_field(self, too_large) -> None:
        self._too_large = list(too_large)
        self.fields["files"] = MultipleFileField(label=_("Files"), required=False, help_text=_files_help())

    def clean_files(self):
        limit = filesizeformat(settings.QICOP_UPLOAD_MAX_BYTES)
        problems = [
            gettext("“%(name)s”: the file is larger than the limit of %(limit)s.")
            % {"name": name or gettext("(a file without a name)"), "limit": limit}
            for name in self._too_large
        ]
        uploads = self.cleaned_data.get("files") or []
        accepted, refused = sort_files(uploads)
        problems += [str(r) for r in refused]
        if problems:
            problems.append(
                gettext("Nothing was posted. Your text is kept; choose the files to attach again.")
            )
            raise forms.ValidationError(problems, code="files")
        return [upload for upload, _checked in accepted]


class ThreadForm(_PostFilesMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE,
        error_messages={
            "max_length": _("A title has at most %(limit_value)d characters (it has %(show_value)d).")
        },
    )
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=None, required=False, empty_label=_("(none)"))
    body = _body_field()

    def __init__(self, *args, topics, too_large=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics
        self._add_files_field(too_large)
        # Keep a long title in the box when it is refused, rather than let the browser cut it.
        self.fields["title"].widget.attrs.pop("maxlength", None)

    def clean_body(self):
        return _check_length(self.cleaned_data["body"])


class ReplyForm(_PostFilesMixin, forms.Form):
    body = _body_field()
    quote_of = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)

    def __init__(self, *args, too_large=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._add_files_field(too_large)

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
