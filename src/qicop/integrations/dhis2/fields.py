"""DHIS2's ``fields`` parameter: which properties of metadata objects an answer carries.

Grammar (DHIS2 Web API "Metadata field filter"), parsed by a lark LALR grammar built once at import::

    fields=id,name,code                     properties by name
    fields=*  /  :all                       every property (references as {"id": …})
    fields=:identifiable,:nameable,:owner   presets (also :persisted and :simple)
    fields=*,!code                          exclusions, anywhere in a list
    fields=parent[id,parent[id]]            nested selections, to any depth; parentheses work too
    fields=name~rename(label)               transformers: rename(x), size, isEmpty, isNotEmpty, pluck(p)
    fields=children::size                   the older "::" spelling (and "|") of the same

Whitespace between items is ignored. An expression that does not parse raises :class:`FieldsError` naming
the position (1-based character) where parsing stopped; a preset or transformer qicop does not know raises it
too, naming the word. Which property names exist is not decided here (see ``qicop.api.dhis2.schemas``): like
DHIS2, names that a type does not have are left out of the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from lark import Lark, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

__all__ = [
    "PRESETS",
    "TRANSFORMERS",
    "Exclude",
    "Field",
    "FieldsError",
    "Preset",
    "Transform",
    "parse_fields",
]

#: Presets qicop expands (``*`` is ``:all``).
PRESETS = frozenset({"all", "identifiable", "nameable", "owner", "persisted", "simple"})
#: Transformers qicop applies, with the number of arguments each takes (min, max).
TRANSFORMERS = {"rename": (1, 1), "size": (0, 0), "isEmpty": (0, 0), "isNotEmpty": (0, 0), "pluck": (0, 1)}
MAX_LENGTH = 10_000
MAX_DEPTH = 10


class FieldsError(ValueError):
    """A ``fields`` expression qicop cannot follow; ``position`` is the 1-based character where it failed."""

    def __init__(self, message: str, *, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} (position {self.position})" if self.position else self.message


@dataclass(frozen=True, slots=True)
class Transform:
    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Field:
    """A property by name; ``children`` is the nested selection (None when the expression gives none)."""

    name: str
    children: tuple[Item, ...] | None = None
    transforms: tuple[Transform, ...] = ()


@dataclass(frozen=True, slots=True)
class Exclude:
    name: str


@dataclass(frozen=True, slots=True)
class Preset:
    name: str


Item = Field | Exclude | Preset

_GRAMMAR = r"""
    start: _items
    _items: _entry ("," _entry)*
    _entry: item?
    ?item: field | exclude | preset | star
    exclude: "!" NAME
    preset: ":" NAME
    star: "*"
    field: NAME (conversion | block)*
    block: "[" _items "]" | "(" _items ")"
    conversion: _SEP NAME args?
    args: "(" [ARG (";" ARG)*] ")"
    _SEP: "~" | "::" | "|"
    NAME: /[A-Za-z_][A-Za-z0-9_]*/
    ARG: /[A-Za-z0-9_.\-]+/
    %import common.WS
    %ignore WS
"""

_PARSER = Lark(_GRAMMAR, parser="lalr", maybe_placeholders=False)


@v_args(inline=True)
class _Build(Transformer):
    def start(self, *items):
        return tuple(items)

    def exclude(self, name):
        return Exclude(str(name))

    def preset(self, name):
        if str(name) not in PRESETS:
            raise FieldsError(
                f"unknown preset :{name} (qicop knows :{', :'.join(sorted(PRESETS))})",
                position=name.start_pos + 1,
            )
        return Preset(str(name))

    def star(self):
        return Preset("all")

    def block(self, *items):
        return tuple(items)

    def args(self, *values):
        return tuple(str(v) for v in values if v is not None)

    def conversion(self, name, args=()):
        name_text = str(name)
        if name_text not in TRANSFORMERS:
            raise FieldsError(
                f"unknown transformer {name_text} (qicop applies {', '.join(TRANSFORMERS)})",
                position=name.start_pos + 1,
            )
        low, high = TRANSFORMERS[name_text]
        if not low <= len(args) <= high:
            expected = str(low) if low == high else f"{low} to {high}"
            raise FieldsError(
                f"transformer {name_text} takes {expected} argument(s), not {len(args)}",
                position=name.start_pos + 1,
            )
        return Transform(name_text, args)

    def field(self, name, *rest):
        children = None
        transforms = []
        for part in rest:
            if isinstance(part, Transform):
                transforms.append(part)
            elif children is not None:
                raise FieldsError(f"{name} has two nested selections", position=name.start_pos + 1)
            else:
                children = part
        return Field(str(name), children, tuple(transforms))


def parse_fields(text: str) -> tuple[Item, ...]:
    """Parse a ``fields`` expression (several ``fields`` parameters may be joined with commas first)."""
    if len(text) > MAX_LENGTH:
        raise FieldsError(f"the fields expression is longer than {MAX_LENGTH} characters")
    _check_nesting(text)
    try:
        tree = _PARSER.parse(text)
        items = _Build().transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, FieldsError):
            raise error.orig_exc from None
        raise
    except UnexpectedEOF:
        raise FieldsError(
            "the fields expression ends before it is complete", position=len(text) + 1
        ) from None
    except UnexpectedCharacters as error:
        raise FieldsError(
            f"unexpected {text[error.pos_in_stream]!r} in fields", position=error.pos_in_stream + 1
        ) from None
    except UnexpectedToken as error:
        if error.token.type == "$END":
            raise FieldsError(
                "the fields expression ends before it is complete", position=len(text) + 1
            ) from None
        raise FieldsError(
            f"unexpected {str(error.token)!r} in fields", position=error.token.start_pos + 1
        ) from None
    except UnexpectedInput as error:  # pragma: no cover - the three above are all lalr raises
        raise FieldsError("the fields expression does not parse", position=error.pos_in_stream + 1) from None
    _check_depth(items, 1)
    return items


def _check_nesting(text: str) -> None:
    """Refuse brackets nested deeper than ``MAX_DEPTH`` before parsing: building the tree recurses once per
    level, and ``a[a[a[…`` thousands deep ended in a RecursionError (a 500)."""
    depth = 0
    for position, char in enumerate(text, 1):
        if char in "[(":
            depth += 1
            if depth > MAX_DEPTH + 1:  # a transformer's own parentheses sit one level deeper
                raise FieldsError(f"fields nest deeper than {MAX_DEPTH} levels", position=position)
        elif char in "])":
            depth -= 1


def _check_depth(items: tuple[Item, ...], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise FieldsError(f"fields nest deeper than {MAX_DEPTH} levels")
    for item in items:
        if isinstance(item, Field) and item.children:
            _check_depth(item.children, depth + 1)
