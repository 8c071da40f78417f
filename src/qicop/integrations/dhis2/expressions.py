"""DHIS2 indicator expressions: the numerators and denominators of indicators (formats.md §1.8).

Parsed by a real LALR grammar (lark, built once at import) into an immutable tree; evaluated one value at a
time (`Expression.evaluate`) or over whole numpy arrays of org units × periods (`Expression.evaluate_arrays`)
with the same semantics.

Supported items: ``#{de}``, ``#{de.coc}``, ``#{de.coc.aoc}`` and the wildcards ``#{de.*}``, ``#{de.*.aoc}``,
``#{de.coc.*}``; constants ``C{uid}``; org unit group counts ``OUG{uid}``; ``[days]`` (days in the period);
numbers, ``true``/``false``. Operators, loosest first: ``||``; ``&&``; ``==`` ``!=``;
``<`` ``<=`` ``>`` ``>=``; ``+`` ``-``; ``*`` ``/`` ``%``; unary ``-`` ``+`` ``!``; ``^`` (right-associative,
so ``-2^2`` is -4).
Functions: ``if(condition, then, else)``, ``isNull(x)``, ``isNotNull(x)``, ``firstNonNull(x, …)``,
``greatest(x, …)``, ``least(x, …)``. Other DHIS2 items (``#{deGroup:…}``, ``#{de.co:…}``, ``N{…}``, ``R{…}``,
``I{…}``, ``D{…}``, ``A{…}``) are refused with a clear `ExpressionError`.

Missing values follow DHIS2's default for indicators ("skip if all values are missing"):

1. if the expression refers to data and **every** data operand is missing, the result is None (NaN in arrays);
2. otherwise a missing operand counts as 0 — except inside ``isNull``, ``isNotNull``, ``firstNonNull``,
   ``greatest`` and ``least``, which see it as null (those three last ones skip nulls);
3. a result that is undefined — division or ``%`` by zero, ``0 ^ -1``, overflow, any non-finite number — makes
   the whole expression None (NaN), and the null-aware functions above see it as null too.

Comparisons and logical operators give 1 or 0; a condition is true when it is not 0.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError

__all__ = ["Expression", "ExpressionError", "Operand", "in_words", "parse_expression", "uids_in"]

_NOTHING: Mapping[str, float] = MappingProxyType({})
_UID = re.compile(r"[A-Za-z][A-Za-z0-9]{10}")  # formats.md §1.8


class ExpressionError(ValueError):
    """An expression that cannot be parsed, or evaluated (a constant with no value…).

    ``line`` and ``column`` (1-based) say where parsing stopped, when it did.
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class Operand:
    """A data value an expression needs: a data element, optionally narrowed to a category option combo
    and/or an attribute option combo. None means "any": summed over all combos, which is what both an
    omitted part (``#{de}``) and the ``*`` wildcard (``#{de.*.aoc}``) mean in DHIS2.
    """

    data_element: str
    category_option_combo: str | None = None
    attribute_option_combo: str | None = None

    def __str__(self) -> str:
        parts = [self.data_element, self.category_option_combo or "*", self.attribute_option_combo or "*"]
        while parts[-1] == "*":
            parts.pop()
        return "#{" + ".".join(parts) + "}"


# --- evaluation environments ---------------------------------------------------------------------------
# A node evaluates to a pair (value, missing). `missing` is True when the value comes only from missing data
# (the value is then 0, so sums treat it as 0); an undefined value is NaN and poisons arithmetic.


@dataclass(slots=True)
class _Environment:
    operands: dict[Operand, tuple]
    constants: Mapping[str, float]
    days: int | None
    org_unit_groups: Mapping[str, float]

    def constant(self, uid: str) -> float:
        if uid not in self.constants:
            raise ExpressionError(f"no value was given for the constant C{{{uid}}}")
        return float(self.constants[uid])

    def org_unit_group(self, uid: str) -> float:
        if uid not in self.org_unit_groups:
            raise ExpressionError(f"no count was given for the org unit group OUG{{{uid}}}")
        return float(self.org_unit_groups[uid])

    def days_value(self) -> float:
        if self.days is None:
            raise ExpressionError("the expression uses [days] but no number of days was given")
        return float(self.days)


def _finite(value: float) -> float:
    return value if math.isfinite(value) else math.nan


def _finite_array(values: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(values), values, np.nan)


def _is_null(pair: tuple) -> bool:
    return pair[1] or math.isnan(pair[0])


# --- the tree ------------------------------------------------------------------------------------------


class Node:
    """A node of an expression tree. Subclasses are frozen dataclasses; `scalar` and `array` evaluate."""

    __slots__ = ()

    def children(self) -> tuple[Node, ...]:
        return ()

    def scalar(self, env: _Environment) -> tuple[float, bool]:
        raise NotImplementedError

    def array(self, env: _Environment) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Number(Node):
    value: float

    def scalar(self, env):
        return self.value, False

    def array(self, env):
        return np.float64(self.value), np.False_


@dataclass(frozen=True, slots=True)
class DataItem(Node):
    operand: Operand

    def scalar(self, env):
        return env.operands[self.operand]

    def array(self, env):
        return env.operands[self.operand]


@dataclass(frozen=True, slots=True)
class ConstantItem(Node):
    uid: str

    def scalar(self, env):
        return env.constant(self.uid), False

    def array(self, env):
        return np.float64(env.constant(self.uid)), np.False_


@dataclass(frozen=True, slots=True)
class OrgUnitGroupItem(Node):
    uid: str

    def scalar(self, env):
        return env.org_unit_group(self.uid), False

    def array(self, env):
        return np.float64(env.org_unit_group(self.uid)), np.False_


@dataclass(frozen=True, slots=True)
class Days(Node):
    def scalar(self, env):
        return env.days_value(), False

    def array(self, env):
        return np.float64(env.days_value()), np.False_


def _truth(value: float) -> float:
    return math.nan if math.isnan(value) else float(value != 0)


def _truth_array(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), np.nan, (values != 0).astype(float))


@dataclass(frozen=True, slots=True)
class Unary(Node):
    op: str  # "-", "+" or "!"
    operand: Node

    def children(self):
        return (self.operand,)

    def scalar(self, env):
        value, missing = self.operand.scalar(env)
        if self.op == "!":
            value = _truth(value)
            return (math.nan if math.isnan(value) else 1.0 - value), missing
        return (-value if self.op == "-" else value), missing

    def array(self, env):
        values, missing = self.operand.array(env)
        if self.op == "!":
            return 1.0 - _truth_array(values), missing
        return (-values if self.op == "-" else values), missing


def _divide(a, b):
    return math.nan if b == 0 else a / b


def _numpy_scalar(function):
    # % and ^ use numpy in the scalar path too, so both paths round the same way.
    def apply(a, b):
        with np.errstate(all="ignore"):
            return float(function(np.float64(a), np.float64(b)))

    return apply


_modulo = _numpy_scalar(np.mod)


def _compare(test):
    return lambda a, b: math.nan if math.isnan(a) or math.isnan(b) else float(test(a, b))


def _logical(test):
    return lambda a, b: math.nan if math.isnan(a) or math.isnan(b) else float(test(a != 0, b != 0))


_SCALAR_OPS: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _divide,
    "%": lambda a, b: math.nan if b == 0 else _modulo(a, b),
    "^": _numpy_scalar(np.power),
    "<": _compare(lambda a, b: a < b),
    "<=": _compare(lambda a, b: a <= b),
    ">": _compare(lambda a, b: a > b),
    ">=": _compare(lambda a, b: a >= b),
    "==": _compare(lambda a, b: a == b),
    "!=": _compare(lambda a, b: a != b),
    "&&": _logical(lambda a, b: a and b),
    "||": _logical(lambda a, b: a or b),
}


def _array_compare(test):
    return lambda a, b: np.where(np.isnan(a) | np.isnan(b), np.nan, test(a, b).astype(float))


def _array_logical(test):
    return lambda a, b: np.where(np.isnan(a) | np.isnan(b), np.nan, test(a != 0, b != 0).astype(float))


_ARRAY_OPS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": lambda a, b: np.where(b == 0, np.nan, np.divide(a, b)),
    "%": lambda a, b: np.where(b == 0, np.nan, np.mod(a, b)),
    "^": np.power,
    "<": _array_compare(np.less),
    "<=": _array_compare(np.less_equal),
    ">": _array_compare(np.greater),
    ">=": _array_compare(np.greater_equal),
    "==": _array_compare(np.equal),
    "!=": _array_compare(np.not_equal),
    "&&": _array_logical(np.logical_and),
    "||": _array_logical(np.logical_or),
}


@dataclass(frozen=True, slots=True)
class Binary(Node):
    op: str
    left: Node
    right: Node

    def children(self):
        return (self.left, self.right)

    def scalar(self, env):
        a, a_missing = self.left.scalar(env)
        b, b_missing = self.right.scalar(env)
        return _finite(_SCALAR_OPS[self.op](a, b)), a_missing and b_missing

    def array(self, env):
        a, a_missing = self.left.array(env)
        b, b_missing = self.right.array(env)
        return _finite_array(_ARRAY_OPS[self.op](a, b)), a_missing & b_missing


# function name → (fewest arguments, most arguments or None for any number)
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "if": (3, 3),
    "isNull": (1, 1),
    "isNotNull": (1, 1),
    "firstNonNull": (1, None),
    "greatest": (1, None),
    "least": (1, None),
}


@dataclass(frozen=True, slots=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]

    def children(self):
        return self.args

    def scalar(self, env):
        if self.name == "if":
            condition = _truth(self.args[0].scalar(env)[0])
            if math.isnan(condition):
                return math.nan, False
            return self.args[1 if condition else 2].scalar(env)
        pairs = [arg.scalar(env) for arg in self.args]
        if self.name in ("isNull", "isNotNull"):
            return float(_is_null(pairs[0]) == (self.name == "isNull")), False
        present = [value for value, missing in pairs if not (missing or math.isnan(value))]
        if not present:
            return 0.0, True
        if self.name == "firstNonNull":
            return present[0], False
        return (max if self.name == "greatest" else min)(present), False

    def array(self, env):
        if self.name == "if":
            condition = _truth_array(self.args[0].array(env)[0])
            then_values, then_missing = self.args[1].array(env)
            else_values, else_missing = self.args[2].array(env)
            chosen = np.where(condition == 1, then_values, else_values)
            return np.where(np.isnan(condition), np.nan, chosen), np.where(
                condition == 1, then_missing, else_missing
            ) & ~np.isnan(condition)
        pairs = [arg.array(env) for arg in self.args]
        nulls = [missing | np.isnan(values) for values, missing in pairs]
        if self.name in ("isNull", "isNotNull"):
            return (nulls[0] == (self.name == "isNull")).astype(float), np.False_
        candidates = [np.where(null, np.nan, values) for (values, _), null in zip(pairs, nulls, strict=True)]
        if self.name == "firstNonNull":
            result = candidates[-1]
            for values in reversed(candidates[:-1]):
                result = np.where(np.isnan(values), result, values)
        else:
            pick = np.fmax if self.name == "greatest" else np.fmin
            result = candidates[0]
            for values in candidates[1:]:
                result = pick(result, values)
        none = np.isnan(result)
        return np.where(none, 0.0, result), none


def _walk(node: Node) -> Iterator[Node]:
    yield node
    for child in node.children():
        yield from _walk(child)


# --- the expression --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed expression: an immutable tree plus the text it came from; equal trees are equal."""

    root: Node
    text: str = field(default="", compare=False)
    _operands: tuple[Operand, ...] = field(default=(), compare=False, repr=False)

    def operands(self) -> frozenset[Operand]:
        """The data values the expression needs, so a caller fetches them and nothing else."""
        return frozenset(self._operands)

    def constants(self) -> frozenset[str]:
        """The uids of the constants (``C{uid}``) the expression uses."""
        return frozenset(node.uid for node in _walk(self.root) if isinstance(node, ConstantItem))

    def org_unit_groups(self) -> frozenset[str]:
        """The uids of the org unit groups (``OUG{uid}``) whose counts the expression uses."""
        return frozenset(node.uid for node in _walk(self.root) if isinstance(node, OrgUnitGroupItem))

    def evaluate(
        self,
        values: Callable[[Operand], float | None],
        constants: Mapping[str, float] = _NOTHING,
        days: int | None = None,
        org_unit_groups: Mapping[str, float] = _NOTHING,
    ) -> float | None:
        """The value of the expression, or None (see the module's rules for missing and undefined values).

        ``values(operand)`` gives one operand's value, None (or NaN) when it is missing; ``constants`` and
        ``org_unit_groups`` map uids to numbers; ``days`` is the number of days of the period, for ``[days]``.
        Raises `ExpressionError` when a constant, group count or ``[days]`` the expression uses is not given.
        """
        fetched = {}
        for operand in self._operands:
            value = values(operand)
            missing = value is None or math.isnan(value)
            fetched[operand] = (0.0 if missing else float(value), missing)
        if fetched and all(missing for _, missing in fetched.values()):
            return None
        value, _ = self.root.scalar(_Environment(fetched, constants, days, org_unit_groups))
        return None if math.isnan(value) else value

    def evaluate_arrays(
        self,
        values: Callable[[Operand], np.ndarray],
        constants: Mapping[str, float] = _NOTHING,
        days: int | None = None,
        org_unit_groups: Mapping[str, float] = _NOTHING,
    ) -> np.ndarray:
        """`evaluate` over whole arrays at once (e.g. org units × periods): NaN marks a missing input and a
        None result. Operand arrays broadcast together; the result has their broadcast shape.
        """
        fetched = {}
        for operand in self._operands:
            array = np.asarray(values(operand), dtype=float)
            missing = np.isnan(array)
            fetched[operand] = (np.where(missing, 0.0, array), missing)
        with np.errstate(all="ignore"):
            result, _ = self.root.array(_Environment(fetched, constants, days, org_unit_groups))
        result = np.asarray(result, dtype=float)
        if fetched:
            all_missing = functools.reduce(np.logical_and, [missing for _, missing in fetched.values()])
            result = np.where(all_missing, np.nan, result)
        return result

    def __str__(self) -> str:
        return self.text


# --- for people -------------------------------------------------------------------------------------------

_DATA_ITEM = re.compile(r"#\{([^}]*)\}")


def uids_in(text: str) -> set[str]:
    """The uids an expression's data items name (data elements and combos), read from its text."""
    return {part for item in _DATA_ITEM.findall(text) for part in item.split(".") if _UID.fullmatch(part)}


def in_words(text: str, names: Mapping[str, str]) -> str:
    """An expression as people read it: each data item by the names of its data element and combos,
    ``#{a.b} / #{c}`` → ``[HIV tests, Female] / [People tested]``. Items whose data element ``names`` does
    not hold are left as they are; the rest of the text (operators, numbers, functions) is kept."""

    def named(match: re.Match) -> str:
        parts = match.group(1).split(".")
        if parts[0] not in names:
            return match.group(0)
        return "[" + ", ".join(names.get(part, part) for part in parts if part != "*") + "]"

    return _DATA_ITEM.sub(named, text)


# --- the grammar -----------------------------------------------------------------------------------------

_GRAMMAR = r"""
?start: disjunction
?disjunction: conjunction | disjunction "||" conjunction -> or_
?conjunction: equality | conjunction "&&" equality -> and_
?equality: relation | equality "==" relation -> eq | equality "!=" relation -> ne
?relation: sum
    | relation "<" sum -> lt
    | relation "<=" sum -> le
    | relation ">" sum -> gt
    | relation ">=" sum -> ge
?sum: product | sum "+" product -> add | sum "-" product -> sub
?product: unary | product "*" unary -> mul | product "/" unary -> div | product "%" unary -> mod
?unary: power | "-" unary -> neg | "+" unary -> pos | "!" unary -> not_
?power: atom | atom "^" unary -> pow
?atom: NUMBER -> number
    | ITEM -> item
    | "[days]" -> days
    | NAME "(" arguments? ")" -> call
    | NAME -> name
    | "(" disjunction ")"
arguments: disjunction ("," disjunction)*

// An item outranks a name, so that C{…} is not read as the name C followed by a stray brace.
ITEM.2: /(#|[A-Z]+)\{[^{}]*\}/
NUMBER: /([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?/
NAME: /[A-Za-z_][A-Za-z0-9_]*/
%ignore /\s+/
"""

# DHIS2 items we recognise but do not evaluate (formats.md §1.8): say what they are rather than "unexpected".
_UNSUPPORTED_ITEMS = {
    "N": "indicators (N{…})",
    "R": "reporting rates (R{…})",
    "I": "program indicators (I{…})",
    "D": "program data elements (D{…})",
    "A": "program attributes (A{…})",
    "V": "program variables (V{…})",
}


def _binary(op: str):
    return lambda self, children: Binary(op, children[0], children[1])


class _Builder(Transformer):
    """Turns lark's parse tree into our frozen nodes, checking items and function calls as it goes."""

    or_, and_, eq, ne = _binary("||"), _binary("&&"), _binary("=="), _binary("!=")
    lt, le, gt, ge = _binary("<"), _binary("<="), _binary(">"), _binary(">=")
    add, sub, mul, div, mod, pow = (
        _binary("+"),
        _binary("-"),
        _binary("*"),
        _binary("/"),
        _binary("%"),
        _binary("^"),
    )

    def neg(self, children):
        return Unary("-", children[0])

    def pos(self, children):
        return Unary("+", children[0])

    def not_(self, children):
        return Unary("!", children[0])

    def number(self, children):
        return Number(float(children[0]))

    def days(self, children):
        return Days()

    def arguments(self, children):
        return tuple(children)

    def name(self, children):
        token = children[0]
        if token in ("true", "false"):
            return Number(1.0 if token == "true" else 0.0)
        raise _error_at(token, f"Unknown name '{token}'", "expected a number, an item or a function call")

    def call(self, children):
        token, args = children[0], (children[1] if len(children) > 1 else ())
        if token not in FUNCTIONS:
            raise _error_at(token, f"Unknown function '{token}'", f"expected one of {', '.join(FUNCTIONS)}")
        fewest, most = FUNCTIONS[token]
        if len(args) < fewest or (most is not None and len(args) > most):
            wanted = str(fewest) if fewest == most else f"at least {fewest}"
            raise _error_at(token, f"{token}()", f"takes {wanted} argument(s), not {len(args)}")
        return Call(str(token), args)

    def item(self, children):
        return _item(children[0])


def _error_at(token: Token, subject: str, problem: str) -> ExpressionError:
    """An error worded "<subject> at column <n>: <problem>"."""
    where = f"line {token.line}, column {token.column}" if token.line > 1 else f"column {token.column}"
    return ExpressionError(f"{subject} at {where}: {problem}", line=token.line, column=token.column)


def _item(token: Token) -> Node:
    prefix, _, inside = str(token).partition("{")
    inside = inside[:-1]
    if prefix == "#":
        return DataItem(_operand(token, inside))
    if prefix in ("C", "OUG"):
        if not _UID.fullmatch(inside):
            raise _error_at(
                token, token, f"'{inside}' is not a DHIS2 uid (a letter, then 10 letters or digits)"
            )
        return ConstantItem(inside) if prefix == "C" else OrgUnitGroupItem(inside)
    what = _UNSUPPORTED_ITEMS.get(prefix, f"items {prefix}{{…}}")
    raise _error_at(token, token, f"{what} are not supported in qicop expressions")


def _operand(token: Token, inside: str) -> Operand:
    if ":" in inside or "&" in inside:
        raise _error_at(token, token, "data element groups and category option filters are not supported")
    parts: list[str | None] = list(inside.split("."))
    if len(parts) > 3:
        raise _error_at(token, token, "more than three parts (data element, category and attribute combos)")
    for index, part in enumerate(parts):
        if not (_UID.fullmatch(part) or (index > 0 and part == "*")):
            raise _error_at(
                token, token, f"'{part}' is not a DHIS2 uid (a letter, then 10 letters or digits)"
            )
    parts += [None] * (3 - len(parts))
    return Operand(parts[0], *(None if part == "*" else part for part in parts[1:]))


_PARSER = Lark(_GRAMMAR, parser="lalr", transformer=_Builder())
_UNCLOSED = re.compile(r"(#|[A-Z]+)\{[^}]*$")


@functools.lru_cache(maxsize=4096)
def parse_expression(text: str) -> Expression:
    """Parse a DHIS2 indicator numerator or denominator, e.g. ``#{a.b}+#{c}*C{k}/100`` (formats.md §1.8).

    Raises `ExpressionError` naming what went wrong and where, e.g. "Unexpected ')' at column 12".
    """
    if not text.strip():
        raise ExpressionError("The expression is empty")
    try:
        root = _PARSER.parse(text)
    except VisitError as exc:  # lark wraps errors raised while building the tree
        if isinstance(exc.orig_exc, ExpressionError):
            raise exc.orig_exc from None
        raise
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc) from None
    except RecursionError:
        raise _too_deep() from None
    if _depth(root) > MAX_DEPTH:
        raise _too_deep()
    operands = tuple(dict.fromkeys(node.operand for node in _walk(root) if isinstance(node, DataItem)))
    return Expression(root, text, operands)


# Operations nested in one another (a sum of n terms nests n - 1 deep). Evaluating the tree recurses once
# per level, so a deeper one (`--------…1`, a sum of thousands of terms) would end in a RecursionError.
MAX_DEPTH = 300


def _depth(root: Node) -> int:
    """How deep the tree nests, counted without recursion."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children())
    return deepest


def _too_deep() -> ExpressionError:
    return ExpressionError(
        f"The expression nests more than {MAX_DEPTH} operations (signs, or terms of one sum): split it"
    )


def _syntax_error(text: str, exc: UnexpectedInput) -> ExpressionError:
    unclosed = _UNCLOSED.search(text)
    if unclosed:
        line = text.count("\n", 0, unclosed.start()) + 1
        column = unclosed.start() - (text.rfind("\n", 0, unclosed.start()) + 1) + 1
        return ExpressionError(
            f"'{unclosed[1]}{{' at column {column} is never closed by '}}'", line=line, column=column
        )
    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END":
        lines = text.split("\n")
        line, column = len(lines), len(lines[-1]) + 1
        return ExpressionError(f"Unexpected end of expression at column {column}", line=line, column=column)
    if isinstance(exc, UnexpectedToken):
        what = exc.token.value
    elif isinstance(exc, UnexpectedCharacters):
        what = exc.char
    else:
        what = text[exc.pos_in_stream : exc.pos_in_stream + 1] if exc.pos_in_stream is not None else "input"
    where = f"line {exc.line}, column {exc.column}" if exc.line and exc.line > 1 else f"column {exc.column}"
    return ExpressionError(f"Unexpected '{what}' at {where}", line=exc.line, column=exc.column)
