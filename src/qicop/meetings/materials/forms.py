"""The form for adding a meeting's material: a file or a link, attached to an agenda item."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qicop.core.uploads import check_upload, too_large_message
from qicop.core.when import when
from qicop.meetings.materials.services import LINK_KINDS
from qicop.meetings.models import AgendaItem, Material


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        help_text=_("Leave it to be decided from the file; for a recording, choose “Recording”."),
    )
    agenda_item = forms.TypedChoiceField(label=_("Agenda item"), coerce=int, empty_value=None)
    language = forms.ChoiceField(label=_("Language"), required=False)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("Or a link"), required=False, assume_scheme="https")

    def __init__(
        self, *args, items: list[AgendaItem], item_optional: bool, too_large=(), zone: str = "", **kwargs
    ):
        super().__init__(*args, **kwargs)
        self._items = {item.pk: item for item in items}
        self._too_large = bool(too_large)
        self.fields["kind"].choices = [("", _("Decide from the file")), *Material.Kind.choices]
        self.fields["language"].choices = [("", _("Not given")), *settings.LANGUAGES]
        # The items' times as the agenda writes them: on the meeting's clock (the venue's, in person).
        clock = ZoneInfo(zone) if zone else timezone.get_current_timezone()
        several_days = len({item.start.astimezone(clock).date() for item in items}) > 1
        style = "short_day_time" if several_days else "time"
        choices = [(item.pk, f"{when(item.start, style, zone=clock)} {item.title}") for item in items]
        if item_optional:
            choices = [("", _("Other materials of the meeting")), *choices]
        self.fields["agenda_item"].choices = choices
        self.fields["agenda_item"].required = not item_optional
        self.fields["file"].help_text = _(
            "PDF, PowerPoint (PPTX), Word (DOCX), Excel (XLSX) or an image (PNG, JPEG, GIF, WebP); "
            "at most %(limit)s."
        ) % {"limit": filesizeformat(settings.QICOP_UPLOAD_MAX_BYTES)}

    def clean_agenda_item(self):
        pk = self.cleaned_data.get("agenda_item")
        return self._items.get(pk) if pk else None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self._too_large:
            raise ValidationError(too_large_message(), code="too_large")
        if upload:
            check_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, url, kind = cleaned.get("file"), cleaned.get("url"), cleaned.get("kind")
        if self.errors.get("file") or self.errors.get("url"):
            return cleaned
        if upload and url:
            raise ValidationError(
                _("Give a file or a link, not both: add the other as a second material."), code="both"
            )
        if not upload and not url:
            raise ValidationError(
                _("Choose a file to upload or give a link (a recording is given as a link)."),
                code="neither",
            )
        if upload and kind in LINK_KINDS:
            self.add_error(
                "kind", _("Recordings and links are given by their address, not uploaded as a file.")
            )
        return cleaned
