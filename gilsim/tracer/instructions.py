"""Single instructions, for the modes that look at them: race recording (the loads and
stores of shared places), watching reference counts, and the check points of other versions
(``--checkpoints 3.9``, the old GIL's ticks).

Charging time needs no event per instruction (``monitor``); these modes do.  A mode is an
``InstructionWatcher``: when the tracer first sees a code object of the program's, it asks
each watcher which of its instructions it wants to see (``offsets``), and ``INSTRUCTION``
events, on only when some watcher is installed, are turned off (``DISABLE``) at every other
offset the first time they fire there, so that a location nobody watches costs one event in
the whole run.  At a watched one the tracer first charges what ran before it, then calls each
watcher's ``before`` with the thread, the program's frame and the offset: the instruction has
not run yet (``sys.monitoring``'s ``INSTRUCTION`` fires before it), and the frame is the real
one, its locals, globals and line as CPython has them.
"""

from __future__ import annotations

import types
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from gilsim.tracer.codeinfo import CodeInfo


class InstructionWatcher(Protocol):
    """A mode that looks at single instructions of the program's code."""

    def offsets(self, info: CodeInfo) -> Collection[int]:
        """The byte offsets of ``info.code``'s instructions this watcher wants to see."""
        ...

    def before(self, ts: Any, frame: types.FrameType, offset: int) -> None:
        """Thread ``ts`` is about to run the instruction at ``offset`` of ``frame``."""
        ...


def every_instruction(info: CodeInfo) -> frozenset[int]:
    """Every instruction's offset (not the ``CACHE`` entries'), for a watcher that wants
    them all."""
    import dis

    return frozenset(instruction.offset for instruction in dis.get_instructions(info.code))
