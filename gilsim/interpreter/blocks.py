"""Basic-block compilation: the speed of the eval loop.

Dispatching one instruction at a time costs about 200 ns of host time per instruction, forty
times what CPython 3.11 needs.  So once a stretch of straight-line bytecode has run a few times
(``HOT``), gilsim translates it into one small host Python function, much as CPython 3.11
rewrites hot instructions in place (PEP 659).  The function does the instructions in order:
the most common ones are written out inline from the templates below, the others call their
handler from ``opcodes/`` exactly as the instruction-at-a-time loop would.  The eval loop then
dispatches, and charges virtual time, once per block instead of once per instruction.

A block ends after an unconditional jump, a return or yield, an instruction that raises on
purpose, and a ``CALL``; and before any jump target or exception handler.  Conditional jumps
and ``FOR_ITER`` do not end it.

Early exits.  The eval loop charges a block's whole cost and count before running it.  When
a block is left before its end (a conditional jump taken, a generator resumed by
``FOR_ITER``, an exception), the instructions that did not run are given back through
``ThreadState.refund_ns``/``refund_count``, so the instruction count and virtual time are
exactly those of instruction-at-a-time execution (``tests/interpreter/test_blocks.py``).  A
native call inside a block runs with the clock as it stands at its instruction.

Invariants the translation keeps:

- ``frame.stack`` and ``frame.fast`` hold exactly what the instruction-at-a-time loop would
  hold after every instruction, so handlers and ``unwind`` see no difference;
- when an instruction raises, ``frame.pc`` is one past it (the ``_k`` local records the
  instruction in progress, for the ``except`` clause); before a handler is called,
  ``frame.pc`` is one past it, as the handler expects;
- at the end ``frame.pc`` is where execution continues.

The templates are a second statement of the semantics of their opcodes; the differential and
property tests run every program both ways (``GILSIM_BLOCKS=0`` turns compilation off).
"""

from __future__ import annotations

import dis
import keyword
import os
import sys
import types
from collections.abc import Callable
from typing import Any

from gilsim.interpreter import calls, costs, generators, references
from gilsim.interpreter.decode import PURE, DecodedCode
from gilsim.interpreter.frame import EXIT, LEFT_EARLY, NULL, PENDING, Frame, push_frame
from gilsim.interpreter.functions import SimFunction
from gilsim.interpreter.opcodes import calls as calls_opcodes
from gilsim.interpreter.opcodes import generators as generators_opcodes
from gilsim.interpreter.opcodes import jumps, names, operators, stack

# Executions of an instruction before the block starting there is compiled.  Compiling a
# block costs about as much as running its instructions a few times one by one, and each run
# compiles its blocks anew (they are bound to its interpreter), so code that runs only a few
# times is cheaper left alone: at 2, a short threaded run spent half its time compiling the
# start-up code of ``threading`` (10.3 ms a run against 4.6 ms at 8).
HOT = 8

ENABLED = os.environ.get("GILSIM_BLOCKS", "1") != "0"

# Instructions after which a block ends: they jump, may change the current frame, or raise.
# ``CALL``, ``FOR_ITER`` and the conditional jumps do not end a block: their templates leave
# it early when they must (see "Early exits" below).
_TERMINATORS = frozenset(
    {
        "JUMP_FORWARD",
        "JUMP_BACKWARD",
        "JUMP_BACKWARD_NO_INTERRUPT",
        "JUMP_IF_TRUE_OR_POP",
        "JUMP_IF_FALSE_OR_POP",
        "SEND",
        "CALL_FUNCTION_EX",
        "RETURN_VALUE",
        "YIELD_VALUE",
        "RETURN_GENERATOR",
        "BEFORE_WITH",
        "BEFORE_ASYNC_WITH",
        "WITH_EXCEPT_START",
        "RAISE_VARARGS",
        "RERAISE",
        "END_ASYNC_FOR",
    }
)


class _Source:
    """The lines of one generated function and the objects they refer to."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        # Instruction number -> (cost, count) of the block's instructions after it.
        self.rest: dict[int, tuple[int, int]] = {}
        # Fast locals that can never be unbound (``always_bound``).
        self.always_bound: frozenset[int] = frozenset()
        # A block for a fork child that shares pages with its parent: every reference an
        # instruction pushes writes a refcount (``gilsim.processes.pages``).
        self.touching = False
        self.bindings: dict[str, Any] = {
            "NULL": NULL,
            "_unbound": names.unbound_error,
            "_name_error": names.name_error,
            "_SimGenerator": generators.SimGenerator,
            "_SimCoroutine": generators.SimCoroutine,
            "_resume": generators.resume_in_sim,
            "_next": next,
            "_getattr": getattr,
            "_setattr": setattr,
            "_SimFunction": SimFunction,
            "_MethodType": types.MethodType,
            "_BuiltinFunctionType": types.BuiltinFunctionType,
            "_native_cost": costs.native_call_cost,
            "_Frame": Frame,
            "_new_frame": object.__new__,
            "_push": push_frame,
            "_call": calls.call,
            "_getrefcount": sys.getrefcount,
            "_generic_getattr": object.__getattribute__,
            "_EXIT": EXIT,
            "_PENDING": PENDING,
            "_checks_after": calls.checks_after,
            "_spend": calls.spend,
            "_LEFT_EARLY": LEFT_EARLY,
            "_SUSPENDED": generators.SUSPENDED,
            "_RUNNING": generators.RUNNING,
        }

    def bind(self, name: str, value: Any) -> str:
        self.bindings[name] = value
        return name

    def emit(self, line: str) -> None:
        self.lines.append("        " + line)

    def touch(self, count: int, indent: str = "") -> None:
        """In a touching block: the refcount writes of the ``count`` references on top of
        the stack, and the time their copy-on-write faults take."""
        if not (self.touching and count):
            return
        if count > 1:
            self.emit(f"{indent}_ceval.clock_ns += _pages.touch_top(stack, {count})")
            return
        # The common case written out: one dict lookup for an object the child made.
        self.emit(f"{indent}p = _page_of(id(stack[-1]))")
        self.emit(f"{indent}if p is not None and p not in _copied:")
        self.emit(f"{indent}    _ceval.clock_ns += _pages.fault(p)")

    def refund(self, k: int, indent: str = "") -> bool:
        """Before leaving the block early at instruction ``k``: give back the cost and the
        count of the instructions after it, which the eval loop charged up front.  True if
        there were any (a jump out then returns ``LEFT_EARLY`` rather than ``None``)."""
        rest_ns, rest = self.rest[k]
        if rest:
            self.emit(f"{indent}ts = frame.thread")
            self.emit(f"{indent}ts.refund_ns += {rest_ns}")
            self.emit(f"{indent}ts.refund_count += {rest}")
        return bool(rest)


def _jump_template(condition: str | None, check: bool = False) -> Callable[..., None]:
    """A jump; with ``check``, an eval-breaker check point after it is taken (a backward
    jump, ``docs/model/gil.md`` §2.1)."""

    def emit(src: _Source, k: int, arg: int) -> None:
        if condition is None:
            src.emit(f"frame.pc = {arg}")
            src.emit("return _PENDING if _ceval.eval_breaker else None" if check else "return None")
            return
        src.emit(f"_k = {k}")
        src.emit(f"if {condition}:")
        src.emit(f"    frame.pc = {arg}")
        left = src.refund(k, "    ")
        if check:
            src.emit("    if _ceval.eval_breaker:")
            src.emit("        return _PENDING")
        src.emit(f"    return {'_LEFT_EARLY' if left else 'None'}")

    return emit


def _t_resume(src: _Source, k: int, arg: int) -> None:
    """``RESUME``: a check point at function entry and after a plain ``yield``."""
    if arg < 2:
        src.emit("if _ceval.eval_breaker:")
        src.emit(f"    frame.pc = {k + 1}")
        src.refund(k, "    ")
        src.emit("    return _PENDING")


def _t_load_fast(src: _Source, k: int, arg: int) -> None:
    if arg in src.always_bound:
        src.emit(f"push(fast[{arg}])")
        return
    src.emit(f"v = fast[{arg}]")
    src.emit("if v is NULL:")
    src.emit(f"    _k = {k}")
    src.emit(f"    raise _unbound(frame, {arg})")
    src.emit("push(v)")


def _t_store_fast(src: _Source, k: int, arg: int) -> None:
    src.emit(f"fast[{arg}] = pop()")


def _t_load_const(src: _Source, k: int, arg: Any) -> None:
    src.emit(f"push({src.bind(f'_c{k}', arg)})")


def _t_pop_top(src: _Source, k: int, arg: Any) -> None:
    src.emit("pop()")


def _t_push_null(src: _Source, k: int, arg: Any) -> None:
    src.emit("push(NULL)")


def _t_nothing(src: _Source, k: int, arg: Any) -> None:
    pass


def _t_copy(src: _Source, k: int, arg: int) -> None:
    src.emit(f"push(stack[-{arg}])")


def _t_swap(src: _Source, k: int, arg: int) -> None:
    src.emit(f"stack[-1], stack[-{arg}] = stack[-{arg}], stack[-1]")


def _t_load_global(src: _Source, k: int, arg: tuple[str, bool]) -> None:
    name = src.bind(f"_n{k}", arg[0])
    src.emit(f"v = frame.globals.get({name}, NULL)")
    src.emit("if v is NULL:")
    src.emit(f"    v = frame.builtins.get({name}, NULL)")
    src.emit("    if v is NULL:")
    src.emit(f"        _k = {k}")
    src.emit(f"        raise _name_error({name})")
    if arg[1]:
        src.emit("push(NULL)")
    src.emit("push(v)")


def _t_load_name(src: _Source, k: int, arg: str) -> None:
    """``LOAD_NAME`` (module and class bodies): the namespace, globals, then builtins."""
    name = src.bind(f"_n{k}", arg)
    src.emit(f"_k = {k}")
    src.emit("ns = frame.locals")
    src.emit(f"if ns is not None and type(ns) is dict and {name} in ns:")
    src.emit(f"    push(ns[{name}])")
    src.emit("else:")
    src.emit(f"    {src.bind(f'_h{k}', names.LOAD_NAME)}(frame, {name})")


def _t_store_name(src: _Source, k: int, arg: str) -> None:
    name = src.bind(f"_n{k}", arg)
    src.emit(f"_k = {k}")
    src.emit("ns = frame.locals")
    src.emit("if ns is not None:")
    src.emit(f"    ns[{name}] = pop()")
    src.emit("else:")
    src.emit(f"    {src.bind(f'_h{k}', names.STORE_NAME)}(frame, {name})")


# The operators written as host syntax, so that the host interpreter's own specialized
# instructions do the work (the same operation as ``operator.add`` and friends).
_BINARY_SYMBOLS = tuple(symbol for _name, symbol in dis._nb_ops)  # type: ignore[attr-defined]


def _t_binary_op(src: _Source, k: int, arg: int) -> None:
    symbol = _BINARY_SYMBOLS[arg]
    src.emit(f"_k = {k}")
    src.emit("r = pop()")
    if symbol.endswith("=") and symbol not in ("==", "!=", "<=", ">="):
        src.emit("x = stack[-1]")
        src.emit(f"x {symbol} r")
        src.emit("stack[-1] = x")
    else:
        src.emit(f"stack[-1] = stack[-1] {symbol} r")


def _t_compare_op(src: _Source, k: int, arg: int) -> None:
    src.emit(f"_k = {k}")
    src.emit("r = pop()")
    src.emit(f"stack[-1] = stack[-1] {dis.cmp_op[arg]} r")


def _t_is_op(src: _Source, k: int, arg: int) -> None:
    src.emit("r = pop()")
    src.emit(f"stack[-1] = stack[-1] {'is not' if arg else 'is'} r")


def _t_contains_op(src: _Source, k: int, arg: int) -> None:
    src.emit(f"_k = {k}")
    src.emit("r = pop()")
    src.emit(f"stack[-1] = stack[-1] {'not in' if arg else 'in'} r")


def _t_binary_subscr(src: _Source, k: int, arg: Any) -> None:
    src.emit(f"_k = {k}")
    src.emit("r = pop()")
    src.emit("stack[-1] = stack[-1][r]")


def _t_store_subscr(src: _Source, k: int, arg: Any) -> None:
    src.emit(f"_k = {k}")
    src.emit("r = pop()")
    src.emit("c = pop()")
    src.emit("c[r] = pop()")


def _t_load_attr(src: _Source, k: int, arg: str) -> None:
    # Written as attribute syntax: bytecode names are identifiers, already mangled.
    src.emit(f"_k = {k}")
    src.emit(f"stack[-1] = stack[-1].{arg}")


def _t_store_attr(src: _Source, k: int, arg: str) -> None:
    src.emit(f"_k = {k}")
    src.emit("c = pop()")
    src.emit(f"c.{arg} = pop()")


def _t_load_deref(src: _Source, k: int, arg: int) -> None:
    src.emit("try:")
    src.emit(f"    push(fast[{arg}].cell_contents)")
    src.emit("except ValueError:")
    src.emit(f"    _k = {k}")
    src.emit(f"    raise _unbound(frame, {arg}) from None")


def _emit_resume(src: _Source, generator: str, value: str, target: int, indent: str) -> None:
    """``generators.resume_in_sim`` for a suspended generator in local ``generator``, written
    out: send ``value`` and make its frame the current one."""
    for line in (
        f"callee = {generator}.frame",
        f"callee.stack.append({value})",
        "callee.is_entry = False",
        f"callee.resume_target = {target}",
        "ts.depth += 1",
        "callee.previous = frame",
        "callee.thread = ts",
        "ts.frame = callee",
        f"{generator}.status = _RUNNING",
        f"callee.generator = {generator}",
        f"ts.exc_info.append({generator}.exc_state)",
        "return callee",
    ):
        src.emit(indent + line)


def _emit_leave_frame(src: _Source) -> None:
    """Unlink the current frame from its thread (``RETURN_VALUE``/``YIELD_VALUE``)."""
    for line in (
        "ts = frame.thread",
        "previous = frame.previous",
        "ts.frame = previous",
        "ts.depth -= 1",
        "frame.previous = None",
    ):
        src.emit(line)


def _t_send(src: _Source, k: int, arg: int) -> None:
    """``SEND`` into a suspended simulated generator or coroutine (the resume written out as
    in ``_t_for_iter``); anything else goes through the handler."""
    handler = src.bind(f"_h{k}", generators_opcodes.SEND)
    src.emit(f"_k = {k}")
    src.emit(f"frame.pc = {k + 1}")
    src.emit("receiver = stack[-2]")
    src.emit("ts = frame.thread")
    src.emit(
        "if (type(receiver) is _SimGenerator or type(receiver) is _SimCoroutine) "
        "and receiver.status is _SUSPENDED and ts.depth < ts.interp.recursion_limit:"
    )
    _emit_resume(src, "receiver", "pop()", arg, "    ")
    if src.touching:
        src.emit(f"r = {handler}(frame, {arg})")  # ``_emit_touch_after_return`` goes on
    else:
        src.emit(f"return {handler}(frame, {arg})")


def _t_load_method(src: _Source, k: int, arg: str) -> None:
    """``LOAD_METHOD`` (``names.LOAD_METHOD``, written out): ``[function, self]`` for a
    simulated method found on the type, else ``[NULL, attribute]``."""
    name = src.bind(f"_n{k}", arg)
    src.emit(f"_k = {k}")
    src.emit("owner = stack[-1]")
    src.emit("method = None")
    src.emit("tp = type(owner)")
    src.emit("if tp.__getattribute__ is _generic_getattr:")
    # ``names.lookup_type``, written out.
    src.emit("    descr = None")
    src.emit("    for klass in tp.__mro__:")
    src.emit("        namespace = klass.__dict__")
    src.emit(f"        if {name} in namespace:")
    src.emit(f"            descr = namespace[{name}]")
    src.emit("            break")
    src.emit("    if type(descr) is _SimFunction:")
    src.emit("        instance_dict = _getattr(owner, '__dict__', None)")
    src.emit(f"        if not instance_dict or {name} not in instance_dict:")
    src.emit("            method = descr")
    src.emit("if method is not None:")
    src.emit("    stack[-1] = method")
    src.emit("    push(owner)")
    src.emit("else:")
    src.emit("    stack[-1] = NULL")
    src.emit(f"    push(owner.{arg})")


def _t_for_iter(src: _Source, k: int, arg: int) -> None:
    src.emit(f"_k = {k}")
    src.emit("it = stack[-1]")
    src.emit("if type(it) is _SimGenerator:")
    src.emit(f"    frame.pc = {k + 1}")
    left = src.refund(k, "    ")
    src.emit("    ts = frame.thread")
    src.emit("    if it.status is _SUSPENDED and ts.depth < ts.interp.recursion_limit:")
    _emit_resume(src, "it", "None", arg, "        ")
    src.emit(f"    r = _resume(frame, it, None, {arg})")
    src.emit(f"    return {'_LEFT_EARLY if r is None else r' if left else 'r'}")
    src.emit("try:")
    src.emit("    push(_next(it))")
    src.emit("except StopIteration:")
    src.emit("    pop()")
    src.emit(f"    frame.pc = {arg}")
    left = src.refund(k, "    ")
    src.emit(f"    return {'_LEFT_EARLY' if left else 'None'}")


def _t_call(src: _Source, k: int, argc: int) -> None:
    """``CALL``: a simulated function called with exactly its positional parameters gets its
    frame here and the block is left; a builtin is called here and the block goes on; every
    other call goes through ``calls.call`` (or the handler, with keyword arguments)."""
    handler = src.bind(f"_h{k}", calls_opcodes.CALL)
    rest_ns, _rest = src.rest[k]
    positional = [f"a{i}" for i in range(argc)]
    src.emit(f"_k = {k}")
    src.emit(f"frame.pc = {k + 1}")
    src.emit("if frame.kw_names:")
    _emit_native_call(src, k, f"{handler}(frame, {argc})", "    ")
    src.emit("else:")
    for name in reversed(positional):
        src.emit(f"    {name} = pop()")
    src.emit("    f = pop()")
    src.emit("    s = pop()")
    src.emit("    if s is NULL:")
    src.emit("        func = f")
    src.emit(f"        args = [{', '.join(positional)}]")
    src.emit("    else:")
    src.emit("        func = s")
    src.emit(f"        args = [{', '.join(['f', *positional])}]")
    src.emit("    if type(func) is _MethodType and type(func.__func__) is _SimFunction:")
    src.emit("        args.insert(0, func.__self__)")
    src.emit("        func = func.__func__")
    src.emit("    if type(func) is _SimFunction and func.fast_call_arity == len(args):")
    src.emit("        decoded = func.decoded")
    src.emit("        missing = decoded.nlocalsplus - len(args)")
    src.emit("        if missing:")
    src.emit("            args += [NULL] * missing")
    # ``push_frame``, written out; past the recursion limit it raises.
    src.emit("        ts = frame.thread")
    src.emit("        depth = ts.depth + 1")
    src.emit("        if depth > ts.interp.recursion_limit:")
    src.emit(
        "            return _push(ts, frame, "
        "_Frame(decoded, args, func.__globals__, func.__builtins__, None, func))"
    )
    # ``Frame.__init__``, written out (a host call per simulated call is worth saving).
    src.emit("        callee = _new_frame(_Frame)")
    for field, value in _FRAME_FIELDS:
        src.emit(f"        callee.{field} = {value}")
    src.emit("        ts.depth = depth")
    src.emit("        ts.frame = callee")
    src.refund(k, "        ")
    src.emit("        return callee")
    # A builtin function or bound builtin method (``len``, ``abs``, ``list.append``): the
    # native part of ``calls.call``, written out.  It runs with the clock as it stands at
    # this instruction (the eval loop charged the whole block before running it).
    src.emit("    elif type(func) is _BuiltinFunctionType:")
    src.emit("        interp = frame.thread.interp")
    src.emit(f"        c = interp.clock_ns + _native_cost(func, args) - {rest_ns}")
    src.emit("        if c > interp.deadline_ns:")
    src.emit("            _spend(interp, frame.thread, c - interp.clock_ns)")
    src.emit("        else:")
    src.emit("            interp.clock_ns = c")
    src.emit("        try:")
    src.emit("            push(func(*args))")
    src.emit("        finally:")
    src.emit(f"            interp.clock_ns += {rest_ns}")
    src.touch(1, "        ")
    # The check point after a native callee (``calls.checks_after``).
    src.emit("        if interp.eval_breaker and _checks_after(func, args):")
    src.emit("            return _PENDING")
    src.emit("    else:")
    _emit_native_call(src, k, "_call(frame, func, args, None)", "        ")


# The fields of a new frame for a call, as ``Frame.__init__`` sets them.
_FRAME_FIELDS = (
    ("code", "decoded"),
    ("fast", "args"),
    ("stack", "[]"),
    ("pc", "0"),
    ("globals", "func.__globals__"),
    ("builtins", "func.__builtins__"),
    ("locals", "None"),
    ("function", "func"),
    ("previous", "frame"),
    ("generator", "None"),
    ("kw_names", "()"),
    ("is_entry", "False"),
    ("resume_target", "None"),
    ("thread", "ts"),
    ("locals_snapshot", "None"),
    ("init_self", "None"),
)


def _emit_native_call(src: _Source, k: int, call: str, indent: str) -> None:
    """A call that may push a frame (then the block is left) or finish natively (then it
    goes on), made with the clock as it stands at instruction ``k``."""
    rest_ns, _rest = src.rest[k]
    src.emit(f"{indent}interp = frame.thread.interp")
    src.emit(f"{indent}interp.clock_ns -= {rest_ns}")
    src.emit(f"{indent}try:")
    src.emit(f"{indent}    r = {call}")
    src.emit(f"{indent}finally:")
    src.emit(f"{indent}    interp.clock_ns += {rest_ns}")
    src.emit(f"{indent}if r is not None:")
    if src.touching:
        # Finished natively, at a check point: the result is pushed.
        src.emit(f"{indent}    if r is _PENDING:")
        src.touch(1, indent + "        ")
    src.refund(k, indent + "    ")
    src.emit(f"{indent}    return r")


def _t_yield_value(src: _Source, k: int, arg: Any) -> None:
    """``YIELD_VALUE`` to a simulated resumer (``generators.leave``, written out)."""
    handler = src.bind(f"_h{k}", generators_opcodes.YIELD_VALUE)
    src.emit(f"frame.pc = {k + 1}")
    src.emit("if frame.is_entry:")
    src.emit(f"    return {handler}(frame, None)")
    src.emit("v = pop()")
    _emit_leave_frame(src)
    src.emit("gen = frame.generator")
    src.emit("gen.status = _SUSPENDED")
    src.emit("frame.generator = None")
    src.emit("gen.exc_state = ts.exc_info.pop()")
    src.emit("previous.stack.append(v)")
    src.emit("return previous")


def _t_return_value(src: _Source, k: int, arg: Any) -> None:
    """``RETURN_VALUE`` from a plain function (``calls_opcodes.RETURN_VALUE``, written out);
    a generator's return, and an ``__init__``'s for a call of its class, go through the
    handler."""
    handler = src.bind(f"_h{k}", calls_opcodes.RETURN_VALUE)
    src.emit("if frame.generator is not None or frame.init_self is not None:")
    src.emit(f"    frame.pc = {k + 1}")
    src.emit(f"    return {handler}(frame, None)")
    src.emit("v = pop()")
    _emit_leave_frame(src)
    src.emit(f"frame.pc = {k + 1}")
    src.emit("if frame.is_entry:")
    src.emit("    frame.is_entry = False")
    src.emit("    ts.retval = v")
    src.emit("    return _EXIT")
    # As in the handler: release the locals first to last when nothing else holds the frame.
    src.emit(f"if len(fast) > 1 and _getrefcount(frame) <= {calls_opcodes._UNREFERENCED}:")
    src.emit("    fast.reverse()")
    src.emit("previous.stack.append(v)")
    src.emit("return previous")


# Inline templates, keyed by the generic handler they stand for (a specialized handler, such
# as LOAD_ATTR of ``__traceback__``, is not templated and is called instead).
TEMPLATES: dict[Callable[..., Any], Callable[..., None]] = {
    names.LOAD_FAST: _t_load_fast,
    names.STORE_FAST: _t_store_fast,
    names.LOAD_CONST: _t_load_const,
    names.LOAD_GLOBAL: _t_load_global,
    names.LOAD_NAME: _t_load_name,
    names.STORE_NAME: _t_store_name,
    names.LOAD_ATTR: _t_load_attr,
    names.STORE_ATTR: _t_store_attr,
    names.LOAD_DEREF: _t_load_deref,
    names.LOAD_METHOD: _t_load_method,
    stack.POP_TOP: _t_pop_top,
    stack.PUSH_NULL: _t_push_null,
    stack.COPY: _t_copy,
    stack.SWAP: _t_swap,
    stack.NOP: _t_nothing,
    stack.PRECALL: _t_nothing,
    stack.RESUME: _t_resume,
    stack.EXTENDED_ARG: _t_nothing,
    operators.BINARY_OP: _t_binary_op,
    operators.COMPARE_OP: _t_compare_op,
    operators.IS_OP: _t_is_op,
    operators.CONTAINS_OP: _t_contains_op,
    operators.BINARY_SUBSCR: _t_binary_subscr,
    operators.STORE_SUBSCR: _t_store_subscr,
    jumps.JUMP_FORWARD: _jump_template(None),
    jumps.JUMP_BACKWARD: _jump_template(None, check=True),
    jumps.JUMP_BACKWARD_NO_INTERRUPT: _jump_template(None),
    jumps.POP_JUMP_FORWARD_IF_TRUE: _jump_template("pop()"),
    jumps.POP_JUMP_BACKWARD_IF_TRUE: _jump_template("pop()", check=True),
    jumps.POP_JUMP_FORWARD_IF_FALSE: _jump_template("not pop()"),
    jumps.POP_JUMP_BACKWARD_IF_FALSE: _jump_template("not pop()", check=True),
    jumps.POP_JUMP_FORWARD_IF_NONE: _jump_template("pop() is None"),
    jumps.POP_JUMP_BACKWARD_IF_NONE: _jump_template("pop() is None", check=True),
    jumps.POP_JUMP_FORWARD_IF_NOT_NONE: _jump_template("pop() is not None"),
    jumps.POP_JUMP_BACKWARD_IF_NOT_NONE: _jump_template("pop() is not None", check=True),
    jumps.FOR_ITER: _t_for_iter,
    calls_opcodes.CALL: _t_call,
    calls_opcodes.RETURN_VALUE: _t_return_value,
    generators_opcodes.YIELD_VALUE: _t_yield_value,
    generators_opcodes.SEND: _t_send,
}


_NEEDS_IDENTIFIER = frozenset({_t_load_attr, _t_store_attr, _t_load_method})


def _is_plain_name(name: Any) -> bool:
    return isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name)


def _emit_fused(src: _Source, code: DecodedCode, index: int) -> bool:
    """Superinstructions for the commonest pairs in methods, written as one host statement:
    ``LOAD_FAST self; LOAD_ATTR x`` and ``LOAD_FAST self; STORE_ATTR x``, for a parameter
    that cannot be unbound.  If the attribute access raises, ``_k`` names it, and the
    stack below is as the handler expects (a handler never keeps a value pushed inside its
    own ``try``)."""
    handler, arg, _cost, _pure = code.instructions[index]
    if handler is not names.LOAD_FAST or arg not in src.always_bound:
        return False
    following, name, _cost2, _pure2 = code.instructions[index + 1]
    if not _is_plain_name(name):
        return False
    if following is names.LOAD_ATTR:
        src.emit(f"_k = {index + 1}")
        src.emit(f"push(fast[{arg}].{name})")
        return True
    if following is names.STORE_ATTR:
        src.emit(f"_k = {index + 1}")
        src.emit(f"fast[{arg}].{name} = pop()")
        return True
    return False


def _emit_store_load(src: _Source, code: DecodedCode, index: int) -> bool:
    """``STORE_FAST x; LOAD_FAST x``: the value stays on the stack."""
    handler, arg, _cost, _pure = code.instructions[index]
    following, arg2, _cost2, _pure2 = code.instructions[index + 1]
    if handler is names.STORE_FAST and following is names.LOAD_FAST and arg == arg2:
        src.emit(f"fast[{arg}] = stack[-1]")
        return True
    return False


def _operand(src: _Source, code: DecodedCode, index: int) -> str | None:
    """The host expression for a ``LOAD_CONST`` or a ``LOAD_FAST`` of a bound parameter."""
    handler, arg, _cost, _pure = code.instructions[index]
    if handler is names.LOAD_FAST and arg in src.always_bound:
        return f"fast[{arg}]"
    if handler is names.LOAD_CONST:
        return src.bind(f"_c{index}", arg)
    return None


def _emit_fused_operation(src: _Source, code: DecodedCode, index: int) -> bool:
    """``LOAD x; LOAD y; BINARY_OP/COMPARE_OP`` with operands that cannot fail to load
    (constants, bound parameters) as one host expression: ``push(fast[0] + 1)``."""
    left = _operand(src, code, index)
    right = _operand(src, code, index + 1) if left is not None else None
    if right is None:
        return False
    handler, arg, _cost, _pure = code.instructions[index + 2]
    if handler is operators.COMPARE_OP:
        src.emit(f"_k = {index + 2}")
        src.emit(f"push({left} {dis.cmp_op[arg]} {right})")
        return True
    if handler is not operators.BINARY_OP:
        return False
    symbol = _BINARY_SYMBOLS[arg]
    src.emit(f"_k = {index + 2}")
    if symbol.endswith("=") and symbol not in ("==", "!=", "<=", ">="):
        src.emit(f"x = {left}")
        src.emit(f"x {symbol} {right}")
        src.emit("push(x)")
    else:
        src.emit(f"push({left} {symbol} {right})")
    return True


def _emit_touch_after_return(src: _Source, index: int, count: int) -> None:
    """After a handler whose result ``r`` ends the block: its pushes are written if it
    finished in this frame, without jumping (or at a check point), as ``eval._touch``
    decides one instruction at a time."""
    if not src.touching:
        return
    if count:
        src.emit(f"if (r is None and frame.pc == {index + 1}) or r is _PENDING:")
        src.touch(count, "    ")
    src.emit("return r")


def always_bound(code: DecodedCode) -> frozenset[int]:
    """Parameters that no instruction unbinds: bound on entry (binding fills every
    parameter) and never deleted, so ``LOAD_FAST`` of them cannot fail."""
    raw = code.code
    count = raw.co_argcount + raw.co_kwonlyargcount
    count += bool(raw.co_flags & 0x04) + bool(raw.co_flags & 0x08)
    if not raw.co_flags & 0x02:  # no CO_NEWLOCALS: module or class body, no parameters
        return frozenset()
    deleted = {
        code.instructions[index][1]
        for index, name in enumerate(code.opnames)
        if name in ("DELETE_FAST", "MAKE_CELL")
    }
    return frozenset(range(count)) - deleted


def _ends_block(code: DecodedCode, index: int) -> bool:
    """Whether instruction ``index`` ends its block: a terminator, or an instruction that may
    jump or change the frame (``FOR_ITER``, a conditional jump, ``CALL``) without a template
    to leave the block early (a recording wrapper has none): the eval loop must see what its
    handler did."""
    name = code.opnames[index]
    if name in _TERMINATORS:
        return True
    leaves = "JUMP" in name or name in ("FOR_ITER", "SEND", "CALL")
    return leaves and code.instructions[index][0] not in TEMPLATES


def leaders(code: DecodedCode) -> frozenset[int]:
    """Instructions where a block must start: jump targets and exception handlers."""
    starts = {0}
    for index, name in enumerate(code.opnames):
        if name == "CALL" or _ends_block(code, index):
            # A block also ends after a call: most calls in hot code are to simulated
            # functions, which leave the block anyway.
            starts.add(index + 1)
        if "JUMP" in name or name in ("FOR_ITER", "SEND"):
            starts.add(code.instructions[index][1])
    for entry in code.handlers:
        starts.add(entry.target)
    return frozenset(starts)


# Blocks already made, by the decoded code's ``key`` (its code object, file name and
# handlers) and the start: the host code object of the block's function, its bindings but
# the interpreter's, its cost, size and purity.  Only ``_ceval`` differs between
# interpreters, so the same block serves every run of a program: exploration runs one
# program hundreds of times in one process, and making blocks was most of a short run's cost.
_made: dict[tuple[Any, int, bool], tuple[types.CodeType, str, dict[str, Any], int, int, bool]] = {}
_MADE_MAX = 50_000


def compile_block(
    code: DecodedCode, start: int, ceval: Any
) -> tuple[Callable[..., Any], int, int, bool] | None:
    """The block of ``code`` starting at instruction ``start``: (function, cost in ns,
    number of instructions, pure); or None, and the code runs one instruction at a time.
    ``ceval`` is the interpreter whose ``eval_breaker`` the block's check points poll."""
    if getattr(ceval, "checkpoints", "3.11") != "3.11":
        # The templates embed 3.11's check points, and a block calls a handler it has no
        # template for without looking at what it returns: the PENDING of another version's
        # check point in the middle of a block would be lost.  3.9 checks after nearly every
        # instruction, so its blocks would be one or two instructions long anyway; 3.10 is
        # run one instruction at a time too, so that both are plainly the handler table's
        # (``checkpoints``).  The eval loop asks once per instruction (at ``HOT``).
        return None
    pages = getattr(ceval, "pages", None)
    key = (code.key, start, pages is not None)
    made = _made.get(key)
    if made is None:
        if len(_made) >= _MADE_MAX:
            _made.clear()
        made = _made[key] = _make_block(code, start, pages is not None)
    compiled, name, bindings, cost, size, pure = made
    namespace = dict(bindings)
    namespace["_ceval"] = ceval
    namespace["_pages"] = pages
    if pages is not None:
        namespace["_page_of"] = pages.page_of.get
        namespace["_copied"] = pages.copied
    exec(compiled, namespace)
    return (namespace[name], cost, size, pure)


def _make_block(
    code: DecodedCode, start: int, touching: bool = False
) -> tuple[types.CodeType, str, dict[str, Any], int, int, bool]:
    if code.leaders is None:
        code.leaders = leaders(code)
    end = start
    last = len(code.instructions) - 1
    while not (_ends_block(code, end) or end == last or end + 1 in code.leaders):
        end += 1
    src = _Source()
    src.bind("_ceval", None)  # the interpreter, bound by ``compile_block``
    src.bind("_pages", None)  # and its shared pages, if it is a fork child
    if touching:
        src.bind("_page_of", None)
        src.bind("_copied", None)
    src.always_bound = always_bound(code)
    src.touching = touching
    # Where its instructions push references, a touching block writes their refcounts
    # after each one: the same writes, at the same instructions, as the eval loop makes
    # one instruction at a time (``eval._touch``), so no superinstructions.
    pushed = references.pushes(code) if touching else None
    costs = [code.instructions[index][2] for index in range(start, end + 1)]
    for index in range(start, end + 1):
        after = costs[index - start + 1 :]
        src.rest[index] = (sum(after), len(after))
    rest_ns = src.bind("_rest_ns", tuple(src.rest[i][0] for i in range(start, end + 1)))
    rest_count = src.bind("_rest_count", tuple(src.rest[i][1] for i in range(start, end + 1)))
    skip = 0
    for index in range(start, end + 1):
        if skip:
            skip -= 1
            continue
        handler, arg, _cost, _pure = code.instructions[index]
        count = pushed[index] if pushed is not None else 0
        if not touching:
            if index + 2 <= end and _emit_fused_operation(src, code, index):
                skip = 2
                continue
            if index < end and (
                _emit_fused(src, code, index) or _emit_store_load(src, code, index)
            ):
                skip = 1
                continue
        template = TEMPLATES.get(handler)
        if template in _NEEDS_IDENTIFIER and not _is_plain_name(arg):
            template = None
        if template is not None:
            template(src, index, arg)
            if template is _t_send:
                _emit_touch_after_return(src, index, count)
            else:
                src.touch(count)  # after the instruction, if it went on in this block
            continue
        h = src.bind(f"_h{index}", handler)
        a = src.bind(f"_a{index}", arg)
        src.emit(f"_k = {index}")
        src.emit(f"frame.pc = {index + 1}")
        if _ends_block(code, index):
            if touching:
                src.emit(f"r = {h}(frame, {a})")
                _emit_touch_after_return(src, index, count)
            else:
                src.emit(f"return {h}(frame, {a})")
        else:
            src.emit(f"{h}(frame, {a})")
            src.touch(count)
    cost = sum(costs)
    pure = not touching and all(name in PURE for name in code.opnames[start : end + 1])
    src.emit(f"frame.pc = {end + 1}")
    src.emit("return None")
    qualname = code.code.co_qualname.replace("<", "_").replace(">", "_").replace(".", "_")
    parameters = ", ".join(f"{name}={name}" for name in src.bindings)
    body = "\n".join(src.lines)
    # Only the local aliases the body uses (each costs a host attribute load per run).
    prologue = [
        line
        for line, used in (
            ("    stack = frame.stack", "stack" in body or "push(" in body or "pop(" in body),
            ("    push = stack.append", "push(" in body),
            ("    pop = stack.pop", "pop(" in body),
            ("    fast = frame.fast", "fast" in body),
        )
        if used
    ]
    text = "\n".join(
        [
            f"def block_{qualname}_{start}(frame, {parameters}):",
            *prologue,
            f"    _k = {start}",
            "    try:",
            *src.lines,
            "    except BaseException:",
            "        frame.pc = _k + 1",
            "        ts = frame.thread",
            f"        ts.refund_ns += {rest_ns}[_k - {start}]",
            f"        ts.refund_count += {rest_count}[_k - {start}]",
            "        raise",
        ]
    )
    compiled = compile(text, f"<gilsim block {code.code.co_qualname}:{start}>", "exec")
    return (compiled, f"block_{qualname}_{start}", src.bindings, cost, end - start + 1, pure)
