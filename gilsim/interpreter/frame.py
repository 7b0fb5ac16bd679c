"""The simulated frame: CPython's ``_PyInterpreterFrame`` (``Include/internal/pycore_frame.h``)
as plain data.

A thread's frames form a linked list through ``previous``, innermost first, exactly as in
CPython 3.11; a call from simulated code to simulated code links a new frame in front and the
eval loop carries on with it, so simulated calls never recurse on the host stack.
"""

from __future__ import annotations

from typing import Any


class _Null:
    """CPython's ``NULL`` on the value stack: pushed by ``PUSH_NULL`` and by ``LOAD_GLOBAL``
    with the low bit set, read by ``CALL`` to tell a method call from a plain one.  Also
    marks an unbound fast local."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NULL"


NULL: Any = _Null()


class Frame:
    """One activation of a code object.

    ``fast`` is the "localsplus" array: arguments and locals, then cells, then free variables
    (their slots hold ``types.CellType`` objects once ``MAKE_CELL``/``COPY_FREE_VARS`` ran).
    ``locals`` is the namespace dict of module and class bodies (``LOAD_NAME``), ``None``
    in functions.  ``pc`` is the number of the next instruction to run.
    """

    __slots__ = (
        "code",
        "fast",
        "stack",
        "pc",
        "globals",
        "builtins",
        "locals",
        "function",
        "previous",
        "generator",
        "kw_names",
        "is_entry",
        "resume_target",
        "thread",
        "locals_snapshot",
        "init_self",
    )

    def __init__(
        self,
        code: Any,
        fast: list[Any],
        globals_: dict[str, Any],
        builtins: dict[str, Any],
        locals_: dict[str, Any] | None = None,
        function: Any = None,
    ) -> None:
        self.code = code
        self.fast = fast
        self.stack: list[Any] = []
        self.pc = 0
        self.globals = globals_
        self.builtins = builtins
        self.locals = locals_
        self.function = function
        # Typed loosely: None only for the outermost frame, which never returns through it.
        self.previous: Any = None
        # The generator or coroutine that owns this frame, if any.
        self.generator: Any = None
        # The names of keyword arguments set by ``KW_NAMES`` for the next ``CALL``.
        self.kw_names: tuple[str, ...] = ()
        # True for the first frame of a run of the eval loop (the program's main module, or a
        # function called back from native code): when it returns, that run of the loop ends.
        self.is_entry = False
        # Where a generator frame's resumer continues when the generator returns: the target
        # of the ``FOR_ITER``/``SEND`` that resumed it, or ``None`` when resumed natively.
        self.resume_target: Any = None
        self.thread: Any = None
        # The dict ``locals()`` returns in a function: one per frame, refreshed from the fast
        # locals at each call, as ``PyFrame_FastToLocalsWithError`` does in 3.11.
        self.locals_snapshot: dict[str, Any] | None = None
        # For the frame of an ``__init__`` that a call of its class pushed (``calls.call``):
        # the new instance, which the call returns once ``__init__`` has returned None.
        self.init_self: Any = None

    @property
    def lasti(self) -> int:
        """The number of the instruction being (or last) executed."""
        return self.pc - 1

    @property
    def lineno(self) -> int | None:
        return self.code.line(max(self.pc - 1, 0))

    # -- what a program sees of a frame (``frame`` objects: ``Objects/frameobject.c``) ------

    @property
    def f_code(self) -> Any:
        return self.code.code

    @property
    def f_lineno(self) -> int | None:
        if self.pc == 0:
            return self.code.code.co_firstlineno
        return self.lineno

    @property
    def f_lasti(self) -> int:
        return self.code.offsets[max(self.pc - 1, 0)]

    @property
    def f_globals(self) -> dict[str, Any]:
        return self.globals

    @property
    def f_builtins(self) -> dict[str, Any]:
        return self.builtins

    @property
    def f_locals(self) -> Any:
        from gilsim.interpreter.builtins import frame_locals

        return frame_locals(self)

    @property
    def f_back(self) -> Any:
        return self.previous

    def __repr__(self) -> str:
        code = self.code.code
        return f"<frame at {id(self):#x}, file {code.co_filename!r}, line {self.f_lineno}, code {code.co_name}>"


class _Exit:
    """Returned by a handler when the entry frame of this run of the loop returned or
    yielded; the value is in ``ThreadState.retval``."""

    __slots__ = ()


EXIT: Any = _Exit()


class _LeftEarly:
    """Returned by a compiled block that jumped out before its end; the cost of the
    instructions it skipped is in ``ThreadState.refund_*``."""

    __slots__ = ()


LEFT_EARLY: Any = _LeftEarly()


class _Pending:
    """Returned by a check point (``docs/model/gil.md`` §2.1) that found ``eval_breaker`` set: the
    eval loop, which holds the up-to-date clock, handles the pending work (a GIL drop
    request) and goes on at ``frame.pc``."""

    __slots__ = ()


PENDING: Any = _Pending()


class _PendingInCaller:
    """Returned when a frame returned to its caller (``ts.frame``) at the end of a call
    that ends at a check point (an ``__init__`` run for a call of its class): the eval loop
    goes on in the caller and handles the pending work there first."""

    __slots__ = ()


PENDING_IN_CALLER: Any = _PendingInCaller()


class RaiseInCaller(BaseException):
    """Raised by a handler whose frame has already returned: the exception ``exc`` belongs
    to the caller, ``frame`` (``type_call``'s "__init__() should return None")."""

    def __init__(self, frame: Frame, exc: BaseException) -> None:
        super().__init__()
        self.frame = frame
        self.exc = exc


def push_frame(ts: Any, caller: Frame | None, frame: Frame) -> Frame:
    """Link ``frame`` in front of ``caller`` on ``ts`` (a simulated-to-simulated call)."""
    depth = ts.depth + 1
    if depth > ts.interp.recursion_limit:
        raise RecursionError("maximum recursion depth exceeded")
    ts.depth = depth
    frame.previous = caller
    frame.thread = ts
    ts.frame = frame
    return frame
