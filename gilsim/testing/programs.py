"""A Hypothesis strategy of small Python 3.11 programs, for differential testing.

Why: gilsim promises that an unmodified program prints under gilsim exactly what it prints
under CPython.  Hand-written test programs only cover what their authors thought of;
:func:`programs` generates many small programs that mix the features an interpreter gets
wrong (exceptions escaping through frames, ``finally``, generators, ``super()``, starred
unpacking, comprehensions, closures, default and keyword arguments, dunder dispatch), so a
test can run each one under both and compare stdout, stderr and exit status.

Every generated program is

* **valid**: it is built as a typed syntax tree of the standard :mod:`ast` nodes, rendered
  by :func:`ast.unparse` (which gets parentheses and f-string quoting right), and compiled
  once before it is handed out.  Every variable keeps one type (ints, strs, bools, lists of
  ints, dicts from strs to ints, tuples of ints, instances of the generated classes), so no
  expression raises ``TypeError``, ``NameError`` or ``AttributeError``;
* **terminating and fast**: every ``for`` runs over ``range`` of small literals, a slice of
  a snapshot (``xs[:3]``), a list literal or a bounded generator; every ``while`` has its own
  counter, incremented first and bounded by a small literal; loops nest at most twice (once
  in a function); a function calls only functions defined before it, and not from its loops
  or comprehensions; recursion only goes through a dedicated function whose depth argument
  is taken ``% 7`` or less.  A program runs hundreds of bytecode instructions, rarely 10,000;
* **small in its values**: no operation doubles a value that may be stored back (one
  operand of ``+`` on sequences and of ``*`` is a small literal, exponents are literals
  below 4 on a base taken ``% k``), and an int stored by code that runs repeatedly (a loop
  or function body) is wrapped ``% k``;
* **deterministic**: it prints ints, strs, bools, lists, tuples, dicts and instances of
  classes that define ``__repr__``, never a default ``<... at 0x...>`` repr; sets are only
  printed through ``sorted()``; there is no float, no I/O but ``print``, no clock, no
  randomness, no ``id()`` or ``hash()``.

Some programs raise on purpose: an explicit ``raise``, a division by an int that may be
zero, a lookup that may miss, ``int()`` of a word.  Most of these sit in ``try`` bodies;
outside them they are rare, so that most programs run to their end, but about one in six
stops with a traceback (exit status 1), which the simulator must print exactly as CPython.

How: one composite strategy drives :class:`_Builder`.  Each decision is a draw whose
simplest outcome comes first (a literal before a variable before an operation, stopping a
block before adding a statement), so Hypothesis shrinks a failing program towards a few
short statements over literals.
"""

from __future__ import annotations

import ast
import bisect
import enum
import functools
import itertools
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, TypeVar

from hypothesis import strategies as st

__all__ = ["programs"]


def programs(*, max_statements: int = 24) -> st.SearchStrategy[str]:
    """A strategy of Python 3.11 source texts, each a small complete program.

    ``max_statements`` bounds the statements of the main part of the program, nested ones
    included; the classes and functions it defines come on top.  Each program runs in a few
    milliseconds under CPython and prints what it computes along the way::

        from hypothesis import given
        from gilsim.testing import programs

        @given(programs())
        def test_something(source: str) -> None: ...
    """
    if max_statements < 1:
        raise ValueError(f"max_statements must be positive, got {max_statements}")
    return _programs(max_statements)


@st.composite
def _programs(draw: Callable[[st.SearchStrategy[Any]], Any], max_statements: int) -> str:
    module = _Builder(draw, max_statements).module()
    source = ast.unparse(ast.fix_missing_locations(module)) + "\n"
    compile(source, "<generated>", "exec")  # a generator bug must fail here, not in a test
    return source


# --------------------------------------------------------------------------- the model


class Ty(enum.Enum):
    """The type of a variable or an expression.  Lists hold ints; dicts map strs to ints."""

    INT = "int"
    BOOL = "bool"
    STR = "str"
    LIST = "list"
    DICT = "dict"
    TUPLE = "tuple"
    OBJ = "obj"  # an instance of Base or Child
    EXC = "exception"  # bound by ``except ... as err``: only printed, never computed with


GLOBALS: Mapping[Ty, tuple[str, ...]] = MappingProxyType(
    {
        Ty.INT: ("a", "b", "c"),
        Ty.STR: ("s", "t"),
        Ty.BOOL: ("flag",),
        Ty.LIST: ("xs", "ys"),
        Ty.DICT: ("d",),
        Ty.TUPLE: ("tp",),
        Ty.OBJ: ("o1", "o2"),
    }
)
"""The fixed set of global variables.  A program initialises those it mentions."""

WORDS = ("a", "ab", "b", "xyz", "", "42", "hello", "b a")
"""String literals: quote-free, some equal to dict keys so that lookups may hit, one an int."""

KEYS = ("a", "b", "ab", "c")
EXCEPTIONS = ("ValueError", "KeyError", "ZeroDivisionError", "IndexError")
CATCHABLE = (*EXCEPTIONS, "LookupError", "ArithmeticError", "Exception")
MODULI = (10, 7, 97, 1000)
PARAM_TYPES = (Ty.INT, Ty.INT, Ty.STR, Ty.LIST, Ty.BOOL)
RETURN_TYPES = (Ty.INT, Ty.INT, Ty.STR, Ty.LIST, Ty.BOOL)

RISK_OUTSIDE_TRY = 0.12
"""How much rarer an operation that may raise is outside a ``try`` body.  A program has
dozens of them; at full rate most programs would stop within their first statements."""

CELLS = 50
"""The base of the digits :meth:`_Builder.pick` draws: a range Hypothesis draws evenly."""


@dataclass(frozen=True)
class Param:
    """A parameter of a generated function."""

    name: str
    ty: Ty
    default: ast.expr | None = None
    keyword_only: bool = False
    small: bool = False  # callers pass an int in range(7): a depth, a length


@dataclass(frozen=True)
class Func:
    """What a caller needs to know of a generated function.

    ``kind`` is ``plain``, ``rec`` (bounded recursion), ``gen`` (a generator of ints) or
    ``closure`` (returns a function of one int)."""

    name: str
    params: tuple[Param, ...]
    returns: Ty
    kind: str = "plain"


@dataclass(frozen=True)
class Classes:
    """Which optional parts the generated ``Base`` class (and ``Child(Base)``) have."""

    child: bool
    lt: bool
    add: bool
    prop: bool
    classmethod: bool
    counter: bool


@dataclass(frozen=True)
class Scope:
    """What code generated at one place may use, and where that place is.

    ``variables`` are the readable names with their types (``self.x`` counts as a name);
    ``assignable`` the names the code may rebind; ``small`` the int names known to be in
    ``range(7)``.  ``wraps`` tells whether stored ints must be wrapped ``% k``."""

    variables: Mapping[str, Ty]
    assignable: frozenset[str]
    funcs: tuple[Func, ...] = ()
    classes: Classes | None = None
    errors: tuple[str, ...] = EXCEPTIONS
    loop_depth: int = 0
    max_loop_depth: int = 2
    in_loop: bool = False  # break and continue allowed
    in_function: bool = False
    returns: Ty | None = None  # an early return allowed, of this type
    small: frozenset[str] = frozenset()
    exc: str | None = None  # the name of the exception being handled
    calls: bool = True  # calls of generated functions allowed
    guarded: bool = False  # inside the body of a ``try`` with handlers

    def names(self, ty: Ty) -> list[str]:
        return [name for name, vty in self.variables.items() if vty is ty]

    def assignable_names(self, ty: Ty | None = None) -> list[str]:
        return sorted(
            name
            for name, vty in self.variables.items()
            if name in self.assignable and (ty is None or vty is ty)
        )

    def bind(self, name: str, ty: Ty, *, small: bool = False) -> Scope:
        """This scope with one more read-only variable (a loop or comprehension variable)."""
        return replace(
            self,
            variables={**self.variables, name: ty},
            small=self.small | {name} if small else self.small - {name},
            assignable=self.assignable - {name},
        )

    def fresh(self, *candidates: str) -> str:
        """The first candidate name not already visible here, else the first numbered."""
        numbered = (f"{candidates[0]}{n}" for n in itertools.count(2))
        taken = self.variables
        return next(n for n in itertools.chain(candidates, numbered) if n not in taken)

    def loop_body(self) -> Scope:
        """The scope of a loop body.  A loop in a function calls no generated function, so
        that the cost of a call stays a sum, not a product, of the costs of functions."""
        calls = self.calls and not self.in_function
        return replace(self, loop_depth=self.loop_depth + 1, in_loop=True, calls=calls)

    def iterating(self) -> Scope:
        """The scope of code run while a container is being iterated over (a comprehension,
        a sort key): it calls no generated function, since one might grow that very
        container (``[f(x) for x in xs]`` with ``f`` appending to ``xs`` never ends)."""
        return replace(self, calls=False)

    @property
    def wraps(self) -> bool:
        """Whether stored ints are wrapped ``% k``: in code that may run many times."""
        return self.loop_depth > 0 or self.in_function

    def funcs_returning(self, ty: Ty) -> list[Func]:
        if not self.calls:
            return []
        return [f for f in self.funcs if f.returns is ty and f.kind != "gen"]

    def generators(self) -> list[Func]:
        return [f for f in self.funcs if f.kind == "gen"] if self.calls else []


def risk(scope: Scope, weight: float) -> float:
    """The weight, in this scope, of an option that may raise."""
    return weight if scope.guarded else weight * RISK_OUTSIDE_TRY


# --------------------------------------------------------------------------- ast helpers

_BINOPS = {
    "+": ast.Add,
    "-": ast.Sub,
    "*": ast.Mult,
    "//": ast.FloorDiv,
    "%": ast.Mod,
    "**": ast.Pow,
    "|": ast.BitOr,
    "&": ast.BitAnd,
    "^": ast.BitXor,
}
_CMPOPS = {
    "==": ast.Eq,
    "!=": ast.NotEq,
    "<": ast.Lt,
    "<=": ast.LtE,
    ">": ast.Gt,
    ">=": ast.GtE,
    "in": ast.In,
    "not in": ast.NotIn,
}


def ref(path: str) -> ast.Name | ast.Attribute:
    """``"self.x"`` as an expression: a name, or attributes of a name."""
    head, *attrs = path.split(".")
    node: ast.Name | ast.Attribute = ast.Name(id=head, ctx=ast.Load())
    for name in attrs:
        node = ast.Attribute(value=node, attr=name, ctx=ast.Load())
    return node


def lit(value: Any) -> ast.expr:
    """A literal; a negative int as unary minus, so that ``(-3) ** 2`` keeps its parentheses."""
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-value))
    if isinstance(value, list):
        return ast.List(elts=[lit(v) for v in value], ctx=ast.Load())
    if isinstance(value, tuple):
        return ast.Tuple(elts=[lit(v) for v in value], ctx=ast.Load())
    if isinstance(value, dict):
        return ast.Dict(keys=[lit(k) for k in value], values=[lit(v) for v in value.values()])
    return ast.Constant(value=value)


def binop(left: ast.expr, op: str, right: ast.expr) -> ast.expr:
    return ast.BinOp(left=left, op=_BINOPS[op](), right=right)


def compare(left: ast.expr, *pairs: tuple[str, ast.expr]) -> ast.expr:
    ops = [_CMPOPS[op]() for op, _ in pairs]
    return ast.Compare(left=left, ops=ops, comparators=[right for _, right in pairs])


def both(*values: ast.expr, op: type[ast.boolop] = ast.And) -> ast.expr:
    return ast.BoolOp(op=op(), values=list(values))


def call(func: str | ast.expr, *args: ast.expr, **kwargs: ast.expr) -> ast.expr:
    target = ref(func) if isinstance(func, str) else func
    keywords = [ast.keyword(arg=k, value=v) for k, v in kwargs.items()]
    return ast.Call(func=target, args=list(args), keywords=keywords)


def method(obj: ast.expr, name: str, *args: ast.expr, **kwargs: ast.expr) -> ast.expr:
    return call(attr(obj, name), *args, **kwargs)


def attr(obj: ast.expr, name: str) -> ast.expr:
    return ast.Attribute(value=obj, attr=name, ctx=ast.Load())


def item(obj: ast.expr, index: ast.expr) -> ast.expr:
    return ast.Subscript(value=obj, slice=index, ctx=ast.Load())


def span(lower: object = None, upper: object = None, step: object = None) -> ast.expr:
    """A slice of int literals (``None`` for a missing bound): ``span(None, 3)`` is ``:3``."""
    bounds = [None if v is None else lit(v) for v in (lower, upper, step)]
    return ast.Slice(lower=bounds[0], upper=bounds[1], step=bounds[2])


_Target = TypeVar("_Target", bound=ast.expr)


def tuple_(*elts: ast.expr) -> ast.expr:
    return ast.Tuple(elts=list(elts), ctx=ast.Load())


def names(*paths: str) -> ast.expr:
    return tuple_(*[ref(path) for path in paths])


def store(target: _Target) -> _Target:
    """The same target, in store context (``ast.unparse`` ignores contexts; readers don't)."""
    return type(target)(**{**vars(target), "ctx": ast.Store()})


def fstring(*parts: str | ast.expr | tuple[ast.expr, str]) -> ast.expr:
    """An f-string from text, expressions, and ``(expression, "r")`` for ``!r`` fields."""
    values: list[ast.expr] = []
    for part in parts:
        if isinstance(part, str):
            values.append(ast.Constant(value=part))
        else:
            value, conversion = part if isinstance(part, tuple) else (part, "")
            code = ord(conversion) if conversion else -1
            values.append(ast.FormattedValue(value=value, conversion=code, format_spec=None))
    return ast.JoinedStr(values=values)


def comp(target: str | ast.expr, iterable: ast.expr, *conds: ast.expr) -> ast.comprehension:
    node = store(ref(target)) if isinstance(target, str) else target
    return ast.comprehension(target=node, iter=iterable, ifs=list(conds), is_async=0)


def arguments(
    names_: Sequence[str],
    defaults: Sequence[ast.expr] = (),
    kwonly: Sequence[str] = (),
    kw_defaults: Sequence[ast.expr] = (),
) -> ast.arguments:
    return ast.arguments(
        posonlyargs=[],
        args=[ast.arg(arg=n) for n in names_],
        vararg=None,
        kwonlyargs=[ast.arg(arg=n) for n in kwonly],
        kw_defaults=list(kw_defaults),
        kwarg=None,
        defaults=list(defaults),
    )


def lambda_(param: str, body: ast.expr) -> ast.expr:
    return ast.Lambda(args=arguments([param]), body=body)


def def_(
    name: str,
    params: Sequence[str] | ast.arguments,
    body: list[ast.stmt],
    *decorators: str,
) -> ast.stmt:
    args = params if isinstance(params, ast.arguments) else arguments(params)
    return ast.FunctionDef(
        name=name,
        args=args,
        body=body,
        decorator_list=[ref(d) for d in decorators],
        returns=None,
        type_comment=None,
        **_NO_TYPE_PARAMS,
    )


def class_(name: str, bases: Sequence[str], body: list[ast.stmt]) -> ast.stmt:
    return ast.ClassDef(
        name=name,
        bases=[ref(b) for b in bases],
        keywords=[],
        body=body,
        decorator_list=[],
        **_NO_TYPE_PARAMS,
    )


# 3.12 gave definitions type parameters (PEP 695); 3.13 warns when a node leaves them out.
_NO_TYPE_PARAMS: dict[str, Any] = {"type_params": []} if sys.version_info >= (3, 12) else {}


def return_(value: ast.expr) -> ast.stmt:
    return ast.Return(value=value)


def assign(target: str | ast.expr, value: ast.expr) -> ast.stmt:
    node = store(ref(target) if isinstance(target, str) else target)
    return ast.Assign(targets=[node], value=value, type_comment=None)


def aug_assign(target: str, op: str, value: ast.expr) -> ast.stmt:
    node = store(ref(target))
    return ast.AugAssign(target=node, op=_BINOPS[op](), value=value)


def delete(target: ast.expr) -> ast.stmt:
    return ast.Delete(targets=[type(target)(**{**vars(target), "ctx": ast.Del()})])


def do(value: ast.expr) -> ast.stmt:
    """An expression statement."""
    return ast.Expr(value=value)


def if_(test: ast.expr, body: list[ast.stmt], orelse: list[ast.stmt] | None = None) -> ast.stmt:
    return ast.If(test=test, body=body, orelse=orelse or [])


def for_(
    target: ast.expr, iterable: ast.expr, body: list[ast.stmt], orelse: Sequence[ast.stmt] = ()
) -> ast.stmt:
    node = store(target)
    if isinstance(node, ast.Tuple):
        node.elts = [store(e) for e in node.elts]
    return ast.For(target=node, iter=iterable, body=body, orelse=list(orelse), type_comment=None)


def print_(*args: ast.expr, **kwargs: ast.expr) -> ast.stmt:
    return do(call("print", *args, **kwargs))


def is_leaf(node: ast.expr) -> bool:
    return isinstance(node, ast.Name | ast.Constant | ast.Attribute) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant)
    )


def names_in(nodes: Sequence[ast.AST]) -> set[str]:
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


# --------------------------------------------------------------------------- the builder

Option = tuple[float, Callable[[], Any]]


class _Sub:
    """The operands of an expression being built: an expression of each type, in one scope
    and at one (smaller) depth.  ``sub.int()`` reads better than the builder call."""

    def __init__(self, builder: _Expressions, scope: Scope, depth: int):
        self._b, self._scope, self._depth = builder, scope, max(depth, 0)

    def int(self) -> ast.expr:
        return self._b.int_expr(self._scope, self._depth)

    def bool(self) -> ast.expr:
        return self._b.bool_expr(self._scope, self._depth)

    def str(self) -> ast.expr:
        return self._b.str_expr(self._scope, self._depth)

    def list(self) -> ast.expr:
        return self._b.list_expr(self._scope, self._depth)

    def dict(self) -> ast.expr:
        return self._b.dict_expr(self._scope, self._depth)

    def tuple(self) -> ast.expr:
        return self._b.tuple_expr(self._scope, self._depth)

    def obj(self) -> ast.expr:
        return self._b.obj_expr(self._scope, self._depth)

    def set(self) -> ast.expr:
        return self._b.set_expr(self._scope, self._depth)


class _Choices:
    """Every decision of the builder, as draws that shrink towards the simplest outcome."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]):
        self._draw = draw

    def pick(self, *options: Option) -> Any:
        """Call one of the options, chosen with probability proportional to its weight.

        Hypothesis draws small ranges of integers about evenly but favours the ends of
        large ones, so the choice is a point of [0, 1) drawn as one or two digits in base
        ``CELLS``, the second only when the first does not settle it.  Shrinking drives the
        digits to zero, that is towards the first option."""
        live = [(weight, thunk) for weight, thunk in options if weight > 0]
        if len(live) == 1:
            return live[0][1]()
        total = sum(weight for weight, _ in live)
        bounds, upper = [], 0.0
        for weight, _ in live:
            upper += weight / total
            bounds.append(upper)
        coarse = self._draw(st.integers(0, CELLS - 1))
        chosen = bisect.bisect_right(bounds, coarse / CELLS)
        if chosen < bisect.bisect_left(bounds, (coarse + 1) / CELLS):
            fine = self._draw(st.integers(0, CELLS - 1))
            chosen = bisect.bisect_right(bounds, (coarse + fine / CELLS) / CELLS)
        return live[min(chosen, len(live) - 1)][1]()

    def choice(self, items: Sequence[Any]) -> Any:
        return items[self._draw(st.integers(0, len(items) - 1))]

    def integer(self, low: int, high: int) -> int:
        return self._draw(st.integers(low, high))

    def num(self, low: int, high: int) -> ast.expr:
        """An int literal in [low, high]."""
        return lit(self.integer(low, high))

    def word(self, among: int = len(WORDS)) -> ast.expr:
        """A str literal, one of the first ``among`` words."""
        return lit(self.choice(WORDS[:among]))

    def key(self) -> ast.expr:
        return lit(self.choice(KEYS))

    def chance(self, numerator: int, denominator: int) -> bool:
        """True with probability numerator/denominator; shrinks to False."""
        return self._draw(st.integers(0, denominator - 1)) >= denominator - numerator

    def maybe(self, make: Callable[[], ast.expr]) -> list[ast.expr]:
        """Zero or one argument, for optional arguments such as ``pop()`` or ``pop(i)``."""
        return [make()] if self.chance(1, 2) else []

    def length(self, longest: int) -> int:
        """The length of a literal: seldom empty, so that most lookups succeed."""
        return 0 if self.chance(1, 8) else self.integer(1, longest)

    def int_list(self) -> ast.expr:
        return lit([self.integer(-3, 9) for _ in range(self.length(4))])


class _Expressions(_Choices):
    """Expressions of each type.  ``depth`` bounds their nesting; at depth 0, a leaf."""

    def sub(self, scope: Scope, depth: int) -> _Sub:
        return _Sub(self, scope, depth)

    def expr(self, ty: Ty, scope: Scope, depth: int) -> ast.expr:
        return {
            Ty.INT: self.int_expr,
            Ty.BOOL: self.bool_expr,
            Ty.STR: self.str_expr,
            Ty.LIST: self.list_expr,
            Ty.DICT: self.dict_expr,
            Ty.TUPLE: self.tuple_expr,
            Ty.OBJ: self.obj_expr,
        }[ty](scope, depth)

    def any_expr(self, scope: Scope, depth: int = 2) -> ast.expr:
        return self.pick(
            (4, lambda: self.int_expr(scope, depth)),
            (2, lambda: self.str_expr(scope, depth)),
            (2, lambda: self.list_expr(scope, depth)),
            (1, lambda: self.bool_expr(scope, depth)),
            (1, lambda: self.dict_expr(scope, depth)),
            (1, lambda: self.tuple_expr(scope, depth)),
            (1 if scope.classes else 0, lambda: self.obj_expr(scope, depth)),
        )

    def stored(self, ty: Ty, scope: Scope) -> ast.expr:
        """An expression whose value gets stored.  In code that may run many times, an int
        is wrapped ``% k``, so that repeated updates cannot make it grow without bound."""
        value = self.expr(ty, scope, 2)
        if ty is Ty.INT and scope.wraps and not is_leaf(value):
            value = binop(value, "%", lit(self.choice(MODULI)))
        return value

    def leaf(self, ty: Ty, scope: Scope) -> ast.expr:
        names_ = scope.names(ty)
        return self.pick(
            (2, lambda: self.literal(ty)),
            (3 if names_ else 0, lambda: ref(self.choice(names_))),
        )

    def literal(self, ty: Ty) -> ast.expr:
        if ty is Ty.INT:
            return self.num(-3, 12)
        if ty is Ty.BOOL:
            return lit(self.chance(1, 2))
        if ty is Ty.STR:
            return self.word()
        if ty is Ty.LIST:
            return self.int_list()
        if ty is Ty.DICT:
            return lit({k: self.integer(-2, 9) for k in KEYS[: self.length(4)]})
        if ty is Ty.TUPLE:
            return lit(tuple(self.integer(-2, 9) for _ in range(self.length(3))))
        assert ty is Ty.OBJ
        return call("Base", self.num(-3, 12))

    # ---- ints

    def int_expr(self, scope: Scope, depth: int) -> ast.expr:
        if depth <= 0:
            return self.leaf(Ty.INT, scope)
        sub = self.sub(scope, depth - 1)
        funcs = scope.funcs_returning(Ty.INT)
        return self.pick(
            (4, lambda: self.leaf(Ty.INT, scope)),
            (3, lambda: binop(sub.int(), self.choice("+-"), sub.int())),
            (2, lambda: binop(sub.int(), "*", self.num(-2, 4))),
            (risk(scope, 1), lambda: binop(sub.int(), self.choice(["//", "%"]), sub.int())),
            (1, lambda: binop(sub.int(), self.choice(["//", "%"]), lit(self.choice([2, 3, -4])))),
            (0.5, lambda: binop(binop(sub.int(), "%", self.num(2, 12)), "**", self.num(0, 3))),
            (0.5, lambda: binop(sub.int(), self.choice("&|^"), sub.int())),
            (2, lambda: call("len", self.sized_expr(scope, depth - 1))),
            (2, lambda: self.aggregate(scope, depth)),
            (2, lambda: self.int_lookup(scope, depth)),
            (1, lambda: call("abs", sub.int())),
            (1, lambda: call(self.choice(["min", "max"]), sub.int(), sub.int())),
            (1, lambda: ast.IfExp(test=sub.bool(), body=sub.int(), orelse=sub.int())),
            (2 if funcs else 0, lambda: self.user_call(self.choice(funcs), scope)),
            (2 if scope.classes else 0, lambda: self.obj_int(scope, depth)),
            (1, lambda: self.int_method(scope, depth)),
        )

    def aggregate(self, scope: Scope, depth: int) -> ast.expr:
        sub = self.sub(scope, depth - 1)
        gens = scope.generators()
        min_max = self.choice(["min", "max"])
        return self.pick(
            (2, lambda: call("sum", sub.list())),
            (risk(scope, 0.5), lambda: call(min_max, sub.list())),
            (1, lambda: call(min_max, sub.list(), default=lit(0))),
            (1, lambda: call("sum", self.genexp(scope, depth - 1))),
            (1 if gens else 0, lambda: call("sum", self.generator_call(scope))),
            (0.5 if gens else 0, lambda: call("max", self.generator_call(scope), default=lit(-1))),
        )

    def int_lookup(self, scope: Scope, depth: int) -> ast.expr:
        sub = self.sub(scope, depth - 1)
        index = self.index_expr(scope)
        return self.pick(
            (risk(scope, 2), lambda: item(sub.list(), index)),
            (risk(scope, 1), lambda: item(sub.tuple(), index)),
            (risk(scope, 1), lambda: item(sub.dict(), self.key_expr(scope))),
            (2, lambda: method(sub.dict(), "get", self.key_expr(scope), lit(0))),
        )

    def index_expr(self, scope: Scope) -> ast.expr:
        """An index into a sequence: mostly one that usually exists, sometimes any int."""
        small = sorted(scope.small)
        return self.pick(
            (3, lambda: self.num(-1, 0)),
            (1, lambda: self.num(1, 3)),
            (1 if small else 0, lambda: ref(self.choice(small))),
            (risk(scope, 1), lambda: self.int_expr(scope, 1)),
        )

    def int_method(self, scope: Scope, depth: int) -> ast.expr:
        sub = self.sub(scope, depth - 1)
        return self.pick(
            (2, lambda: method(sub.list(), "count", self.int_expr(scope, 0))),
            (2, lambda: method(sub.str(), self.choice(["find", "count"]), self.word(3))),
            (risk(scope, 0.5), lambda: method(sub.list(), "index", self.int_expr(scope, 0))),
            (risk(scope, 0.5), lambda: method(sub.str(), "index", self.word(3))),
            (risk(scope, 0.5), lambda: call("int", sub.str())),
        )

    def obj_int(self, scope: Scope, depth: int) -> ast.expr:
        assert scope.classes is not None
        obj = self.obj_expr(scope, depth - 1)
        return self.pick(
            (2, lambda: attr(obj, "x")),
            (2, lambda: method(obj, "area")),
            (1, lambda: method(obj, "bump", *self.maybe(lambda: self.num(1, 3)))),
            (1 if scope.classes.prop else 0, lambda: attr(obj, "double")),
            (1 if scope.classes.counter else 0, lambda: ref("Base.count")),
        )

    def sized_expr(self, scope: Scope, depth: int) -> ast.expr:
        sub = self.sub(scope, depth)
        return self.pick(
            (2, sub.list),
            (1, sub.str),
            (1, sub.dict),
            (1, sub.tuple),
            (1, sub.set),
        )

    def small_int(self, scope: Scope) -> ast.expr:
        """An int in range(7): a recursion depth, a generator length."""
        return self.pick(
            (1, lambda: self.num(0, 5)),
            (2, lambda: binop(self.int_expr(scope, 1), "%", self.num(3, 7))),
        )

    # ---- bools

    def bool_expr(self, scope: Scope, depth: int) -> ast.expr:
        if depth <= 0:
            return self.pick(
                (1, lambda: self.leaf(Ty.BOOL, scope)),
                (3, lambda: self.int_comparison(scope, 0)),
            )
        sub = self.sub(scope, depth - 1)
        funcs = scope.funcs_returning(Ty.BOOL)

        def between() -> ast.expr:
            return compare(self.num(-2, 2), ("<=", sub.int()), ("<", self.num(3, 9)))

        def member() -> ast.expr:
            op = self.choice(["in", "not in"])
            return self.pick(
                (1, lambda: compare(self.word(4), (op, sub.str()))),
                (1, lambda: compare(sub.int(), (op, sub.list()))),
                (1, lambda: compare(self.key_expr(scope), (op, sub.dict()))),
                (1, lambda: compare(sub.int(), (op, sub.set()))),
            )

        def sequences() -> ast.expr:
            op = self.choice(["==", "<", "!="])
            return self.pick(
                (1, lambda: compare(sub.str(), (op, sub.str()))),
                (1, lambda: compare(sub.list(), (op, sub.list()))),
                (0.5, lambda: compare(sub.tuple(), (op, sub.tuple()))),
            )

        def str_test() -> ast.expr:
            return self.pick(
                (
                    1,
                    lambda: method(
                        sub.str(), self.choice(["startswith", "endswith"]), self.word(3)
                    ),
                ),
                (1, lambda: method(sub.str(), self.choice(["isdigit", "isalpha"]))),
            )

        return self.pick(
            (1, lambda: self.leaf(Ty.BOOL, scope)),
            (5, lambda: self.int_comparison(scope, depth)),
            (1, between),
            (3, member),
            (2, sequences),
            (1, lambda: ast.UnaryOp(op=ast.Not(), operand=sub.bool())),
            (2, lambda: both(sub.bool(), sub.bool(), op=self.choice([ast.And, ast.Or]))),
            (1, lambda: call(self.choice(["any", "all"]), self.bool_genexp(scope, depth - 1))),
            (1, str_test),
            (0.5, lambda: call("bool", sub.list())),
            (1 if scope.classes else 0, lambda: self.obj_comparison(scope, depth)),
            (1 if funcs else 0, lambda: self.user_call(self.choice(funcs), scope)),
        )

    def int_comparison(self, scope: Scope, depth: int) -> ast.expr:
        sub = self.sub(scope, depth - 1)
        op = self.choice(["==", "!=", "<", "<=", ">", ">="])
        right = self.pick((2, lambda: self.num(-1, 6)), (1, sub.int))
        return compare(sub.int(), (op, right))

    def obj_comparison(self, scope: Scope, depth: int) -> ast.expr:
        classes = scope.classes
        assert classes is not None
        left, right = self.obj_expr(scope, depth - 1), self.obj_expr(scope, depth - 1)
        return self.pick(
            (2, lambda: compare(left, (self.choice(["==", "!="]), right))),
            (2 if classes.lt else 0, lambda: compare(left, (self.choice(["<", ">"]), right))),
            (1 if classes.child else 0, lambda: call("isinstance", left, ref("Child"))),
        )

    # ---- strs

    def str_expr(self, scope: Scope, depth: int) -> ast.expr:
        if depth <= 0:
            return self.leaf(Ty.STR, scope)
        sub = self.sub(scope, depth - 1)
        funcs = scope.funcs_returning(Ty.STR)

        def concat() -> ast.expr:
            return self.pick(
                (1, lambda: binop(sub.str(), "+", self.small_str(scope))),
                (1, lambda: binop(self.small_str(scope), "+", sub.str())),
            )

        def join() -> ast.expr:
            return self.pick(
                (1, lambda: method(lit(""), "join", call("sorted", sub.str()))),
                (1, lambda: method(self.word(5), "join", self.str_genexp(scope, depth - 1))),
            )

        def repeat() -> ast.expr:
            return binop(item(sub.str(), span(None, self.integer(1, 3))), "*", self.num(0, 3))

        return self.pick(
            (4, lambda: self.leaf(Ty.STR, scope)),
            (2, concat),
            (2, lambda: call("str", sub.int())),
            (2, lambda: self.fstring_expr(scope, depth - 1)),
            (2, lambda: self.str_method(sub.str())),
            (risk(scope, 1), lambda: item(sub.str(), self.index_expr(scope))),
            (2, join),
            (1, repeat),
            (1, lambda: ast.IfExp(test=sub.bool(), body=sub.str(), orelse=sub.str())),
            (0.5, lambda: call("max", sub.dict(), default=lit("none"))),
            (1 if funcs else 0, lambda: self.user_call(self.choice(funcs), scope)),
            (2 if scope.classes else 0, lambda: self.obj_str(scope, depth)),
            (2 if scope.exc else 0, lambda: self.exception_str(scope.exc or "")),
        )

    def str_method(self, text: ast.expr) -> ast.expr:
        return self.pick(
            (1, lambda: method(text, self.choice(["upper", "lower", "title"]))),
            (1, lambda: method(text, "strip", *self.maybe(lambda: lit(self.choice("ab"))))),
            (1, lambda: method(text, "replace", lit(self.choice("ab")), lit(self.choice("xB")))),
            (1, lambda: item(text, span(None, None, -1))),
            (1, lambda: item(text, span(self.integer(-2, 1), self.integer(1, 3)))),
        )

    def small_str(self, scope: Scope) -> ast.expr:
        """A str of a few characters: a literal, a number, a character or key in scope."""
        chars = [n for n in scope.names(Ty.STR) if n.startswith(("ch", "key"))]
        return self.pick(
            (3, lambda: self.word(5)),
            (1, lambda: call("str", self.leaf(Ty.INT, scope))),
            (1 if chars else 0, lambda: ref(self.choice(chars))),
        )

    def key_expr(self, scope: Scope) -> ast.expr:
        return self.pick(
            (6, self.key),
            (2, lambda: self.leaf(Ty.STR, scope)),
            (1, lambda: self.str_expr(scope, 1)),
        )

    def fstring_expr(self, scope: Scope, depth: int) -> ast.expr:
        """An f-string with at most one str field, so that it never doubles a string."""
        parts: list[str | ast.expr | tuple[ast.expr, str]] = [self.choice(["", "n=", "<"])]
        parts.append(self.int_expr(scope, depth))
        if self.chance(1, 2):
            text = self.leaf(Ty.STR, scope)
            parts += [self.choice(["/", " ", ":"]), (text, "r") if self.chance(1, 2) else text]
        if self.chance(1, 3):
            other = self.leaf(self.choice([Ty.LIST, Ty.BOOL]), scope)
            parts += [" ", other]
        return fstring(*parts)

    def obj_str(self, scope: Scope, depth: int) -> ast.expr:
        obj = self.obj_expr(scope, depth - 1)
        return self.pick(
            (2, lambda: attr(obj, "tag")),
            (2, lambda: method(obj, "describe", *self.maybe(lambda: lit(self.choice("/+"))))),
            (1, lambda: call("repr", obj)),
            (1, lambda: call("str", obj)),
        )

    def exception_str(self, name: str) -> ast.expr:
        """A str describing the exception bound to ``name``."""
        return self.pick(
            (2, lambda: attr(call("type", ref(name)), "__name__")),
            (2, lambda: call("str", ref(name))),
            (1, lambda: call("repr", ref(name))),
        )

    def exception_text(self, name: str) -> ast.expr:
        """Something to print about the exception bound to ``name``."""
        return self.pick(
            (2, lambda: attr(call("type", ref(name)), "__name__")),
            (2, lambda: ref(name)),
            (1, lambda: call("repr", ref(name))),
            (1, lambda: attr(ref(name), "args")),
        )

    # ---- lists, sets, dicts, tuples

    def list_expr(self, scope: Scope, depth: int) -> ast.expr:
        if depth <= 0:
            return self.leaf(Ty.LIST, scope)
        sub = self.sub(scope, depth - 1)
        funcs = scope.funcs_returning(Ty.LIST)
        gens = scope.generators()

        def range_list() -> ast.expr:
            step = self.maybe(lambda: self.num(1, 3))
            return call("list", call("range", self.num(-2, 2), self.num(0, 6), *step))

        return self.pick(
            (4, lambda: self.leaf(Ty.LIST, scope)),
            (1, lambda: binop(sub.list(), "+", self.int_list())),
            (0.5, lambda: binop(self.int_list(), "+", sub.list())),
            (2, lambda: item(sub.list(), self.list_slice())),
            (2, lambda: self.sorted_list(scope, depth)),
            (2, lambda: self.list_comprehension(scope, depth)),
            (1, range_list),
            (1, lambda: call("list", method(sub.dict(), "values"))),
            (0.5, lambda: call("list", sub.tuple())),
            (1, lambda: call("sorted", sub.set())),
            (1 if gens else 0, lambda: call("list", self.generator_call(scope))),
            (0.5, lambda: binop(lit([self.integer(0, 3)]), "*", self.num(0, 3))),
            (0.5, lambda: call("list", call("map", ref("abs"), sub.list()))),
            (1 if funcs else 0, lambda: self.user_call(self.choice(funcs), scope)),
        )

    def list_slice(self) -> ast.expr:
        return self.pick(
            (2, lambda: span(self.integer(0, 2), self.integer(1, 4))),
            (1, lambda: span(None, None, -1)),
            (1, lambda: span(None, None, 2)),
            (1, lambda: span(self.integer(-3, -1))),
        )

    def sorted_list(self, scope: Scope, depth: int) -> ast.expr:
        items = self.list_expr(scope, depth - 1)
        return self.pick(
            (2, lambda: call("sorted", items)),
            (1, lambda: call("sorted", items, reverse=lit(True))),
            (2, lambda: call("sorted", items, key=self.int_key(scope))),
        )

    def int_key(self, scope: Scope) -> ast.expr:
        """A ``key=`` for sorting ints: a builtin or a lambda of ``z``."""
        inner = scope.iterating().bind("z", Ty.INT)
        z = ref("z")

        def pair() -> ast.expr:
            second = self.choice([z, ast.UnaryOp(op=ast.USub(), operand=z)])
            return lambda_("z", tuple_(binop(z, "%", self.num(2, 4)), second))

        return self.pick(
            (1, lambda: ref("abs")),
            (1, lambda: ref("str")),
            (2, lambda: lambda_("z", self.int_expr(inner, 1))),
            (1, pair),
        )

    def comprehension_source(self, scope: Scope, depth: int) -> ast.expr:
        return self.pick(
            (2, lambda: self.list_expr(scope, depth)),
            (1, lambda: call("range", self.num(0, 6))),
            (0.5, lambda: self.tuple_expr(scope, depth)),
        )

    def comprehension_var(self, scope: Scope) -> tuple[str, Scope]:
        var = scope.fresh("x", "y", "x2")
        return var, scope.iterating().bind(var, Ty.INT)

    def list_comprehension(self, scope: Scope, depth: int) -> ast.expr:
        var, inner = self.comprehension_var(scope)
        source = self.comprehension_source(scope, depth - 1)
        conds = [self.bool_expr(inner, 1)] if self.chance(1, 2) else []
        return ast.ListComp(elt=self.stored(Ty.INT, inner), generators=[comp(var, source, *conds)])

    def genexp(self, scope: Scope, depth: int) -> ast.expr:
        var, inner = self.comprehension_var(scope)
        conds = [self.bool_expr(inner, 1)] if self.chance(1, 2) else []
        source = self.comprehension_source(scope, depth)
        return ast.GeneratorExp(elt=self.int_expr(inner, 1), generators=[comp(var, source, *conds)])

    def bool_genexp(self, scope: Scope, depth: int) -> ast.expr:
        var, inner = self.comprehension_var(scope)
        source = self.comprehension_source(scope, depth)
        return ast.GeneratorExp(elt=self.int_comparison(inner, 1), generators=[comp(var, source)])

    def str_genexp(self, scope: Scope, depth: int) -> ast.expr:
        var, inner = self.comprehension_var(scope)
        source = self.comprehension_source(scope, depth)
        elt = call("str", self.int_expr(inner, 1))
        return ast.GeneratorExp(elt=elt, generators=[comp(var, source)])

    def set_expr(self, scope: Scope, depth: int) -> ast.expr:
        """A set of ints: never printed as such, only through ``sorted``, ``len`` or ``in``."""
        sub = self.sub(scope, depth - 1)

        def comprehension() -> ast.expr:
            var = scope.fresh("x", "y", "x2")
            elt = binop(ref(var), "%", self.num(2, 5))
            source = self.comprehension_source(scope, depth - 1)
            return ast.SetComp(elt=elt, generators=[comp(var, source)])

        def display() -> ast.expr:
            return ast.Set(elts=[self.num(-2, 6) for _ in range(self.integer(1, 3))])

        return self.pick(
            (2, lambda: call("set", sub.list())),
            (1, display),
            (1 if depth > 0 else 0, comprehension),
            (1 if depth > 0 else 0, lambda: binop(sub.set(), self.choice("|&-^"), sub.set())),
        )

    def dict_expr(self, scope: Scope, depth: int) -> ast.expr:
        if depth <= 0:
            return self.leaf(Ty.DICT, scope)
        sub = self.sub(scope, depth - 1)

        def comprehension() -> ast.expr:
            var, inner = self.comprehension_var(scope)
            source = self.comprehension_source(scope, depth - 1)
            value = self.stored(Ty.INT, inner)
            return ast.DictComp(
                key=call("str", ref(var)), value=value, generators=[comp(var, source)]
            )

        def items_comprehension() -> ast.expr:
            key, val = scope.fresh("key", "key2"), scope.fresh("val", "val2")
            inner = scope.iterating().bind(key, Ty.STR).bind(val, Ty.INT)
            conds = [self.bool_expr(inner, 1)] if self.chance(1, 2) else []
            generator = comp(store(names(key, val)), method(sub.dict(), "items"), *conds)
            return ast.DictComp(
                key=ref(key), value=self.stored(Ty.INT, inner), generators=[generator]
            )

        def merged() -> ast.expr:
            extra = ast.Dict(keys=[self.key()], values=[self.stored(Ty.INT, scope)])
            return self.pick(
                (1, lambda: binop(sub.dict(), "|", extra)),
                (1, lambda: ast.Dict(keys=[None, *extra.keys], values=[sub.dict(), *extra.values])),
            )

        def zipped() -> ast.expr:
            keys = lit(list(KEYS[: self.integer(1, 4)]))
            return call("dict", call("zip", keys, sub.list()))

        return self.pick(
            (4, lambda: self.leaf(Ty.DICT, scope)),
            (1, comprehension),
            (1, items_comprehension),
            (1, merged),
            (1, zipped),
            (0.5, lambda: call("dict", sub.dict())),
        )

    def tuple_expr(self, scope: Scope, depth: int) -> ast.expr:
        if depth <= 0:
            return self.leaf(Ty.TUPLE, scope)
        sub = self.sub(scope, depth - 1)

        def display() -> ast.expr:
            return tuple_(*[self.stored(Ty.INT, scope) for _ in range(self.integer(1, 3))])

        return self.pick(
            (4, lambda: self.leaf(Ty.TUPLE, scope)),
            (1, lambda: call("tuple", sub.list())),
            (1, display),
            (1, lambda: binop(sub.tuple(), "+", lit((self.integer(0, 5),)))),
            (1, lambda: item(sub.tuple(), span(self.integer(0, 2)))),
            (1, lambda: call("divmod", sub.int(), lit(self.choice([2, 3, 7, -2])))),
        )

    # ---- objects

    def obj_expr(self, scope: Scope, depth: int) -> ast.expr:
        classes = scope.classes
        assert classes is not None
        sub = self.sub(scope, 0)
        return self.pick(
            (3, lambda: self.leaf(Ty.OBJ, scope)),
            (2 if depth > 0 else 0, lambda: self.new_obj(scope, depth - 1)),
            (
                1 if depth > 0 and classes.lt else 0,
                lambda: call(self.choice(["max", "min"]), sub.obj(), sub.obj()),
            ),
            (1 if depth > 0 and classes.add else 0, lambda: binop(sub.obj(), "+", sub.obj())),
        )

    def new_obj(self, scope: Scope, depth: int) -> ast.expr:
        classes = scope.classes
        assert classes is not None
        x = self.stored(Ty.INT, scope) if depth > 0 else self.leaf(Ty.INT, scope)
        makers = ["Base", "Child"] if classes.child else ["Base"]
        return self.pick(
            (2, lambda: call("Base", x, *self.maybe(lambda: self.word(4)))),
            (1, lambda: call("Base", x, tag=self.small_str(scope))),
            (
                2 if classes.child else 0,
                lambda: call("Child", x, *self.maybe(lambda: self.num(0, 4))),
            ),
            (1 if classes.classmethod else 0, lambda: method(ref(self.choice(makers)), "make", x)),
        )

    def display_expr(self, scope: Scope) -> ast.expr:
        """Print-only expressions of types the model does not track: lists of strs, of
        pairs, of objects."""
        sub = self.sub(scope, 1)
        objs = bool(scope.names(Ty.OBJ))
        lt = scope.classes is not None and scope.classes.lt

        def objects(count: int) -> ast.expr:
            return ast.List(elts=[sub.obj() for _ in range(count)], ctx=ast.Load())

        return self.pick(
            (1, lambda: call("sorted", call("set", sub.str()))),
            (1, lambda: method(sub.str(), "split", *self.maybe(lambda: lit(self.choice("a "))))),
            (1, lambda: call("list", method(sub.dict(), "items"))),
            (1, lambda: call("list", call("enumerate", sub.list()))),
            (1, lambda: call("list", call("zip", sub.list(), sub.str()))),
            (1, lambda: call("sorted", sub.dict())),
            (1 if objs else 0, lambda: objects(2)),
            (1 if objs and lt else 0, lambda: call("sorted", objects(3))),
        )

    # ---- calls of generated functions

    def user_call(self, func: Func, scope: Scope) -> ast.expr:
        if func.kind == "closure":
            return call(call(func.name, self.int_expr(scope, 1)), self.int_expr(scope, 1))
        args: list[ast.expr] = []
        kwargs: dict[str, ast.expr] = {}
        positional = True
        for param in func.params:
            optional = param.default is not None
            if optional and self.chance(1, 3):
                positional = False  # an argument left out: the later ones go by keyword
                continue
            value = self.small_int(scope) if param.small else self.expr(param.ty, scope, 1)
            by_keyword = param.keyword_only or (optional and self.chance(1, 3))
            positional = positional and not by_keyword
            if positional:
                args.append(value)
            else:
                kwargs[param.name] = value
        return call(func.name, *args, **kwargs)

    def generator_call(self, scope: Scope, func: Func | None = None) -> ast.expr:
        return self.user_call(func or self.choice(scope.generators()), scope)


class _Statements(_Expressions):
    """Statements and blocks.  ``depth`` bounds the nesting of compound statements."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any], budget: int):
        super().__init__(draw)
        self.budget = budget  # statements left to generate

    def block(
        self, scope: Scope, depth: int, *, min_size: int = 1, max_size: int = 3, more: int = 4
    ) -> list[ast.stmt]:
        """Up to ``max_size`` statements: after ``min_size``, one more with probability
        ``more`` in ``more + 1``.  Stopping is the simpler choice, so blocks shrink."""
        body: list[ast.stmt] = []
        while len(body) < max_size and self.budget > 0:
            if len(body) >= min_size and not self.chance(more, more + 1):
                break
            body.extend(self.statement(scope, depth))
        return body or [print_(self.word(4))]

    def statement(self, scope: Scope, depth: int) -> list[ast.stmt]:
        self.budget -= 1
        compound = depth > 0
        loops = compound and scope.loop_depth < scope.max_loop_depth
        return self.pick(
            (4, lambda: [self.print_stmt(scope)]),
            (4, lambda: [self.assign_stmt(scope)]),
            (1.5, lambda: [self.aug_assign_stmt(scope)]),
            (3, lambda: [self.mutate_stmt(scope)]),
            (1, lambda: [self.unpack_stmt(scope)]),
            (2.5 if compound else 0, lambda: [self.if_stmt(scope, depth)]),
            (2.5 if loops else 0, lambda: [self.for_stmt(scope, depth)]),
            (1 if loops else 0, lambda: self.while_stmt(scope, depth)),
            (2.5 if compound else 0, lambda: [self.try_stmt(scope, depth)]),
            (risk(scope, 1), lambda: [self.raise_stmt(scope)]),
            (1 if scope.in_loop else 0, lambda: [self.break_stmt(scope)]),
            (1 if scope.returns else 0, lambda: [self.early_return(scope)]),
            (1 if scope.calls and scope.funcs else 0, lambda: [self.call_stmt(scope)]),
            (risk(scope, 0.1), lambda: [self.assert_stmt(scope)]),
        )

    # ---- simple statements

    def print_stmt(self, scope: Scope) -> ast.stmt:
        def labelled() -> ast.stmt:
            return print_(lit(self.choice(WORDS[:4]) + ":"), self.any_expr(scope))

        def two() -> ast.stmt:
            return print_(self.any_expr(scope), self.any_expr(scope), sep=lit(" | "))

        return self.pick(
            (5, lambda: print_(self.any_expr(scope))),
            (2, labelled),
            (1, two),
            (1, lambda: print_(ast.Starred(value=self.list_expr(scope, 1), ctx=ast.Load()))),
            (1, lambda: print_(self.fstring_expr(scope, 1))),
            (1, lambda: print_(self.display_expr(scope))),
            (0.5, lambda: print_(self.any_expr(scope), end=lit("; "))),
        )

    def assign_stmt(self, scope: Scope) -> ast.stmt:
        targets = scope.assignable_names()
        if not targets:
            return self.print_stmt(scope)
        target = self.choice(targets)
        return assign(target, self.stored(scope.variables[target], scope))

    def aug_assign_stmt(self, scope: Scope) -> ast.stmt:
        options: list[Option] = [
            (2 if ty is Ty.INT else 1, functools.partial(self.aug_assign_to, target, ty, scope))
            for target in scope.assignable_names()
            if (ty := scope.variables[target]) in (Ty.INT, Ty.STR, Ty.LIST)
        ]
        return self.pick(*options) if options else self.print_stmt(scope)

    def aug_assign_to(self, target: str, ty: Ty, scope: Scope) -> ast.stmt:
        if ty is Ty.INT:
            return self.int_aug_assign(target, scope)
        if ty is Ty.STR:
            return aug_assign(target, "+", self.small_str(scope))
        return aug_assign(target, "+", self.int_list())

    def int_aug_assign(self, target: str, scope: Scope) -> ast.stmt:
        if scope.wraps:  # only additive growth, by small amounts
            steps = [self.num(1, 5), *[ref(n) for n in sorted(scope.small)]]
            return self.pick(
                (3, lambda: aug_assign(target, self.choice("+-"), self.choice(steps))),
                (1, lambda: aug_assign(target, self.choice(["//", "%"]), self.num(2, 9))),
            )
        return self.pick(
            (3, lambda: aug_assign(target, self.choice("+-"), self.int_expr(scope, 1))),
            (1, lambda: aug_assign(target, "*", self.num(-2, 3))),
            (
                risk(scope, 1),
                lambda: aug_assign(target, self.choice(["//", "%"]), self.int_expr(scope, 1)),
            ),
        )

    def mutate_stmt(self, scope: Scope) -> ast.stmt:
        lists, dicts, objs = scope.names(Ty.LIST), scope.names(Ty.DICT), scope.names(Ty.OBJ)
        return self.pick(
            (3 if lists else 0, lambda: self.list_mutation(ref(self.choice(lists)), scope)),
            (2 if dicts else 0, lambda: self.dict_mutation(ref(self.choice(dicts)), scope)),
            (1 if objs else 0, lambda: self.obj_mutation(ref(self.choice(objs)), scope)),
            (0.1, lambda: self.print_stmt(scope)),
        )

    def list_mutation(self, target: ast.expr, scope: Scope) -> ast.stmt:
        def value() -> ast.expr:
            return self.stored(Ty.INT, scope)

        def sort() -> ast.expr:
            return self.pick(
                (1, lambda: method(target, "sort")),
                (1, lambda: method(target, "sort", reverse=lit(True))),
                (2, lambda: method(target, "sort", key=self.int_key(scope))),
            )

        def deletion() -> ast.stmt:
            index = self.pick(
                (1, lambda: self.index_expr(scope)),
                (1, lambda: span(self.integer(0, 2), self.integer(1, 4))),
            )
            return delete(item(target, index))

        def index() -> ast.expr:
            return self.index_expr(scope)

        return self.pick(
            (4, lambda: do(method(target, "append", value()))),
            (1, lambda: do(method(target, "insert", self.num(-1, 2), value()))),
            (risk(scope, 2), lambda: do(method(target, "pop", *self.maybe(index)))),
            (risk(scope, 0.5), lambda: do(method(target, "remove", self.int_expr(scope, 1)))),
            (2, lambda: do(sort())),
            (1, lambda: do(method(target, "reverse"))),
            (1, lambda: do(method(target, "extend", self.int_list()))),
            (risk(scope, 2), lambda: assign(item(target, index()), value())),
            (risk(scope, 1), deletion),
        )

    def dict_mutation(self, target: ast.expr, scope: Scope) -> ast.stmt:
        def key() -> ast.expr:
            return self.key_expr(scope)

        def value() -> ast.expr:
            return self.stored(Ty.INT, scope)

        def update() -> ast.stmt:
            return self.pick(
                (
                    1,
                    lambda: do(
                        method(target, "update", ast.Dict(keys=[self.key()], values=[value()]))
                    ),
                ),
                (1, lambda: do(method(target, "update", **{self.choice(KEYS): value()}))),
            )

        return self.pick(
            (4, lambda: assign(item(target, key()), value())),
            (risk(scope, 1), lambda: delete(item(target, key()))),
            (1, lambda: do(method(target, "pop", key(), lit(0)))),
            (risk(scope, 0.5), lambda: do(method(target, "pop", key()))),
            (1, lambda: do(method(target, "setdefault", key(), value()))),
            (2, update),
        )

    def obj_mutation(self, target: ast.expr, scope: Scope) -> ast.stmt:
        return self.pick(
            (2, lambda: assign(attr(target, "x"), self.stored(Ty.INT, scope))),
            (1, lambda: assign(attr(target, "tag"), self.small_str(scope))),
            (2, lambda: do(method(target, "bump", *self.maybe(lambda: self.num(1, 4))))),
        )

    def unpack_stmt(self, scope: Scope) -> ast.stmt:
        ints, lists = scope.assignable_names(Ty.INT), scope.assignable_names(Ty.LIST)
        pairs = [(x, y) for x in ints for y in ints if x < y]
        return self.pick(
            (2 if pairs else 0, lambda: self.pair_assign(self.choice(pairs), scope)),
            (1 if pairs else 0, lambda: self.pair_unpack(self.choice(pairs), scope)),
            (2 if ints and lists else 0, lambda: self.starred_unpack(ints, lists, scope)),
            (0.1, lambda: self.assign_stmt(scope)),
        )

    def pair_assign(self, pair: tuple[str, str], scope: Scope) -> ast.stmt:
        first, second = pair

        def value() -> ast.expr:
            return self.stored(Ty.INT, scope)

        return assign(
            names(first, second),
            self.pick(
                (1, lambda: names(second, first)),
                (2, lambda: tuple_(ref(second), value())),
                (1, lambda: tuple_(value(), value())),
            ),
        )

    def pair_unpack(self, pair: tuple[str, str], scope: Scope) -> ast.stmt:
        sub = self.sub(scope, 1)
        value = self.pick(
            (2, lambda: call("divmod", sub.int(), self.num(2, 7))),
            (risk(scope, 0.5), sub.tuple),
            (risk(scope, 0.5), sub.list),
        )
        return assign(names(*pair), value)

    def starred_unpack(self, ints: list[str], lists: list[str], scope: Scope) -> ast.stmt:
        head, rest = ref(self.choice(ints)), ast.Starred(value=ref(self.choice(lists)))
        target = ast.Tuple(elts=self.choice([[head, rest], [rest, head]]), ctx=ast.Store())
        sub = self.sub(scope, 1)
        value = self.pick(
            (2, lambda: binop(lit([self.integer(0, 5)]), "+", sub.list())),
            (risk(scope, 1), sub.list),
            (risk(scope, 1), sub.tuple),
        )
        return assign(target, value)

    def call_stmt(self, scope: Scope) -> ast.stmt:
        func = self.choice(scope.funcs)
        if func.kind == "gen":
            return print_(call("list", self.generator_call(scope, func)))
        return do(self.user_call(func, scope))

    def assert_stmt(self, scope: Scope) -> ast.stmt:
        return ast.Assert(test=self.bool_expr(scope, 1), msg=self.small_str(scope))

    # ---- control flow

    def if_stmt(self, scope: Scope, depth: int) -> ast.stmt:
        body = self.block(scope, depth - 1)
        orelse = self.pick(
            (2, lambda: []),
            (2, lambda: self.block(scope, depth - 1)),
            (1 if depth > 1 else 0, lambda: [self.if_stmt(scope, depth - 1)]),
        )
        return if_(self.bool_expr(scope, 2), body, orelse)

    def for_stmt(self, scope: Scope, depth: int) -> ast.stmt:
        inner = scope.loop_body()
        index, value = scope.fresh("i", "j", "i2"), scope.fresh("v", "w", "v2")

        def over_range() -> tuple[ast.expr, ast.expr, Scope]:
            return ref(index), self.range_expr(scope), inner.bind(index, Ty.INT, small=True)

        def over_list() -> tuple[ast.expr, ast.expr, Scope]:
            return ref(value), self.bounded_list(scope), inner.bind(value, Ty.INT)

        def over_enumerate() -> tuple[ast.expr, ast.expr, Scope]:
            body_scope = inner.bind(index, Ty.INT, small=True).bind(value, Ty.INT)
            return names(index, value), call("enumerate", self.bounded_list(scope)), body_scope

        def over_items() -> tuple[ast.expr, ast.expr, Scope]:
            key, val = scope.fresh("key", "key2"), scope.fresh("val", "val2")
            items = call("list", method(self.dict_expr(scope, 0), "items"))
            bounded = item(items, span(None, self.integer(1, 4)))
            return names(key, val), bounded, inner.bind(key, Ty.STR).bind(val, Ty.INT)

        def over_str() -> tuple[ast.expr, ast.expr, Scope]:
            char = scope.fresh("ch", "ch2")
            text = item(self.str_expr(scope, 0), span(None, self.integer(1, 4)))
            return ref(char), text, inner.bind(char, Ty.STR)

        def over_generator() -> tuple[ast.expr, ast.expr, Scope]:
            return ref(value), self.generator_call(scope), inner.bind(value, Ty.INT)

        target, iterable, body_scope = self.pick(
            (3, over_range),
            (3, over_list),
            (1, over_enumerate),
            (1, over_items),
            (1, over_str),
            (1 if scope.generators() else 0, over_generator),
        )
        body = self.block(body_scope, depth - 1, max_size=4)
        orelse = self.block(scope, 0, max_size=1) if self.chance(1, 8) else []
        return for_(target, iterable, body, orelse)

    def while_stmt(self, scope: Scope, depth: int) -> list[ast.stmt]:
        """A counter set to 0, then ``while counter < k``, incremented first in the body so
        that ``continue`` cannot skip it."""
        counter = scope.fresh("k0", "k1", "k2")
        inner = scope.loop_body().bind(counter, Ty.INT, small=True)
        test = compare(ref(counter), ("<", self.num(1, 5)))
        if self.chance(1, 3):
            test = both(test, self.bool_expr(scope, 1))
        body = [aug_assign(counter, "+", lit(1)), *self.block(inner, depth - 1, max_size=4)]
        orelse = self.block(scope, 0, max_size=1) if self.chance(1, 8) else []
        return [assign(counter, lit(0)), ast.While(test=test, body=body, orelse=orelse)]

    def range_expr(self, scope: Scope) -> ast.expr:
        small = sorted(scope.small)
        return self.pick(
            (3, lambda: call("range", self.num(0, 5))),
            (1, lambda: call("range", self.num(-1, 2), self.num(2, 6))),
            (1, lambda: call("range", self.num(5, 8), self.num(0, 3), self.num(-3, -1))),
            (1 if small else 0, lambda: call("range", ref(self.choice(small)))),
        )

    def bounded_list(self, scope: Scope) -> ast.expr:
        """A short list, whatever the program did before: a literal or a slice."""
        return self.pick(
            (1, self.int_list),
            (3, lambda: item(self.list_expr(scope, 1), span(None, self.integer(1, 5)))),
            (1, lambda: item(self.list_expr(scope, 0), span(self.integer(-4, -1)))),
        )

    def break_stmt(self, scope: Scope) -> ast.stmt:
        return if_(self.bool_expr(scope, 1), [self.choice([ast.Break(), ast.Continue()])])

    def early_return(self, scope: Scope) -> ast.stmt:
        assert scope.returns is not None
        return if_(self.bool_expr(scope, 1), [return_(self.expr(scope.returns, scope, 1))])

    # ---- exceptions

    def try_stmt(self, scope: Scope, depth: int) -> ast.stmt:
        handlers = [self.handler(scope, depth) for _ in range(self.integer(0, 2))]
        body = self.block(replace(scope, guarded=scope.guarded or bool(handlers)), depth - 1)
        orelse = self.block(scope, depth - 1, max_size=2) if handlers and self.chance(1, 4) else []
        final = []
        if not handlers or self.chance(1, 3):
            final = self.block(replace(scope, in_loop=False, returns=None), 0, max_size=2)
        return ast.Try(body=body, handlers=handlers, orelse=orelse, finalbody=final)

    def handler(self, scope: Scope, depth: int) -> ast.ExceptHandler:
        kinds = list(dict.fromkeys((*CATCHABLE, *scope.errors)))
        caught = self.pick(
            (4, lambda: ref(self.choice(kinds))),
            (1, lambda: names(*sorted({self.choice(kinds), self.choice(kinds)}))),
        )
        if not self.chance(3, 4):
            return ast.ExceptHandler(type=caught, name=None, body=self.block(scope, depth - 1))
        name = scope.fresh("err", "err2", "err3")
        inner = replace(scope.bind(name, Ty.EXC), exc=name)
        body = [
            print_(lit("caught"), self.exception_text(name)),
            *self.block(inner, depth - 1, min_size=0, max_size=2),
        ]
        if self.chance(1, 4):
            body.append(self.reraise(inner))
        return ast.ExceptHandler(type=caught, name=name, body=body)

    def reraise(self, scope: Scope) -> ast.stmt:
        return self.pick(
            (1, lambda: ast.Raise(exc=None, cause=None)),
            (1, lambda: ast.Raise(exc=self.exception(scope), cause=ref(scope.exc or "None"))),
            (1, lambda: ast.Raise(exc=self.exception(scope), cause=None)),
        )

    def exception(self, scope: Scope) -> ast.expr:
        kind = self.choice(scope.errors)
        return self.pick(
            (3, lambda: call(kind, self.small_str(scope))),
            (1, lambda: call(kind, self.int_expr(scope, 0))),
            (1, lambda: ref(kind)),
        )

    def raise_stmt(self, scope: Scope) -> ast.stmt:
        raise_ = ast.Raise(exc=self.exception(scope), cause=None)
        return self.pick(
            (4, lambda: if_(self.bool_expr(scope, 2), [raise_])),
            (1, lambda: raise_),
        )


class _Builder(_Statements):
    """Builds one program: optional exception class, classes and functions, then the main
    body, a call of every definition the body left unused, and a print of the final state."""

    def module(self) -> ast.Module:
        top = self.top_scope()
        defs: list[ast.stmt] = []
        if self.chance(1, 4):
            defs.append(
                class_(
                    "AppError", [self.choice(["ValueError", "Exception", "KeyError"])], [ast.Pass()]
                )
            )
            top = replace(top, errors=(*top.errors, "AppError"))
        if self.chance(2, 5):
            classes = self.class_features()
            defs.extend(self.class_defs(top, classes))
            objs = dict.fromkeys(GLOBALS[Ty.OBJ], Ty.OBJ)
            top = replace(
                top,
                classes=classes,
                variables={**top.variables, **objs},
                assignable=top.assignable | set(objs),
            )
        for index in range(self.integer(0, 3)):
            func, func_def = self.function(top, index)
            defs.append(func_def)
            top = replace(top, funcs=(*top.funcs, func))
        body = self.block(top, depth=3, max_size=self.budget, more=12)
        body += self.exercise_unused(body, top)
        body += self.final_print(body)
        return ast.Module(body=defs + self.global_inits(defs + body) + body, type_ignores=[])

    def top_scope(self) -> Scope:
        variables = {n: ty for ty, ns in GLOBALS.items() if ty is not Ty.OBJ for n in ns}
        return Scope(variables=variables, assignable=frozenset(variables))

    def global_inits(self, code: list[ast.stmt]) -> list[ast.stmt]:
        """A literal for each global the code mentions, in a fixed order."""
        used = names_in(code)
        return [
            assign(name, self.literal(ty))
            for ty, names_ in GLOBALS.items()
            for name in names_
            if name in used
        ]

    def exercise_unused(self, body: list[ast.stmt], scope: Scope) -> list[ast.stmt]:
        """Print a call of each function, and an instance of the classes, that the body
        does not use yet: a definition that nothing runs tests nothing."""
        used = names_in(body)
        calls = []
        for func in scope.funcs:
            if func.name not in used:
                value = self.user_call(func, scope)
                calls.append(print_(call("list", value) if func.kind == "gen" else value))
        if scope.classes is not None and not used & {"o1", "o2", "Base", "Child"}:
            obj = self.new_obj(scope, 1)
            calls.append(print_(obj, method(obj, "area"), method(obj, "describe")))
        return calls

    def final_print(self, body: list[ast.stmt]) -> list[ast.stmt]:
        """Print the final values of up to four globals the body assigns."""
        assigned: list[str] = []
        for node in (n for stmt in body for n in ast.walk(stmt)):
            if isinstance(node, ast.Assign | ast.AugAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                assigned += [n for n in sorted(names_in(targets)) if n not in assigned]
        globals_ = {name for names_ in GLOBALS.values() for name in names_}
        shown = [name for name in assigned if name in globals_][:4]
        return [print_(*[ref(name) for name in shown])] if shown else []

    # ---- classes

    def class_features(self) -> Classes:
        return Classes(
            child=self.chance(2, 3),
            lt=self.chance(1, 2),
            add=self.chance(1, 4),
            prop=self.chance(1, 4),
            classmethod=self.chance(1, 4),
            counter=self.chance(1, 4),
        )

    def class_defs(self, top: Scope, classes: Classes) -> list[ast.stmt]:
        defs = [self.base_class(top, classes)]
        if classes.child:
            defs.append(self.child_class(top))
        return defs

    def method_scope(self, top: Scope, extra: Mapping[str, Ty] = MappingProxyType({})) -> Scope:
        """Methods read ``self.x``, ``self.tag``, their parameters and the globals; they
        rebind nothing, loop nowhere and call no generated function."""
        variables = {**top.variables, "self.x": Ty.INT, "self.tag": Ty.STR, **extra}
        return replace(
            top,
            variables=variables,
            assignable=frozenset(),
            funcs=(),
            in_function=True,
            max_loop_depth=0,
        )

    def base_class(self, top: Scope, classes: Classes) -> ast.stmt:
        init = [assign("self.x", ref("x")), assign("self.tag", ref("tag"))]
        if classes.counter:
            init.append(aug_assign("Base.count", "+", lit(1)))
        area_scope, describe_scope = self.method_scope(top), self.method_scope(top, {"sep": Ty.STR})
        area = [*self.method_prelude(area_scope), return_(self.int_expr(area_scope, 2))]
        bump = [aug_assign("self.x", "+", ref("amount")), return_(ref("self.x"))]
        body = [assign("count", lit(0))] if classes.counter else []
        body += [
            def_("__init__", arguments(["self", "x", "tag"], [self.word(4)]), init),
            def_("area", ["self"], area),
            def_(
                "describe",
                arguments(["self", "sep"], [lit(self.choice(["-", ", ", ":"]))]),
                [return_(self.str_expr(describe_scope, 2))],
            ),
            def_("bump", arguments(["self", "amount"], [lit(1)]), bump),
        ]
        if classes.prop:
            double = return_(binop(ref("self.x"), "*", lit(2)))
            body.append(def_("double", ["self"], [double], "property"))
        if classes.classmethod:
            make = return_(call("cls", binop(ref("x"), "%", lit(self.choice(MODULI)))))
            body.append(def_("make", ["cls", "x"], [make], "classmethod"))
        body.append(self.repr_method("Base", "tag"))
        same = both(
            call("isinstance", ref("other"), ref("Base")),
            compare(ref("self.x"), ("==", ref("other.x"))),
        )
        body.append(def_("__eq__", ["self", "other"], [return_(same)]))
        if classes.lt:
            less = self.choice(
                [
                    compare(ref("self.x"), ("<", ref("other.x"))),
                    compare(names("self.x", "self.tag"), ("<", names("other.x", "other.tag"))),
                ]
            )
            body.append(def_("__lt__", ["self", "other"], [return_(less)]))
        if classes.add:
            total = binop(binop(ref("self.x"), "+", ref("other.x")), "%", lit(self.choice(MODULI)))
            added = return_(call("Base", total, ref("self.tag")))
            body.append(def_("__add__", ["self", "other"], [added]))
        return class_("Base", [], body)

    def method_prelude(self, scope: Scope) -> list[ast.stmt]:
        """Zero to two prints at the start of a method body.  Methods mutate nothing but
        ``self``: they may run in a comprehension over a global container."""
        return [self.print_stmt(scope) for _ in range(2) if self.chance(1, 3)]

    def repr_method(self, cls: str, second: str) -> ast.stmt:
        text = fstring(f"{cls}(", (ref("self.x"), "r"), ", ", (ref(f"self.{second}"), "r"), ")")
        return def_("__repr__", ["self"], [return_(text)])

    def child_class(self, top: Scope) -> ast.stmt:
        """``Child(Base)``: ``super().__init__``, an ``area`` extending ``super().area()``,
        maybe its own ``bump`` and ``__repr__``."""
        parent_area = method(call("super"), "area")
        init = [
            do(method(call("super"), "__init__", ref("x"), self.word(4))),
            assign("self.extra", ref("extra")),
        ]
        area_scope = self.method_scope(top, {"self.extra": Ty.INT})
        area = self.pick(
            (1, lambda: binop(parent_area, "+", ref("self.extra"))),
            (1, lambda: binop(parent_area, "*", self.num(-1, 3))),
            (1, lambda: binop(parent_area, self.choice("+-"), self.int_expr(area_scope, 1))),
        )
        body = [
            def_("__init__", arguments(["self", "x", "extra"], [self.num(0, 3)]), init),
            def_("area", ["self"], [return_(area)]),
        ]
        if self.chance(1, 2):
            bump = binop(method(call("super"), "bump", ref("amount")), "+", ref("self.extra"))
            body.append(def_("bump", arguments(["self", "amount"], [lit(2)]), [return_(bump)]))
        if self.chance(3, 4):
            body.append(self.repr_method("Child", "extra"))
        return class_("Child", ["Base"], body)

    # ---- functions

    def function(self, top: Scope, index: int) -> tuple[Func, ast.stmt]:
        return self.pick(
            (4, lambda: self.plain_function(top, f"f{index}")),
            (1.5, lambda: self.recursive_function(top, f"rec{index}")),
            (1.5, lambda: self.generator_function(top, f"gen{index}")),
            (1, lambda: self.closure_function(top, f"make{index}")),
        )

    def params(self) -> tuple[Param, ...]:
        """``p``, then up to two more; after one with a default all have one, and after a
        keyword-only one all are keyword-only."""
        params = [Param("p", self.choice(PARAM_TYPES[:4]))]
        defaults = keyword_only = False
        for name in ("q", "r")[: self.integer(0, 2)]:
            ty = self.choice(PARAM_TYPES)
            defaults = defaults or self.chance(2, 3)
            keyword_only = keyword_only or (defaults and self.chance(1, 3))
            default = self.literal(ty) if defaults else None
            params.append(Param(name, ty, default, keyword_only))
        return tuple(params)

    def signature(self, params: Sequence[Param]) -> ast.arguments:
        positional = [p for p in params if not p.keyword_only]
        keyword = [p for p in params if p.keyword_only]
        return arguments(
            [p.name for p in positional],
            [p.default for p in positional if p.default is not None],
            [p.name for p in keyword],
            [p.default for p in keyword if p.default is not None],
        )

    def function_scope(self, top: Scope, local: Mapping[str, Ty], **changes: Any) -> Scope:
        return replace(
            top,
            variables={**top.variables, **local},
            assignable=frozenset(),
            in_function=True,
            **changes,
        )

    def plain_function(self, top: Scope, name: str) -> tuple[Func, ast.stmt]:
        """Parameters with defaults, a local ``acc``, maybe ``global c``, a short body with
        at most one loop level, and a return of one type."""
        params, returns = self.params(), self.choice(RETURN_TYPES)
        local = {p.name: p.ty for p in params} | {"acc": returns}
        prelude: list[ast.stmt] = []
        assignable = set(local)
        if self.chance(1, 6):
            prelude.append(ast.Global(names=["c"]))
            assignable.add("c")
        scope = self.function_scope(top, local, returns=returns, max_loop_depth=1)
        scope = replace(scope, assignable=frozenset(assignable))
        prelude.append(assign("acc", self.literal(returns)))
        saved, self.budget = self.budget, 6
        body = self.block(scope, depth=2, max_size=4)
        self.budget = saved
        result = self.pick((1, lambda: ref("acc")), (2, lambda: self.expr(returns, scope, 2)))
        code = def_(name, self.signature(params), [*prelude, *body, return_(result)])
        return Func(name, params, returns), code

    def recursive_function(self, top: Scope, name: str) -> tuple[Func, ast.stmt]:
        """``rec(n, acc)``: linear or tree recursion on ``n``, which callers keep below 7."""
        params = (Param("n", Ty.INT, small=True), Param("acc", Ty.INT, self.num(0, 2)))
        scope = self.function_scope(
            top, {"n": Ty.INT, "acc": Ty.INT}, funcs=(), small=frozenset({"n"})
        )
        base = if_(compare(ref("n"), ("<=", self.num(0, 1))), [return_(self.int_expr(scope, 1))])
        less = binop(ref("n"), "-", lit(1))

        def linear() -> ast.expr:
            return call(name, less, binop(self.int_expr(scope, 1), "%", lit(self.choice(MODULI))))

        def tree() -> ast.expr:
            return binop(
                call(name, less, ref("acc")),
                "+",
                call(name, binop(ref("n"), "-", lit(2)), ref("acc")),
            )

        recurse = self.pick((2, linear), (1, tree))
        if self.chance(1, 2):
            recurse = binop(recurse, self.choice("+-"), self.int_expr(scope, 1))
        body = [base, return_(recurse)]
        if self.chance(1, 4):
            body.insert(0, print_(lit("depth"), ref("n")))
        return Func(name, params, Ty.INT, kind="rec"), def_(name, self.signature(params), body)

    def generator_function(self, top: Scope, name: str) -> tuple[Func, ast.stmt]:
        """``gen(n, step)``: yields from a loop over ``range(n)``, maybe filtered, maybe
        printing, maybe ending with a ``yield from``."""
        params = (Param("n", Ty.INT, small=True), Param("step", Ty.INT, self.num(1, 3)))
        scope = self.function_scope(
            top, {"n": Ty.INT, "step": Ty.INT}, funcs=(), small=frozenset({"n"})
        )
        inner = replace(scope, loop_depth=1).bind("i", Ty.INT, small=True)
        loop_body = [do(ast.Yield(value=self.stored(Ty.INT, inner)))]
        if self.chance(1, 2):
            loop_body = [if_(self.bool_expr(inner, 1), loop_body)]
        if self.chance(1, 4):
            loop_body.insert(0, print_(lit("gen"), ref("i")))
        body = [for_(ref("i"), call("range", ref("n")), loop_body)]
        if self.chance(1, 3):
            body.append(do(ast.YieldFrom(value=self.int_list())))
        return Func(name, params, Ty.INT, kind="gen"), def_(name, self.signature(params), body)

    def closure_function(self, top: Scope, name: str) -> tuple[Func, ast.stmt]:
        """``make(p)`` returns a function of ``z`` that reads ``p``: a nested def or a lambda."""
        params = (Param("p", Ty.INT),)
        scope = self.function_scope(top, {"p": Ty.INT, "z": Ty.INT}, funcs=())

        def nested() -> list[ast.stmt]:
            inner = def_("inner", ["z"], [return_(self.int_expr(scope, 2))])
            return [inner, return_(ref("inner"))]

        body = self.pick(
            (1, nested),
            (1, lambda: [return_(lambda_("z", self.int_expr(scope, 1)))]),
        )
        return Func(name, params, Ty.INT, kind="closure"), def_(name, self.signature(params), body)
