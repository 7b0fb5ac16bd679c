"""A Hypothesis strategy of small Python 3.11 programs for differential testing.

Why: gilsim promises that an unmodified program prints under gilsim exactly what it prints
under CPython.  Hand-written test programs only cover what their authors thought of;
:func:`programs` generates many small programs that mix the features an interpreter gets
wrong (exceptions escaping through frames, ``finally``, generators, ``super()``, starred
unpacking, comprehensions, closures, default and keyword arguments, dunder dispatch), so a
test can run each one under both and compare stdout, stderr and exit status.

Every generated program is

* **valid**: it is built as a typed syntax tree (the standard :mod:`ast` nodes), rendered
  with :func:`ast.unparse`, and compiled once before it is handed out;
* **terminating and fast**: every ``for`` runs over ``range`` of a small literal, a sliced
  snapshot (``xs[:3]``) or a list literal; every ``while`` has its own counter, incremented
  first and bounded by a small literal; loops nest at most twice; a function calls only
  functions defined before it (and not from inside its loops); recursion only goes through
  a dedicated function whose depth argument is reduced ``% 7`` at the call;
* **small in its values**: a value of one size never yields a stored value of twice that
  size (no ``xs + xs``, ``s * n`` or ``x * y``: one side of ``+`` on sequences and of ``*`` is
  a small literal), exponents are literals below 4 on a base taken ``% k``, and an int stored
  inside a loop or a function body is wrapped ``% k``;
* **deterministic**: it prints ints, strs, bools, lists, tuples, dicts and instances of
  classes that define ``__repr__``, never a default ``<object at 0x...>`` repr; sets are only
  printed through ``sorted()``; there is no float, no I/O but ``print``, no time, no
  randomness, no ``id``/``hash``.

An exception may escape to the top level on purpose (a division by a variable that may be
zero, a lookup that may fail, an explicit ``raise``): CPython then prints a traceback and
exits with status 1, and the simulator must do exactly the same.

How: one composite strategy drives a small builder.  Each decision is one draw, with the
simplest alternative first (a literal before a variable before an operation; stop before
adding another statement), so Hypothesis shrinks a failing program towards a few short
statements over literals.  Types are tracked for every variable, so no generated
expression raises ``TypeError`` or ``NameError`` by accident; the exceptions a program raises
are the ones listed above, on purpose.
"""

from __future__ import annotations

import ast
import bisect
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from hypothesis import strategies as st

__all__ = ["programs"]


def programs(*, max_statements: int = 24) -> st.SearchStrategy[str]:
    """Return a strategy of Python 3.11 source texts, each a small complete program.

    ``max_statements`` bounds the number of statements in the main part of the program,
    nested ones included (the functions and classes it defines come on top).  Each program
    runs in a few milliseconds under CPython and prints what it computes along the way.
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
    OBJ = "obj"
    EXC = "exception"  # the name bound by ``except ... as err``; only printed, never computed with


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
"""The fixed set of global variables; each keeps one type for the whole program."""

WORDS = ("a", "ab", "b", "xyz", "", "42", "hello", "b a")
"""String literals: short, quote-free, overlapping with the dict keys so lookups may hit."""

KEYS = ("a", "b", "ab", "c")
EXCEPTIONS = ("ValueError", "KeyError", "ZeroDivisionError", "IndexError")
CATCHABLE = (*EXCEPTIONS, "LookupError", "ArithmeticError", "Exception")
MODULI = (10, 7, 97, 1000)


@dataclass(frozen=True)
class Param:
    """A parameter of a generated function: its name, type, default and kind."""

    name: str
    ty: Ty
    default: ast.expr | None = None
    keyword_only: bool = False
    small: bool = False  # callers pass a small non-negative int (used as a range bound)


@dataclass(frozen=True)
class Func:
    """What a caller needs to know of a generated function.  ``kind`` is one of ``plain``,
    ``rec`` (bounded recursion), ``gen`` (a generator of ints) or ``closure`` (returns a
    one-argument function of an int)."""

    name: str
    params: tuple[Param, ...]
    returns: Ty
    kind: str = "plain"


@dataclass(frozen=True)
class Classes:
    """Which optional parts the generated ``Base`` (and ``Child(Base)``) classes have."""

    child: bool
    lt: bool
    add: bool
    prop: bool
    classmethod: bool
    counter: bool


@dataclass(frozen=True)
class Scope:
    """What code generated at one place may use: readable variables with their types,
    the names it may rebind, callable functions, and where it stands (loops, handlers)."""

    variables: Mapping[str, Ty]
    assignable: frozenset[str]
    funcs: tuple[Func, ...] = ()
    classes: Classes | None = None
    errors: tuple[str, ...] = EXCEPTIONS
    loop_depth: int = 0
    max_loop_depth: int = 2
    in_loop: bool = False
    in_function: bool = False
    returns: Ty | None = None
    small: frozenset[str] = frozenset()
    exc: str | None = None
    calls: bool = True
    guarded: bool = False  # inside the body of a ``try`` that has handlers

    def names(self, ty: Ty) -> list[str]:
        return [name for name, vty in self.variables.items() if vty is ty]

    def assignable_names(self, ty: Ty) -> list[str]:
        return [name for name in self.names(ty) if name in self.assignable]

    def bind(self, name: str, ty: Ty, *, small: bool = False, assignable: bool = False) -> Scope:
        variables = {**self.variables, name: ty}
        return replace(
            self,
            variables=variables,
            small=self.small | {name} if small else self.small - {name},
            assignable=self.assignable | {name} if assignable else self.assignable - {name},
        )

    def fresh(self, *candidates: str) -> str:
        """The first candidate name not already visible here."""
        for candidate in candidates:
            if candidate not in self.variables:
                return candidate
        raise AssertionError(f"no free name among {candidates}")

    def repeated(self) -> Scope:
        """The scope of code that runs many times per execution of this code (a loop body,
        a comprehension, a lambda): inside a function, it may not call other functions, so
        the cost of a call stays a small sum rather than a product."""
        return replace(self, calls=self.calls and not self.in_function)

    @property
    def wraps(self) -> bool:
        """Whether ints stored here are wrapped ``% k``: code that may run many times."""
        return self.loop_depth > 0 or self.in_function

    def funcs_returning(self, ty: Ty) -> list[Func]:
        if not self.calls:
            return []
        return [f for f in self.funcs if f.returns is ty and f.kind in ("plain", "rec")]

    def generators(self) -> list[Func]:
        return [f for f in self.funcs if f.kind == "gen"] if self.calls else []


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


def ref(path: str) -> ast.expr:
    """``"self.x"`` as an expression: a name, or attributes of a name."""
    head, *attrs = path.split(".")
    node: ast.expr = ast.Name(id=head, ctx=ast.Load())
    for attr in attrs:
        node = ast.Attribute(value=node, attr=attr, ctx=ast.Load())
    return node


def lit(value: object) -> ast.expr:
    """A literal; negative ints as unary minus so that ``(-3) ** 2`` keeps its parentheses."""
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
    return ast.Compare(
        left=left, ops=[_CMPOPS[op]() for op, _ in pairs], comparators=[e for _, e in pairs]
    )


def call(func: str | ast.expr, *args: ast.expr, **kwargs: ast.expr) -> ast.expr:
    target = ref(func) if isinstance(func, str) else func
    keywords = [ast.keyword(arg=k, value=v) for k, v in kwargs.items()]
    return ast.Call(func=target, args=list(args), keywords=keywords)


def method(obj: ast.expr, name: str, *args: ast.expr, **kwargs: ast.expr) -> ast.expr:
    return call(ast.Attribute(value=obj, attr=name, ctx=ast.Load()), *args, **kwargs)


def attr(obj: ast.expr, name: str) -> ast.expr:
    return ast.Attribute(value=obj, attr=name, ctx=ast.Load())


def subscript(obj: ast.expr, index: ast.expr) -> ast.expr:
    return ast.Subscript(value=obj, slice=index, ctx=ast.Load())


def slice_(lower: ast.expr | None, upper: ast.expr | None, step: ast.expr | None = None) -> ast.expr:
    return ast.Slice(lower=lower, upper=upper, step=step)


def comp(target: str, iterable: ast.expr, *conds: ast.expr) -> ast.comprehension:
    return ast.comprehension(target=ref(target), iter=iterable, ifs=list(conds), is_async=0)


def names_tuple(*names: str) -> ast.expr:
    return ast.Tuple(elts=[ref(n) for n in names], ctx=ast.Load())


def fstring(*parts: str | ast.expr | tuple[ast.expr, str]) -> ast.expr:
    """An f-string from text, expressions, and ``(expression, "r")`` for ``!r`` fields."""
    values: list[ast.expr] = []
    for part in parts:
        if isinstance(part, str):
            values.append(ast.Constant(value=part))
        elif isinstance(part, tuple):
            values.append(ast.FormattedValue(value=part[0], conversion=ord(part[1]), format_spec=None))
        else:
            values.append(ast.FormattedValue(value=part, conversion=-1, format_spec=None))
    return ast.JoinedStr(values=values)


def lambda_(param: str, body: ast.expr) -> ast.expr:
    return ast.Lambda(args=arguments([ast.arg(arg=param)]), body=body)


def arguments(
    args: list[ast.arg],
    defaults: Sequence[ast.expr] = (),
    kwonly: Sequence[ast.arg] = (),
    kw_defaults: Sequence[ast.expr | None] = (),
) -> ast.arguments:
    return ast.arguments(
        posonlyargs=[],
        args=args,
        vararg=None,
        kwonlyargs=list(kwonly),
        kw_defaults=list(kw_defaults),
        kwarg=None,
        defaults=list(defaults),
    )


def function_def(
    name: str, args: ast.arguments, body: list[ast.stmt], decorators: Sequence[str] = ()
) -> ast.stmt:
    return ast.FunctionDef(
        name=name,
        args=args,
        body=body,
        decorator_list=[ref(d) for d in decorators],
        returns=None,
        type_comment=None,
    )


def assign(target: str | ast.expr, value: ast.expr) -> ast.stmt:
    node = ref(target) if isinstance(target, str) else target
    return ast.Assign(targets=[node], value=value, type_comment=None)


def aug_assign(target: str | ast.expr, op: str, value: ast.expr) -> ast.stmt:
    node = ref(target) if isinstance(target, str) else target
    return ast.AugAssign(target=node, op=_BINOPS[op](), value=value)


def expr_stmt(value: ast.expr) -> ast.stmt:
    return ast.Expr(value=value)


def if_(test: ast.expr, body: list[ast.stmt], orelse: list[ast.stmt] | None = None) -> ast.stmt:
    return ast.If(test=test, body=body, orelse=orelse or [])


def print_(*args: ast.expr, **kwargs: ast.expr) -> ast.stmt:
    return expr_stmt(call("print", *args, **kwargs))


RISK_OUTSIDE_TRY = 0.12
"""How much less often an operation that may raise is chosen outside a ``try`` body.  Each
program has dozens of such operations; unguarded at full rate, most programs would stop at
their first statements."""


def risk(scope: Scope, weight: float) -> float:
    """The weight of an option that may raise, in this scope."""
    return weight if scope.guarded else weight * RISK_OUTSIDE_TRY


def is_leaf(node: ast.expr) -> bool:
    return isinstance(node, ast.Name | ast.Constant | ast.Attribute) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant)
    )


# --------------------------------------------------------------------------- the builder

Option = tuple[float, Callable[[], Any]]
CELLS = 50


class _Builder:
    """Builds one program from Hypothesis draws.

    Methods named after a type (``int_expr``) return an expression of that type valid in the
    given scope; ``*_stmt`` methods return a list of statements.  Every choice goes through
    :meth:`pick`, whose first option is the one a shrunk program should use.
    """

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any], max_statements: int):
        self._draw = draw
        self.budget = max_statements

    # ---- choices

    def pick(self, *options: Option) -> Any:
        """Call one of the options with a positive weight, chosen with that weight.

        Hypothesis draws small integer ranges about uniformly but favours the ends of large
        ones, so the choice is a point in [0, 1) drawn as one or two digits in base
        ``CELLS``: the second only when the first does not settle it.  Shrinking drives the
        digits to zero, that is to the first option."""
        live = [(weight, thunk) for weight, thunk in options if weight > 0]
        if len(live) == 1:
            return live[0][1]()
        total = sum(weight for weight, _ in live)
        bounds, upper = [], 0.0
        for weight, _ in live:
            upper += weight / total
            bounds.append(upper)
        coarse = self._draw(st.integers(0, CELLS - 1))
        first = bisect.bisect_right(bounds, coarse / CELLS)
        last = bisect.bisect_left(bounds, (coarse + 1) / CELLS)
        if first < last:
            fine = self._draw(st.integers(0, CELLS - 1))
            first = bisect.bisect_right(bounds, (coarse + fine / CELLS) / CELLS)
        return live[min(first, len(live) - 1)][1]()

    def choice(self, items: Sequence[Any]) -> Any:
        return items[self._draw(st.integers(0, len(items) - 1))]

    def integer(self, low: int, high: int) -> int:
        return self._draw(st.integers(low, high))

    def chance(self, numerator: int, denominator: int) -> bool:
        """True with probability numerator/denominator; shrinks to False."""
        return self._draw(st.integers(0, denominator - 1)) >= denominator - numerator

    # ---- program

    def module(self) -> ast.Module:
        top = self.top_scope()
        defs: list[ast.stmt] = []
        if self.chance(1, 4):
            defs.append(self.error_class())
            top = replace(top, errors=(*top.errors, "AppError"))
        if self.chance(2, 5):
            classes, class_defs = self.class_defs(top)
            defs.extend(class_defs)
            variables = {**top.variables, **{n: Ty.OBJ for n in GLOBALS[Ty.OBJ]}}
            top = replace(
                top,
                classes=classes,
                variables=variables,
                assignable=top.assignable | set(GLOBALS[Ty.OBJ]),
            )
        for index in range(self.integer(0, 3)):
            func, func_def = self.function_def(top, index)
            defs.append(func_def)
            top = replace(top, funcs=(*top.funcs, func))
        body = self.block(top, depth=3, min_size=3, max_size=self.budget, more=12)
        body.extend(self.exercise_unused(defs, body, top))
        body.extend(self.final_print(body))
        inits = self.global_inits(defs + body, top)
        return ast.Module(body=defs + inits + body, type_ignores=[])

    def top_scope(self) -> Scope:
        variables = {name: ty for ty, names in GLOBALS.items() if ty is not Ty.OBJ for name in names}
        return Scope(variables=variables, assignable=frozenset(variables))

    def global_inits(self, body: list[ast.stmt], scope: Scope) -> list[ast.stmt]:
        """Assign an initial literal to each global the program mentions, in a fixed order."""
        used = {node.id for stmt in body for node in ast.walk(stmt) if isinstance(node, ast.Name)}
        inits = []
        for ty, names in GLOBALS.items():
            for name in names:
                if name in used and (ty is not Ty.OBJ or scope.classes):
                    inits.append(assign(name, self.literal(ty, scope)))
        return inits

    def exercise_unused(
        self, defs: list[ast.stmt], body: list[ast.stmt], scope: Scope
    ) -> list[ast.stmt]:
        """Print a call of each function, and an instance of each class, that the body does
        not use yet: a definition nothing runs tests nothing."""
        used = {n.id for stmt in body for n in ast.walk(stmt) if isinstance(n, ast.Name)}
        calls: list[ast.stmt] = []
        for func in scope.funcs:
            if func.name not in used:
                value = self.user_call(func, scope)
                calls.append(print_(call("list", value) if func.kind == "gen" else value))
        if scope.classes is not None and not used & {"o1", "o2", "Base", "Child"}:
            obj = self.new_obj(scope, 1)
            calls.append(print_(obj, method(obj, "area"), method(obj, "describe")))
        return calls

    def final_print(self, body: list[ast.stmt]) -> list[ast.stmt]:
        """Print the final values of up to four globals the program assigned."""
        assigned: list[str] = []
        for node in (n for stmt in body for n in ast.walk(stmt)):
            if isinstance(node, ast.Assign | ast.AugAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name) and name.id not in assigned:
                            assigned.append(name.id)
        globals_ = {n for names in GLOBALS.values() for n in names}
        shown = [n for n in assigned if n in globals_][:4]
        return [print_(*[ref(n) for n in shown])] if shown else []

    # ---- blocks and statements

    def block(
        self, scope: Scope, depth: int, *, min_size: int = 1, max_size: int = 3, more: int = 4
    ) -> list[ast.stmt]:
        """One to ``max_size`` statements; after ``min_size``, each next one with probability
        ``more`` in ``more + 1``.  Stopping is the simpler choice, so blocks shrink."""
        body: list[ast.stmt] = []
        while len(body) < max_size and self.budget > 0:
            if len(body) >= min_size and not self.chance(more, more + 1):
                break
            body.extend(self.statement(scope, depth))
        return body or [print_(lit(self.choice(WORDS[:4])))]

    def statement(self, scope: Scope, depth: int) -> list[ast.stmt]:
        self.budget -= 1
        loops = depth > 0 and scope.loop_depth < scope.max_loop_depth
        return self.pick(
            (4, lambda: [self.print_stmt(scope)]),
            (4, lambda: self.assign_stmt(scope)),
            (1.5, lambda: self.aug_assign_stmt(scope)),
            (3, lambda: self.mutate_stmt(scope)),
            (1, lambda: self.unpack_stmt(scope)),
            (2.5 if depth > 0 else 0, lambda: [self.if_stmt(scope, depth)]),
            (2.5 if loops else 0, lambda: self.for_stmt(scope, depth)),
            (1 if loops else 0, lambda: self.while_stmt(scope, depth)),
            (2.5 if depth > 0 else 0, lambda: [self.try_stmt(scope, depth)]),
            (risk(scope, 1), lambda: [self.raise_stmt(scope)]),
            (1 if scope.in_loop else 0, lambda: [self.break_stmt(scope)]),
            (1 if scope.returns else 0, lambda: [self.early_return(scope)]),
            (1 if scope.calls and scope.funcs else 0, lambda: [self.call_stmt(scope)]),
            (risk(scope, 0.1), lambda: [self.assert_stmt(scope)]),
        )

    def print_stmt(self, scope: Scope) -> ast.stmt:
        return self.pick(
            (5, lambda: print_(self.any_expr(scope))),
            (2, lambda: print_(lit(self.choice(WORDS[:4]) + ":"), self.any_expr(scope))),
            (1, lambda: print_(self.any_expr(scope), self.any_expr(scope), sep=lit(" | "))),
            (1, lambda: print_(ast.Starred(value=self.list_expr(scope, 1), ctx=ast.Load()))),
            (1, lambda: print_(self.fstring_expr(scope, 1))),
            (1, lambda: print_(self.display_expr(scope))),
            (0.5, lambda: print_(self.any_expr(scope), end=lit("; "))),
        )

    def assign_stmt(self, scope: Scope) -> list[ast.stmt]:
        targets = [n for n in scope.assignable if n in scope.variables]
        if not targets:
            return [self.print_stmt(scope)]
        target = self.choice(sorted(targets))
        ty = scope.variables[target]
        return [assign(target, self.stored(ty, scope))]

    def aug_assign_stmt(self, scope: Scope) -> list[ast.stmt]:
        options: list[Option] = []
        for target in sorted(n for n in scope.assignable if n in scope.variables):
            ty = scope.variables[target]
            if ty is Ty.INT:
                options.append((2, lambda t=target: self.int_aug_assign(t, scope)))
            elif ty is Ty.STR:
                options.append((1, lambda t=target: aug_assign(t, "+", self.small_str(scope))))
            elif ty is Ty.LIST:
                options.append((1, lambda t=target: aug_assign(t, "+", self.int_list_literal())))
        if not options:
            return [self.print_stmt(scope)]
        return [self.pick(*options)]

    def int_aug_assign(self, target: str, scope: Scope) -> ast.stmt:
        if scope.wraps:  # additive growth only, by small amounts
            small = [ref(n) for n in sorted(scope.small)]
            return self.pick(
                (3, lambda: aug_assign(target, self.choice("+-"), self.choice([lit(self.integer(1, 5)), *small]))),
                (1, lambda: aug_assign(target, self.choice(["//", "%"]), lit(self.integer(2, 9)))),
            )
        return self.pick(
            (3, lambda: aug_assign(target, self.choice("+-"), self.int_expr(scope, 1))),
            (1, lambda: aug_assign(target, "*", lit(self.integer(-2, 3)))),
            (1, lambda: aug_assign(target, self.choice(["//", "%"]), self.int_expr(scope, 1))),
        )

    def mutate_stmt(self, scope: Scope) -> list[ast.stmt]:
        lists, dicts, objs = scope.names(Ty.LIST), scope.names(Ty.DICT), scope.names(Ty.OBJ)
        return self.pick(
            (3 if lists else 0, lambda: self.list_mutation(ref(self.choice(lists)), scope)),
            (2 if dicts else 0, lambda: self.dict_mutation(ref(self.choice(dicts)), scope)),
            (1 if objs else 0, lambda: self.obj_mutation(ref(self.choice(objs)), scope)),
            (0.1, lambda: [self.print_stmt(scope)]),
        )

    def list_mutation(self, target: ast.expr, scope: Scope) -> list[ast.stmt]:
        def store_item() -> ast.stmt:
            item = ast.Subscript(value=target, slice=self.index_expr(scope), ctx=ast.Store())
            return assign(item, self.stored(Ty.INT, scope))

        def delete() -> ast.stmt:
            index = self.pick(
                (1, lambda: self.index_expr(scope)),
                (1, lambda: slice_(lit(self.integer(0, 2)), lit(self.integer(1, 4)))),
            )
            return ast.Delete(targets=[ast.Subscript(value=target, slice=index, ctx=ast.Del())])

        return [
            self.pick(
                (4, lambda: expr_stmt(method(target, "append", self.stored(Ty.INT, scope)))),
                (1, lambda: expr_stmt(method(target, "insert", lit(self.integer(-1, 2)), self.stored(Ty.INT, scope)))),
                (risk(scope, 2), lambda: expr_stmt(method(target, "pop", *self.maybe(lambda: self.index_expr(scope))))),
                (risk(scope, 0.5), lambda: expr_stmt(method(target, "remove", self.int_expr(scope, 1)))),
                (2, lambda: expr_stmt(self.sort_call(target, scope))),
                (1, lambda: expr_stmt(method(target, "reverse"))),
                (1, lambda: expr_stmt(method(target, "extend", self.int_list_literal()))),
                (risk(scope, 2), store_item),
                (risk(scope, 1), delete),
            )
        ]

    def sort_call(self, target: ast.expr, scope: Scope) -> ast.expr:
        return self.pick(
            (1, lambda: method(target, "sort")),
            (1, lambda: method(target, "sort", reverse=lit(True))),
            (2, lambda: method(target, "sort", key=self.int_key(scope))),
        )

    def int_key(self, scope: Scope) -> ast.expr:
        """A ``key=`` for sorting ints: a builtin or a lambda over ``z``."""
        inner = scope.repeated().bind("z", Ty.INT)
        return self.pick(
            (1, lambda: ref("abs")),
            (1, lambda: ref("str")),
            (2, lambda: lambda_("z", self.int_expr(inner, 1))),
            (1, lambda: lambda_("z", ast.Tuple(elts=[binop(ref("z"), "%", lit(self.integer(2, 4))), self.choice([ref("z"), ast.UnaryOp(op=ast.USub(), operand=ref("z"))])], ctx=ast.Load()))),
        )

    def dict_mutation(self, target: ast.expr, scope: Scope) -> list[ast.stmt]:
        def store() -> ast.stmt:
            item = ast.Subscript(value=target, slice=self.key_expr(scope), ctx=ast.Store())
            return assign(item, self.stored(Ty.INT, scope))

        def delete() -> ast.stmt:
            item = ast.Subscript(value=target, slice=self.key_expr(scope), ctx=ast.Del())
            return ast.Delete(targets=[item])

        return [
            self.pick(
                (4, store),
                (risk(scope, 1), delete),
                (1, lambda: expr_stmt(method(target, "pop", self.key_expr(scope), lit(0)))),
                (risk(scope, 0.5), lambda: expr_stmt(method(target, "pop", self.key_expr(scope)))),
                (1, lambda: expr_stmt(method(target, "setdefault", self.key_expr(scope), self.stored(Ty.INT, scope)))),
                (1, lambda: expr_stmt(method(target, "update", ast.Dict(keys=[lit(self.choice(KEYS))], values=[self.stored(Ty.INT, scope)])))),
                (1, lambda: expr_stmt(method(target, "update", **{self.choice(KEYS): self.stored(Ty.INT, scope)}))),
            )
        ]

    def obj_mutation(self, target: ast.expr, scope: Scope) -> list[ast.stmt]:
        def set_x() -> ast.stmt:
            return assign(ast.Attribute(value=target, attr="x", ctx=ast.Store()), self.stored(Ty.INT, scope))

        def set_tag() -> ast.stmt:
            return assign(ast.Attribute(value=target, attr="tag", ctx=ast.Store()), self.small_str(scope))

        return [
            self.pick(
                (2, set_x),
                (1, set_tag),
                (2, lambda: expr_stmt(method(target, "bump", *self.maybe(lambda: lit(self.integer(1, 4)))))),
            )
        ]

    def unpack_stmt(self, scope: Scope) -> list[ast.stmt]:
        ints, lists = scope.assignable_names(Ty.INT), scope.assignable_names(Ty.LIST)
        return self.pick(
            (2 if len(ints) >= 2 else 0, lambda: self.swap_or_pair(ints, scope)),
            (1 if len(ints) >= 2 else 0, lambda: self.unpack_from(ints, scope)),
            (2 if ints and lists else 0, lambda: self.starred_unpack(ints, lists, scope)),
            (0.1, lambda: self.assign_stmt(scope)),
        )

    def swap_or_pair(self, ints: list[str], scope: Scope) -> list[ast.stmt]:
        first, second = sorted(self.choice([(x, y) for x in ints for y in ints if x != y]))
        value = self.pick(
            (1, lambda: names_tuple(second, first)),
            (2, lambda: ast.Tuple(elts=[ref(second), self.stored(Ty.INT, scope)], ctx=ast.Load())),
            (1, lambda: ast.Tuple(elts=[self.stored(Ty.INT, scope), self.stored(Ty.INT, scope)], ctx=ast.Load())),
        )
        return [assign(names_tuple(first, second), value)]

    def unpack_from(self, ints: list[str], scope: Scope) -> list[ast.stmt]:
        first, second = self.choice([(x, y) for x in ints for y in ints if x != y])
        value = self.pick(
            (2, lambda: call("divmod", self.int_expr(scope, 1), lit(self.integer(2, 7)))),
            (risk(scope, 0.5), lambda: self.tuple_expr(scope, 1)),
            (risk(scope, 0.5), lambda: self.list_expr(scope, 1)),
        )
        return [assign(names_tuple(first, second), value)]

    def starred_unpack(self, ints: list[str], lists: list[str], scope: Scope) -> list[ast.stmt]:
        head, rest = self.choice(ints), self.choice(lists)
        star = ast.Starred(value=ref(rest), ctx=ast.Store())
        target = self.choice([[ref(head), star], [star, ref(head)]])
        value = self.pick(
            (2, lambda: binop(lit([self.integer(0, 5)]), "+", self.list_expr(scope, 1))),
            (risk(scope, 1), lambda: self.list_expr(scope, 1)),
            (risk(scope, 1), lambda: self.tuple_expr(scope, 1)),
        )
        return [assign(ast.Tuple(elts=target, ctx=ast.Store()), value)]

    def if_stmt(self, scope: Scope, depth: int) -> ast.stmt:
        body = self.block(scope, depth - 1)
        orelse = self.pick(
            (2, lambda: []),
            (2, lambda: self.block(scope, depth - 1)),
            (1, lambda: [self.if_stmt(scope, depth - 1)] if depth > 1 else []),
        )
        return if_(self.bool_expr(scope, 2), body, orelse)

    def for_stmt(self, scope: Scope, depth: int) -> list[ast.stmt]:
        inner = replace(scope.repeated(), loop_depth=scope.loop_depth + 1, in_loop=True)
        index = scope.fresh("i", "j", "i2")
        item = scope.fresh("v", "w", "v2")

        def over_range() -> tuple[ast.expr, ast.expr, Scope]:
            return ref(index), self.range_expr(scope), inner.bind(index, Ty.INT, small=True)

        def over_list() -> tuple[ast.expr, ast.expr, Scope]:
            return ref(item), self.bounded_list(scope), inner.bind(item, Ty.INT)

        def over_enumerate() -> tuple[ast.expr, ast.expr, Scope]:
            body_scope = inner.bind(index, Ty.INT, small=True).bind(item, Ty.INT)
            return names_tuple(index, item), call("enumerate", self.bounded_list(scope)), body_scope

        def over_items() -> tuple[ast.expr, ast.expr, Scope]:
            key, val = scope.fresh("key", "key2"), scope.fresh("val", "val2")
            items = call("list", method(self.dict_expr(scope, 0), "items"))
            body_scope = inner.bind(key, Ty.STR).bind(val, Ty.INT)
            return names_tuple(key, val), subscript(items, slice_(None, lit(self.integer(1, 4)))), body_scope

        def over_str() -> tuple[ast.expr, ast.expr, Scope]:
            ch = scope.fresh("ch", "ch2")
            text = subscript(self.str_expr(scope, 0), slice_(None, lit(self.integer(1, 4))))
            return ref(ch), text, inner.bind(ch, Ty.STR)

        def over_generator() -> tuple[ast.expr, ast.expr, Scope]:
            return ref(item), self.generator_call(scope), inner.bind(item, Ty.INT)

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
        return [ast.For(target=target, iter=iterable, body=body, orelse=orelse, type_comment=None)]

    def while_stmt(self, scope: Scope, depth: int) -> list[ast.stmt]:
        counter = scope.fresh("k0", "k1", "k2")
        inner = replace(scope.repeated(), loop_depth=scope.loop_depth + 1, in_loop=True)
        inner = inner.bind(counter, Ty.INT, small=True)
        test = compare(ref(counter), ("<", lit(self.integer(1, 5))))
        if self.chance(1, 3):
            test = ast.BoolOp(op=ast.And(), values=[test, self.bool_expr(scope, 1)])
        body = [aug_assign(counter, "+", lit(1)), *self.block(inner, depth - 1, max_size=4)]
        orelse = self.block(scope, 0, max_size=1) if self.chance(1, 8) else []
        return [assign(counter, lit(0)), ast.While(test=test, body=body, orelse=orelse)]

    def range_expr(self, scope: Scope) -> ast.expr:
        small = sorted(scope.small)
        return self.pick(
            (3, lambda: call("range", lit(self.integer(0, 5)))),
            (1, lambda: call("range", lit(self.integer(-1, 2)), lit(self.integer(2, 6)))),
            (1, lambda: call("range", lit(self.integer(5, 8)), lit(self.integer(0, 3)), lit(self.integer(-3, -1)))),
            (1 if small else 0, lambda: call("range", ref(self.choice(small)))),
        )

    def bounded_list(self, scope: Scope) -> ast.expr:
        """A list expression that is short whatever the program did before: a literal, or a
        slice of a snapshot."""
        return self.pick(
            (1, self.int_list_literal),
            (3, lambda: subscript(self.list_expr(scope, 1), slice_(None, lit(self.integer(1, 5))))),
            (1, lambda: subscript(self.list_expr(scope, 0), slice_(lit(self.integer(-4, -1)), None))),
        )

    def try_stmt(self, scope: Scope, depth: int) -> ast.stmt:
        handlers = [self.handler(scope, depth) for _ in range(self.integer(0, 2))]
        body = self.block(replace(scope, guarded=scope.guarded or bool(handlers)), depth - 1)
        orelse = self.block(scope, depth - 1, max_size=2) if handlers and self.chance(1, 4) else []
        final_scope = replace(scope, in_loop=False, returns=None)
        finalbody = self.block(final_scope, 0, max_size=2) if not handlers or self.chance(1, 3) else []
        return ast.Try(body=body, handlers=handlers, orelse=orelse, finalbody=finalbody)

    def handler(self, scope: Scope, depth: int) -> ast.ExceptHandler:
        kinds = list(dict.fromkeys((*CATCHABLE, *scope.errors)))
        caught = self.pick(
            (4, lambda: ref(self.choice(kinds))),
            (1, lambda: names_tuple(*sorted({self.choice(kinds), self.choice(kinds)}))),
        )
        if not self.chance(3, 4):
            return ast.ExceptHandler(type=caught, name=None, body=self.block(scope, depth - 1))
        name = scope.fresh("err", "err2", "err3")
        inner = replace(scope.bind(name, Ty.EXC), exc=name)
        report = print_(lit("caught"), self.exception_text(name))
        body = [report, *self.block(inner, depth - 1, min_size=0, max_size=2)]
        if self.chance(1, 4):
            body.append(self.reraise(inner))
        return ast.ExceptHandler(type=caught, name=name, body=body)

    def exception_text(self, name: str) -> ast.expr:
        return self.pick(
            (2, lambda: attr(call("type", ref(name)), "__name__")),
            (2, lambda: ref(name)),
            (1, lambda: call("repr", ref(name))),
            (1, lambda: attr(ref(name), "args")),
        )

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

    def break_stmt(self, scope: Scope) -> ast.stmt:
        return if_(self.bool_expr(scope, 1), [self.choice([ast.Break(), ast.Continue()])])

    def early_return(self, scope: Scope) -> ast.stmt:
        assert scope.returns is not None
        return if_(self.bool_expr(scope, 1), [ast.Return(value=self.expr(scope.returns, scope, 1))])

    def call_stmt(self, scope: Scope) -> ast.stmt:
        func = self.choice(scope.funcs)
        if func.kind == "gen":
            return print_(call("list", self.generator_call(scope, func)))
        return expr_stmt(self.user_call(func, scope))

    def assert_stmt(self, scope: Scope) -> ast.stmt:
        return ast.Assert(test=self.bool_expr(scope, 1), msg=self.small_str(scope))

    # ---- definitions

    def error_class(self) -> ast.stmt:
        base = self.choice(["ValueError", "Exception", "KeyError"])
        return ast.ClassDef(name="AppError", bases=[ref(base)], keywords=[], body=[ast.Pass()], decorator_list=[])

    def class_defs(self, top: Scope) -> tuple[Classes, list[ast.stmt]]:
        classes = Classes(
            child=self.chance(2, 3),
            lt=self.chance(1, 2),
            add=self.chance(1, 4),
            prop=self.chance(1, 4),
            classmethod=self.chance(1, 4),
            counter=self.chance(1, 4),
        )
        defs = [self.base_class(top, classes)]
        if classes.child:
            defs.append(self.child_class(top, classes))
        return classes, defs

    def method_scope(self, top: Scope, classes: Classes, extra: Mapping[str, Ty]) -> Scope:
        variables = {**top.variables, "self.x": Ty.INT, "self.tag": Ty.STR, **extra}
        return replace(
            top,
            variables=variables,
            assignable=frozenset(),
            classes=None,
            funcs=(),
            in_function=True,
            max_loop_depth=0,
        )

    def base_class(self, top: Scope, classes: Classes) -> ast.stmt:
        self_ = [ast.arg(arg="self")]
        init_body = [assign("self.x", ref("x")), assign("self.tag", ref("tag"))]
        if classes.counter:
            init_body.append(aug_assign("Base.count", "+", lit(1)))
        area_scope = self.method_scope(top, classes, {})
        describe_scope = self.method_scope(top, classes, {"sep": Ty.STR})
        body: list[ast.stmt] = [assign("count", lit(0))] if classes.counter else []
        body += [
            function_def(
                "__init__",
                arguments([*self_, ast.arg(arg="x"), ast.arg(arg="tag")], [lit(self.choice(WORDS[:4]))]),
                init_body,
            ),
            function_def(
                "area",
                arguments(self_),
                [*self.method_prelude(area_scope), ast.Return(value=self.int_expr(area_scope, 2))],
            ),
            function_def(
                "describe",
                arguments([*self_, ast.arg(arg="sep")], [lit(self.choice(["-", ", ", ":"]))]),
                [ast.Return(value=self.str_expr(describe_scope, 2))],
            ),
            function_def(
                "bump",
                arguments([*self_, ast.arg(arg="amount")], [lit(1)]),
                [aug_assign("self.x", "+", ref("amount")), ast.Return(value=ref("self.x"))],
            ),
        ]
        if classes.prop:
            body.append(
                function_def("double", arguments(self_), [ast.Return(value=binop(ref("self.x"), "*", lit(2)))], ["property"])
            )
        if classes.classmethod:
            make = call("cls", binop(ref("x"), "%", lit(self.choice(MODULI))))
            body.append(
                function_def("make", arguments([ast.arg(arg="cls"), ast.arg(arg="x")]), [ast.Return(value=make)], ["classmethod"])
            )
        body.append(self.repr_method("Base", "tag"))
        same = ast.BoolOp(
            op=ast.And(),
            values=[
                call("isinstance", ref("other"), ref("Base")),
                compare(ref("self.x"), ("==", ref("other.x"))),
            ],
        )
        body.append(function_def("__eq__", arguments([*self_, ast.arg(arg="other")]), [ast.Return(value=same)]))
        if classes.lt:
            less = self.choice(
                [
                    compare(ref("self.x"), ("<", ref("other.x"))),
                    compare(names_tuple("self.x", "self.tag"), ("<", names_tuple("other.x", "other.tag"))),
                ]
            )
            body.append(function_def("__lt__", arguments([*self_, ast.arg(arg="other")]), [ast.Return(value=less)]))
        if classes.add:
            total = binop(binop(ref("self.x"), "+", ref("other.x")), "%", lit(self.choice(MODULI)))
            body.append(
                function_def(
                    "__add__",
                    arguments([*self_, ast.arg(arg="other")]),
                    [ast.Return(value=call("Base", total, ref("self.tag")))],
                )
            )
        return ast.ClassDef(name="Base", bases=[], keywords=[], body=body, decorator_list=[])

    def method_prelude(self, scope: Scope) -> list[ast.stmt]:
        """Zero to two simple statements at the start of a method body."""
        prelude = []
        while len(prelude) < 2 and self.chance(1, 3):
            prelude.append(self.pick((2, lambda: self.print_stmt(scope)), (1, lambda: self.mutate_stmt(scope)[0])))
        return prelude

    def repr_method(self, cls: str, second: str) -> ast.stmt:
        text = fstring(f"{cls}(", (ref("self.x"), "r"), ", ", (ref(f"self.{second}"), "r"), ")")
        return function_def("__repr__", arguments([ast.arg(arg="self")]), [ast.Return(value=text)])

    def child_class(self, top: Scope, classes: Classes) -> ast.stmt:
        self_ = [ast.arg(arg="self")]
        super_ = call("super")
        init_body = [
            expr_stmt(method(super_, "__init__", ref("x"), lit(self.choice(WORDS[:4])))),
            assign("self.extra", ref("extra")),
        ]
        area_scope = self.method_scope(top, classes, {"self.extra": Ty.INT})
        area = self.pick(
            (1, lambda: binop(method(super_, "area"), "+", ref("self.extra"))),
            (1, lambda: binop(method(super_, "area"), "*", lit(self.integer(-1, 3)))),
            (1, lambda: binop(method(super_, "area"), self.choice("+-"), self.int_expr(area_scope, 1))),
        )
        body = [
            function_def("__init__", arguments([*self_, ast.arg(arg="x"), ast.arg(arg="extra")], [lit(self.integer(0, 3))]), init_body),
            function_def("area", arguments(self_), [ast.Return(value=area)]),
        ]
        if self.chance(1, 2):
            bump = binop(method(super_, "bump", ref("amount")), "+", ref("self.extra"))
            body.append(function_def("bump", arguments([*self_, ast.arg(arg="amount")], [lit(2)]), [ast.Return(value=bump)]))
        if self.chance(3, 4):
            body.append(self.repr_method("Child", "extra"))
        return ast.ClassDef(name="Child", bases=[ref("Base")], keywords=[], body=body, decorator_list=[])

    def function_def(self, top: Scope, index: int) -> tuple[Func, ast.stmt]:
        return self.pick(
            (4, lambda: self.plain_function(top, f"f{index}")),
            (1.5, lambda: self.recursive_function(top, f"rec{index}")),
            (1.5, lambda: self.generator_function(top, f"gen{index}")),
            (1, lambda: self.closure_function(top, f"make{index}")),
        )

    def params(self) -> tuple[Param, ...]:
        params = [Param("p", self.choice([Ty.INT, Ty.INT, Ty.STR, Ty.LIST]))]
        for name in ("q", "r")[: self.integer(0, 2)]:
            ty = self.choice([Ty.INT, Ty.STR, Ty.LIST, Ty.BOOL])
            default = self.literal(ty, None) if self.chance(2, 3) else None
            if params[-1].default is not None and default is None:
                default = self.literal(ty, None)
            keyword_only = default is not None and self.chance(1, 3)
            if params[-1].keyword_only:
                keyword_only, default = True, default or self.literal(ty, None)
            params.append(Param(name, ty, default, keyword_only))
        return tuple(params)

    def plain_function(self, top: Scope, name: str) -> tuple[Func, ast.stmt]:
        params = self.params()
        returns = self.choice([Ty.INT, Ty.INT, Ty.STR, Ty.LIST, Ty.BOOL])
        func = Func(name, params, returns)
        local = {p.name: p.ty for p in params} | {"acc": returns}
        assignable = set(local)
        prelude: list[ast.stmt] = []
        if self.chance(1, 6):
            prelude.append(ast.Global(names=["c"]))
            assignable.add("c")
        scope = replace(
            top,
            variables={**top.variables, **local},
            assignable=frozenset(assignable),
            in_function=True,
            returns=returns,
            max_loop_depth=1,
        )
        prelude.append(assign("acc", self.literal(returns, scope)))
        saved, self.budget = self.budget, 6
        body = self.block(scope, depth=2, max_size=4)
        self.budget = saved
        result = self.pick((1, lambda: ref("acc")), (2, lambda: self.expr(returns, scope, 2)))
        return func, function_def(name, self.signature(params), [*prelude, *body, ast.Return(value=result)])

    def signature(self, params: Sequence[Param]) -> ast.arguments:
        positional = [p for p in params if not p.keyword_only]
        keyword = [p for p in params if p.keyword_only]
        return arguments(
            [ast.arg(arg=p.name) for p in positional],
            [p.default for p in positional if p.default is not None],
            [ast.arg(arg=p.name) for p in keyword],
            [p.default for p in keyword],
        )

    def recursive_function(self, top: Scope, name: str) -> tuple[Func, ast.stmt]:
        params = (Param("n", Ty.INT, small=True), Param("acc", Ty.INT, lit(self.integer(0, 2))))
        func = Func(name, params, Ty.INT, kind="rec")
        scope = replace(
            top,
            variables={**top.variables, "n": Ty.INT, "acc": Ty.INT},
            assignable=frozenset(),
            in_function=True,
            funcs=(),
            small=frozenset({"n"}),
        )
        base = if_(compare(ref("n"), ("<=", lit(self.integer(0, 1)))), [ast.Return(value=self.int_expr(scope, 1))])
        step = binop(ref("n"), "-", lit(1))

        def linear() -> ast.expr:
            return call(name, step, binop(self.int_expr(scope, 1), "%", lit(self.choice(MODULI))))

        def tree() -> ast.expr:
            return binop(call(name, step, ref("acc")), "+", call(name, binop(ref("n"), "-", lit(2)), ref("acc")))

        recurse = self.pick((2, linear), (1, tree))
        if self.chance(1, 2):
            recurse = binop(recurse, self.choice("+-"), self.int_expr(scope, 1))
        body = [base, ast.Return(value=recurse)]
        if self.chance(1, 4):
            body.insert(0, print_(lit("depth"), ref("n")))
        return func, function_def(name, self.signature(params), body)

    def generator_function(self, top: Scope, name: str) -> tuple[Func, ast.stmt]:
        params = (Param("n", Ty.INT, small=True), Param("step", Ty.INT, lit(self.integer(1, 3))))
        func = Func(name, params, Ty.INT, kind="gen")
        scope = replace(
            top,
            variables={**top.variables, "n": Ty.INT, "step": Ty.INT},
            assignable=frozenset(),
            in_function=True,
            funcs=(),
            small=frozenset({"n"}),
        )
        inner = replace(scope, loop_depth=1).bind("i", Ty.INT, small=True)
        yield_ = expr_stmt(ast.Yield(value=self.stored(Ty.INT, inner)))
        loop_body: list[ast.stmt] = [yield_]
        if self.chance(1, 2):
            loop_body = [if_(self.bool_expr(inner, 1), loop_body)]
        if self.chance(1, 4):
            loop_body.insert(0, print_(lit("gen"), ref("i")))
        body: list[ast.stmt] = [
            ast.For(target=ref("i"), iter=call("range", ref("n")), body=loop_body, orelse=[], type_comment=None)
        ]
        if self.chance(1, 3):
            body.append(expr_stmt(ast.YieldFrom(value=self.int_list_literal())))
        return func, function_def(name, self.signature(params), body)

    def closure_function(self, top: Scope, name: str) -> tuple[Func, ast.stmt]:
        params = (Param("p", Ty.INT),)
        func = Func(name, params, Ty.INT, kind="closure")
        scope = replace(
            top,
            variables={**top.variables, "p": Ty.INT, "z": Ty.INT},
            assignable=frozenset(),
            in_function=True,
            funcs=(),
        )
        inner_body = [ast.Return(value=self.int_expr(scope, 2))]
        body = self.pick(
            (1, lambda: [function_def("inner", arguments([ast.arg(arg="z")]), inner_body), ast.Return(value=ref("inner"))]),
            (1, lambda: [ast.Return(value=lambda_("z", self.int_expr(scope, 1)))]),
        )
        return func, function_def(name, self.signature(params), body)

    # ---- calls

    def user_call(self, func: Func, scope: Scope) -> ast.expr:
        if func.kind == "closure":
            return call(call(func.name, self.int_expr(scope, 1)), self.int_expr(scope, 1))
        args: list[ast.expr] = []
        kwargs: dict[str, ast.expr] = {}
        for param in func.params:
            if param.default is not None and self.chance(1, 3):
                continue  # later arguments are then passed by keyword
            value = self.small_int(scope) if param.small else self.expr(param.ty, scope, 1)
            by_keyword = param.default is not None and self.chance(1, 3)
            if param.keyword_only or by_keyword or len(args) + len(kwargs) < func.params.index(param):
                kwargs[param.name] = value
            elif kwargs:
                kwargs[param.name] = value
            else:
                args.append(value)
        return call(func.name, *args, **kwargs)

    def generator_call(self, scope: Scope, func: Func | None = None) -> ast.expr:
        func = func or self.choice(scope.generators())
        return self.user_call(func, scope)

    def small_int(self, scope: Scope) -> ast.expr:
        """A non-negative int below 7 (a recursion depth, a generator length)."""
        return self.pick(
            (1, lambda: lit(self.integer(0, 5))),
            (2, lambda: binop(self.int_expr(scope, 1), "%", lit(self.integer(3, 7)))),
        )

    # ---- expressions

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
        """An expression whose value gets stored: in code that may run many times, ints are
        wrapped ``% k`` so that repeated updates cannot grow without bound."""
        value = self.expr(ty, scope, 2)
        if ty is Ty.INT and scope.wraps and not is_leaf(value):
            value = binop(value, "%", lit(self.choice(MODULI)))
        return value

    def leaf(self, ty: Ty, scope: Scope) -> ast.expr:
        names = scope.names(ty)
        return self.pick(
            (2, lambda: self.literal(ty, scope)),
            (3 if names else 0, lambda: ref(self.choice(names))),
        )

    def literal(self, ty: Ty, scope: Scope | None) -> ast.expr:
        if ty is Ty.INT:
            return lit(self.integer(-3, 12))
        if ty is Ty.BOOL:
            return lit(self.chance(1, 2))
        if ty is Ty.STR:
            return lit(self.choice(WORDS))
        if ty is Ty.LIST:
            return self.int_list_literal()
        if ty is Ty.DICT:
            keys = KEYS[: self.integer(1, 4) if not self.chance(1, 8) else 0]
            return lit({k: self.integer(-2, 9) for k in keys})
        if ty is Ty.TUPLE:
            return lit(tuple(self.integer(-2, 9) for _ in range(self.length(3))))
        return call("Base", lit(self.integer(-3, 12)))

    def int_list_literal(self) -> ast.expr:
        return lit([self.integer(-3, 9) for _ in range(self.length(4))])

    def length(self, longest: int) -> int:
        """The length of a literal: seldom empty, so that most lookups succeed."""
        return 0 if self.chance(1, 8) else self.integer(1, longest)

    def index_expr(self, scope: Scope) -> ast.expr:
        """An index into a sequence: mostly one that usually exists, sometimes any int."""
        small = sorted(scope.small)
        return self.pick(
            (3, lambda: lit(self.integer(-1, 0))),
            (1, lambda: lit(self.integer(1, 3))),
            (1 if small else 0, lambda: ref(self.choice(small))),
            (risk(scope, 1), lambda: self.int_expr(scope, 1)),
        )

    def int_expr(self, scope: Scope, depth: int) -> ast.expr:
        if depth <= 0:
            return self.leaf(Ty.INT, scope)

        def sub() -> ast.expr:
            return self.int_expr(scope, depth - 1)

        funcs = scope.funcs_returning(Ty.INT) + [f for f in scope.funcs if f.kind == "closure" and scope.calls]
        objs = scope.classes is not None
        return self.pick(
            (4, lambda: self.leaf(Ty.INT, scope)),
            (3, lambda: binop(sub(), self.choice("+-"), sub())),
            (2, lambda: binop(sub(), "*", lit(self.integer(-2, 4)))),
            (risk(scope, 1), lambda: binop(sub(), self.choice(["//", "%"]), sub())),
            (1, lambda: binop(sub(), self.choice(["//", "%"]), lit(self.choice([2, 3, 5, -4])))),
            (0.5, lambda: binop(binop(sub(), "%", lit(self.integer(2, 12))), "**", lit(self.integer(0, 3)))),
            (0.5, lambda: binop(sub(), self.choice("&|^"), sub())),
            (2, lambda: call("len", self.sized_expr(scope, depth - 1))),
            (2, lambda: self.aggregate(scope, depth)),
            (2, lambda: self.int_lookup(scope, depth)),
            (1, lambda: call("abs", sub())),
            (1, lambda: call(self.choice(["min", "max"]), sub(), sub())),
            (1, lambda: ast.IfExp(test=self.bool_expr(scope, depth - 1), body=sub(), orelse=sub())),
            (2 if funcs else 0, lambda: self.user_call(self.choice(funcs), scope)),
            (2 if objs else 0, lambda: self.obj_int(scope, depth)),
            (1, lambda: self.int_method(scope, depth)),
        )

    def aggregate(self, scope: Scope, depth: int) -> ast.expr:
        gens = scope.generators()
        return self.pick(
            (2, lambda: call("sum", self.list_expr(scope, depth - 1))),
            (risk(scope, 0.5), lambda: call(self.choice(["min", "max"]), self.list_expr(scope, depth - 1))),
            (1, lambda: call(self.choice(["min", "max"]), self.list_expr(scope, depth - 1), default=lit(0))),
            (1, lambda: call("sum", self.genexp(scope, depth - 1))),
            (1 if gens else 0, lambda: call("sum", self.generator_call(scope))),
            (0.5 if gens else 0, lambda: call("max", self.generator_call(scope), default=lit(-1))),
        )

    def int_lookup(self, scope: Scope, depth: int) -> ast.expr:
        index = self.index_expr(scope)
        return self.pick(
            (risk(scope, 2), lambda: subscript(self.list_expr(scope, depth - 1), index)),
            (risk(scope, 1), lambda: subscript(self.tuple_expr(scope, depth - 1), index)),
            (risk(scope, 1), lambda: subscript(self.dict_expr(scope, depth - 1), self.key_expr(scope))),
            (2, lambda: method(self.dict_expr(scope, depth - 1), "get", self.key_expr(scope), lit(0))),
        )

    def int_method(self, scope: Scope, depth: int) -> ast.expr:
        text = self.str_expr(scope, depth - 1)
        return self.pick(
            (2, lambda: method(self.list_expr(scope, depth - 1), "count", self.int_expr(scope, 0))),
            (2, lambda: method(text, "find", lit(self.choice(WORDS[:3])))),
            (risk(scope, 0.5), lambda: method(self.list_expr(scope, depth - 1), "index", self.int_expr(scope, 0))),
            (risk(scope, 0.5), lambda: method(text, "index", lit(self.choice(WORDS[:3])))),
            (risk(scope, 0.5), lambda: call("int", text)),
            (2, lambda: method(text, "count", lit(self.choice(WORDS[:3])))),
        )

    def obj_int(self, scope: Scope, depth: int) -> ast.expr:
        assert scope.classes is not None
        obj = self.obj_expr(scope, depth - 1)
        return self.pick(
            (2, lambda: attr(obj, "x")),
            (2, lambda: method(obj, "area")),
            (1, lambda: method(obj, "bump", *self.maybe(lambda: lit(self.integer(1, 3))))),
            (1 if scope.classes.prop else 0, lambda: attr(obj, "double")),
            (1 if scope.classes.counter else 0, lambda: ref("Base.count")),
        )

    def sized_expr(self, scope: Scope, depth: int) -> ast.expr:
        return self.pick(
            (2, lambda: self.list_expr(scope, depth)),
            (1, lambda: self.str_expr(scope, depth)),
            (1, lambda: self.dict_expr(scope, depth)),
            (1, lambda: self.tuple_expr(scope, depth)),
            (1, lambda: self.set_expr(scope, depth)),
        )

    def bool_expr(self, scope: Scope, depth: int) -> ast.expr:
        if depth <= 0:
            return self.pick(
                (1, lambda: self.leaf(Ty.BOOL, scope)),
                (3, lambda: self.int_comparison(scope, 0)),
            )

        def sub() -> ast.expr:
            return self.bool_expr(scope, depth - 1)

        objs = scope.classes
        funcs = scope.funcs_returning(Ty.BOOL)
        return self.pick(
            (1, lambda: self.leaf(Ty.BOOL, scope)),
            (5, lambda: self.int_comparison(scope, depth)),
            (1, lambda: compare(lit(self.integer(-2, 2)), ("<=", self.int_expr(scope, depth - 1)), ("<", lit(self.integer(3, 9))))),
            (1, lambda: compare(self.str_expr(scope, depth - 1), (self.choice(["==", "<", "!="]), self.str_expr(scope, depth - 1)))),
            (1, lambda: compare(lit(self.choice(WORDS[:4])), (self.choice(["in", "not in"]), self.str_expr(scope, depth - 1)))),
            (1, lambda: compare(self.int_expr(scope, depth - 1), (self.choice(["in", "not in"]), self.list_expr(scope, depth - 1)))),
            (1, lambda: compare(self.key_expr(scope), ("in", self.dict_expr(scope, depth - 1)))),
            (1, lambda: compare(self.int_expr(scope, depth - 1), ("in", self.set_expr(scope, depth - 1)))),
            (1, lambda: ast.UnaryOp(op=ast.Not(), operand=sub())),
            (2, lambda: ast.BoolOp(op=self.choice([ast.And(), ast.Or()]), values=[sub(), sub()])),
            (1, lambda: compare(self.list_expr(scope, depth - 1), (self.choice(["==", "<"]), self.list_expr(scope, depth - 1)))),
            (0.5, lambda: compare(self.tuple_expr(scope, depth - 1), (self.choice(["==", "<"]), self.tuple_expr(scope, depth - 1)))),
            (1, lambda: call(self.choice(["any", "all"]), self.bool_genexp(scope, depth - 1))),
            (0.5, lambda: method(self.str_expr(scope, depth - 1), self.choice(["startswith", "endswith"]), lit(self.choice(WORDS[:3])))),
            (0.5, lambda: method(self.str_expr(scope, depth - 1), self.choice(["isdigit", "isalpha"]))),
            (0.5, lambda: call("bool", self.list_expr(scope, depth - 1))),
            (1 if objs else 0, lambda: self.obj_comparison(scope, depth)),
            (1 if funcs else 0, lambda: self.user_call(self.choice(funcs), scope)),
        )

    def int_comparison(self, scope: Scope, depth: int) -> ast.expr:
        op = self.choice(["==", "!=", "<", "<=", ">", ">="])
        right = self.pick((2, lambda: lit(self.integer(-1, 6))), (1, lambda: self.int_expr(scope, max(depth - 1, 0))))
        return compare(self.int_expr(scope, max(depth - 1, 0)), (op, right))

    def obj_comparison(self, scope: Scope, depth: int) -> ast.expr:
        assert scope.classes is not None
        left, right = self.obj_expr(scope, depth - 1), self.obj_expr(scope, depth - 1)
        return self.pick(
            (2, lambda: compare(left, (self.choice(["==", "!="]), right))),
            (2 if scope.classes.lt else 0, lambda: compare(left, (self.choice(["<", ">"]), right))),
            (1 if scope.classes.child else 0, lambda: call("isinstance", left, ref("Child"))),
        )

    def str_expr(self, scope: Scope, depth: int) -> ast.expr:
        if depth <= 0:
            return self.leaf(Ty.STR, scope)

        def sub() -> ast.expr:
            return self.str_expr(scope, depth - 1)

        funcs = scope.funcs_returning(Ty.STR)
        return self.pick(
            (4, lambda: self.leaf(Ty.STR, scope)),
            (2, lambda: self.pick((1, lambda: binop(sub(), "+", self.small_str(scope))), (1, lambda: binop(self.small_str(scope), "+", sub())))),
            (2, lambda: call("str", self.int_expr(scope, depth - 1))),
            (2, lambda: self.fstring_expr(scope, depth - 1)),
            (2, lambda: self.str_method(sub())),
            (risk(scope, 1), lambda: subscript(sub(), self.index_expr(scope))),
            (1, lambda: method(lit(""), "join", call("sorted", sub()))),
            (1, lambda: method(lit(self.choice(["-", ", ", ""])), "join", self.str_genexp(scope, depth - 1))),
            (1, lambda: binop(subscript(sub(), slice_(None, lit(self.integer(1, 3)))), "*", lit(self.integer(0, 3)))),
            (1, lambda: ast.IfExp(test=self.bool_expr(scope, depth - 1), body=sub(), orelse=sub())),
            (0.5, lambda: call("max", self.dict_expr(scope, depth - 1), default=lit("none"))),
            (1 if funcs else 0, lambda: self.user_call(self.choice(funcs), scope)),
            (2 if scope.classes else 0, lambda: self.obj_str(scope, depth)),
            (2 if scope.exc else 0, lambda: self.exception_text(scope.exc or "")),
        )

    def str_method(self, text: ast.expr) -> ast.expr:
        return self.pick(
            (1, lambda: method(text, self.choice(["upper", "lower", "title"]))),
            (1, lambda: method(text, "strip", *self.maybe(lambda: lit(self.choice(["a", "b"]))))),
            (1, lambda: method(text, "replace", lit(self.choice(["a", "b"])), lit(self.choice(["x", "", "B"])))),
            (1, lambda: subscript(text, slice_(None, None, lit(-1)))),
            (1, lambda: subscript(text, slice_(lit(self.integer(-2, 1)), lit(self.integer(1, 3))))),
        )

    def small_str(self, scope: Scope) -> ast.expr:
        """A str of a few characters: a literal, a number, a character in scope."""
        chars = [n for n in scope.names(Ty.STR) if n in ("ch", "ch2", "key", "key2")]
        return self.pick(
            (3, lambda: lit(self.choice(WORDS[:5]))),
            (1, lambda: call("str", self.leaf(Ty.INT, scope))),
            (1 if chars else 0, lambda: ref(self.choice(chars))),
        )

    def key_expr(self, scope: Scope) -> ast.expr:
        return self.pick(
            (6, lambda: lit(self.choice(KEYS))),
            (2, lambda: self.leaf(Ty.STR, scope)),
            (1, lambda: self.str_expr(scope, 1)),
        )

    def fstring_expr(self, scope: Scope, depth: int) -> ast.expr:
        """An f-string with at most one str field, so it never doubles a string."""
        parts: list[str | ast.expr | tuple[ast.expr, str]] = [self.choice(["", "n=", "<"])]
        parts.append(self.int_expr(scope, depth))
        if self.chance(1, 2):
            parts += [self.choice(["/", " ", ":"]), self.pick((1, lambda: self.leaf(Ty.STR, scope)), (1, lambda: (self.leaf(Ty.STR, scope), "r")))]
        if self.chance(1, 3):
            parts += [" ", self.pick((1, lambda: self.leaf(Ty.LIST, scope)), (1, lambda: self.leaf(Ty.BOOL, scope)))]
        return fstring(*parts)

    def obj_str(self, scope: Scope, depth: int) -> ast.expr:
        obj = self.obj_expr(scope, depth - 1)
        return self.pick(
            (2, lambda: attr(obj, "tag")),
            (2, lambda: method(obj, "describe", *self.maybe(lambda: lit(self.choice(["/", "+"]))))),
            (1, lambda: call("repr", obj)),
            (1, lambda: call("str", obj)),
        )

    def list_expr(self, scope: Scope, depth: int) -> ast.expr:
        if depth <= 0:
            return self.leaf(Ty.LIST, scope)

        def sub() -> ast.expr:
            return self.list_expr(scope, depth - 1)

        funcs = scope.funcs_returning(Ty.LIST)
        gens = scope.generators()
        return self.pick(
            (4, lambda: self.leaf(Ty.LIST, scope)),
            (1, lambda: binop(sub(), "+", self.int_list_literal())),
            (0.5, lambda: binop(self.int_list_literal(), "+", sub())),
            (2, lambda: subscript(sub(), self.list_slice())),
            (2, lambda: self.sorted_list(scope, depth)),
            (2, lambda: self.list_comprehension(scope, depth)),
            (1, lambda: call("list", call("range", lit(self.integer(-2, 2)), lit(self.integer(0, 6)), *self.maybe(lambda: lit(self.integer(1, 3)))))),
            (1, lambda: call("list", method(self.dict_expr(scope, depth - 1), "values"))),
            (0.5, lambda: call("list", self.tuple_expr(scope, depth - 1))),
            (1, lambda: call("sorted", self.set_expr(scope, depth - 1))),
            (1 if gens else 0, lambda: call("list", self.generator_call(scope))),
            (0.5, lambda: binop(lit([self.integer(0, 3)]), "*", lit(self.integer(0, 3)))),
            (0.5, lambda: call("list", call("map", ref("abs"), sub()))),
            (1 if funcs else 0, lambda: self.user_call(self.choice(funcs), scope)),
        )

    def list_slice(self) -> ast.expr:
        return self.pick(
            (2, lambda: slice_(lit(self.integer(0, 2)), lit(self.integer(1, 4)))),
            (1, lambda: slice_(None, None, lit(-1))),
            (1, lambda: slice_(None, None, lit(2))),
            (1, lambda: slice_(lit(self.integer(-3, -1)), None)),
        )

    def sorted_list(self, scope: Scope, depth: int) -> ast.expr:
        items = self.list_expr(scope, depth - 1)
        return self.pick(
            (2, lambda: call("sorted", items)),
            (1, lambda: call("sorted", items, reverse=lit(True))),
            (2, lambda: call("sorted", items, key=self.int_key(scope))),
        )

    def comprehension_source(self, scope: Scope, depth: int) -> ast.expr:
        return self.pick(
            (2, lambda: self.list_expr(scope, depth)),
            (1, lambda: call("range", lit(self.integer(0, 6)))),
            (0.5, lambda: self.tuple_expr(scope, depth)),
        )

    def list_comprehension(self, scope: Scope, depth: int) -> ast.expr:
        var = scope.fresh("x", "y", "x2")
        inner = scope.repeated().bind(var, Ty.INT)
        source = self.comprehension_source(scope, depth - 1)
        conds = [self.bool_expr(inner, 1)] if self.chance(1, 2) else []
        return ast.ListComp(elt=self.stored(Ty.INT, inner), generators=[comp(var, source, *conds)])

    def genexp(self, scope: Scope, depth: int) -> ast.expr:
        var = scope.fresh("x", "y", "x2")
        inner = scope.repeated().bind(var, Ty.INT)
        conds = [self.bool_expr(inner, 1)] if self.chance(1, 2) else []
        source = self.comprehension_source(scope, depth)
        return ast.GeneratorExp(elt=self.int_expr(inner, 1), generators=[comp(var, source, *conds)])

    def bool_genexp(self, scope: Scope, depth: int) -> ast.expr:
        var = scope.fresh("x", "y", "x2")
        inner = scope.repeated().bind(var, Ty.INT)
        source = self.comprehension_source(scope, depth)
        return ast.GeneratorExp(elt=self.int_comparison(inner, 1), generators=[comp(var, source)])

    def str_genexp(self, scope: Scope, depth: int) -> ast.expr:
        var = scope.fresh("x", "y", "x2")
        inner = scope.repeated().bind(var, Ty.INT)
        source = self.comprehension_source(scope, depth)
        return ast.GeneratorExp(elt=call("str", self.int_expr(inner, 1)), generators=[comp(var, source)])

    def set_expr(self, scope: Scope, depth: int) -> ast.expr:
        def sub() -> ast.expr:
            return self.set_expr(scope, depth - 1)

        def set_comprehension() -> ast.expr:
            var = scope.fresh("x", "y", "x2")
            elt = binop(ref(var), "%", lit(self.integer(2, 5)))
            return ast.SetComp(elt=elt, generators=[comp(var, self.comprehension_source(scope, depth - 1))])

        return self.pick(
            (2, lambda: call("set", self.list_expr(scope, max(depth - 1, 0)))),
            (1, lambda: ast.Set(elts=[lit(self.integer(-2, 6)) for _ in range(self.integer(1, 3))])),
            (1 if depth > 0 else 0, set_comprehension),
            (1 if depth > 0 else 0, lambda: binop(sub(), self.choice("|&-^"), sub())),
        )

    def dict_expr(self, scope: Scope, depth: int) -> ast.expr:
        if depth <= 0:
            return self.leaf(Ty.DICT, scope)

        def sub() -> ast.expr:
            return self.dict_expr(scope, depth - 1)

        def comprehension() -> ast.expr:
            var = scope.fresh("x", "y", "x2")
            inner = scope.repeated().bind(var, Ty.INT)
            source = self.comprehension_source(scope, depth - 1)
            return ast.DictComp(key=call("str", ref(var)), value=self.stored(Ty.INT, inner), generators=[comp(var, source)])

        def items_comprehension() -> ast.expr:
            key, val = scope.fresh("key", "key2"), scope.fresh("val", "val2")
            inner = scope.repeated().bind(key, Ty.STR).bind(val, Ty.INT)
            conds = [self.bool_expr(inner, 1)] if self.chance(1, 2) else []
            source = method(sub(), "items")
            target = ast.Tuple(elts=[ref(key), ref(val)], ctx=ast.Store())
            generator = ast.comprehension(target=target, iter=source, ifs=conds, is_async=0)
            return ast.DictComp(key=ref(key), value=self.stored(Ty.INT, inner), generators=[generator])

        def merged() -> ast.expr:
            extra = ast.Dict(keys=[lit(self.choice(KEYS))], values=[self.stored(Ty.INT, scope)])
            return self.pick(
                (1, lambda: binop(sub(), "|", extra)),
                (1, lambda: ast.Dict(keys=[None, *extra.keys], values=[sub(), *extra.values])),
            )

        return self.pick(
            (4, lambda: self.leaf(Ty.DICT, scope)),
            (1, comprehension),
            (1, items_comprehension),
            (1, merged),
            (1, lambda: call("dict", call("zip", lit(list(KEYS[: self.integer(1, 4)])), self.list_expr(scope, depth - 1)))),
            (0.5, lambda: call("dict", sub())),
        )

    def tuple_expr(self, scope: Scope, depth: int) -> ast.expr:
        if depth <= 0:
            return self.leaf(Ty.TUPLE, scope)
        return self.pick(
            (4, lambda: self.leaf(Ty.TUPLE, scope)),
            (1, lambda: call("tuple", self.list_expr(scope, depth - 1))),
            (1, lambda: ast.Tuple(elts=[self.stored(Ty.INT, scope) for _ in range(self.integer(1, 3))], ctx=ast.Load())),
            (1, lambda: binop(self.tuple_expr(scope, depth - 1), "+", lit((self.integer(0, 5),)))),
            (1, lambda: subscript(self.tuple_expr(scope, depth - 1), slice_(lit(self.integer(0, 2)), None))),
            (1, lambda: call("divmod", self.int_expr(scope, depth - 1), lit(self.choice([2, 3, 7, -2])))),
        )

    def obj_expr(self, scope: Scope, depth: int) -> ast.expr:
        classes = scope.classes
        assert classes is not None
        lt = classes.lt
        return self.pick(
            (3, lambda: self.leaf(Ty.OBJ, scope)),
            (2 if depth > 0 else 0, lambda: self.new_obj(scope, depth - 1)),
            (1 if depth > 0 and lt else 0, lambda: call(self.choice(["max", "min"]), self.obj_expr(scope, 0), self.obj_expr(scope, 0))),
            (1 if depth > 0 and classes.add else 0, lambda: binop(self.obj_expr(scope, 0), "+", self.obj_expr(scope, 0))),
        )

    def new_obj(self, scope: Scope, depth: int) -> ast.expr:
        classes = scope.classes
        assert classes is not None
        x = self.stored(Ty.INT, scope) if depth > 0 else self.leaf(Ty.INT, scope)
        return self.pick(
            (2, lambda: call("Base", x, *self.maybe(lambda: lit(self.choice(WORDS[:4]))))),
            (1, lambda: call("Base", x, tag=self.small_str(scope))),
            (2 if classes.child else 0, lambda: call("Child", x, *self.maybe(lambda: lit(self.integer(0, 4))))),
            (1 if classes.classmethod else 0, lambda: method(ref(self.choice(["Base", "Child"] if classes.child else ["Base"])), "make", x)),
        )

    def display_expr(self, scope: Scope) -> ast.expr:
        """Print-only expressions of types the model does not track: lists of strs, of
        pairs, of objects."""
        objs = scope.names(Ty.OBJ)
        lt = scope.classes is not None and scope.classes.lt
        return self.pick(
            (1, lambda: call("sorted", call("set", self.str_expr(scope, 1)))),
            (1, lambda: method(self.str_expr(scope, 1), "split", *self.maybe(lambda: lit(self.choice(["a", " "]))))),
            (1, lambda: call("list", method(self.dict_expr(scope, 1), "items"))),
            (1, lambda: call("list", call("enumerate", self.list_expr(scope, 1)))),
            (1, lambda: call("list", call("zip", self.list_expr(scope, 1), self.str_expr(scope, 1)))),
            (1, lambda: call("sorted", self.dict_expr(scope, 1))),
            (1 if objs else 0, lambda: ast.List(elts=[self.obj_expr(scope, 1) for _ in range(2)], ctx=ast.Load())),
            (1 if objs and lt else 0, lambda: call("sorted", ast.List(elts=[self.obj_expr(scope, 1) for _ in range(3)], ctx=ast.Load()))),
        )

    def maybe(self, make: Callable[[], ast.expr]) -> list[ast.expr]:
        """Zero or one argument: for optional arguments such as ``pop()`` or ``pop(i)``."""
        return [make()] if self.chance(1, 2) else []

