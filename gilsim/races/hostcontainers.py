"""Native operations on whole containers on the host's interpreter (3.12, 3.13): for
schedule exploration only (``gilsim.races.containers`` on gilsim's own interpreter).

With segments (``Recorder.keep_segments``) a ``ContainerWatcher`` looks at the instructions
of the program's own code that hand a whole container to native code, before each runs, and
notes a read (``"R"``) or a write (``"W"``) of it (``gilsim.races.natives``): a call of
anything that is not a Python function, iteration (``GET_ITER``, then each ``FOR_ITER`` of
that iterator), unpacking, ``in`` on a list or set, an operator with a container operand,
building from a container (``[*xs]``, ``{**d}``), a slice read, written or deleted.  The
operands are read from the frame's value stack (``gilsim.tracer.valuestack``); where they sit
is each version's (``Python/bytecodes.c``):

- ``CALL``: 3.12 has ``method, callable, args`` (``method`` ``NULL`` for a plain call, else
  ``callable`` is its ``self``); 3.13 ``callable, self_or_null, args``, and ``CALL_KW`` has
  the keyword names on top of them.
- ``CALL_FUNCTION_EX``: 3.12 ``unused, func, callargs[, kwargs]``, 3.13
  ``func, unused, callargs[, kwargs]``.
- Slices with constant-free bounds are ``BINARY_SLICE`` and ``STORE_SLICE`` since 3.12
  (``container, start, stop``), a slice object otherwise (``BINARY_SUBSCR``).

``FOR_ITER`` sees an iterator, not what it iterates: the container of a thread's latest
``GET_ITER`` belongs to the next iterator one of its ``FOR_ITER``s meets that it does not
know (the compiler puts the loop right after ``GET_ITER``; a generator expression's loop runs
in its own frame, later).  A ``GET_ITER`` whose iterator is never looped over can lend its
container to another loop: the segments then read more than they did, which costs schedules,
never misses one.
"""

from __future__ import annotations

import dis
import sys
import types
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from gilsim.races.hostrecording import Frame
from gilsim.races.natives import NB_INPLACE, call_accesses, is_whole
from gilsim.races.recorder import Recorder, is_program_code
from gilsim.tracer.valuestack import NULL, depths, nlocalsplus

if TYPE_CHECKING:
    from gilsim.tracer.codeinfo import CodeInfo

# 3.13 puts a call's callable below ``self_or_null``; 3.12 ``CALL_FUNCTION_EX`` has it on the
# other side of the unused slot.
_FUNC_FIRST = sys.version_info >= (3, 13)

# How many iterators of containers the recorder remembers (for each ``FOR_ITER``).
_ITERATED_MAX = 4096

Step = Callable[["ContainerWatcher", Any, Frame, dis.Instruction], None]


class ContainerWatcher:
    """The instruction watcher of whole-container operations, for exploration."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        # Per code object (by id; the plan keeps the code alive): per offset, the step and
        # its instruction; the stack depths; the slot count.
        self.plans: dict[int, tuple[dict[int, Any], dict[int, int], int, types.CodeType]] = {}
        # Per thread ident: the container of its latest ``GET_ITER`` no loop has met yet.
        self.unbound: dict[int, Any] = {}

    def offsets(self, info: CodeInfo) -> Collection[int]:
        code = info.code
        if not is_program_code(code.co_filename):
            return ()
        at = depths(code)
        if at is None:  # the walk disagrees with the compiler: read no stack of it
            return ()
        steps = {}
        for ins in dis.get_instructions(code):
            step = STEPS.get(ins.opname)
            if step is not None and ins.offset in at:
                steps[ins.offset] = (step, ins)
        self.plans[id(code)] = (steps, at, nlocalsplus(code), code)
        return steps.keys()

    def before(self, ts: Any, frame: types.FrameType, offset: int) -> None:
        code = frame.f_code
        plan = self.plans.get(id(code))
        if plan is None or plan[3] is not code or self.recorder.finished:
            return
        planned = plan[0].get(offset)
        if planned is not None:
            step, ins = planned
            step(self, ts, Frame(frame, plan[2], plan[1][offset]), ins)

    def whole(self, container: Any, mode: str) -> None:
        self.recorder.whole(container, mode)


def _called(w: ContainerWatcher, frame: Frame, args: int, above: int) -> None:
    """A call with ``args`` arguments under ``above`` other items."""
    first, second = frame.top(args + 1 + above), frame.top(args + above)
    if first is NULL:  # 3.12, a plain call
        function, receiver = second, None
    elif second is NULL:  # 3.13, a plain call
        function, receiver = first, None
    else:
        function, receiver = first, second
    values = [frame.top(n + above) for n in range(args)]
    for container, mode in call_accesses(function, receiver, values, types.FunctionType):
        w.whole(container, mode)


def _call(w: ContainerWatcher, ts: Any, frame: Frame, ins: dis.Instruction) -> None:
    _called(w, frame, ins.arg or 0, 0)


def _call_kw(w: ContainerWatcher, ts: Any, frame: Frame, ins: dis.Instruction) -> None:
    _called(w, frame, ins.arg or 0, 1)  # 3.13: the keyword names on top


def _call_function_ex(w: ContainerWatcher, ts: Any, frame: Frame, ins: dis.Instruction) -> None:
    above = 1 if (ins.arg or 0) & 1 else 0  # the keyword arguments' dict
    args = frame.top(above)
    function = frame.top(above + (2 if _FUNC_FIRST else 1))
    if type(args) is tuple:
        for container, mode in call_accesses(function, None, args, types.FunctionType):
            w.whole(container, mode)


def _get_iter(w: ContainerWatcher, ts: Any, frame: Frame, ins: dis.Instruction) -> None:
    iterable = frame.top()
    if is_whole(iterable):
        w.whole(iterable, "R")
        w.unbound[ts.os_thread.ident] = iterable


def _for_iter(w: ContainerWatcher, ts: Any, frame: Frame, ins: dis.Instruction) -> None:
    iterator = frame.top()
    iterated = w.recorder.iterated
    entry = iterated.get(id(iterator))
    if entry is None or entry[0] is not iterator:
        container = w.unbound.pop(ts.os_thread.ident, None)
        if container is None or type(iterator) is types.GeneratorType:
            return
        if len(iterated) >= _ITERATED_MAX:
            iterated.clear()
        entry = iterated[id(iterator)] = (iterator, container)
    w.whole(entry[1], "R")


def _binary_op(w: ContainerWatcher, ts: Any, frame: Frame, ins: dis.Instruction) -> None:
    left, right = frame.top(1), frame.top()
    if is_whole(left):
        w.whole(left, "W" if (ins.arg or 0) >= NB_INPLACE else "R")
    if is_whole(right):
        w.whole(right, "R")


def _contains_op(w: ContainerWatcher, ts: Any, frame: Frame, ins: dis.Instruction) -> None:
    """``x in xs`` for a list, set or deque (a dict's items are places, recorded already)."""
    container = frame.top()
    if is_whole(container) and not issubclass(type(container), dict):
        w.whole(container, "R")


def _reads_top(w: ContainerWatcher, ts: Any, frame: Frame, ins: dis.Instruction) -> None:
    operand = frame.top()
    if is_whole(operand):
        w.whole(operand, "R")


def _subscript(mode: str) -> Step:
    """A subscript with a slice object (not one place): the whole container."""

    def step(w: ContainerWatcher, ts: Any, frame: Frame, ins: dis.Instruction) -> None:
        container = frame.top(1)
        if type(frame.top()) is slice and is_whole(container):
            w.whole(container, mode)

    return step


def _slice(mode: str) -> Step:
    """``BINARY_SLICE``, ``STORE_SLICE``: the container under the two bounds."""

    def step(w: ContainerWatcher, ts: Any, frame: Frame, ins: dis.Instruction) -> None:
        container = frame.top(2)
        if is_whole(container):
            w.whole(container, mode)

    return step


STEPS: dict[str, Step] = {
    "CALL": _call,
    "CALL_KW": _call_kw,
    "CALL_FUNCTION_EX": _call_function_ex,
    "GET_ITER": _get_iter,
    "FOR_ITER": _for_iter,
    "BINARY_OP": _binary_op,
    "CONTAINS_OP": _contains_op,
    "UNPACK_SEQUENCE": _reads_top,
    "UNPACK_EX": _reads_top,
    "LIST_EXTEND": _reads_top,
    "SET_UPDATE": _reads_top,
    "DICT_UPDATE": _reads_top,
    "DICT_MERGE": _reads_top,
    "BINARY_SUBSCR": _subscript("R"),
    "STORE_SUBSCR": _subscript("W"),
    "DELETE_SUBSCR": _subscript("W"),
    "BINARY_SLICE": _slice("R"),
    "STORE_SLICE": _slice("W"),
}
