"""Every date and time a person reads is written by the one formatter (qicop.core.when, ``{% load when %}``):
no template formats one by hand and no module calls Django's own date formatting (issue 14).

Machine forms stay where machines read them: ``<time datetime>`` (ISO 8601, ``date:"c"``), the values of
native date inputs, iCalendar and file names.
"""

import re
from pathlib import Path

import pytest

import qicop

pytestmark = pytest.mark.pure

SOURCE = Path(qicop.__file__).parent
# date/time filters in templates, with their argument if any
FILTER = re.compile(r"\|(date|time)(?::(\"[^\"]*\"|'[^']*'))?")
MACHINE_FORMATS = {"c", "Y-m-d", "Y-m-d\\TH:i", "Ymd", "Ymd\\THis\\Z", "U"}


def by_hand_in_templates() -> list[str]:
    found = []
    for template in sorted(SOURCE.rglob("templates/**/*")):
        if template.suffix not in {".html", ".txt", ".svg", ".xml"}:
            continue
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            for match in FILTER.finditer(line):
                argument = (match.group(2) or "")[1:-1]
                if argument not in MACHINE_FORMATS:
                    found.append(f"{template.relative_to(SOURCE)}:{number}: {match.group()}")
    return found


def test_no_template_writes_a_date_or_time_for_people_by_hand():
    assert by_hand_in_templates() == []


def test_no_module_formats_a_date_with_djangos_own_formats():
    calls = re.compile(r"\b(date_format|time_format)\(|formats\.localize\(")
    found = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if calls.search(line)
    ]
    assert found == []


def test_the_check_finds_a_date_written_by_hand(tmp_path, monkeypatch):
    """The check above can fail: a template with ``|date:"DATE_FORMAT"`` is named."""
    folder = tmp_path / "app" / "templates" / "app"
    folder.mkdir(parents=True)
    (folder / "page.html").write_text('<time datetime="{{ d|date:"c" }}">{{ d|date:"DATE_FORMAT" }}</time>')
    monkeypatch.setattr(__import__(__name__), "SOURCE", tmp_path)
    assert by_hand_in_templates() == ['app/templates/app/page.html:1: |date:"DATE_FORMAT"']
