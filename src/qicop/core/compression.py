"""Compressed answers for slow links: a 90 KB dashboard crosses a 2G link as about 12 KB.

Django's GZipMiddleware, narrowed to what is worth compressing and safe to (docs/decisions/0020):

- text only (HTML, CSV, JSON, XML, SVG, calendars…): pictures and PDFs are compressed already;
- answers to GET and HEAD only: the answer to a form posted may carry a secret shown once (a new API
  token), which an attacker who can watch the link's byte counts could otherwise guess at (BREACH);
- not files (FileResponse): uploads are sent as stored, and static files come compressed in advance by
  whitenoise (gzip and brotli), which also sets Content-Encoding.

Django adds a random number of bytes (0 to 99) to each gzip header, so that the same page never has the
same compressed length twice ("Heal the BREACH").
"""

from __future__ import annotations

from django.http import FileResponse
from django.middleware.gzip import GZipMiddleware

COMPRESSED_TYPES = {
    "application/json",
    "application/xml",
    "application/javascript",
    "application/csv",
    "application/x-ndjson",
}


def is_text(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return (
        kind.startswith("text/")
        or kind in COMPRESSED_TYPES
        or kind.endswith("+json")
        or kind.endswith("+xml")  # SVG, ADX, FHIR XML, Atom
    )


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if request.method not in ("GET", "HEAD") or isinstance(response, FileResponse):
            return response
        if not is_text(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)
