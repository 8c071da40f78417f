"""Markdown written by members is rendered to safe HTML."""

import re

from qicop.core.markdown import render_markdown


def test_formatting_lists_and_links_are_kept_with_nofollow():
    html = render_markdown("**Agreed**\n\n- first\n- second\n\n[guide](https://example.org/g)")
    assert "<strong>Agreed</strong>" in html and "<li>first</li>" in html
    assert 'href="https://example.org/g"' in html and 'rel="nofollow noopener"' in html


def test_scripts_styles_and_event_handlers_never_get_through():
    html = render_markdown(
        '<script>alert(1)</script><img src=x onerror="alert(2)"><p style="color:red">x</p>'
    )
    tags = re.findall(r"<[^>]+>", html)  # raw HTML in Markdown stays visible text, never a tag
    assert tags == ["<p>", "</p>"]
    assert "&lt;script&gt;" in html


def test_javascript_links_are_dropped():
    html = render_markdown("[click](javascript:alert(1))")
    assert "href=" not in html


def test_a_top_level_heading_becomes_a_second_level_one():
    assert "<h2>Minutes</h2>" in render_markdown("# Minutes")


def test_bare_web_addresses_become_links():
    html = render_markdown("See https://example.org/guide for details.")
    assert '<a href="https://example.org/guide" rel="nofollow noopener">https://example.org/guide</a>' in html


def test_resolved_mentions_become_links_and_others_stay_text():
    html = render_markdown("Thanks @kim. Ask @bob, and see `@kim`.", mentions={"kim": "/n/vln/members/4/"})
    assert '<a href="/n/vln/members/4/" class="mention" rel="nofollow noopener">@kim</a>.' in html
    assert "@bob" in html and "/members/" not in html.split("@bob")[1]
    assert "<code>@kim</code>" in html


def test_a_mention_inside_a_link_is_left_as_the_link_text():
    html = render_markdown("[@kim's notes](https://example.org/n)", mentions={"kim": "/n/vln/members/4/"})
    assert html.count("<a ") == 1 and "/members/4/" not in html
