"""A table wider than a phone scrolls sideways inside a region a keyboard can reach and a screen reader
names (axe's "scrollable-region-focusable", seen on the completeness table and, at 390 px, on others)."""

import re

import pytest
from test_chart_page import data, url  # noqa: F401 - the fixture

PAGES = [
    ("kim", "/n/vln/dashboard/"),
    ("kim", "chart"),
    ("kim", "/n/vln/data/"),
    ("carla", "/n/vln/data/completeness/"),
]


@pytest.mark.parametrize(("persona", "address"), PAGES)
def test_every_table_that_may_scroll_is_a_named_region_a_keyboard_reaches(data, persona, address):  # noqa: F811
    page = data.world.client_for(persona).get(url(data) if address == "chart" else address).content.decode()
    wraps = re.findall(r'<div class="table-wrap[^"]*"[^>]*>', page)
    assert wraps, "the page has a table"
    for wrap in wraps:
        assert 'role="region"' in wrap and 'tabindex="0"' in wrap, wrap
        label = re.search(r'aria-labelledby="([^"]+)"', wrap)
        assert label and f'id="{label.group(1)}"' in page, wrap
