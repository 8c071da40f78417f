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

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

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
            self.problem(place, _('expected the text in each language, as {"en": …, "fr": …, "pt": …}'))
            return
        for language in LANGUAGES:
            text = value.get(language)
            if not isinstance(text, str) or not text.strip():
                missing = _("the text in '%(language)s' is missing or empty")
                self.problem(place, missing % {"language": language})

    def code(self, value, place: str) -> bool:
        if not isinstance(value, str) or not value or not all(c.isalnum() or c in "-_" for c in value):
            self.problem(place, _("expected a code of letters, digits, '-' and '_'"))
            return False
        return True


def _parse(name: str, text: str, problems: list[str]) -> _File | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(
            _("%(file)s: line %(line)s, column %(column)s: not valid JSON (%(why)s)")
            % {"file": name, "line": error.lineno, "column": error.colno, "why": error.msg}
        )
        return None
    except RecursionError:  # ``[[[[…`` thousands deep: refused, not a server error
        problems.append(_("%(file)s: not valid JSON (nested too deeply)") % {"file": name})
        return None
    if not isinstance(data, dict):
        problems.append(_("%(file)s: expected one instrument (a JSON object)") % {"file": name})
        return None
    return _File(name, data)


def _read(path: Path, problems: list[str]) -> _File | None:
    return _parse(path.name, path.read_text(encoding="utf-8"), problems)


def _check_top(file: _File, check: _Checker, *, named: bool = True) -> bool:
    """The instrument's own fields; False when the file cannot be read further. ``named``: a file of the
    folder, whose name must say its slug and version."""
    data = file.data
    ok = check.code(data.get("slug"), "slug")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        check.problem("version", _("expected a whole number from 1"))
        ok = False
    if named and ok and file.name != f"{data['slug']}-v{version}.json":
        check.problem(
            "",
            _("the file of %(slug)s version %(version)s must be named %(slug)s-v%(version)s.json")
            % {"slug": data["slug"], "version": version},
        )
    if data.get("kind") not in KINDS:
        check.problem("kind", _("expected one of %(kinds)s") % {"kinds": ", ".join(KINDS)})
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
            "levels", _("expected the scale as a list of distinct whole numbers, e.g. [0, 1, 2, 3, 4, 5]")
        )
        ok = False
    evidence_from = data.get("evidence_from")
    if evidence_from is not None and (not isinstance(levels, list) or evidence_from not in levels):
        check.problem("evidence_from", _("expected one of the levels, or null"))
    if not isinstance(data.get("domains"), list) or not data["domains"]:
        check.problem("domains", _("expected a list of domains"))
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
            check.problem(place, _("expected a domain (a JSON object)"))
            continue
        if check.code(domain.get("code"), f"{place}.code"):
            if domain["code"] in domain_codes:
                check.problem(
                    f"{place}.code",
                    _("the domain code '%(code)s' is used twice") % {"code": domain["code"]},
                )
            domain_codes.add(domain["code"])
        check.texts(domain.get("name"), f"{place}.name")
        items = domain.get("items")
        if not isinstance(items, list) or not items:
            check.problem(f"{place}.items", _("expected a list of items"))
            continue
        for i, item in enumerate(items):
            where = f"{place}.items[{i}]"
            if not isinstance(item, dict):
                check.problem(where, _("expected an item (a JSON object)"))
                continue
            if check.code(item.get("code"), f"{where}.code"):
                if item["code"] in item_codes:
                    check.problem(
                        f"{where}.code", _("the item code '%(code)s' is used twice") % {"code": item["code"]}
                    )
                item_codes.add(item["code"])
            carried = item.get("carried_from")
            if carried is not None and (not isinstance(carried, str) or carried not in older):
                check.problem(
                    f"{where}.carried_from",
                    _("'%(code)s' is no item of an older version of %(slug)s")
                    % {"code": carried, "slug": file.data["slug"]},
                )
            check.texts(item.get("text"), f"{where}.text")
            definitions = item.get("levels")
            if not isinstance(definitions, dict):
                check.problem(f"{where}.levels", _("expected the definition of each level"))
                continue
            for level in levels:
                if level not in definitions:
                    undefined = _("level %(level)s has no definition")
                    check.problem(f"{where}.levels", undefined % {"level": level})
                else:
                    check.texts(definitions[level], f"{where}.levels['{level}']")
            for extra in sorted(set(definitions) - set(levels)):
                check.problem(
                    f"{where}.levels",
                    _("'%(level)s' is not a level of the instrument's scale") % {"level": extra},
                )


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
            problems.append(
                _("%(file)s: %(slug)s version %(version)s is also in %(other)s")
                % {"file": file.name, "slug": file.key[0], "version": file.key[1], "other": seen[file.key]}
            )
        seen[file.key] = file.name
    readable.sort(key=lambda f: f.key)
    loaded = set(
        Instrument.objects.filter(slug__in={f.key[0] for f in readable}).values_list("slug", "version")
    )
    for file in readable:
        _check_and_follow(file, _Checker(file.name, problems), _older_lineages(*file.key, readable))
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


def _check_and_follow(file: _File, check: _Checker, older: dict[str, str]) -> None:
    """Check the domains and items; when they are right, give each item its lineage (``_lineage``)."""
    before = len(check.problems)
    _check_items(file, check, older)
    if len(check.problems) == before:
        for item in _items(file):
            carried = item.get("carried_from")
            item["_lineage"] = older[carried] if carried else older.get(item["code"], item["code"])


def load_next_version(text: str, *, name: str, current: Instrument, actor) -> Instrument:
    """Load ``text`` (one instrument as FORMAT.md describes, from a file or pasted, ``name`` naming it in
    the problems) as the next version of ``current``'s instrument, checked as the folder's files are, and
    make it the current one. It must keep the slug and the kind and be numbered one above the newest
    version. Raises InstrumentFileError, having written nothing, with every problem named by its place.
    The versions loaded before stay as they are, with the rounds scored on them."""
    problems: list[str] = []
    file = _parse(name, text, problems)
    if file is None:
        raise InstrumentFileError(problems)
    check = _Checker(name, problems)
    if _check_top(file, check, named=False):
        newest = Instrument.objects.filter(slug=current.slug).order_by("-version").first()
        expected = newest.version + 1
        if file.data["slug"] != current.slug:
            check.problem(
                "slug",
                _("this is a new version of %(slug)s: the slug stays '%(slug)s'") % {"slug": current.slug},
            )
        elif file.data["version"] != expected:
            check.problem(
                "version",
                _("the next version of %(slug)s is %(expected)s (version %(newest)s is the newest)")
                % {"slug": current.slug, "expected": expected, "newest": newest.version},
            )
        if file.data.get("kind") in KINDS and file.data["kind"] != newest.kind:
            check.problem(
                "kind", _("the kind stays '%(kind)s': a new kind is a new instrument") % {"kind": newest.kind}
            )
        if not problems:
            _check_and_follow(file, check, _older_lineages(current.slug, file.data["version"], []))
        if not problems and _same_as(file.data, newest):
            check.problem(
                "",
                _("nothing differs from version %(version)s: change the texts or the items first")
                % {"version": newest.version},
            )
    if problems:
        raise InstrumentFileError(problems)
    try:
        with transaction.atomic():
            instrument = _create(file, actor=actor, verb="instrument.new_version", source="")
            _mark_current(current.slug)
    except IntegrityError:  # made at the same moment by someone else
        raise InstrumentFileError(
            [
                _("%(file)s: version %(version)s of %(slug)s was made meanwhile: download it and start again")
                % {"file": name, "version": file.data["version"], "slug": current.slug}
            ]
        ) from None
    return instrument


def instrument_data(instrument: Instrument, *, version: int | None = None) -> dict:
    """One version of an instrument as its file says it (FORMAT.md), ``version`` renumbered if given (to
    start the next one from it). An item that continues another's line names it in ``carried_from``."""
    data = {
        "slug": instrument.slug,
        "version": version or instrument.version,
        "kind": instrument.kind,
        "name": instrument.names,
    }
    if instrument.descriptions:
        data["description"] = instrument.descriptions
    data |= {
        "levels": instrument.levels,
        "evidence_from": instrument.evidence_from,
        "domains": [
            {
                "code": domain.code,
                "name": domain.names,
                "items": [
                    {
                        "code": item.code,
                        "carried_from": item.lineage if item.lineage != item.code else None,
                        "text": item.texts,
                        "levels": item.level_texts,
                    }
                    for item in domain.items.all()
                ],
            }
            for domain in instrument.domains.prefetch_related("items")
        ],
    }
    return data


def _same_as(data: dict, instrument: Instrument) -> bool:
    """Whether ``data`` (checked, its items' lineage followed) says what ``instrument`` says, apart from its
    number: the same texts, scale, domains and items, each item on the same line."""

    def plain(value: dict) -> dict:
        value = json.loads(json.dumps(value))
        value.pop("version", None)
        value.setdefault("description", {})
        value.setdefault("evidence_from", None)
        for domain in value["domains"]:
            for item in domain["items"]:
                carried = item.pop("carried_from", None)
                item["lineage"] = item.pop("_lineage", None) or carried or item["code"]
        return value

    return plain(data) == plain(instrument_data(instrument))


def _create(
    file: _File, *, actor=None, verb: str = "instrument.load", source: str | None = None
) -> Instrument:
    data = file.data
    instrument = Instrument.objects.create(
        slug=data["slug"],
        version=data["version"],
        kind=data["kind"],
        names=data["name"],
        descriptions=data.get("description") or {},
        levels=data["levels"],
        evidence_from=data.get("evidence_from"),
        source=file.name if source is None else source,
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
    audit(actor=actor, verb=verb, target=instrument, file=file.name)
    return instrument


def _mark_current(slug: str) -> None:
    newest = Instrument.objects.filter(slug=slug).order_by("-version").values_list("pk", flat=True).first()
    Instrument.objects.filter(slug=slug).exclude(pk=newest).filter(current=True).update(current=False)
    Instrument.objects.filter(pk=newest, current=False).update(current=True)
