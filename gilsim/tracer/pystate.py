"""The interpreter state of a program running on the host's interpreter: CPython's
``PyInterpreterState`` as the machine and the runtime's shadows see it (the clock, the
limits, the GIL, the kernel...), shared with gilsim's own bytecode interpreter
(``gilsim.interpreter.state``), plus the tracer that keeps its clock.

The machine tells it which thread runs (``enter``) and when none does (``leave``): the
tracer charges time and takes check points only while a thread's program code runs.
"""

from __future__ import annotations

import dis
import functools
import sys
import types
from collections.abc import Iterator
from typing import Any

import greenlet

from gilsim.gil.watch import Where
from gilsim.interpreter import state
from gilsim.interpreter import tracebacks as interpreted_tracebacks
from gilsim.tracer import C_HEADROOM, hoststate, tracebacks
from gilsim.tracer.codeinfo import is_own
from gilsim.tracer.monitor import Tracer
from gilsim.tracer.tracebacks import trim
from gilsim.versions import Version

# The units of C stack a program's greenlet uses to reach its first frame beyond what a new
# thread of CPython's does (the greenlet's start and ``functools.partial``; measured: the
# first frame of a thread reads 1498 in 3.12, of a program's greenlet 1496 more than it was
# given).
GREENLET_START_UNITS = 2


class TracedInterpreter(state.InterpreterState):
    """A simulated interpreter whose program runs in the host's eval loop."""

    traced = True

    def __init__(
        self,
        version: Version,
        *,
        max_time_ns: int | None = None,
        max_instructions: int | None = None,
        tax_permille: int = 0,
    ) -> None:
        super().__init__(
            {}, dict(version.costs), max_time_ns=max_time_ns, max_instructions=max_instructions
        )
        self.version = version
        self.checkpoints = version.name
        self.tracer = Tracer(self, version, tax_permille)
        # The ident of the main thread (``_thread._get_main_thread_ident``).
        self.main_ident = 0
        # What ``gilsim.hostprogram`` ran it with (a ``Config``), and the ``World`` it put
        # in place: a program it starts runs with the one, and puts the other away.
        self.config: Any = None
        self.host_world: Any = None

    def enter(self, thread: Any, now_ns: int, next_event_ns: int) -> None:
        super().enter(thread, now_ns, next_event_ns)
        ts = thread.payload
        # A thread switched out inside a C function of gilsim's goes on there.
        self.tracer.running = ts if ts.native == 0 else None

    def leave(self, thread: Any) -> None:
        self.tracer.running = None

    def where(self, ts: Any) -> Where | None:
        """Where thread ``ts``'s innermost frame of the program's is: the instruction it
        last ran (``f_lasti``), or None if it has none."""
        frame = self._innermost(ts)
        while frame is not None and is_own(frame.f_code):
            frame = frame.f_back
        if frame is None:
            return None
        code = frame.f_code
        raw = code.co_code
        lasti = frame.f_lasti
        opname = dis.opname[raw[lasti]] if 0 <= lasti < len(raw) else "?"
        return Where(code.co_filename, frame.f_lineno, opname, code.co_name)

    def _innermost(self, ts: Any) -> types.FrameType | None:
        """The innermost frame of thread ``ts``: the running thread's (the caller's), a
        suspended one's where its greenlet stopped."""
        thread_greenlet = ts.os_thread.greenlet if ts.os_thread is not None else None
        if thread_greenlet is None or thread_greenlet is greenlet.getcurrent():
            return sys._getframe(2)
        frame: types.FrameType | None = thread_greenlet.gr_frame
        return frame

    def frames(self, ts: Any) -> Iterator[tuple[str, int, str]]:
        """The program's frames of thread ``ts``, innermost first: the running thread's
        from here, a suspended one's from where its greenlet stopped."""
        frame = self._innermost(ts)
        while frame is not None:
            code = frame.f_code
            if not is_own(code):  # gilsim's frames are C functions to the program
                yield code.co_filename, frame.f_lineno, code.co_name
            frame = frame.f_back

    def format_exception(self, exc: BaseException) -> str:
        return tracebacks.format_exception(exc)

    def write_unraisable(self, message: str, exc: BaseException) -> None:
        interpreted_tracebacks.write_unraisable(message, exc, tracebacks.format_exception)

    def print_uncaught(self, exc: BaseException) -> None:
        """``PyErr_Print``: the program's ``sys.excepthook`` if it set one, else the
        traceback as CPython prints it."""
        trim(exc)
        for stream in (sys.stdout,):
            try:
                stream.flush()
            except Exception:
                pass
        hook = sys.excepthook
        if hook is not sys.__excepthook__:
            try:
                self.call_program(hook, type(exc), exc, exc.__traceback__)
                return
            except BaseException:
                pass
        sys.stderr.write(tracebacks.format_exception(exc))
        sys.stderr.flush()

    def call_program(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        """Call the program's ``function`` as C calls Python with no Python frame below:
        a thread's start (``thread_run``), the main module (``pymain_run_file``), the end of
        the interpreter (``threading._shutdown``, ``atexit``).  It runs as the first frame
        of a greenlet of its own, so that no frame of gilsim's is under it: its
        ``f_back`` is None, ``traceback.format_stack()`` shows the program's frames only.
        The machine goes on with the thread in that greenlet until the call returns."""
        ts = state.current_thread()
        thread = ts.os_thread
        body = thread.greenlet
        program = greenlet.greenlet(functools.partial(function, *args, **kwargs), parent=body)
        native, ts.native = ts.native, 0
        thread.greenlet = program
        self.tracer.running = ts
        # Its recursion counters start afresh, as a new thread's do, with room for
        # gilsim's frames beside the program's (``Tracer.too_deep``); the greenlet keeps
        # them from here on.
        counters = hoststate.counter()
        counters.py_recursion_remaining.value = counters.py_recursion_limit.value
        counters.c_recursion_remaining.value = (
            self.version.c_recursion_limit + C_HEADROOM + GREENLET_START_UNITS
        )
        try:
            return program.switch()
        finally:
            thread.greenlet = body
            ts.native = native
            self.tracer.running = None if native else ts

    def program_module(self, name: str) -> types.ModuleType | None:
        """The program's module ``name``: ``sys.modules`` is the program's during a run
        (``gilsim.runtime.hostworld``)."""
        module = sys.modules.get(name)
        return module if isinstance(module, types.ModuleType) else None
