"""The shared instruments' pages: the coordinator reads every version in their language, downloads one as
its file (FORMAT.md), and makes the next version from the edited file, checked by the loader with every
problem named by its place; the rounds scored on older versions keep their questions and levels, and a
round started from last year's answers follows the questions that carried over."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from programmes_world import programmes_of
from qicop.core.models import AuditEntry
from qicop.programmes.assessments.services import start_round
from qicop.programmes.instruments import forms
from qicop.programmes.models import Answer, AssessmentRound, Instrument, Item

BASE = "/n/vln/programmes/instruments/"
SLUG = "national-qm-programme"
NEW = f"{BASE}{SLUG}/new/"


def _texts(en: str) -> dict:
    return {"en": en, "fr": f"{en} (fr)", "pt": f"{en} (pt)"}


def _page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _next_file(world) -> dict:
    """Version 1, downloaded numbered 2, as the coordinator starts the next version."""
    response = world.client_for("carla").get(f"{BASE}{SLUG}/v1.json?next=1")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{SLUG}-v2.json"'
    return json.loads(response.content.decode())


def _edited(world) -> dict:
    """Version 2: the first question reworded, the second renamed (carried from its old code), the last
    one of measurement dropped and a new one added."""
    data = _next_file(world)
    leadership, measurement = data["domains"]
    leadership["items"][0]["text"] = _texts("Leaders set yearly quality goals")
    leadership["items"][1]["code"] = "leadership-visible"
    leadership["items"][1]["carried_from"] = "leadership-2"
    new = json.loads(json.dumps(measurement["items"][1]))
    new["code"] = "measurement-3"
    new["text"] = _texts("Data are reviewed monthly")
    measurement["items"][1] = new
    return data


def _upload(data: dict | str, name: str = f"{SLUG}-v2.json") -> SimpleUploadedFile:
    text = data if isinstance(data, str) else json.dumps(data)
    return SimpleUploadedFile(name, text.encode(), content_type="application/json")


def _refused(world, data=None, **fields) -> str:
    """Post the form, expect it refused with nothing written, and return the page."""
    posted = dict(fields)
    if data is not None:
        posted["file"] = _upload(data)
    response = world.client_for("carla").post(NEW, posted)
    assert response.status_code == 400
    assert Instrument.objects.filter(slug=SLUG).count() == 1
    page = response.content.decode()
    assert "Nothing was saved." in page
    return page


# Reading


def test_the_coordinator_lists_every_version_with_its_domains_questions_and_rounds(world):
    programmes_of(world)
    page = _page(world.client_for("carla"), BASE)
    assert "National quality management programme assessment" in page
    assert f'href="{BASE}{SLUG}/v1/"' in page and f'href="{BASE}{SLUG}/v1.json"' in page
    assert "<td>2</td><td>4</td><td>4</td>" in page  # domains, questions, rounds of this network
    assert f'href="{NEW}"' in page and "Make version 2" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("faith", 403), ("dan", 403), ("kim", 403), ("henri", 403), ("olga", 403), ("oscar", 404)],
)
def test_only_the_coordinator_reads_and_edits_the_instruments(world, persona, status):
    programmes_of(world)
    client = world.client_for(persona)
    for path in (BASE, f"{BASE}{SLUG}/v1/", f"{BASE}{SLUG}/v1.json", NEW):
        assert client.get(path).status_code == status, path
    assert client.post(NEW, {"file": _upload(_edited(world))}).status_code == status
    assert Instrument.objects.count() == 1


def test_a_version_reads_its_questions_and_level_definitions_in_the_readers_language(world):
    programmes_of(world)
    client = world.client_for("carla")
    client.cookies["qicop_language"] = "fr"
    page = _page(client, f"{BASE}{SLUG}/v1/")
    assert '<html lang="fr">' in page
    assert "Leadership question 2 (fr)" in page
    assert "Measurement 2, level 5 (fr)" in page
    assert "<script" not in page


def test_the_download_is_the_versions_file_and_loads_back_unchanged(world):
    work = programmes_of(world)
    response = world.client_for("carla").get(f"{BASE}{SLUG}/v1.json")
    assert response["Content-Disposition"] == f'attachment; filename="{SLUG}-v1.json"'
    data = json.loads(response.content.decode())
    assert (data["slug"], data["version"], data["kind"], data["levels"], data["evidence_from"]) == (
        SLUG,
        1,
        "national",
        [0, 1, 2, 3, 4, 5],
        3,
    )
    item = data["domains"][0]["items"][1]
    assert item["code"] == "leadership-2" and item["carried_from"] is None
    assert item["levels"]["4"] == _texts("Leadership 2, level 4")
    assert [d["code"] for d in data["domains"]] == [d.code for d in work.instrument.domains.all()]


# Making the next version


def test_the_coordinator_makes_version_2_from_the_edited_file_and_it_becomes_current(world):
    work = programmes_of(world)
    response = world.client_for("carla").post(NEW, {"file": _upload(_edited(world))}, follow=True)
    assert response.redirect_chain == [(f"{BASE}{SLUG}/v2/", 302)]
    page = response.content.decode()
    assert "Version 2 is the current one" in page
    v1, v2 = Instrument.objects.get(slug=SLUG, version=1), Instrument.objects.get(slug=SLUG, version=2)
    assert (v1.current, v2.current) == (False, True)
    lineages = dict(Item.objects.filter(domain__instrument=v2).values_list("code", "lineage"))
    assert lineages == {
        "leadership-1": "leadership-1",
        "leadership-visible": "leadership-2",
        "measurement-1": "measurement-1",
        "measurement-3": "measurement-3",
    }
    assert Item.objects.get(domain__instrument=v2, code="leadership-1").texts["pt"] == (
        "Leaders set yearly quality goals (pt)"
    )
    entry = AuditEntry.objects.get(verb="instrument.new_version")
    assert entry.actor == world.carla.user and entry.target_id == str(v2.pk)
    # What changed reads on the new version's page.
    assert page.count('<small class="muted">carried over</small>') == 3
    assert page.count('<small class="muted">new in this version</small>') == 1
    assert "Questions of version 1 not carried over" in page and "Measurement question 2" in page
    assert work.instrument.rounds.count() == 4


def test_pasting_the_text_makes_the_version_as_uploading_does(world):
    programmes_of(world)
    response = world.client_for("carla").post(NEW, {"text": json.dumps(_edited(world))})
    assert response.status_code == 302
    assert Instrument.objects.get(slug=SLUG, current=True).version == 2


def test_a_locked_round_keeps_its_questions_and_levels_after_a_new_version(world):
    work = programmes_of(world)
    round_url = f"/n/vln/programmes/assessments/{work.kenya_2025.pk}/"
    before = _page(world.client_for("faith"), round_url)
    levels = list(Answer.objects.filter(round=work.kenya_2025).values_list("item_id", "level", "evidence"))
    world.client_for("carla").post(NEW, {"file": _upload(_edited(world))})
    locked = AssessmentRound.objects.get(pk=work.kenya_2025.pk)
    assert locked.instrument_id == work.instrument.pk and locked.status == AssessmentRound.Status.LOCKED
    assert list(Answer.objects.filter(round=locked).values_list("item_id", "level", "evidence")) == levels
    after = _page(world.client_for("faith"), round_url)
    assert "Leadership question 1" in after and "Leaders set yearly quality goals" not in after
    assert "Leadership 2, level 3" in after and "version 1" in after and "version 1" not in before


def test_a_round_started_from_last_years_answers_follows_the_questions_across_versions(world):
    work = programmes_of(world)
    world.client_for("carla").post(NEW, {"file": _upload(_edited(world))})
    v2 = Instrument.objects.get(slug=SLUG, current=True)
    made = start_round(
        actor=world.faith.user,
        network=world.network,
        country=world.kenya,
        instrument=v2,
        year=2027,
        assessed_by="self",
        from_last_year=True,
    )
    assert made.started_from == work.kenya_2026
    levels = dict(Answer.objects.filter(round=made).values_list("item__code", "level"))
    # 2026: leadership-1 2, leadership-2 3, measurement-1 2, measurement-2 2 (dropped)
    assert levels == {"leadership-1": 2, "leadership-visible": 3, "measurement-1": 2}


# Refusals: each problem named by its place, what was pasted kept, nothing written.


def test_a_file_that_is_not_json_is_refused_with_its_line_and_the_pasted_text_kept(world):
    programmes_of(world)
    page = _refused(world, text='{"slug": "national-qm-programme",\n "version": }')
    assert "the pasted text: line 2, column 13: not valid JSON" in page
    assert "&quot;version&quot;: }" in page


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (
            lambda d: d.update(version=3),
            "version: the next version of national-qm-programme is 2 (version 1 is the newest)",
        ),
        (lambda d: d.update(version=1), "version: the next version of national-qm-programme is 2"),
        (lambda d: d.update(slug="other"), "slug: this is a new version of national-qm-programme"),
        (lambda d: d.update(kind="facility"), "kind: the kind stays &#x27;national&#x27;"),
        (
            lambda d: d["domains"][1]["items"][0]["text"].pop("pt"),
            "domains[1].items[0].text: the text in &#x27;pt&#x27; is missing or empty",
        ),
        (
            lambda d: d["domains"][0]["items"][0].update(carried_from="nope"),
            "domains[0].items[0].carried_from: &#x27;nope&#x27; is no item of an older version",
        ),
        (
            lambda d: d["domains"][0]["items"][1]["levels"].pop("4"),
            "domains[0].items[1].levels: level 4 has no definition",
        ),
        (
            lambda d: d["domains"][1].update(code="leadership"),
            "domains[1].code: the domain code &#x27;leadership&#x27; is used twice",
        ),
    ],
)
def test_a_wrong_file_is_refused_with_each_problem_named_by_its_place(world, edit, problem):
    programmes_of(world)
    data = _edited(world)
    edit(data)
    page = _refused(world, data)
    assert f"{SLUG}-v2.json: {problem}" in page


def test_every_problem_of_the_file_is_named_at_once(world):
    programmes_of(world)
    data = _edited(world)
    data["domains"][0]["items"][0]["text"].pop("fr")
    data["domains"][1]["items"][1]["levels"].pop("0")
    page = _refused(world, data)
    assert "domains[0].items[0].text: the text in &#x27;fr&#x27; is missing or empty" in page
    assert "domains[1].items[1].levels: level 0 has no definition" in page


def test_a_next_version_that_changes_nothing_is_refused(world):
    programmes_of(world)
    page = _refused(world, _next_file(world))
    assert "nothing differs from version 1: change the texts or the items first" in page


def test_neither_a_file_nor_a_text_and_both_are_refused(world):
    programmes_of(world)
    assert "Choose the edited file, or paste its text." in _refused(world)
    both = _refused(world, _edited(world), text=json.dumps(_edited(world)))
    assert "Upload the file or paste its text, not both." in both


def test_a_file_not_in_utf8_is_refused(world):
    programmes_of(world)
    upload = SimpleUploadedFile("v2.json", '{"slug": "é"}'.encode("latin-1"))
    response = world.client_for("carla").post(NEW, {"file": upload})
    assert response.status_code == 400
    assert "The file is not text in UTF-8" in response.content.decode()


def test_a_file_over_the_limit_is_refused_before_it_is_read(world, monkeypatch):
    programmes_of(world)
    monkeypatch.setattr(forms, "MAX_FILE_BYTES", 100)
    response = world.client_for("carla").post(NEW, {"file": _upload(_edited(world))})
    assert response.status_code == 400
    assert "The file is larger than 100" in response.content.decode()
    assert Instrument.objects.count() == 1


def test_an_unknown_instrument_or_version_is_not_found(world):
    programmes_of(world)
    client = world.client_for("carla")
    assert client.get(f"{BASE}{SLUG}/v9/").status_code == 404
    assert client.get(f"{BASE}no-such/new/").status_code == 404


# Pages stay light and ask a fixed number of queries.


def test_the_instruments_pages_ask_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    programmes_of(world)
    client = world.client_for("carla")
    for made in range(3):  # more versions ask no more queries
        data = json.loads(client.get(f"{BASE}{SLUG}/v{made + 1}.json?next=1").content)
        data["name"] = _texts(f"National assessment, edition {made + 2}")
        assert client.post(NEW, {"file": _upload(data)}).status_code == 302
    client.get(BASE)  # warm the session
    with django_assert_max_num_queries(7):  # the session, the viewer, the network, then one
        page = _page(client, BASE)
    assert page.count("Version ") >= 4 and len(page.encode()) < 100_000
    with django_assert_max_num_queries(12):  # the version, and five to read it
        page = _page(client, f"{BASE}{SLUG}/v4/")
    assert len(page.encode()) < 100_000


def test_the_largest_shipped_instrument_reads_on_a_light_page(world):
    from qicop.programmes.instruments.loader import load_instruments

    load_instruments()
    for instrument in Instrument.objects.all():
        page = _page(world.client_for("carla"), f"{BASE}{instrument.slug}/v{instrument.version}/")
        assert len(page.encode()) < 100_000, instrument.slug


def test_the_rounds_list_leads_the_coordinator_alone_to_the_instruments(world):
    programmes_of(world)
    assert f'href="{BASE}"' in _page(world.client_for("carla"), "/n/vln/programmes/assessments/")
    assert f'href="{BASE}"' not in _page(world.client_for("faith"), "/n/vln/programmes/assessments/")


def test_json_nested_thousands_deep_is_refused_not_a_server_error(world):
    programmes_of(world)
    page = _refused(world, "[" * 200_000 + "]" * 200_000)
    assert "not valid JSON (nested too deeply)" in page
