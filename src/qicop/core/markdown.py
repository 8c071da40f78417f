"""Markdown written by members (minutes, case studies, discussions), rendered to HTML that is safe to show.

markdown-it-py parses CommonMark (raw HTML disabled) and turns bare web addresses into links (linkify, with
linkify-it-py); @mentions the caller has resolved become links to the member's page. nh3 then keeps only the
tags and attributes we allow, so no script, style or event handler reaches a page, and every link gets
rel="nofollow noopener".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# A mention is "@" and the first part of the member's e-mail address (@kim for kim@example.org) or "@#"
# and their member number (@#42, shown beside each author). Full names are ambiguous and contain spaces.
# The look-behind keeps e-mail addresses (kim@example.org) from counting as mentions.
MENTION = re.compile(r"(?<![\w@.+-])@(#\d{1,12}|[A-Za-z0-9][A-Za-z0-9._+-]{0,63})")


def mention_key(token: str) -> str:
    """What a mention's text (without the "@") names: "#42", or a handle without the full stop or comma
    that ends a sentence, in lower case."""
    return token if token.startswith("#") else token.rstrip("._-").lower()


def _link_mentions(state: StateCore) -> None:
    """Each resolved mention in running text (never in code, never inside a link) becomes a link."""
    mentions: Mapping[str, str] = state.env.get("mentions") or {}
    if not mentions:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_link = 0
        for token in block.children:
            if token.type == "link_open":
                in_link += 1
            elif token.type == "link_close":
                in_link -= 1
            if token.type != "text" or in_link or "@" not in token.content:
                children.append(token)
                continue
            children.extend(_split_mentions(token, mentions))
        block.children = children


def _split_mentions(token: Token, mentions: Mapping[str, str]) -> list[Token]:
    parts: list[Token] = []
    text = token.content
    start = 0
    for match in MENTION.finditer(text):
        raw = match.group(1)
        key = mention_key(raw)
        url = mentions.get(key)
        if url is None:
            continue
        end = match.start() + 1 + (len(raw) if raw.startswith("#") else len(raw.rstrip("._-")))
        if match.start() > start:
            parts.append(_text(token, text[start : match.start()]))
        opening = Token("link_open", "a", 1, attrs={"href": url, "class": "mention"})
        parts += [opening, _text(token, text[match.start() : end]), Token("link_close", "a", -1)]
        start = end
    if not parts:
        return [token]
    if start < len(text):
        parts.append(_text(token, text[start:]))
    return parts


def _text(like: Token, content: str) -> Token:
    token = Token("text", "", 0, content=content)
    token.level = like.level
    return token


_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": True}).enable(["table", "linkify"])
_PARSER.core.ruler.push("mentions", _link_mentions)
_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
_ATTRIBUTES = {"a": {"href", "title", "class"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str, *, mentions: Mapping[str, str] | None = None) -> str:
    """Safe HTML for ``text``. Headings are shifted down one level: the page already has its h1.
    ``mentions`` maps what a mention names (see :func:`mention_key`) to the page it links to; only the
    mentions in it become links, so the caller decides whom the reader may see."""
    html = _PARSER.render(text or "", {"mentions": mentions or {}})
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        link_rel="nofollow noopener",
        url_schemes={"http", "https", "mailto"},
    )
