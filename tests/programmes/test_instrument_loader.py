"""Loading instrument files: a good file becomes rows, each kind of bad file is refused with its file and
place named (and nothing written), loading twice changes nothing, and a new version carries its items'
lineage and becomes the current one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from qicop.programmes.instruments.loader import InstrumentFileError, load_instruments
from qicop.programmes.models import Instrument, Item

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "instruments"

pytestmark = pytest.mark.django_db


def _v1() -> dict:
    return json.loads((FIXTURES / "v1" / "tiny-v1.json").read_text(encoding="utf-8"))


def _write(folder: Path, data: dict, name: str | None = None) -> Path:
    path = folder / (name or f"{data['slug']}-v{data['version']}.json")
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _problems(folder: Path) -> str:
    with pytest.raises(InstrumentFileError) as refused:
        load_instruments(folder)
    assert not Instrument.objects.exists()
    return str(refused.value)


def test_a_good_file_becomes_an_instrument_with_its_domains_items_and_level_definitions():
    report = load_instruments(FIXTURES / "v1")
    assert report.loaded == ["tiny v1"]
    instrument = Instrument.objects.get(slug="tiny")
    assert (instrument.version, instrument.kind, instrument.current) == (1, "national", True)
    assert instrument.names["pt"] == "Tiny assessment (pt)"
    assert instrument.evidence_from == 3
    assert instrument.source == "tiny-v1.json"
    assert [d.code for d in instrument.domains.all()] == ["leadership", "data"]
    item = Item.objects.get(code="leadership-2")
    assert item.lineage == "leadership-2"
    assert item.level_text(4) == "Leaders take part: level 4"
    assert item.level_texts["0"]["fr"] == "Leaders take part: level 0 (fr)"


def test_loading_twice_leaves_a_loaded_version_unchanged():
    load_instruments(FIXTURES / "v1")
    Item.objects.filter(code="data-1").update(texts={"en": "Edited by a coordinator"})
    report = load_instruments(FIXTURES / "v1")
    assert report.loaded == [] and report.unchanged == ["tiny v1"]
    assert Instrument.objects.count() == 1
    assert Item.objects.get(code="data-1").texts == {"en": "Edited by a coordinator"}


def test_a_new_version_follows_carried_items_and_becomes_the_current_one():
    load_instruments(FIXTURES / "v1")
    report = load_instruments(FIXTURES / "v2")
    assert report.loaded == ["tiny v2"] and report.unchanged == ["tiny v1"]
    v1, v2 = Instrument.objects.get(version=1), Instrument.objects.get(version=2)
    assert (v1.current, v2.current) == (False, True)
    lineages = dict(Item.objects.filter(domain__instrument=v2).values_list("code", "lineage"))
    assert lineages == {
        "leadership-1": "leadership-1",  # same code: the same question
        "leadership-visible": "leadership-2",  # renamed, carried from the old code
        "data-1": "data-1",
        "data-2": "data-2",  # new: a line of its own
    }


def test_a_third_version_keeping_a_renamed_code_keeps_its_first_lineage(tmp_path):
    for name in ("tiny-v1.json", "tiny-v2.json"):
        shutil.copy(FIXTURES / "v2" / name, tmp_path / name)
    v3 = json.loads((FIXTURES / "v2" / "tiny-v2.json").read_text(encoding="utf-8"))
    v3["version"] = 3
    for domain in v3["domains"]:
        for item in domain["items"]:
            item["carried_from"] = None
    _write(tmp_path, v3)
    load_instruments(tmp_path)  # all three versions in one go
    item = Item.objects.get(domain__instrument__version=3, code="leadership-visible")
    assert item.lineage == "leadership-2"
    assert list(Instrument.objects.filter(current=True).values_list("version", flat=True)) == [3]


def test_a_text_missing_a_language_is_refused_naming_the_file_and_the_place(tmp_path):
    data = _v1()
    del data["domains"][1]["items"][0]["text"]["pt"]
    _write(tmp_path, data)
    assert "tiny-v1.json: domains[1].items[0].text: the text in 'pt' is missing or empty" in _problems(
        tmp_path
    )


def test_an_item_without_a_definition_of_every_level_is_refused(tmp_path):
    data = _v1()
    del data["domains"][0]["items"][1]["levels"]["4"]
    data["domains"][0]["items"][0]["levels"]["6"] = data["domains"][0]["items"][0]["levels"]["5"]
    _write(tmp_path, data)
    problems = _problems(tmp_path)
    assert "tiny-v1.json: domains[0].items[1].levels: level 4 has no definition" in problems
    assert (
        "tiny-v1.json: domains[0].items[0].levels: '6' is not a level of the instrument's scale" in problems
    )


def test_a_code_used_twice_is_refused(tmp_path):
    data = _v1()
    data["domains"][1]["items"][0]["code"] = "leadership-1"
    data["domains"][1]["code"] = "leadership"
    _write(tmp_path, data)
    problems = _problems(tmp_path)
    assert "domains[1].items[0].code: the item code 'leadership-1' is used twice" in problems
    assert "domains[1].code: the domain code 'leadership' is used twice" in problems


def test_carried_from_must_name_an_item_of_an_older_version_of_the_same_instrument(tmp_path):
    data = _v1()
    data["version"] = 2
    data["domains"][0]["items"][0]["carried_from"] = "leadership-1"  # no version 1 anywhere
    _write(tmp_path, data)
    assert (
        "tiny-v2.json: domains[0].items[0].carried_from: "
        "'leadership-1' is no item of an older version of tiny" in _problems(tmp_path)
    )


def test_a_file_that_is_not_json_is_refused_with_its_line(tmp_path):
    (tmp_path / "tiny-v1.json").write_text('{"slug": "tiny",\n "version": }', encoding="utf-8")
    assert "tiny-v1.json: line 2, column 13: not valid JSON" in _problems(tmp_path)


def test_a_bad_kind_scale_or_evidence_level_is_refused(tmp_path):
    data = _v1()
    data["kind"] = "hospital"
    data["evidence_from"] = 9
    _write(tmp_path, data)
    problems = _problems(tmp_path)
    assert "tiny-v1.json: kind: expected one of national, nqps, facility" in problems
    assert "tiny-v1.json: evidence_from: expected one of the levels, or null" in problems


def test_a_file_named_otherwise_than_its_slug_and_version_is_refused(tmp_path):
    _write(tmp_path, _v1(), name="tiny.json")
    assert "tiny.json: the file of tiny version 1 must be named tiny-v1.json" in _problems(tmp_path)


def test_one_bad_file_loads_nothing_at_all(tmp_path):
    shutil.copy(FIXTURES / "v1" / "tiny-v1.json", tmp_path / "tiny-v1.json")
    other = _v1()
    other["slug"] = "other"
    del other["name"]["fr"]
    _write(tmp_path, other)
    assert "other-v1.json: name: the text in 'fr' is missing or empty" in _problems(tmp_path)


def test_the_command_loads_and_reports_and_refuses_with_the_problems(tmp_path, capsys):
    call_command("load_instruments", folder=str(FIXTURES / "v1"))
    assert "Loaded tiny v1." in capsys.readouterr().out
    call_command("load_instruments", folder=str(FIXTURES / "v1"))
    assert "Already loaded, left unchanged: tiny v1." in capsys.readouterr().out
    data = _v1()
    data["slug"] = "bad"
    data["levels"] = "0-5"
    _write(tmp_path, data)
    with pytest.raises(CommandError, match=r"bad-v1\.json: levels: expected the scale"):
        call_command("load_instruments", folder=str(tmp_path))


def test_every_shipped_instrument_file_loads_and_each_instrument_has_one_current_version():
    from qicop.programmes.instruments.loader import FOLDER

    files = sorted(FOLDER.glob("*.json"))
    if not files:
        pytest.skip("No instrument file is shipped yet (programmes/instruments/*.json).")
    report = load_instruments()
    assert len(report.loaded) == len(files)
    for slug in set(Instrument.objects.values_list("slug", flat=True)):
        assert Instrument.objects.filter(slug=slug, current=True).count() == 1
