"""The tracer: the program's own bytecode runs in the host's eval loop, and ``sys.monitoring``
(PEP 669) tells gilsim where it is, so that it can charge virtual time and let the GIL model
act exactly where CPython's eval loop polls ``eval_breaker``.

Events and what they do
-----------------------
Each simulated thread keeps a stack of frame records, one per frame of the program's that is
running or suspended in a call (``ThreadState.stack``): a list of the frame's ``CodeInfo``,
the byte offset it went on from (``cont``), up to which its instructions have been charged,
the offset of a call it is in that 3.13 would have specialised into one without a check
after it (or -1), whether the frame stands on a 3.13 shim frame (``Tracer.class_call``), and
whether it is in a call of something other than a Python function (a C function, a class, a
``functools.partial``): 0 not, 1 in one, 2 in one that has run Python code (a frame of the
program's that starts or resumes while its caller is in a call into C was entered from C).

* ``PY_START``, ``PY_RESUME``, ``PY_THROW``: a frame starts or resumes: push a record.  Entered
  from C (a ``key`` function called by ``sorted``, a generator resumed by ``sum``), it costs
  ``PYTHON_FROM_C_NS`` more (``gilsim.versions.native``).  Then the check point of ``RESUME``
  (a function's start, a resumption after ``yield``).
* ``JUMP``, ``BRANCH``: charge the frame's instructions up to the jump; it goes on at the
  destination.  A ``JUMP`` backwards is ``JUMP_BACKWARD``, a check point.
* ``CALL``: charge up to the call; the frame goes on after it, and is in a call into C unless
  the callee is a Python function or a method of one.  ``C_RETURN`` (a call into C
  returned): charge the C function's modelled cost; a check point unless its specialised
  instruction has none (``Version.unchecked_calls``).  ``C_RAISE``: its cost only (CPython
  goes to the error path before the check).
* ``PY_RETURN``, ``PY_YIELD``: charge up to the return or yield; pop the record.
* ``RAISE``, ``RERAISE``: charge up to the raising instruction; ``EXCEPTION_HANDLED``: the
  frame goes on at its handler; ``PY_UNWIND``: the frame is left with the exception: pop.

When charging takes the thread past its deadline (the time of the machine's next event), the
machine runs the events that are due before the thread goes on (``on_deadline``); that can
happen at any event, as a real thread can be interrupted by its OS anywhere.  Losing the GIL
happens only at the check points.

What is never charged
---------------------
gilsim's own code: its events are turned off at their first sight (``DISABLE``).  Code that
runs while no simulated thread does (the machine's own work between threads) or while the
running thread is inside a C function of gilsim's shadows (``boundary``) is not charged and
never switches: ``running`` is None then.

Shaped for speed: the callbacks are closures over the tracer and the interpreter state, read
their fields into local variables, and do the common case (the event's code is the top
record's) with a few list lookups; anything else goes to a slower function.

The C accelerator
-----------------
``gilsim.tracer._ctracer`` (``_ctracer.c``, built by ``pip install`` where a compiler is
found) does the same for the hot events (``PY_START``, ``PY_RESUME``, ``JUMP``, ``BRANCH``,
``CALL``, ``C_RETURN``, ``PY_RETURN``, ``PY_YIELD``, ``PY_UNWIND``) without a Python frame
per event, on the same records and fields, and calls this module's methods for every slow
path; the rarer events keep their Python callbacks.  The tracer uses it when it was built,
unless the environment sets ``GILSIM_PURE_TRACER=1`` (``accelerated``): then every callback
is the Python one below.  Both give the same virtual times, instruction counts and schedules
(``tests/tracer/test_accelerator.py``).
"""

from __future__ import annotations

import builtins
import ctypes
import os
import sys
import types
from typing import Any

from gilsim.errors import GilsimError, InternalError, LimitExceeded
from gilsim.interpreter import signals
from gilsim.interpreter.state import ThreadState
from gilsim.tracer import C_HEADROOM, RECURSION_HEADROOM, hoststate
from gilsim.tracer.codeinfo import CodeInfo, analyse, is_own
from gilsim.tracer.instructions import InstructionWatcher
from gilsim.tracer.nextraise import NextRaise
from gilsim.tracer.tracebacks import without_own
from gilsim.units import format_ns
from gilsim.versions import Version
from gilsim.versions.native import (
    NATIVE_CALL_BASE_NS,
    PYTHON_FROM_C_NS,
    common_case,
    native_call_cost,
)

try:
    from gilsim.tracer import _ctracer  # type: ignore[attr-defined]
except ImportError:  # not built (no compiler when gilsim was installed)
    _ctracer = None

monitoring = sys.monitoring
EVENTS = monitoring.events
DISABLE = monitoring.DISABLE
MISSING = monitoring.MISSING

# The events the tracer listens to (``C_RETURN`` and ``C_RAISE`` come with ``CALL``).
TRACED_EVENTS = (
    EVENTS.PY_START
    | EVENTS.PY_RESUME
    | EVENTS.PY_THROW
    | EVENTS.PY_RETURN
    | EVENTS.PY_YIELD
    | EVENTS.PY_UNWIND
    | EVENTS.JUMP
    | EVENTS.BRANCH
    | EVENTS.CALL
    | EVENTS.RAISE
    | EVENTS.RERAISE
    | EVENTS.EXCEPTION_HANDLED
)

# Tool ids PEP 669 leaves free (0 debugger, 1 coverage, 2 profiler, 5 optimizer).
TOOL_IDS = (3, 4)


def accelerated() -> bool:
    """Whether a tracer made now uses the C callbacks: they were built, and the environment
    does not ask for the Python ones (``GILSIM_PURE_TRACER=1``)."""
    return _ctracer is not None and os.environ.get("GILSIM_PURE_TRACER", "") in ("", "0")


class Tracer:
    """The events of one run, and where the running thread is.

    ``running`` is the thread state of the simulated thread whose program code is running
    now, or None (no thread runs, or it is inside a C function of gilsim's).  ``infos``
    holds each code object's ``CodeInfo`` by id (the info keeps the code alive, so the id
    stays its own)."""

    # ``running`` is read by the C callbacks on every event: a slot (``InterpreterState``).
    __slots__ = ("running", "__dict__", "__weakref__")

    def __init__(self, interp: Any, version: Version, tax_permille: int = 0) -> None:
        self.interp = interp
        self.version = version
        # Every instruction dearer by this many thousandths (``--gil free-threaded``).
        self.tax_permille = tax_permille
        self.running: Any = None
        # An exception a check point leaves for the next instruction (``nextraise``).
        self.next_raise = NextRaise(TOOL_IDS)
        self.infos: dict[int, CodeInfo] = {}
        self.tool = -1
        # Calls into C that do not check after they return once specialised, by identity,
        # each with the argument count its specialisation needs.
        self.unchecked: dict[int, int] = {}
        for name, args in version.unchecked_calls.items():
            self.unchecked[id(_builtin(name))] = args
        # What stopped the run from inside a thread (a limit), for the runner to report.
        self.stopped: Exception | None = None
        # What looks at single instructions (``gilsim.tracer.instructions``).
        self.watchers: list[InstructionWatcher] = []
        # The last ``RecursionError`` the tracer raised, and the code of the frame that did
        # not start (``too_deep``).
        self.too_deep_error: BaseException | None = None
        self.too_deep_code: types.CodeType | None = None
        # Whether a call of a class whose ``__init__`` is a Python function checks after it
        # returns: the host's rule, or that of the version whose check points the run has
        # (``--checkpoints``, ``gilsim.tracer.checkpoints``).
        self.init_call_checks = version.init_call_checks
        # gilsim's own code whose ``CALL`` was turned off while a thread ran, by id: the
        # ``C_RETURN`` or ``C_RAISE`` of that first call still comes, and is not the
        # program's (charged, it would make the first run in a process dearer than the next).
        self.own_calls: dict[int, types.CodeType] = {}
        # Whether the hot events have the C callbacks (see the module's docstring).
        self.accelerated = accelerated()

    # -- code objects ---------------------------------------------------------------------

    def info(self, code: types.CodeType) -> CodeInfo:
        info = self.infos.get(id(code))
        if info is None or info.code is not code:
            info = analyse(code, self.version, self.tax_permille)
            if self.watchers and not info.own:
                info.watched = frozenset().union(*(w.offsets(info) for w in self.watchers))
            self.infos[id(code)] = info
        return info

    def watch(self, watcher: InstructionWatcher) -> None:
        """Show ``watcher`` the instructions it wants to see, before each runs (before
        ``install``): see ``gilsim.tracer.instructions``."""
        self.watchers.append(watcher)

    # -- installing -----------------------------------------------------------------------

    def install(self) -> None:
        """Take a tool id and listen to every event the tracer needs."""
        for tool in TOOL_IDS:
            if monitoring.get_tool(tool) is None:
                monitoring.use_tool_id(tool, "gilsim")
                self.tool = tool
                break
        else:
            raise InternalError("no sys.monitoring tool id is free for gilsim's tracer")
        for event, callback in _callbacks(self).items():
            monitoring.register_callback(self.tool, event, callback)
        events = TRACED_EVENTS | (EVENTS.INSTRUCTION if self.watchers else 0)
        monitoring.set_events(self.tool, events)

    def uninstall(self) -> None:
        if self.tool < 0:
            return
        monitoring.set_events(self.tool, 0)
        for event in _callbacks_events():
            monitoring.register_callback(self.tool, event, None)
        monitoring.free_tool_id(self.tool)
        self.tool = -1
        self.next_raise.release()

    # -- the slow paths -------------------------------------------------------------------

    def resync(self, ts: Any, code: types.CodeType, offset: int) -> list[Any] | None:
        """The record of ``code``'s frame when it is not on top of the stack: a frame the
        tracer did not see start (started inside a C function of gilsim's, say) or frames
        that ended unseen.  None for gilsim's own code, whose events are turned off."""
        info = self.info(code)
        if info.own:
            return None
        stack = ts.stack
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] is info:
                del stack[depth + 1 :]
                return stack[depth]
        record = [info, offset, -1, False, 0]
        stack.append(record)
        return record

    def on_deadline(self, ts: Any, code: types.CodeType, offset: int) -> None:
        """The running thread got past its deadline or a limit: stop on a limit, else let
        the machine run the events that are due (the thread may be preempted, or other
        threads may run, before this returns)."""
        interp = self.interp
        if interp.clock_ns > interp.limit_ns:
            self.stop(
                ts,
                LimitExceeded(
                    f"the program ran past --max-time {format_ns(interp.limit_ns)} of "
                    f"virtual time; stopped at {_where(code, offset)}"
                ),
            )
        if interp.instructions > interp.instruction_cap:
            self.stop(
                ts,
                LimitExceeded(
                    f"the program ran past --max-instructions {interp.max_instructions}; "
                    f"stopped at {_where(code, offset)}"
                ),
            )
        elif interp.instructions > interp.instruction_limit:
            past = interp.poll()
            if past is not None:
                self.stop(ts, LimitExceeded(f"{past}; stopped at {_where(code, offset)}"))
        if interp.clock_ns > interp.deadline_ns and interp.machine is not None:
            interp.machine.yield_to_events(ts.os_thread)

    def check_point(self, ts: Any, at_call: bool = False) -> None:
        """A check point found ``eval_breaker`` set (``eval_frame_handle_pending``), then
        the signals that arrived (``gilsim.interpreter.signals``); a stop ends the run.
        What a handler raises (``KeyboardInterrupt``) is raised in the program's frame:
        ``at_call`` (the check after a call into C, ``C_RETURN`` or a shadow's return) at
        once, from the ``CALL`` as CPython's check in ``CALL`` raises it; at any other
        check point, at its next instruction (``gilsim.tracer.nextraise``)."""
        interp = self.interp
        interp.gil.eval_frame_handle_pending(ts.os_thread)
        if interp.signals_pending:
            try:
                signals.check_signals(interp, ts.os_thread)
            except GilsimError as error:
                self.stop(ts, error)
            except BaseException as exc:
                if at_call or not ts.stack or not self.next_raise.arm(ts.stack[-1][0].code, exc):
                    raise

    def stop(self, ts: Any, error: Exception) -> None:
        """End the run from the running thread: it never goes on, and no handler of the
        program runs (the frames stay suspended until the host process ends)."""
        self.stopped = error
        self.running = None
        self.interp.machine.stop(ts.os_thread, error)

    def class_call(self, ts: Any, record: list[Any], offset: int, function: type) -> None:
        """3.13 calls a plain class whose ``__init__`` is a Python function by
        ``CALL_ALLOC_AND_ENTER_INIT`` once the call instruction is specialised: the
        ``__init__`` frame runs in the same eval loop, under a shim frame
        (``_Py_InitCleanup``) that counts against the recursion limit too, and nothing
        checks after the call.  Under monitoring the host runs the generic ``CALL``; the
        caller's record remembers the call (``c_return`` skips its check), the thread the
        ``__init__`` whose frame gets the shim's recursion unit (``start``)."""
        if not _inits_inline(function):
            return
        info = record[0]
        if offset not in info.warm_calls:
            info.warm_calls.add(offset)  # the first run is the generic ``CALL``
            return
        if not self.init_call_checks:
            record[2] = offset
        if not self.version.init_call_checks:  # the host is 3.13: its shim frame
            ts.init_code = _inherited_init(function).__code__

    def too_deep(self, ts: Any, code: types.CodeType) -> None:
        """A frame of the program's starts deeper than its recursion limit: the
        ``RecursionError`` of ``_Py_EnterRecursivePy``, or of its C stack, which the eval
        loop checks as C code enters it (``_Py_EnterRecursiveCallTstate``).  The host's own
        limits are higher by ``RECURSION_HEADROOM`` frames and ``C_HEADROOM`` units, so that
        gilsim's frames beside the program's (its callbacks, its shadows) never reach them:
        the program's greenlet starts with the counters of a new thread plus the headroom
        (``TracedInterpreter.call_program``), so that what is left of them beyond the
        headroom is what CPython would have left.  CPython raises it as the frame is pushed, in the caller's
        ``CALL``: the entry of the frame that did not start comes out of the traceback when
        the caller sees it (``raised``)."""
        if ts.stack.pop()[3]:
            hoststate.counter().py_recursion_remaining.value += 1  # its shim frame too
        error = RecursionError("maximum recursion depth exceeded")
        self.too_deep_error = error
        self.too_deep_code = code
        raise error

    def c_return(self, ts: Any, code: types.CodeType, offset: int, function: Any, arg: Any) -> None:
        """A call into C returned: its cost, then the check after the call, unless its
        specialised instruction has none."""
        interp = self.interp
        stack = ts.stack
        given = [] if arg is MISSING else [arg]
        interp.spend(ts, native_call_cost(function, given, _left_c_call(stack)))
        args = self.unchecked.get(id(function), -1)
        if args != -1:
            info = self.info(code)
            if info.call_args.get(offset, args) == args:
                if offset in info.warm_calls:
                    return  # specialised (``CALL_NO_KW_LEN``...): no check
                info.warm_calls.add(offset)  # the generic ``CALL`` of its first run checks
        if stack and stack[-1][2] == offset:
            stack[-1][2] = -1  # ``CALL_ALLOC_AND_ENTER_INIT`` (``class_call``): no check
            return
        if interp.clock_ns > interp.deadline_ns or interp.instructions > interp.instruction_limit:
            self.on_deadline(ts, code, offset)
        if interp.eval_breaker:
            self.check_point(ts, at_call=True)

    def after_shadow_call(self, ts: Any) -> None:
        """A C function of gilsim's shadows returned to the program: its cost, and the check
        after a call into C."""
        interp = self.interp
        interp.clock_ns += NATIVE_CALL_BASE_NS
        if interp.clock_ns > interp.deadline_ns and interp.machine is not None:
            interp.machine.yield_to_events(ts.os_thread)
        if interp.eval_breaker:
            self.check_point(ts, at_call=True)


def _left_c_call(stack: list[list[Any]]) -> bool:
    """The top frame's call into C has returned (or raised): it is out of it now.  Whether
    the call ran Python code of the program's."""
    if not stack:
        return False
    record = stack[-1]
    ran_python = record[4] == 2
    record[4] = 0
    return ran_python


def _builtin(name: str) -> Any:
    """A builtin by its dotted name (``len``, ``list.append``)."""
    target: Any = builtins
    for part in name.split("."):
        target = getattr(target, part)
    return target


def _inits_inline(function: Any) -> bool:
    """Whether calling ``function`` would be ``CALL_ALLOC_AND_ENTER_INIT`` in 3.13: a plain
    class (``object.__new__``, the default metaclass call) whose ``__init__`` is a Python
    function."""
    return (
        isinstance(function, type)
        and type(function).__call__ is type.__call__
        and function.__new__ is object.__new__
        and isinstance(_inherited_init(function), types.FunctionType)
    )


def _inherited_init(cls: type) -> Any:
    """The ``__init__`` a class's instances get (looked up without binding it)."""
    for base in cls.__mro__:
        if "__init__" in vars(base):
            return vars(base)["__init__"]
    return None


def _where(code: types.CodeType, offset: int) -> str:
    line = None
    for start, end, lineno in code.co_lines():
        if start <= offset < end:
            line = lineno
            break
    return f'"{code.co_filename}", line {line}'


def _callbacks_events() -> list[int]:
    return [
        EVENTS.PY_START,
        EVENTS.PY_RESUME,
        EVENTS.PY_THROW,
        EVENTS.PY_RETURN,
        EVENTS.PY_YIELD,
        EVENTS.PY_UNWIND,
        EVENTS.JUMP,
        EVENTS.BRANCH,
        EVENTS.CALL,
        EVENTS.C_RETURN,
        EVENTS.C_RAISE,
        EVENTS.RAISE,
        EVENTS.RERAISE,
        EVENTS.EXCEPTION_HANDLED,
        EVENTS.INSTRUCTION,
    ]


def _callbacks(t: Tracer) -> dict[int, Any]:
    """The event callbacks of tracer ``t``: closures, for speed (see the module's
    docstring)."""
    interp = t.interp
    code_info = t.info
    resync = t.resync
    c_remaining = hoststate.counter().c_recursion_remaining
    inits_inline = not t.version.init_call_checks or not t.init_call_checks
    py_remaining = hoststate.counter().py_recursion_remaining
    on_deadline = t.on_deadline
    check_point = t.check_point
    spend = interp.spend
    FunctionType = types.FunctionType
    MethodType = types.MethodType

    def idle(code: types.CodeType) -> Any:
        """An event while no program code runs: gilsim's own code is turned off."""
        if t.info(code).own:
            return DISABLE
        return None

    def start(code: types.CodeType, offset: int) -> Any:
        ts = t.running
        if ts is None:
            return idle(code)
        info = code_info(code)
        if info.own:
            return DISABLE
        stack = ts.stack
        caller = stack[-1] if stack else None
        record = [info, 0, -1, False, 0]
        stack.append(record)
        if ts.init_code is code:
            # The shim frame under an ``__init__`` that 3.13 enters inline (``class_call``).
            ts.init_code = None
            record[3] = True
            py_remaining.value -= 1
        # The frame's own recursion counters are the callback's, plus what its call took
        # (one frame, two units of C stack): below the headroom, CPython's would be < 0.
        if py_remaining.value + 1 < RECURSION_HEADROOM or c_remaining.value + 2 < C_HEADROOM:
            t.too_deep(ts, code)
        if caller is not None and caller[4] and not record[3]:
            caller[4] = 2
            spend(ts, PYTHON_FROM_C_NS)  # entered from C
        # ``RESUME 0``: every function's start is a check point.
        if interp.eval_breaker:
            check_point(ts)
        return None

    def resume(code: types.CodeType, offset: int) -> Any:
        ts = t.running
        if ts is None:
            return idle(code)
        info = code_info(code)
        if info.own:
            return DISABLE
        stack = ts.stack
        if stack and stack[-1][4]:
            stack[-1][4] = 2
            spend(ts, PYTHON_FROM_C_NS)  # resumed from C
        stack.append([info, offset, -1, False, 0])
        if interp.eval_breaker and offset in info.checked_resumes:
            check_point(ts)
        return None

    def throw(code: types.CodeType, offset: int, exc: BaseException) -> None:
        ts = t.running
        if ts is None or t.info(code).own:
            return
        ts.stack.append([t.info(code), offset, -1, False, 0])

    def charge(ts: Any, code: types.CodeType, offset: int) -> list[Any] | None:
        """Charge the top frame's instructions up to and including the one at ``offset``;
        its record, or None for gilsim's own code."""
        stack = ts.stack
        record = stack[-1] if stack else None
        if record is None or record[0].code is not code:
            record = resync(ts, code, offset)
            if record is None:
                return None
        info = record[0]
        cont = record[1]
        cost = info.through[offset] - info.before[cont]
        if cost > 0:
            interp.clock_ns += cost
            steps = info.n_through[offset] - info.n_before[cont]
            interp.instructions += steps
            ts.instructions += steps
            if interp.clock_ns > interp.deadline_ns or (
                interp.instructions > interp.instruction_limit
            ):
                on_deadline(ts, code, offset)
        return record

    def jump(code: types.CodeType, offset: int, destination: int) -> Any:
        ts = t.running
        if ts is None:
            return idle(code)
        record = charge(ts, code, offset)
        if record is None:
            return DISABLE
        record[1] = destination
        # ``JUMP_BACKWARD``: the back edge of every loop is a check point.
        if destination <= offset and interp.eval_breaker:
            check_point(ts)
        return None

    def branch(code: types.CodeType, offset: int, destination: int) -> Any:
        ts = t.running
        if ts is None:
            return idle(code)
        record = charge(ts, code, offset)
        if record is None:
            return DISABLE
        record[1] = destination
        return None

    own_calls = t.own_calls

    def call(code: types.CodeType, offset: int, function: Any, arg: Any) -> Any:
        ts = t.running
        if ts is None:
            return idle(code)
        record = charge(ts, code, offset)
        if record is None:
            own_calls[id(code)] = code
            return DISABLE
        record[1] = offset + 1
        kind = type(function)
        record[4] = 0 if kind is FunctionType or kind is MethodType else 1
        if inits_inline and kind is type:
            t.class_call(ts, record, offset, function)
        return None

    # ``C_RETURN`` and ``C_RAISE`` cannot be turned off (they come with ``CALL``, which is).
    def c_return(code: types.CodeType, offset: int, function: Any, arg: Any) -> None:
        ts = t.running
        if ts is not None and own_calls.get(id(code)) is not code:
            t.c_return(ts, code, offset, function, arg)

    def c_raise(code: types.CodeType, offset: int, function: Any, arg: Any) -> None:
        ts = t.running
        if ts is not None and own_calls.get(id(code)) is not code:
            given = [] if arg is MISSING else [arg]
            spend(ts, native_call_cost(function, given, _left_c_call(ts.stack)))

    def leave(code: types.CodeType, offset: int, value: Any) -> Any:
        """``PY_RETURN``, ``PY_YIELD``: the frame ends or is suspended."""
        ts = t.running
        if ts is None:
            return idle(code)
        record = charge(ts, code, offset)
        if record is None:
            return DISABLE
        stack = ts.stack
        if stack and stack[-1] is record:
            stack.pop()
            if record[3]:
                py_remaining.value += 1  # the shim frame goes with it (``class_call``)
        return None

    def raised(code: types.CodeType, offset: int, exc: BaseException) -> None:
        """``RAISE``, ``RERAISE``: charged up to the instruction that raised.  What the
        exception's traceback has of gilsim's frames beyond this one goes (a shadow that
        raised; ``gilsim.tracer.tracebacks``)."""
        ts = t.running
        if ts is None:
            return
        if not 0 <= offset < len(code.co_code):
            # A callback raised at a ``JUMP`` (``KeyboardInterrupt`` at a check point,
            # ``gilsim.interpreter.signals``): the host gives no valid offset then, and the
            # frame goes on from where the jump led (``jump`` set it).
            stack = ts.stack
            if not stack or stack[-1][0].code is not code:
                return
            offset = stack[-1][1]
        record = charge(ts, code, offset)
        if record is None:
            return
        record[1] = offset + 1
        tb = exc.__traceback__
        if tb is not None and tb.tb_frame.f_code is code:
            following = tb.tb_next
            if following is not None:
                if exc is t.too_deep_error and following.tb_frame.f_code is t.too_deep_code:
                    tb.tb_next = following.tb_next
                    t.too_deep_error = None
                elif is_own(following.tb_frame.f_code):
                    tb.tb_next = without_own(following)

    def handled(code: types.CodeType, offset: int, exc: BaseException) -> None:
        """``EXCEPTION_HANDLED``: the frame goes on at its handler, ``offset``."""
        ts = t.running
        if ts is None:
            return
        stack = ts.stack
        if stack and stack[-1][0].code is code:
            stack[-1][1] = offset
        else:
            record = resync(ts, code, offset)
            if record is not None:
                record[1] = offset

    def unwind(code: types.CodeType, offset: int, exc: BaseException) -> None:
        """``PY_UNWIND``: the frame is left with an exception."""
        ts = t.running
        if ts is None:
            return
        stack = ts.stack
        if stack and stack[-1][0].code is code and stack.pop()[3]:
            py_remaining.value += 1  # the shim frame goes with it (``class_call``)

    def instruction(code: types.CodeType, offset: int) -> Any:
        """``INSTRUCTION``: the instruction at ``offset`` is about to run, and a watcher
        wants to see it.  What ran before it is charged first, so that the clock is the
        instruction's own time."""
        ts = t.running
        if ts is None:
            return idle(code)
        info = code_info(code)
        if offset not in info.watched:
            return DISABLE  # nobody wants this one: seen once, never again
        stack = ts.stack
        record = stack[-1] if stack else None
        if record is None or record[0] is not info:
            record = resync(ts, code, offset)
            if record is None:
                return DISABLE
        cont = record[1]
        if offset > cont:
            cost = info.before[offset] - info.before[cont]
            interp.clock_ns += cost
            steps = info.n_before[offset] - info.n_before[cont]
            interp.instructions += steps
            ts.instructions += steps
            record[1] = offset
            if interp.clock_ns > interp.deadline_ns or (
                interp.instructions > interp.instruction_limit
            ):
                on_deadline(ts, code, offset)
        frame = sys._getframe(1)
        for watcher in t.watchers:
            watcher.before(ts, frame, offset)
        return None

    callbacks = {
        EVENTS.INSTRUCTION: instruction,
        EVENTS.PY_START: start,
        EVENTS.PY_RESUME: resume,
        EVENTS.PY_THROW: throw,
        EVENTS.PY_RETURN: leave,
        EVENTS.PY_YIELD: leave,
        EVENTS.PY_UNWIND: unwind,
        EVENTS.JUMP: jump,
        EVENTS.BRANCH: branch,
        EVENTS.CALL: call,
        EVENTS.C_RETURN: c_return,
        EVENTS.C_RAISE: c_raise,
        EVENTS.RAISE: raised,
        EVENTS.RERAISE: raised,
        EVENTS.EXCEPTION_HANDLED: handled,
    }
    if t.accelerated:
        callbacks.update(_c_callbacks(t))
    return callbacks


def _c_callbacks(t: Tracer) -> dict[int, Any]:
    """The C callbacks of tracer ``t`` for the hot events (``_ctracer.c``)."""
    counters = hoststate.counter()
    per_item, method_owners = common_case()
    c = _ctracer.Callbacks(
        tracer=t,
        thread_state=ThreadState,
        native_call_cost=native_call_cost,
        per_item=per_item,
        method_owners=method_owners,
        base_ns=NATIVE_CALL_BASE_NS,
        from_c_ns=PYTHON_FROM_C_NS,
        py_remaining_address=ctypes.addressof(counters.py_recursion_remaining),
        c_remaining_address=ctypes.addressof(counters.c_recursion_remaining),
        recursion_headroom=RECURSION_HEADROOM,
        c_headroom=C_HEADROOM,
        inits_inline=not t.version.init_call_checks or not t.init_call_checks,
    )
    return {
        EVENTS.PY_START: c.start,
        EVENTS.PY_RESUME: c.resume,
        EVENTS.PY_RETURN: c.leave,
        EVENTS.PY_YIELD: c.leave,
        EVENTS.PY_UNWIND: c.unwind,
        EVENTS.JUMP: c.jump,
        EVENTS.BRANCH: c.branch,
        EVENTS.CALL: c.call,
        EVENTS.C_RETURN: c.c_return,
    }
