"""Where the eval loop polls ``eval_breaker``, by Python version (``docs/model/gil.md`` §2): the
places a thread running bytecode can lose the GIL.

``VERSIONS`` lists the versions whose check points gilsim can put on the host's (3.11)
bytecode (``--checkpoints``).  3.11's are in the handlers themselves: ``RESUME`` with an
argument below 2, ``JUMP_BACKWARD``, a taken ``POP_JUMP_BACKWARD_IF_*``, and ``CALL`` after a
callee that did not run in the same eval loop (``calls.checks_after``).

For an older version, ``table(version, base)`` wraps the handlers of ``base`` so that an
instruction that is a check point in that version returns ``PENDING`` when it finds
``eval_breaker`` set (the eval loop then runs ``eval_frame_handle_pending``, after the
instruction, as ``DISPATCH()`` reaches the loop top after it in 3.9), and drops the 3.11 check
points that version does not have:

- **3.10** (§2.2): 3.11's, plus a check after *every* call (3.10 has no check-free
  specialization of ``len`` or ``isinstance``), after a Python callee returns to its
  ``CALL`` (3.10 runs it in a nested eval loop whose ``CALL_FUNCTION`` ends with
  ``CHECK_EVAL_BREAKER()``), and on entering an exception handler (``goto main_loop``, here
  after its ``PUSH_EXC_INFO``).
- **3.9** (§2.3): after every instruction that ends with ``DISPATCH()``, that is all but the
  ``FAST_DISPATCH()`` ones (``FAST_DISPATCH``), with a conditional jump on an operand that
  is exactly ``True`` or ``False`` not checking.

In both, the loop top skips the check when the next instruction is ``SETUP_WITH``,
``BEFORE_ASYNC_WITH`` or ``YIELD_FROM``: 3.11's ``BEFORE_WITH``, ``BEFORE_ASYNC_WITH`` and
``SEND`` (``SETUP_FINALLY`` has no 3.11 instruction: zero-cost ``try``).  The mapping is from
3.9/3.10 opcodes to 3.11's; the bytecode stays 3.11's, which has other instructions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gilsim.interpreter.frame import PENDING, PENDING_IN_CALLER, Frame

VERSIONS: tuple[str, ...] = ("3.9", "3.10", "3.11")
# The versions whose check points are put on 3.11's by wrapping its handlers.
OLDER = ("3.9", "3.10")

Handler = Callable[..., Any]

# 3.9 instructions ending with ``FAST_DISPATCH()`` (S39 ``Python/ceval.c``), by their 3.11
# names (``ROT_*``/``DUP_TOP*`` became ``SWAP``/``COPY``), and 3.11 instructions that are a
# part of one 3.9 instruction or have none (``PRECALL``, ``PUSH_NULL`` and ``KW_NAMES`` are
# parts of ``CALL_FUNCTION``; ``EXTENDED_ARG`` goes straight to the next opcode; the frame
# set-up ones run before 3.9's first check; ``JUMP_BACKWARD_NO_INTERRUPT`` is the repeat
# of ``YIELD_FROM``).  ``RESUME`` keeps its own rule, the same in 3.9 (frame entry).  The
# ``*_IF_NONE`` jumps are 3.9's ``IS_OP`` (fast) and a jump on an exact bool (no check).
FAST_DISPATCH = frozenset(
    {
        "NOP",
        "LOAD_FAST",
        "LOAD_CONST",
        "STORE_FAST",
        "POP_TOP",
        "SWAP",
        "COPY",
        "END_ASYNC_FOR",
        "LOAD_ASSERTION_ERROR",
        "IS_OP",
        "CONTAINS_OP",
        "JUMP_FORWARD",
        "RESUME",
        "PRECALL",
        "PUSH_NULL",
        "KW_NAMES",
        "EXTENDED_ARG",
        "CACHE",
        "COPY_FREE_VARS",
        "MAKE_CELL",
        "RETURN_GENERATOR",
        "JUMP_BACKWARD_NO_INTERRUPT",
        "POP_JUMP_FORWARD_IF_NONE",
        "POP_JUMP_FORWARD_IF_NOT_NONE",
        "POP_JUMP_BACKWARD_IF_NONE",
        "POP_JUMP_BACKWARD_IF_NOT_NONE",
    }
)

# 3.9 jumps that skip the check when the operand is exactly True or False (§2.3).
BOOL_JUMPS = frozenset(
    {
        "POP_JUMP_FORWARD_IF_TRUE",
        "POP_JUMP_FORWARD_IF_FALSE",
        "POP_JUMP_BACKWARD_IF_TRUE",
        "POP_JUMP_BACKWARD_IF_FALSE",
        "JUMP_IF_TRUE_OR_POP",
        "JUMP_IF_FALSE_OR_POP",
    }
)

# Instructions before which the loop top of 3.9 and 3.10 does not check (§2.2, §2.3).
NOT_BEFORE = frozenset({"BEFORE_WITH", "BEFORE_ASYNC_WITH", "SEND"})

CALLS = frozenset({"CALL", "CALL_FUNCTION_EX"})


def _may_check(frame: Frame) -> bool:
    """Whether the loop top checks before ``frame``'s next instruction."""
    opnames = frame.code.opnames
    pc = frame.pc
    return pc >= len(opnames) or opnames[pc] not in NOT_BEFORE


def checked(inner: Handler) -> Handler:
    """``inner``, then a check point if it finished in its frame (a handler that pushed or
    left a frame is checked at the callee's ``RESUME`` or by ``RETURN_VALUE``)."""

    def handler(frame: Frame, arg: Any) -> Any:
        result = inner(frame, arg)
        if result is None and frame.thread.interp.eval_breaker and _may_check(frame):
            return PENDING
        return result

    handler.__name__ = handler.__qualname__ = inner.__name__
    return handler


def bool_checked(inner: Handler) -> Handler:
    """A 3.9 conditional jump: a check point unless its operand is exactly True or False
    (``POP_JUMP_IF_FALSE``'s ``FAST_DISPATCH()`` for ``Py_True``/``Py_False``)."""

    def handler(frame: Frame, arg: Any) -> Any:
        exact = type(frame.stack[-1]) is bool
        inner(frame, arg)  # a 3.11 backward jump's own check is replaced by this one
        if not exact and frame.thread.interp.eval_breaker and _may_check(frame):
            return PENDING
        return None

    handler.__name__ = handler.__qualname__ = inner.__name__
    return handler


def unchecked(inner: Handler) -> Handler:
    """``inner`` without its 3.11 check point."""

    def handler(frame: Frame, arg: Any) -> Any:
        inner(frame, arg)
        return None

    handler.__name__ = handler.__qualname__ = inner.__name__
    return handler


def returning(inner: Handler, version: str, yields: bool) -> Handler:
    """``RETURN_VALUE`` (or ``YIELD_VALUE``) with the check its caller makes once it has the
    value back: in 3.10 only a ``CALL`` of a function does (``CALL_FUNCTION`` ends with
    ``CHECK_EVAL_BREAKER()``; ``FOR_ITER`` and ``YIELD_FROM`` with ``DISPATCH()``); in 3.9
    every resumer does, but a ``YIELD_FROM`` (3.11's ``SEND``) given a value, which yields
    it in its turn."""

    def handler(frame: Frame, arg: Any) -> Any:
        generator = frame.generator
        result = inner(frame, arg)
        if type(result) is not Frame or not frame.thread.interp.eval_breaker:
            return result
        resumer = result.code.opnames[result.pc - 1] if result.pc else None
        if version == "3.10":
            checks = generator is None and resumer in CALLS
        else:
            checks = not (yields and resumer == "SEND")
        return PENDING_IN_CALLER if checks else result

    handler.__name__ = handler.__qualname__ = inner.__name__
    return handler


def wrapper(version: str, opname: str) -> Callable[[Handler], Handler] | None:
    """How the handler of ``opname`` is wrapped for ``version`` (None: left as it is).
    3.12's and 3.13's check points (``--checkpoints`` names them, ``gilsim.versions``) are
    3.11's on 3.11's bytecode: the same rules (``docs/model/gil.md`` §2.4, §2.5), but for 3.13 not
    checking after a class call that runs a Python ``__init__``, which is not modelled
    here."""
    if version not in OLDER:
        return None
    if opname in ("RETURN_VALUE", "YIELD_VALUE"):
        return lambda inner: returning(inner, version, opname == "YIELD_VALUE")
    if version == "3.10":
        return checked if opname in CALLS or opname == "PUSH_EXC_INFO" else None
    if opname in BOOL_JUMPS:
        return bool_checked
    if opname in FAST_DISPATCH:
        return unchecked if opname.startswith("POP_JUMP_BACKWARD") else None
    return checked


def table(version: str, base: dict[Any, Handler]) -> dict[Any, Handler]:
    """The handler table with ``version``'s check points: ``base`` itself for 3.11 and
    later, else a wrapped copy, one per version and ``base`` (decodings made with it are
    reused)."""
    if version not in OLDER:
        return base
    hit = _tables.get((version, id(base)))
    if hit is not None and hit[0] is base:
        return hit[1]
    made = dict(base)
    for key, handler in base.items():
        wrap = wrapper(version, key if isinstance(key, str) else key[0])
        if wrap is not None:
            made[key] = wrap(handler)
    _tables[(version, id(base))] = (base, made)
    return made


_tables: dict[tuple[str, int], tuple[dict[Any, Handler], dict[Any, Handler]]] = {}
