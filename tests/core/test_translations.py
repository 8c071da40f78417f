"""English, French and Portuguese: complete catalogs, and no English left on translated pages."""

import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import Client

import qicop
from improvement_pages import improvement_data, improvement_pages
from qicop.improvement.models import ChangeIdea, Collaborative
from qicop.indicators.models import NetworkIndicator
from qicop.knowledge.models import Thread
from qicop.network.models import Country, Member, Network, Organisation, Topic
from qicop.programmes.models import WorkPlanAction, WorkPlanObjective

LOCALE_DIR = Path(qicop.__file__).parent / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def catalog(language):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        return read_po(po_file, locale=language)


@pytest.mark.parametrize("language", ["fr", "pt"])
def test_the_catalog_translates_every_string(language):
    missing = []
    for message in catalog(language):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert not missing, f"{len(missing)} untranslated in {language}: {missing[:10]}"


@pytest.mark.parametrize("language", ["fr", "pt"])
def test_translations_keep_every_placeholder(language):
    wrong = []
    for message in catalog(language):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) - set(PLACEHOLDER.findall(ids[0])) - expected or (
                expected - set(PLACEHOLDER.findall(string)) - {"%(count)d", "%(count)s", "%(counter)s"}
            ):
                wrong.append((ids[0], string))
    assert not wrong, wrong[:5]


def english_phrases(language):
    """The catalog's English strings whose translation differs, without their placeholders."""
    phrases = set()
    messages = list(catalog(language))
    # A word the language's own translations use is a word of that language too (Portuguese writes "coaches").
    own = " ".join(
        text for m in messages for text in (m.string if isinstance(m.string, tuple) else (m.string,)) if text
    )
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not ids[0] or strings[0] == ids[0]:
            continue
        for fragment in PLACEHOLDER.split(ids[0]):
            fragment = fragment.strip(" .:,;()\n\u2013\u2014-")
            long_enough = (len(fragment) >= 4 and " " in fragment) or len(fragment) >= 6
            if long_enough and not found_in(own, [fragment]):
                phrases.add(fragment)
    return phrases


def visible_text(page: str, data: list[str]) -> str:
    page = re.sub(r"<(script|style|code)\b.*?</\1>", " ", page, flags=re.S)  # code (e-mails, ids) is data
    page = re.sub(r'<option value="(en|fr|pt)"[^>]*>.*?</option>', " ", page)
    text = html.unescape(re.sub(r"<[^>]+>", "\n", page))
    # One space for each run of white space, in the page and the data alike: a drawing wraps a typed text
    # over several lines (a driver diagram's box), and it is still that text.
    text = re.sub(r"\s+", " ", text)
    values = {re.sub(r"\s+", " ", value).strip() for value in data if value}
    for value in sorted(values, key=len, reverse=True):  # people's names and organisations are data, not UI
        text = text.replace(value, " ")
    return text


def found_in(text: str, phrases) -> list[str]:
    """The phrases that stand in ``text`` as whole words. A plain search first: few of some thousands of
    phrases occur in a page at all, and only those are tried as patterns (minutes saved per run)."""
    return [p for p in phrases if p in text and re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]


@pytest.fixture
def demo_client(demo):
    client = Client()
    client.login(username="focal.ke@example.org", password="demo")
    return client


@pytest.mark.parametrize("language", ["fr", "pt"])
def test_translated_pages_contain_no_english_from_the_catalog(demo_client, language):
    data = [
        *Organisation.objects.values_list("name", flat=True),
        *Member.objects.values_list("full_name", flat=True),
        *Member.objects.values_list("title", flat=True),
        *Network.objects.values_list("name", flat=True),
        *Network.objects.values_list("description", flat=True),
        *Country.objects.values_list("name", flat=True),
        *Network.objects.values_list("programme", flat=True),
        *NetworkIndicator.objects.values_list("name", flat=True),
        *Collaborative.objects.values_list("name", flat=True),
        *Collaborative.objects.values_list("topic", flat=True),
        *ChangeIdea.objects.values_list("title", flat=True),
        # The improvement work the teams typed (the demo's Kenyan teams write English): data, not UI.
        *improvement_data(),
        # The steps of a work plan, on their owner's home page: written by the country, in its language.
        *WorkPlanAction.objects.values_list("description", flat=True),
        *WorkPlanObjective.objects.values_list("text", flat=True),
        # Discussions are titled by whoever starts them, in their language ("Comment retrouver les patients
        # perdus de vue…", Haiti's question, on the home of a focal point who follows its topic).
        *Thread.objects.values_list("title", flat=True),
        *Topic.objects.values_list("name", flat=True),
        "English",
        "qicop",
    ]
    demo_client.post("/language/", {"language": language, "next": "/"})
    member = Member.objects.filter(country__iso2="KE").order_by("id").first()
    pages = [
        "/?stay=1",
        "/n/virtual/",
        "/n/virtual/members/",
        "/n/virtual/countries/KE/",
        f"/n/virtual/members/{member.pk}/",
        "/n/virtual/invitations/",
        "/accounts/profile/",
        "/accounts/profile/tokens/",
        "/accounts/password/",
        "/missing/",
        *improvement_pages(),
    ]
    phrases = english_phrases(language)
    leaks = []
    for path in pages:
        text = visible_text(demo_client.get(path).content.decode(), data)
        leaks += [f"{path}: {p!r}" for p in found_in(text, phrases)]
    signed_out = Client(HTTP_ACCEPT_LANGUAGE=language)
    for path in ["/", "/accounts/login/", "/accounts/password/reset/", "/invite/bad-token/"]:
        text = visible_text(signed_out.get(path).content.decode(), data)
        leaks += [f"{path}: {p!r}" for p in found_in(text, phrases)]
    assert not leaks, "\n".join(sorted(leaks)[:30])
