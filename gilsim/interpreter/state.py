"""Interpreter and thread state: CPython's ``PyInterpreterState`` and ``PyThreadState``
(``Include/cpython/pystate.h``), reduced to what the simulation needs.

``current`` names the simulated thread whose bytecode is running right now.  Native code that
calls back into simulated code (a ``key=`` function, a user ``__eq__``) finds the thread there,
as CPython's C code finds ``_PyThreadState_GET()``.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any

from gilsim.gil.kind import GilKind
from gilsim.gil.watch import Where
from gilsim.interpreter import tracebacks
from gilsim.interpreter.decode import DecodedCode, decode
from gilsim.interpreter.frame import Frame
from gilsim.interpreter.loading import STARTUP_MODULES
from gilsim.interpreter.watchdog import POLL_INSTRUCTIONS, Watchdog
from gilsim.units import MAX_DURATION_NS


class InterpreterState:
    """One simulated interpreter: its decoded code, builtins, modules, clock and limits."""

    # The fields the tracer's C callbacks read and write on every event are slots, at a
    # fixed place in the object, as in CPython's ``PyInterpreterState`` (``_ctracer.c``);
    # the others are in the instance's ``__dict__``.
    __slots__ = (
        "clock_ns",
        "instructions",
        "deadline_ns",
        "instruction_limit",
        "limit_ns",
        "eval_breaker",
        "machine",
        "__dict__",
        "__weakref__",
    )

    # Whether its program runs on the host's interpreter (``gilsim.tracer.pystate``).
    traced = False
    # Whether its Python runs in this host process; a forked process's runs in a host
    # process of its own (``gilsim.processes.hostfork.ChildInterp``), where a descriptor
    # of the host names another file.
    runs_here = True

    def __init__(
        self,
        table: dict[str, Any],
        costs: dict[str, int],
        *,
        max_time_ns: int | None = None,
        max_instructions: int | None = None,
    ) -> None:
        self.table = table
        self.costs = costs
        self._decoded: dict[int, tuple[types.CodeType, DecodedCode]] = {}
        self.builtins: dict[str, Any] = {}
        # Modules executed inside the simulation, by name (the program's own modules).
        self.sim_modules: dict[str, types.ModuleType] = {}
        # The modules this process has loaded, by name, whatever ran them (``loading``): a
        # new interpreter's, until a fork child is given a copy of its parent's.
        self.loaded: set[str] = set(STARTUP_MODULES)
        # The running thread's time (ns).  The eval loop keeps it in a local variable and
        # writes it back before anything that may read it; the machine sets it when it
        # switches to a thread of this interpreter (``enter``).
        self.clock_ns = 0
        self.instructions = 0
        self.max_time_ns = max_time_ns
        self.max_instructions = max_instructions
        # The same limits as plain integers, for the eval loop's checks (2**62: no limit).
        self.limit_ns = max_time_ns if max_time_ns is not None else MAX_DURATION_NS
        # When the running thread must hand control back to the machine: the next event.
        self.deadline_ns = self.limit_ns
        self.instruction_limit = max_instructions if max_instructions is not None else 1 << 62
        # ``--max-instructions`` itself: ``instruction_limit`` is lower while a watchdog
        # polls the wall clock (``watch``).
        self.instruction_cap = self.instruction_limit
        self.watchdog: Watchdog | None = None
        # ``interp->ceval.eval_breaker``: set when the holder must act at its next check
        # point (a GIL drop request); the eval loop polls it there.
        self.eval_breaker = False
        # The Python version whose check points ``table`` has (``checkpoints``); compiled
        # blocks are made for 3.11's only (``blocks.compile_block``).
        self.checkpoints = "3.11"
        # The machine and the GIL this interpreter runs on (``program.new_interpreter``).
        # Whoever makes an interpreter gives it its GIL before anything runs on it (the
        # GIL is made for the interpreter: ``gilsim.gil.make_gil``), so it has none before.
        self.machine: Any = None
        self.gil: GilKind
        # sys.setrecursionlimit/getrecursionlimit of the simulated program (CPython's default).
        self.recursion_limit = 1000
        self.program_roots: list[str] = []
        # sys.path entries of the host when the run started (never the program's own).
        self.host_path: set[str] = set()
        # Modules simulated at the C boundary, answered instead of the host's (``time``...).
        self.shadow_modules: dict[str, types.ModuleType] = {}
        self.exit_handlers: list[tuple[Any, tuple[Any, ...], dict[str, Any]]] = []
        # Locks made by the program's threads so far (they are numbered in reports).
        self.locks_made = 0
        # The race recorder (``gilsim.races``), or None: it chooses the handler table of each
        # code object, and ``_thread`` tells it of thread starts and lock hand-overs.
        self.recorder: Any = None
        # The objects whose reference counts are watched (``gilsim.interpreter.refcounts``),
        # or None: it runs every instruction through a wrapper that reads their counts.
        self.refcounts: Any = None
        # The simulated kernel (``gilsim.runtime.kernel``: descriptors, pipes, sockets),
        # made on first use.
        self.kernel: Any = None
        # The simulated process this interpreter is (``gilsim.processes.table.Process``),
        # and, once there is more than one process, its share of the host's
        # ``sys.modules`` (``gilsim.processes.world.World``).
        self.process: Any = None
        self.world: Any = None
        # Signal dispositions, by number, and the descriptor ``signal.set_wakeup_fd`` set
        # (-1: none) (``gilsim.runtime.signalmodule``).
        self.signals: dict[int, Any] = {}
        self.wakeup_fd = -1
        # Signals sent to gilsim and routed to this process (``gilsim.interpreter.signals``):
        # those that arrived and whose handlers have not run (``Handlers[i].tripped``),
        # whether any has (``ceval.signals_pending``, an input of ``eval_breaker``), how
        # many SIGINTs came, and the stop a second one, SIGTERM or SIGHUP asked for.
        self.tripped: list[int] = []
        self.signals_pending = False
        self.interrupts = 0
        self.stop_request: Any = None
        # A fork child: every object copied from its parent, kept alive as a real child
        # keeps its copy of the parent's memory (``gilsim.processes.fork``).
        self.inherited: list[Any] = []
        # And the pages it still shares with its parent (``gilsim.processes.pages``), or
        # None when it shares none.
        self.pages: Any = None
        # What ``gc.freeze()`` moved into the permanent generation (ids of the objects the
        # collector tracked then), which collections no longer scan (``gcmodule``).
        self.gc_frozen: frozenset[int] = frozenset()
        # ``os.register_at_fork`` hooks, in registration order.
        self.at_fork: dict[str, list[Any]] = {
            "before": [],
            "after_in_child": [],
            "after_in_parent": [],
        }

    def watch(self, watchdog: Watchdog) -> None:
        """Have ``watchdog`` poll the wall clock every ``POLL_INSTRUCTIONS`` instructions
        (``gilsim.interpreter.watchdog``)."""
        self.watchdog = watchdog
        self.instruction_limit = min(self.instruction_cap, self.instructions + POLL_INSTRUCTIONS)

    def poll(self) -> str | None:
        """The run reached ``instruction_limit`` below the cap: a poll of the watchdog (the
        instructions are counted).  Returns the message of the wall limit once past it."""
        self.instruction_limit = min(self.instruction_cap, self.instructions + POLL_INSTRUCTIONS)
        if self.watchdog is None:
            return None
        return self.watchdog.poll(self.clock_ns, self.instructions)

    def enter(self, thread: Any, now_ns: int, next_event_ns: int) -> None:
        """The machine switches to ``thread`` (an ``OSThread`` of this interpreter)."""
        global current
        world = self.world
        if world is not None and world.machine_world[0] is not world:
            world.enter()  # another process ran last: put this one's modules in place
        self.clock_ns = now_ns
        self.deadline_ns = min(next_event_ns, self.limit_ns)
        current = thread.payload

    def frames(self, ts: ThreadState) -> Iterator[tuple[str, int, str]]:
        """The frames of thread ``ts``, innermost first, as ``(filename, line, name)``."""
        frame = ts.frame
        while frame is not None:
            yield frame.code.code.co_filename, frame.f_lineno or 0, frame.code.code.co_name
            frame = frame.previous

    def where(self, ts: ThreadState) -> Where | None:
        """Where thread ``ts``'s innermost simulated frame is (the instruction it last
        ran), or None before its first frame and after its last."""
        frame = ts.frame
        if frame is None:
            return None
        code = frame.code
        index = max(frame.pc - 1, 0)
        opname = code.opnames[index] if index < len(code.opnames) else "?"
        return Where(code.code.co_filename, frame.lineno, opname, code.code.co_name)

    def call_program(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        """Call the program's ``function`` from gilsim's code (a thread's start): here a
        simulated function runs its own eval loop."""
        return function(*args, **kwargs)

    def program_module(self, name: str) -> types.ModuleType | None:
        """The program's module ``name``, if it imported it (the program's own
        ``threading``, say)."""
        return self.sim_modules.get(name)

    def format_exception(self, exc: BaseException) -> str:
        """``exc`` and its traceback as CPython prints an uncaught exception."""
        return tracebacks.format_exception(exc)

    def write_unraisable(self, message: str, exc: BaseException) -> None:
        """The default ``sys.unraisablehook``: "Exception ignored MESSAGE" and the
        traceback."""
        tracebacks.write_unraisable(message, exc)

    def spend(self, ts: ThreadState, cost_ns: int) -> None:
        """Run native code for ``cost_ns`` on thread ``ts``, holding the GIL.  Events due
        meanwhile happen at their own time (a waiter wakes and starts its timed wait in the
        middle of a long ``sum()``), so that a drop request made during the call is seen at
        the check point that ends it (``docs/model/gil.md`` §7 item 12); the OS may even preempt
        the thread, and then the rest of its work waits."""
        remaining = cost_ns
        machine = self.machine
        while machine is not None and self.deadline_ns < self.limit_ns:
            step = self.deadline_ns - self.clock_ns
            if remaining <= step:
                break
            if step > 0:
                self.clock_ns += step
                remaining -= step
            machine.yield_to_events(ts.os_thread)
        self.clock_ns += remaining

    def leave(self, thread: Any) -> None:
        """The machine's hub runs next: ``thread`` blocked, reached its deadline or ended.
        (The eval loop keeps its own account of who runs.)"""

    def release(self) -> None:
        """The run is over and this interpreter's process ended before it: let go of
        everything that reaches the program's objects (its accounts stay)."""
        self.sim_modules = {}
        self.shadow_modules = {}
        self.builtins = {}
        self.inherited = []
        self.exit_handlers = []
        self.at_fork = {"before": [], "after_in_child": [], "after_in_parent": []}
        self.world = None
        self.recorder = None
        self._decoded = {}

    def decoded(self, code: types.CodeType) -> DecodedCode:
        """The decoded form of ``code``, decoding it on first use."""
        hit = self._decoded.get(id(code))
        if hit is None or hit[0] is not code:
            table = self.table if self.recorder is None else self.recorder.table_for(code)
            decoded = decode(code, table, self.costs)
            if self.refcounts is not None:
                decoded = self.refcounts.decoded(decoded)
            hit = (code, decoded)
            self._decoded[id(code)] = hit
        return hit[1]


class ThreadState:
    """One simulated thread's interpreter-level state."""

    # Slots for the tracer's C callbacks, as in ``InterpreterState``.
    __slots__ = ("stack", "instructions", "init_code", "__dict__", "__weakref__")

    def __init__(self, interp: InterpreterState) -> None:
        self.interp = interp
        self.frame: Frame | None = None
        self.depth = 0
        # The stack of exceptions being handled (``exc_info`` chain, ``sys.exc_info()``);
        # ``PUSH_EXC_INFO``/``POP_EXCEPT`` and generator resumption push and pop it.
        self.exc_info: list[Any] = [None]
        # What the entry frame of the innermost run of the eval loop returned or yielded.
        self.retval: Any = None
        # Cost (ns) and count of the instructions of a compiled block that did not run
        # because the block was left early; the eval loop, which charged the whole block,
        # gives them back (``blocks``, "Early exits").
        self.refund_ns = 0
        self.refund_count = 0
        # The OS thread this thread runs on (``machine.OSThread``), and its instructions.
        self.os_thread: Any = None
        self.native_id = 0
        self.instructions = 0
        # Locks released when the thread's state is deleted (``_thread._set_sentinel``).
        self.sentinels: list[Any] = []
        # On the host's interpreter (``gilsim.tracer``): a record for each frame of the
        # program's running or suspended in a call (its code's ``CodeInfo`` and the offset
        # charged up to), and how deep the thread is in C functions of gilsim's shadows
        # (``gilsim.tracer.boundary``: the tracer charges nothing there).  gilsim's code runs
        # first in a new thread: it is inside a C function until it calls the program.
        self.stack: list[list[Any]] = []
        self.native = 1 if interp.traced else 0
        # The code of an ``__init__`` 3.13 enters inline, about to start
        # (``Tracer.class_call``).
        self.init_code: Any = None
        # The program's ``sys.settrace`` function of this thread, on the host's
        # interpreter (``sysmodule.host_settrace``).
        self.trace: Any = None


current: ThreadState | None = None

# The objects of a simulated process that has ended run no code any more: a ``__del__``, a
# weakref callback or a suspended generator's ``finally`` of theirs, collected later, would
# run in whichever process is current, and none runs in a process that ended with
# ``os._exit``.  ``gilsim.processes`` lists the module namespaces of ended processes here
# (kept alive, so that their ids stay theirs), and sets ``REFUSED`` while it lets go of
# their objects at the end of the run.
DEAD_GLOBALS: dict[int, dict[str, Any]] = {}
REFUSED = [False]


def refused(namespace: dict[str, Any]) -> bool:
    """Whether code with these globals may not run: its process has ended."""
    return REFUSED[0] or (bool(DEAD_GLOBALS) and id(namespace) in DEAD_GLOBALS)


def current_thread() -> ThreadState:
    """The running simulated thread (only valid while the simulation runs)."""
    if current is None:
        raise RuntimeError("gilsim: no simulated thread is running")
    return current
