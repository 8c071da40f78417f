"""What a member wrote in a reply: its text part (or its HTML made plain text, scripts and all markup
gone), without the quoted message, the attribution line above it, or the signature.

The quote and signature are found by mail-parser-reply (maintained, knows the attribution lines of many
languages and mail programs); lines it leaves behind that begin with ">" and the attribution lines it does
not know (Portuguese "Em … escreveu:") are cut here.
"""

from __future__ import annotations

import html
import re
from email.message import EmailMessage

import nh3
from mailparser_reply import EmailReplyParser

PARSER = EmailReplyParser(languages=["en", "fr", "es", "de", "it", "nl"])

# Where the quoted message begins, in the mail programs and languages the parser may miss.
QUOTE_HEADER = re.compile(
    r"^\s*(?:"
    r"On\b.{0,300}\bwrote:|Le\b.{0,300}\ba écrit\s?:|Em\b.{0,300}\bescreveu:|El\b.{0,300}\bescribió:"
    r"|-{2,}\s*(?:Original Message|Message d'origine|Mensagem original|Mensaje original)\s*-{2,}"
    r"|_{20,}"
    r"|(?:From|De|Von)\s?:\s.+"
    r")\s*$",
    re.IGNORECASE | re.MULTILINE,
)
BLOCK_END = re.compile(r"(?i)<\s*(?:br\s*/?|/p|/div|/li|/tr|/h[1-6]|/blockquote)\s*>")
BLOCKQUOTE = re.compile(r"(?is)<blockquote\b.*?</blockquote\s*>")


def body_text(message: EmailMessage) -> tuple[str, bool]:
    """The message's text and whether it came from HTML (no text/plain part)."""
    part = message.get_body(preferencelist=("plain",))
    if part is not None:
        return part.get_content(), False
    part = message.get_body(preferencelist=("html",))
    if part is not None:
        return html_to_text(part.get_content()), True
    return "", False


def html_to_text(markup: str) -> str:
    """Plain text of an HTML mail: quoted blocks dropped, line breaks kept, every tag removed and the
    content of scripts and styles with them."""
    markup = BLOCKQUOTE.sub("\n", markup)
    markup = BLOCK_END.sub("\n", markup)
    cleaned = nh3.clean(markup, tags=set(), clean_content_tags={"script", "style", "head", "title"})
    return html.unescape(cleaned).replace("\xa0", " ")


def _cut_quote(text: str) -> str:
    text = text.replace("\r\n", "\n")
    found = QUOTE_HEADER.search(text)
    if found:
        text = text[: found.start()]
    return "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(">"))


def reply_text(text: str) -> str:
    """The new words of a reply, quote and signature left out; "" when it holds nothing new."""
    text = _cut_quote(text)
    if not text.strip():
        return ""
    parsed = PARSER.read(text)
    first = parsed.replies[0] if parsed.replies else None
    kept = first.body if first is not None and first.body is not None else text
    kept = _cut_quote(kept)
    # A signature the parser missed: the conventional "-- " line.
    kept = re.split(r"(?m)^--\s*$", kept, maxsplit=1)[0]
    return re.sub(r"\n{3,}", "\n\n", kept).strip()
