"""Load the instrument files of this folder (FORMAT.md) into Instrument, Domain and Item rows.

Every file is read and checked before anything is written, and everything is written in one transaction:
a bad file loads nothing and the error names the file and the place in it. A version already loaded is
left as it is (a locked round keeps reading the texts it was scored against); a change is a new version,
in a new file. After loading, the newest version of each slug is the current one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from qicop.core.audit import audit
from qicop.programmes.models import Domain, Instrument, Item

FOLDER = Path(__file__).resolve().parent
LANGUAGES = ("en", "fr", "pt")
KINDS = tuple(Instrument.Kind.values)


class InstrumentFileError(ValueError):
    """One or more instrument files are not as FORMAT.md describes; each problem names its file and place."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadReport:
    loaded: list[str] = field(default_factory=list)  # "slug v2"
    unchanged: list[str] = field(default_factory=list)


@dataclass
class _File:
    name: str
    data: dict

    @property
    def key(self) -> tuple[str, int]:
        return self.data["slug"], self.data["version"]


class _Checker:
    """Collects the problems of one file, each with its place ("domains[2].items[0].levels['3']")."""

    def __init__(self, name: str, problems: list[str]):
        self.name = name
        self.problems = problems

    def problem(self, place: str, message: str) -> None:
        self.problems.append(f"{self.name}: {place}: {message}" if place else f"{self.name}: {message}")

    def texts(self, value, place: str) -> None:
        if not isinstance(value, dict):
            self.problem(place, 'expected the text in each language, as {"en": …, "fr": …, "pt": …}')
            return
        for language in LANGUAGES:
            text = value.get(language)
            if not isinstance(text, str) or not text.strip():
                self.problem(place, f"the text in '{language}' is missing or empty")

    def code(self, value, place: str) -> bool:
        if not isinstance(value, str) or not value or not all(c.isalnum() or c in "-_" for c in value):
            self.problem(place, "expected a code of letters, digits, '-' and '_'")
            return False
        return True


def _read(path: Path, problems: list[str]) -> _File | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        problems.append(
            f"{path.name}: line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})"
        )
        return None
    if not isinstance(data, dict):
        problems.append(f"{path.name}: expected one instrument (a JSON object)")
        return None
    return _File(path.name, data)


def _check_top(file: _File, check: _Checker) -> bool:
    """The instrument's own fields; False when the file cannot be read further."""
    data = file.data
    ok = check.code(data.get("slug"), "slug")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        check.problem("version", "expected a whole number from 1")
        ok = False
    if ok and file.name != f"{data['slug']}-v{version}.json":
        check.problem(
            "", f"the file of {data['slug']} version {version} must be named {data['slug']}-v{version}.json"
        )
    if data.get("kind") not in KINDS:
        check.problem("kind", f"expected one of {', '.join(KINDS)}")
    check.texts(data.get("name"), "name")
    if "description" in data:
        check.texts(data["description"], "description")
    levels = data.get("levels")
    if (
        not isinstance(levels, list)
        or not levels
        or not all(isinstance(level, int) and not isinstance(level, bool) and level >= 0 for level in levels)
        or len(set(levels)) != len(levels)
    ):
        check.problem(
            "levels", "expected the scale as a list of distinct whole numbers, e.g. [0, 1, 2, 3, 4, 5]"
        )
        ok = False
    evidence_from = data.get("evidence_from")
    if evidence_from is not None and (not isinstance(levels, list) or evidence_from not in levels):
        check.problem("evidence_from", "expected one of the levels, or null")
    if not isinstance(data.get("domains"), list) or not data["domains"]:
        check.problem("domains", "expected a list of domains")
        ok = False
    return ok


def _check_items(file: _File, check: _Checker, older: dict[str, str]) -> None:
    """Domains and items; ``older`` maps the codes of the slug's older versions' items to their lineage."""
    levels = [str(level) for level in file.data["levels"]]
    domain_codes: set[str] = set()
    item_codes: set[str] = set()
    for d, domain in enumerate(file.data["domains"]):
        place = f"domains[{d}]"
        if not isinstance(domain, dict):
            check.problem(place, "expected a domain (a JSON object)")
            continue
        if check.code(domain.get("code"), f"{place}.code"):
            if domain["code"] in domain_codes:
                check.problem(f"{place}.code", f"the domain code '{domain['code']}' is used twice")
            domain_codes.add(domain["code"])
        check.texts(domain.get("name"), f"{place}.name")
        items = domain.get("items")
        if not isinstance(items, list) or not items:
            check.problem(f"{place}.items", "expected a list of items")
            continue
        for i, item in enumerate(items):
            where = f"{place}.items[{i}]"
            if not isinstance(item, dict):
                check.problem(where, "expected an item (a JSON object)")
                continue
            if check.code(item.get("code"), f"{where}.code"):
                if item["code"] in item_codes:
                    check.problem(f"{where}.code", f"the item code '{item['code']}' is used twice")
                item_codes.add(item["code"])
            carried = item.get("carried_from")
            if carried is not None and carried not in older:
                check.problem(
                    f"{where}.carried_from",
                    f"'{carried}' is no item of an older version of {file.data['slug']}",
                )
            check.texts(item.get("text"), f"{where}.text")
            definitions = item.get("levels")
            if not isinstance(definitions, dict):
                check.problem(f"{where}.levels", "expected the definition of each level")
                continue
            for level in levels:
                if level not in definitions:
                    check.problem(f"{where}.levels", f"level {level} has no definition")
                else:
                    check.texts(definitions[level], f"{where}.levels['{level}']")
            for extra in sorted(set(definitions) - set(levels)):
                check.problem(f"{where}.levels", f"'{extra}' is not a level of the instrument's scale")


def _older_lineages(slug: str, version: int, files: list[_File]) -> dict[str, str]:
    """Item code → lineage over the slug's versions older than ``version``, newest version last so that
    its lineage wins (loaded rows and the files being loaded alike)."""
    lineages: dict[str, str] = {}
    versions: dict[int, dict[str, str]] = {}
    for code, lineage, older in Item.objects.filter(
        domain__instrument__slug=slug, domain__instrument__version__lt=version
    ).values_list("code", "lineage", "domain__instrument__version"):
        versions.setdefault(older, {})[code] = lineage
    for file in files:
        if file.key[0] == slug and file.key[1] < version and file.key[1] not in versions:
            versions[file.key[1]] = {
                item["code"]: item.get("_lineage", item["code"])
                for item in _items(file)
                if isinstance(item.get("code"), str)
            }
    for older in sorted(versions):
        lineages.update(versions[older])
    return lineages


def _items(file: _File):
    """The file's items (only those that are objects: a broken file is reported, not read)."""
    for domain in file.data["domains"]:
        if isinstance(domain, dict) and isinstance(domain.get("items"), list):
            yield from (item for item in domain["items"] if isinstance(item, dict))


def load_instruments(folder: Path | str | None = None) -> LoadReport:
    """Load every ``*.json`` of ``folder`` (this folder by default). Raises InstrumentFileError, having
    written nothing, when any file is not as FORMAT.md describes."""
    folder = Path(folder) if folder is not None else FOLDER
    problems: list[str] = []
    files = [f for f in (_read(path, problems) for path in sorted(folder.glob("*.json"))) if f is not None]
    readable = []
    for file in files:
        if _check_top(file, _Checker(file.name, problems)):
            readable.append(file)
    seen: dict[tuple, str] = {}
    for file in readable:
        if file.key in seen:
            problems.append(f"{file.name}: {file.key[0]} version {file.key[1]} is also in {seen[file.key]}")
        seen[file.key] = file.name
    readable.sort(key=lambda f: f.key)
    loaded = set(
        Instrument.objects.filter(slug__in={f.key[0] for f in readable}).values_list("slug", "version")
    )
    for file in readable:
        older = _older_lineages(*file.key, readable)
        before = len(problems)
        _check_items(file, _Checker(file.name, problems), older)
        if len(problems) == before:
            for item in _items(file):
                carried = item.get("carried_from")
                item["_lineage"] = older[carried] if carried else older.get(item["code"], item["code"])
    if problems:
        raise InstrumentFileError(problems)
    report = LoadReport()
    with transaction.atomic():
        for file in readable:
            label = f"{file.key[0]} v{file.key[1]}"
            if file.key in loaded:
                report.unchanged.append(label)
                continue
            _create(file)
            report.loaded.append(label)
        for slug in {f.key[0] for f in readable}:
            _mark_current(slug)
    return report


def _create(file: _File) -> Instrument:
    data = file.data
    instrument = Instrument.objects.create(
        slug=data["slug"],
        version=data["version"],
        kind=data["kind"],
        names=data["name"],
        descriptions=data.get("description") or {},
        levels=data["levels"],
        evidence_from=data.get("evidence_from"),
        source=file.name,
    )
    items = []
    for order, domain_data in enumerate(data["domains"]):
        domain = Domain.objects.create(
            instrument=instrument, code=domain_data["code"], names=domain_data["name"], order=order
        )
        items += [
            Item(
                domain=domain,
                code=item["code"],
                lineage=item["_lineage"],
                texts=item["text"],
                level_texts=item["levels"],
                order=number,
            )
            for number, item in enumerate(domain_data["items"])
        ]
    Item.objects.bulk_create(items)
    audit(actor=None, verb="instrument.load", target=instrument, file=file.name)
    return instrument


def _mark_current(slug: str) -> None:
    newest = Instrument.objects.filter(slug=slug).order_by("-version").values_list("pk", flat=True).first()
    Instrument.objects.filter(slug=slug).exclude(pk=newest).filter(current=True).update(current=False)
    Instrument.objects.filter(pk=newest, current=False).update(current=True)
