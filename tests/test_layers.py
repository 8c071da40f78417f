"""qicop's packages stand on floors and import only downwards (docs/architecture.md draws them).

Every module under src/qicop is parsed, imports inside functions included: a module may import its own
package and packages on lower floors, never one on its own floor or above, so no two apps can form a
cycle. The pure packages at the bottom import no Django. An import inside a function says, in a comment
starting ``# local:`` on its line or the line above, which cycle or which cost it avoids; anything else
is written at the top of its module.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# Lowest first. A package on one floor imports only packages on the floors below it.
FLOORS: list[set[str]] = [
    # Pure Python, no Django: the SPC engine, the outside formats, the calendar arithmetic of series.
    {"analytics", "integrations", "scheduling"},
    {"charts"},  # drawings of SPC results (numpy, the engine's results)
    {"core"},  # base models, audit, i18n, uploads, the site's frame; no app
    {"accounts", "search"},  # people who sign in; the search engine (apps hand it their documents)
    {"network"},  # networks, countries, members, roles: what every feature is scoped by
    {"indicators", "meetings"},  # the data and its imports; the meetings
    {"dashboards", "exchange"},  # charts and data quality over the indicators; pulls from DHIS2 servers
    {"knowledge"},  # case studies (with their charts), resources, discussions
    {"improvement", "mailin"},  # collaboratives, teams, PDSA, change ideas; replies to notifications by mail
    # national quality programmes: scored instruments, assessment rounds, gap maps; positive deviance:
    # signals of improvement in the data, with the case studies, PDSA cycles and meetings that explain them
    {"programmes", "deviance"},
    {"portal", "api", "backup", "demo"},  # pages composed of several apps; the APIs; whole-site tools
    {"urls", "settings", "wsgi"},  # the wiring: the addresses, the settings, the web server's entry
    {"cli", "test_settings"},  # the `qicop` command; the suite's settings
]
PURE = FLOORS[0] | FLOORS[1]

# Function-level imports not yet moved to the top or explained, in rooms being rebuilt by other parts of
# issue 13 (meetings and knowledge into feature rooms; the chart pipeline and the indicator arithmetic;
# the import path). Each entry is removed once its room is done; the test says when one is.
AWAITING_ROOMS: tuple[str, ...] = ()

LOCAL_REASON = re.compile(r"#\s*local:\s*\S")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. qicop.network.views
    path: str  # its file, relative to src/
    line: int
    target: str  # the module imported, e.g. qicop.meetings.selectors
    in_function: bool
    explained: bool  # a "# local:" comment on its line or the line above

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def package_of(module: str) -> str:
    """qicop.network.views → network; qicop.urls → urls."""
    return module.split(".")[1]


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: from . import x / from ..y import z
        base = module.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        if not node.module:  # from . import selectors: the names are modules
            return [".".join([*base, alias.name]) for alias in node.names]
        stem = ".".join([*base, node.module])
    else:
        stem = node.module or ""
    if stem == "qicop":  # from qicop import scheduling: the names are modules
        return [f"qicop.{alias.name}" for alias in node.names]
    return [stem]


def _model_label(call: ast.Call) -> str | None:
    """The app label of ``get_model("label", "Model")`` or ``get_model("label.Model")``, else None."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if name != "get_model" or not call.args:
        return None
    first = call.args[0]
    if not isinstance(first, ast.Constant) or not isinstance(first.value, str):
        return None
    return first.value.split(".")[0]


def _imports_of(path: Path, root: Path = SRC) -> list[Import]:
    text = path.read_text()
    lines = text.splitlines()
    tree = ast.parse(text, filename=str(path))
    module = _module_name(path, root)
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            in_function.update(id(inner) for inner in ast.walk(node) if inner is not node)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and "migrations" not in path.parts:
            # apps.get_model("network", "Member") reaches another app as surely as an import does.
            label = _model_label(node)
            if label:
                found.append(
                    Import(module, str(path.relative_to(root)), node.lineno, f"qicop.{label}", True, False)
                )
            continue
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
        said = lines[node.lineno - 1] + (above if above.startswith("#") else "")
        for target in _targets(node, module, path.name == "__init__.py"):
            if target == "qicop" or target.startswith("qicop."):
                found.append(
                    Import(
                        module=module,
                        path=str(path.relative_to(root)),
                        line=node.lineno,
                        target=target,
                        in_function=id(node) in in_function,
                        explained=bool(LOCAL_REASON.search(said)),
                    )
                )
    return sorted(found, key=lambda i: (i.line, i.target))


def _all_imports() -> list[Import]:
    return [found for path in sorted((SRC / "qicop").rglob("*.py")) for found in _imports_of(path)]


def _floor_of(package: str) -> int:
    for number, floor in enumerate(FLOORS):
        if package in floor:
            return number
    raise LookupError(package)


def upward(imports: list[Import]) -> list[Import]:
    """Imports of another package on the same floor or a higher one."""
    return [
        i
        for i in imports
        if package_of(i.target) != package_of(i.module)
        and _floor_of(package_of(i.target)) >= _floor_of(package_of(i.module))
    ]


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return _all_imports()


def test_every_package_of_qicop_stands_on_a_floor():
    packages = {
        path.stem if path.is_file() else path.name
        for path in (SRC / "qicop").iterdir()
        if (path.is_file() and path.suffix == ".py" and path.stem != "__init__")
        or (path / "__init__.py").exists()
    }
    placed = set().union(*FLOORS)
    assert packages - placed == set(), (
        "give each new package its floor in FLOORS (and in docs/architecture.md)"
    )
    assert placed - packages == set(), "FLOORS names packages that no longer exist"


def test_no_package_imports_one_on_its_own_floor_or_above(imports):
    assert [f"{i.where}: {package_of(i.module)} imports {i.target}" for i in upward(imports)] == []


def test_no_two_packages_import_each_other_even_through_others(imports):
    edges: dict[str, set[str]] = {}
    for i in imports:
        if package_of(i.target) != package_of(i.module):
            edges.setdefault(package_of(i.module), set()).add(package_of(i.target))

    def reaches(start: str, goal: str) -> list[str] | None:
        seen, stack = set(), [[start]]
        while stack:
            trail = stack.pop()
            for nxt in sorted(edges.get(trail[-1], ())):
                if nxt == goal:
                    return [*trail, nxt]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append([*trail, nxt])
        return None

    cycles = [" → ".join(trail) for package in sorted(edges) if (trail := reaches(package, package))]
    assert cycles == []


def test_the_pure_packages_import_no_django_even_inside_functions():
    django = re.compile(r"^\s*(from|import)\s+django\b", re.MULTILINE)
    for package in sorted(PURE):
        root = SRC / "qicop" / package
        paths = sorted(root.rglob("*.py")) if root.is_dir() else [root.with_suffix(".py")]
        for path in paths:
            found = django.search(path.read_text())
            assert found is None, f"{path.relative_to(SRC)} imports Django"


def test_a_function_level_import_of_qicop_says_which_cycle_or_cost_it_avoids(imports):
    unexplained = [
        f"{i.where}: import {i.target} inside a function: move it to the top, or say why with '# local: …'"
        for i in imports
        if i.in_function and not i.explained and not i.path.startswith(AWAITING_ROOMS)
    ]
    assert unexplained == []


def test_each_room_awaiting_its_rebuild_still_has_an_unexplained_local_import(imports):
    """Keeps AWAITING_ROOMS honest: a room whose local imports are all moved or explained leaves it."""
    for room in AWAITING_ROOMS:
        left = [i for i in imports if i.path.startswith(room) and i.in_function and not i.explained]
        assert left, f"{room} has no unexplained local import left: remove it from AWAITING_ROOMS"


def test_the_checks_see_an_upward_import_inside_a_function_and_its_line(tmp_path):
    """The parser the checks stand on finds imports inside functions, resolves relative ones, reads the
    comment that explains a local one, sees a model looked up by its app's label, and names the line of
    an upward import."""
    package = tmp_path / "qicop" / "network"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    source = package / "views.py"
    source.write_text(
        "from . import selectors\n"
        "from qicop import scheduling\n"
        "def page():\n"
        "    from qicop.meetings.selectors import upcoming\n"
        "    # local: avoids the cycle network.models → network.search\n"
        "    from qicop.network.search import register\n"
        "    return apps.get_model('dashboards', 'ChartSettings')\n"
    )
    found = _imports_of(source, root=tmp_path)
    assert [(i.target, i.line, i.in_function, i.explained) for i in found] == [
        ("qicop.network.selectors", 1, False, False),
        ("qicop.scheduling", 2, False, False),
        ("qicop.meetings.selectors", 4, True, False),
        ("qicop.network.search", 6, True, True),
        ("qicop.dashboards", 7, True, False),
    ]
    assert [(i.where, i.target) for i in upward(found)] == [
        ("qicop/network/views.py:4", "qicop.meetings.selectors"),
        ("qicop/network/views.py:7", "qicop.dashboards"),
    ]
