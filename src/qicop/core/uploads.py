"""Uploaded files: checked by their content (not their name), and handed back safely.

A file is accepted when its bytes are a PDF, an Office Open XML document (PPTX, DOCX, XLSX, without
macros) or an image (PNG, JPEG, GIF, WebP), and it is no larger than ``QICOP_UPLOAD_MAX_BYTES``.
Anything else is refused with the reason. Meeting materials, case-study attachments and resources all
come through here.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

# content type → (kind of file, extension for downloads); the kinds are those of meetings.Material.Kind
OOXML = "application/vnd.openxmlformats-officedocument."
ACCEPTED = {
    "application/pdf": ("document", "pdf"),
    OOXML + "presentationml.presentation": ("slides", "pptx"),
    OOXML + "wordprocessingml.document": ("document", "docx"),
    OOXML + "spreadsheetml.sheet": ("spreadsheet", "xlsx"),
    "image/png": ("image", "png"),
    "image/jpeg": ("image", "jpg"),
    "image/gif": ("image", "gif"),
    "image/webp": ("image", "webp"),
}
# The part every Office Open XML package of that kind must contain, read from the ZIP's central
# directory: filetype only looks at the first few local headers, which a plain ZIP can imitate and
# which real documents written by some tools do not satisfy.
OOXML_MAIN_PARTS = {
    "word/document.xml": OOXML + "wordprocessingml.document",
    "ppt/presentation.xml": OOXML + "presentationml.presentation",
    "xl/workbook.xml": OOXML + "spreadsheetml.sheet",
}
# An Office document lists a few hundred parts; a ZIP listing far more within the size limit is built
# to make the check itself slow (reading its central directory costs time and memory per entry).
MAX_OOXML_PARTS = 10_000
MAX_OOXML_DIRECTORY = 2 * 1024 * 1024
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
# Declared content types (lower case) of parts that hold or run macros.
MACRO_CONTENT_TYPES = (
    b"vbaproject",
    b"macroenabled",
    b"macrosheet",
    b"vbadata",
)
# A PDF ends with this marker within its last kilobyte; markup in its first kilobyte means a web page
# wearing a PDF header (a polyglot), which is refused.
PDF_END = b"%%EOF"
MARKUP_IN_PDF = re.compile(rb"<\s*(?:!doctype|html|script|body|iframe|svg|meta)\b", re.IGNORECASE)
# Shown in the browser (PDF viewers and images); everything else is always downloaded.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    kind: str
    extension: str
    size: int
    sha256: str


def _refuse_type(found: str) -> ValidationError:
    return ValidationError(
        _(
            "This file is not a PDF, PowerPoint, Word, Excel or image file (its content is %(found)s), "
            "whatever its name says."
        )
        % {"found": found},
        code="wrong_type",
    )


def _describe_unknown(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml")) or b"<svg" in text[:1024]:
        return _("an SVG or XML drawing, which can carry scripts")
    if text.startswith((b"<!doctype", b"<html", b"<")):
        return _("a web page")
    return _("unknown")


def _refuse_macros() -> ValidationError:
    return ValidationError(
        _("Office files with macros are not accepted: save it as a plain PPTX, DOCX or XLSX."),
        code="macros",
    )


def _central_directory_size(upload) -> int | None:
    """The size the ZIP's end record gives its central directory (the list ``zipfile`` reads whole),
    or None when there is no end record."""
    upload.seek(0)
    end = zipfile._EndRecData(upload)  # the very record ZipFile goes by
    return None if end is None else end[zipfile._ECD_SIZE]


def _office_type(upload) -> str:
    """The Office Open XML type of a ZIP upload, read from its list of parts and their declared content
    types; refuses anything else, and any package that carries macros whatever their parts are named."""
    try:
        directory = _central_directory_size(upload)
    except (OSError, ValueError, struct.error):
        directory = None
    if directory is None:
        raise _refuse_type(_("a damaged ZIP archive"))
    if directory > MAX_OOXML_DIRECTORY:
        raise _refuse_type(_("a ZIP archive of too many parts"))
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if len(names) > MAX_OOXML_PARTS:
                raise _refuse_type(_("a ZIP archive of too many parts"))
            types = archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
            if types is not None and types.file_size > MAX_CONTENT_TYPES_BYTES:
                raise _refuse_type(_("a damaged ZIP archive"))
            declared = archive.read(types).lower() if types is not None else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        raise _refuse_type(_("a damaged ZIP archive")) from None
    if types is None:
        raise _refuse_type(_("a ZIP archive"))
    # Office runs what [Content_Types].xml declares, not what the parts are called: a VBA project,
    # a macro-enabled main part (a .pptm/.docm/.xlsm renamed) or an Excel 4 macro sheet.
    if any(name.lower().endswith("vbaproject.bin") for name in names) or any(
        marker in declared for marker in MACRO_CONTENT_TYPES
    ):
        raise _refuse_macros()
    found = [mime for part, mime in OOXML_MAIN_PARTS.items() if part in names]
    if len(found) != 1:
        raise _refuse_type(_("a ZIP archive"))
    return found[0]


def check_upload(upload) -> CheckedUpload:
    """Read an uploaded file's head and size; raise ValidationError saying why it is refused."""
    size = upload.size
    limit = settings.QICOP_UPLOAD_MAX_BYTES
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    guess = filetype.guess(head)
    mime = guess.mime if guess is not None else None
    if mime == "application/zip" or (mime or "").startswith(OOXML):
        mime = _office_type(upload)
    if mime not in ACCEPTED:
        raise _refuse_type(mime or _describe_unknown(head))
    if mime == "application/pdf":
        _check_pdf(upload, head, size)
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    kind, extension = ACCEPTED[mime]
    return CheckedUpload(mime, kind, extension, size, digest.hexdigest())


def _check_pdf(upload, head: bytes, size: int) -> None:
    """A PDF header is not enough: the file must end as a PDF does, and not begin as a web page."""
    upload.seek(max(0, size - 1024))
    tail = upload.read(1024)
    if MARKUP_IN_PDF.search(head[:1024]) or PDF_END not in tail:
        raise _refuse_type(_("a web page or a damaged PDF"))


_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f"*/:<>?\\|;]+')


def safe_file_name(name: str, extension: str) -> str:
    """The name a download is offered under: the uploader's name without folders, control characters or
    characters that break a Content-Disposition header, with the extension its content really has (a
    Word document renamed ``.pptx`` is offered as ``.docx``)."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    stem = " ".join(_UNSAFE_IN_NAMES.sub(" ", stem).split()).strip(" .")[:120] or "material"
    return f"{stem}.{extension}" if extension else stem


class UploadSizeLimit(FileUploadHandler):
    """Stops reading a file as soon as it passes the limit, so an upload that is too large never reaches
    the disk (Django would otherwise spool all of it to a temporary file before the form sees it)."""

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = settings.QICOP_UPLOAD_MAX_BYTES if limit is None else limit
        self.too_large: dict[str, str] = {}  # field name → file name of what was skipped
        self.skipped: list[str] = []  # the names of every file skipped, several in a field of many files

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.too_large[self.field_name] = self.file_name or ""
            self.skipped.append(self.file_name or "")
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def with_upload_limit(view):
    """Put the size limit in place before anything reads the request body, then check CSRF; the view
    receives the limit as ``limit`` (what it skipped is in ``limit.too_large`` and ``limit.skipped``)."""
    protected = csrf_protect(view)

    @csrf_exempt  # the CSRF check runs inside, once the size limit is in place (it reads the upload)
    @login_required
    def wrapper(request, *args, **kwargs):
        limit = UploadSizeLimit(request)
        request.upload_handlers.insert(0, limit)
        return protected(request, *args, limit=limit, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def too_large_message() -> str:
    return _("The file is larger than the limit of %(limit)s; nothing was stored.") % {
        "limit": filesizeformat(settings.QICOP_UPLOAD_MAX_BYTES)
    }


# Files served from private storage: never run as a page, never sniffed into another type.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
# Browsers refuse to open their PDF viewer in a sandbox.
PDF_CSP = "default-src 'none'; object-src 'self'; img-src 'self'; style-src 'unsafe-inline'"


def private_file_response(stored, fallback_name: str) -> FileResponse:
    """Hand out a stored upload (anything with ``file``, ``content_type`` and ``original_name``): under a
    safe name with the extension its content has, inline only for PDFs and images, never cached by
    proxies. The caller has checked permission."""
    # The type recorded when the content was checked; a row from elsewhere is only ever downloaded.
    content_type = stored.content_type if stored.content_type in ACCEPTED else ""
    extension = ACCEPTED.get(content_type, (None, "bin"))[1]
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=content_type not in INLINE_TYPES,
        filename=safe_file_name(stored.original_name or fallback_name, extension),
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PDF_CSP if content_type == "application/pdf" else FILE_CSP
    patch_cache_control(response, private=True)
    return response
