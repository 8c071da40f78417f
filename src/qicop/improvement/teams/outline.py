"""A driver diagram written as a plain outline, one item a line (no JavaScript needed to edit it):

    Every result is acted on quickly          ← a primary driver (not indented)
        Results reach the clinic fast         ← a secondary driver (indented once)
            Same-day viral load result review ← a change idea (indented twice)

An indent level is 2 or 4 spaces or a tab (whichever the outline uses; the smallest space indent found is
one level); a "- ", "* " or "• " bullet in front of an item is allowed and dropped. Blank lines are
skipped. ``parse_outline`` turns the text into a tree, or a list of problems, each with its line number
(1 for the first line of the text; 0 for a problem of the whole outline). No database: the service that
saves the diagram matches change ideas by title.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

#: The longest item (DriverNode.text).
MAX_LENGTH = 300
#: Primary driver, secondary driver, change idea.
LEVELS = 3
BULLETS = ("- ", "* ", "• ")


@dataclass
class Item:
    """One item of the outline: its text, its line in the text, and the items beneath it."""

    text: str
    line: int
    level: int
    children: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    line: int  # 0: the whole outline
    message: str


@dataclass(frozen=True)
class Outline:
    drivers: tuple[Item, ...]  # the primary drivers, each with its secondary drivers and change ideas
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def change_ideas(self) -> list[Item]:
        return [idea for driver in self.drivers for second in driver.children for idea in second.children]


def _split(raw: str) -> tuple[str, int, int]:
    """(text without indent or bullet, tabs, spaces) of one line."""
    body = raw.lstrip(" \t")
    indent = raw[: len(raw) - len(body)]
    for bullet in BULLETS:
        if body.startswith(bullet):
            body = body[len(bullet) :]
            break
    if body.strip() in ("-", "*", "•"):
        body = ""
    return body.strip(), indent.count("\t"), indent.count(" ")


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def parse_outline(text: str, *, had_diagram: bool = False, confirm_clear: bool = False) -> Outline:
    """The outline ``text`` as a tree of primary drivers, or the problems that stop it being one.

    ``had_diagram``: the team has a diagram now, so an empty outline would clear it — refused unless
    ``confirm_clear``."""
    lines = [(number, *_split(raw)) for number, raw in enumerate(text.splitlines(), start=1)]
    lines = [line for line in lines if line[1]]
    if not lines:
        if had_diagram and not confirm_clear:
            message = _(
                "The outline is empty: saving it would clear the team's driver diagram. Tick “Clear the "
                "diagram” to confirm, or type the drivers again."
            )
            return Outline((), (Problem(0, message),))
        return Outline((), ())
    unit = min((spaces for _n, _t, _tabs, spaces in lines if spaces), default=2)
    problems: list[Problem] = []
    drivers: list[Item] = []
    path: list[Item] = []  # the items the current line may sit under, primary driver first
    for number, body, tabs, spaces in lines:
        level = tabs + round(spaces / unit)
        problem = _placement_problem(number, level, path)
        if len(body) > MAX_LENGTH:
            problems.append(
                Problem(
                    number,
                    _("Line %(line)d has %(length)d characters; keep each item to %(limit)d.")
                    % {"line": number, "length": len(body), "limit": MAX_LENGTH},
                )
            )
        if problem:
            problems.append(problem)
            continue
        item = Item(body, number, level)
        ancestor = next((a for a in path[:level] if _key(a.text) == _key(body)), None)
        if ancestor is not None:
            problems.append(
                Problem(
                    number,
                    _(
                        "Line %(line)d repeats “%(text)s” from line %(above)d, which it is placed under: an "
                        "item cannot be under itself (the diagram would go round in a circle). Reword it or "
                        "move it."
                    )
                    % {"line": number, "text": body, "above": ancestor.line},
                )
            )
        if level == 0:
            drivers.append(item)
        else:
            path[level - 1].children.append(item)
        del path[level:]
        path.append(item)
    return Outline(tuple(drivers) if not problems else (), tuple(problems))


def _placement_problem(number: int, level: int, path: Sequence[Item]) -> Problem | None:
    """Why a line at ``level`` cannot follow the items in ``path`` (None: it can)."""
    if level >= LEVELS:
        return Problem(
            number,
            _(
                "Line %(line)d is indented a fourth level; a driver diagram has three: primary driver (not "
                "indented), secondary driver (indented once), change idea (indented twice)."
            )
            % {"line": number},
        )
    if not path and level == 2:
        return Problem(
            number,
            _(
                "Line %(line)d is a change idea (indented twice) with no secondary driver above it. Put a "
                "secondary driver (indented once) above it, or indent it less."
            )
            % {"line": number},
        )
    if not path and level == 1:
        return Problem(
            number,
            _(
                "Line %(line)d is a secondary driver (indented once) with no primary driver above it. "
                "Start the outline with a primary driver, not indented."
            )
            % {"line": number},
        )
    if level > len(path):
        return Problem(
            number,
            _(
                "Line %(line)d is indented two levels deeper than the line above it; indent it one level "
                "deeper at most."
            )
            % {"line": number},
        )
    return None


def outline_text(drivers: Sequence, indent: str = "    ") -> str:
    """An outline of a tree (anything with ``text`` and ``children``), as the form shows it."""
    out: list[str] = []

    def walk(items, depth):
        for item in items:
            out.append(indent * depth + item.text)
            walk(item.children, depth + 1)

    walk(drivers, 0)
    return "\n".join(out)
