"""The form that makes an instrument's next version: its file, uploaded or pasted."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

#: An instrument file is tens of kilobytes (the largest shipped, in three languages, about 75 KB).
MAX_FILE_BYTES = 2 * 1024 * 1024


class NextVersionForm(forms.Form):
    file = forms.FileField(
        label=_("The edited file"),
        required=False,
        help_text=_("The JSON file downloaded above, edited; it is checked before anything is saved."),
    )
    text = forms.CharField(
        label=_("Or paste its text"),
        required=False,
        strip=False,
        max_length=MAX_FILE_BYTES,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )

    def __init__(self, *args, too_large=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._too_large = bool(too_large)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self._too_large:
            raise ValidationError(
                gettext("The file is larger than %(limit)s: an instrument file is far smaller.")
                % {"limit": filesizeformat(MAX_FILE_BYTES)}
            )
        if not upload:
            return None
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                gettext(
                    "The file is not text in UTF-8: save it as JSON in UTF-8 (as downloaded) and upload it."
                )
            ) from None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("file") and cleaned.get("text", "").strip():
            raise ValidationError(gettext("Upload the file or paste its text, not both."))
        if not cleaned.get("file") and not cleaned.get("text", "").strip():
            raise ValidationError(gettext("Choose the edited file, or paste its text."))
        return cleaned

    def content(self) -> tuple[str, str]:
        """The text to load and the name its problems are given under."""
        if self.cleaned_data.get("file"):
            return self.cleaned_data["file"], self.files["file"].name
        return self.cleaned_data["text"], gettext("the pasted text")
