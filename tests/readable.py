"""What a person reads on a page, and the codes and machine forms that should never be in it (issue 14).

Shared by the page checks (tests/core/test_pages.py, on the HTML the server sends) and the browser journeys
(tests/e2e/, on what Chromium shows). Codes stay where a data manager needs them: inside ``<code>``,
``<pre>``, ``<kbd>``, ``<samp>``, form fields, and anything marked ``class="code"``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

CODES = {
    "a DHIS2 period id": re.compile(
        r"(?<!\d)(?<!\d[.,])(?:19|20)\d{2}(?:0[1-9]|1[0-2]|Q[1-4]|S[12]|W\d{1,2})(?![\d%]|[.,]\d)"
    ),
    "a DHIS2 UID": re.compile(
        r"\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])[A-Za-z][A-Za-z0-9]{10}\b"
    ),
    "an ISO date in running text": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "a US numeric date": re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b"),
    "a doubled full stop after a time": re.compile(r"[ap]\.m\.\."),
    "an unexpanded template variable": re.compile(r"\{\{|\{%|%\(\w+\)s"),
    # A zone reads "Bangkok (UTC+7)" (core/when.py zone_label), not as the tz database names it.
    "an IANA time zone id": re.compile(
        r"\b(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)"
        r"/[A-Z][A-Za-z_+-]*(?:/[A-Z][A-Za-z_-]*)?"
    ),
}

# Elements whose text is code, or not read as text.
CODE_TAGS = {"code", "pre", "kbd", "samp", "script", "style", "textarea", "select", "option", "template"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track"}
VOID_TAGS |= {"wbr"}


def codes_in(text: str) -> list[str]:
    found = []
    for what, pattern in CODES.items():
        for match in pattern.finditer(text):
            around = text[max(0, match.start() - 40) : match.end() + 40].replace("\n", " ")
            found.append(f"{what} {match.group()!r} in “…{around}…”")
    return found


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping: list[str] = []  # the open elements that hide their text
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        names = dict(attrs)
        hides = tag in CODE_TAGS or "hidden" in names or "code" in (names.get("class") or "").split()
        if self.skipping or hides:
            self.skipping.append(tag)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def readable_text(html: str) -> str:
    """The page's text as a person reads it (body and chart texts), without code."""
    body = html[html.find("<body") :] if "<body" in html else html
    parser = _Text()
    parser.feed(body)
    return " ".join(" ".join(parser.parts).split())
