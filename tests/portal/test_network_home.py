"""The network's home page lists its countries in the reader's language and alphabet order."""

import pytest
from django.test import Client

from qicop.core.i18n import sort_key


def test_accents_and_case_do_not_move_a_name_out_of_its_place():
    names = ["Zambie", "Éthiopie", "ouganda", "Papouasie-Nouvelle-Guinée", "Erythrée"]
    assert sorted(names, key=sort_key) == [
        "Erythrée",
        "Éthiopie",
        "ouganda",
        "Papouasie-Nouvelle-Guinée",
        "Zambie",
    ]


@pytest.mark.parametrize(
    ("language", "before", "after"),
    [
        ("fr", "Ouganda", "Papouasie-Nouvelle-Guinée"),
        ("pt", "Papua-Nova Guiné", "Quénia"),
        ("en", "Thailand", "Uganda"),
    ],
)
def test_countries_are_in_the_order_of_their_names_in_the_readers_language(demo, language, before, after):
    client = Client()
    client.login(username="coordinator@example.org", password="demo")
    client.cookies["qicop_language"] = language
    page = client.get("/n/virtual/").content.decode()
    assert before in page and after in page
    assert page.index(before) < page.index(after)
