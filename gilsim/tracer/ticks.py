"""The old GIL's ticks on the host's interpreter (``--gil old`` on 3.12 and 3.13): 2.7's
``_Py_Ticker`` counted down one tick at a time, before each instruction that ticks
(``docs/model/gil.md`` §3.1; ``gilsim.gil.oldgil``).

2.7 decrements its ticker at the top of its eval loop, before every instruction that does
not go straight to ``fast_next_opcode``; when the ticker runs out there, the holder releases
the GIL and takes it again, *before* that instruction runs.  gilsim's own 3.11 interpreter
can only wind the ticker down at 3.11's check points, by an estimate of the ticks run since
the previous one (``OldGIL.tick_weight``).  On the host's interpreter every ticking
instruction is an ``INSTRUCTION`` event (``gilsim.tracer.instructions``), so the ticker
counts exactly, and a release falls where 2.7's does: between the load and the store of
``x = x + 1`` on a global, say, which loses updates under the old GIL as it does in 2.7
(``docs/model/gil.md`` §2.6: 637,756 of 2,000,000).

Which instructions tick is ``oldgil.FAST_OPNAMES``'s complement, by the names ``dis`` shows
(the host's unspecialised instructions).  The events cost one callback a tick; the fast
instructions, never watched, cost nothing.
"""

from __future__ import annotations

import dis
import types
from typing import TYPE_CHECKING, Any

from gilsim.gil.oldgil import FAST_OPNAMES, OldGIL

if TYPE_CHECKING:
    from gilsim.tracer.codeinfo import CodeInfo


class TickWatcher:
    """An ``InstructionWatcher`` that ticks the old GIL ``gil`` before every instruction
    that ticks in 2.7."""

    def __init__(self, gil: OldGIL) -> None:
        self.gil = gil
        gil.by_instruction = True
        # The offsets of each code object seen (by id; the code is kept with them).
        self._offsets: dict[int, tuple[types.CodeType, frozenset[int]]] = {}

    def offsets(self, info: CodeInfo) -> frozenset[int]:
        offsets = ticking_offsets(info.code)
        self._offsets[id(info.code)] = (info.code, offsets)
        return offsets

    def before(self, ts: Any, frame: types.FrameType, offset: int) -> None:
        seen = self._offsets.get(id(frame.f_code))
        if seen is not None and offset in seen[1]:  # not another watcher's
            self.gil.tick(ts.os_thread)


def ticking_offsets(code: types.CodeType) -> frozenset[int]:
    """The offsets of ``code``'s instructions that tick (not ``FAST_OPNAMES``)."""
    return frozenset(
        instruction.offset
        for instruction in dis.get_instructions(code)
        if instruction.opname not in FAST_OPNAMES
    )
