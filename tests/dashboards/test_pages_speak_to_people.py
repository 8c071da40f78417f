"""The dashboard and data pages, read as a person reads them (their text, not their links, values or
code lines), name periods and things, never by their DHIS2 ids."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

PERIOD_ID = re.compile(r"\b(19|20)\d{2}(0[1-9]|1[0-2]|Q[1-4]|S[12]|W\d{1,2})\b")
UID = re.compile(r"\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Z])[A-Za-z][A-Za-z0-9]{10}\b")


class _Text(HTMLParser):
    """The text a person reads: no markup, no <code> (a data manager's detail line), no drawings."""

    SKIPPED = {"code", "script", "style", "svg"}

    def __init__(self):
        super().__init__()
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in self.SKIPPED

    def handle_endtag(self, tag):
        self.skipping -= tag in self.SKIPPED

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def read(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def pages(chart: str) -> list[tuple[str, str]]:
    return [
        ("focal.ke@example.org", "/n/virtual/dashboard/"),
        ("coordinator@example.org", "/n/virtual/dashboard/?periods=Quarterly"),
        ("data.ke@example.org", chart),
        ("member.ht@example.org", "/n/virtual/compare/third-95/"),
        ("member.ht@example.org", "/n/virtual/data/"),
        ("data.ke@example.org", "/n/virtual/data/export/"),
        ("focal.ke@example.org", "/n/virtual/data/publish/"),
        ("coordinator@example.org", "/n/virtual/data/completeness/"),
        ("coordinator@example.org", "/n/virtual/data/quality/"),
    ]


@pytest.mark.usefixtures("demo")
@pytest.mark.django_db
def test_no_dashboard_or_data_page_shows_a_period_id_or_a_uid_to_a_person():
    from qicop.indicators.models import OrgUnit

    kenya = OrgUnit.objects.get(country__iso2="KE", level=1)
    seen = {}
    for email, address in pages(f"/n/virtual/charts/third-95/{kenya.uid}/"):
        client = Client()
        assert client.login(username=email, password="demo")
        response = client.get(address)
        assert response.status_code == 200, address
        text = read(response.content.decode())
        found = [m.group(0) for m in PERIOD_ID.finditer(text)] + [m.group(0) for m in UID.finditer(text)]
        if found:
            seen[address] = found[:5]
    assert not seen
