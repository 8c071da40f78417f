"""The sign-in page names the demo logins README.md lists — all of them, and only while the demo runs."""

from __future__ import annotations

import re
from pathlib import Path

from qicop.accounts.demo_logins import DEMO_LOGINS

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_logins() -> list[str]:
    text = README.read_text(encoding="utf-8")
    table = text.split("| e-mail | who |", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^\| ([\w.]+@example\.org) \|", table, re.MULTILINE)


def test_the_readme_and_the_demo_name_the_same_logins():
    assert len(readme_logins()) >= 5
    assert readme_logins() == [email for email, _who in DEMO_LOGINS]


def test_the_sign_in_page_of_the_demo_lists_every_login_the_readme_names(client, settings):
    settings.DEMO_MODE = True
    page = client.get("/accounts/login/").content.decode()
    for email in readme_logins():
        assert f"<code>{email}</code>" in page
    assert "Kenya&#x27;s country focal point" in page


def test_outside_the_demo_the_sign_in_page_names_no_login(client, settings, db):
    settings.DEMO_MODE = False
    page = client.get("/accounts/login/").content.decode()
    assert "example.org" not in page and "Demo logins" not in page
