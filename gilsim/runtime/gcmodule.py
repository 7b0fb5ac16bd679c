"""The simulated ``gc`` (``Modules/gcmodule.c``): the host's collector, with what a collection
and ``gc.freeze()`` mean for a fork child's shared pages (``gilsim.processes.pages``).

A full collection writes the ``PyGC_Head`` of every object it scans, so in a fork child it
copies every page holding a tracked object inherited from the parent, with the time those
faults take.  ``gc.freeze()`` (3.7, bpo-31558, for Instagram's pre-fork servers) moves
everything tracked into the permanent generation, which collections never scan: a child of a
parent that froze copies none of those pages by collecting (docs/model/processes.md §2, item 15).
The collection itself is the host's, as before: gilsim's objects are host objects.
"""

from __future__ import annotations

import gc
from typing import Any

from gilsim.interpreter import calls, state
from gilsim.runtime import ShadowModule

# gcmodule.c: NUM_GENERATIONS.
_GENERATIONS = 3


def make_gc(interp: state.InterpreterState) -> ShadowModule:
    """The program's ``gc``."""

    def collect(generation: Any = _GENERATIONS - 1) -> int:
        if not isinstance(generation, int):
            raise TypeError(
                f"'{type(generation).__name__}' object cannot be interpreted as an integer"
            )
        if not 0 <= generation < _GENERATIONS:
            raise ValueError("invalid generation")
        found = gc.collect(generation)
        # What the parent had lies in its oldest generation: only a full collection scans it.
        if interp.pages is not None and generation == _GENERATIONS - 1:
            spent = interp.pages.collect()
            if spent:
                calls.spend(interp, state.current_thread(), spent)
        return found

    def freeze() -> None:
        # Everything tracked now; the host's collector tracks the program's objects.
        interp.gc_frozen = interp.gc_frozen | {id(obj) for obj in gc.get_objects()}

    def unfreeze() -> None:
        interp.gc_frozen = frozenset()

    def get_freeze_count() -> int:
        return len(interp.gc_frozen)

    return ShadowModule(
        gc,
        {
            "collect": collect,
            "freeze": freeze,
            "unfreeze": unfreeze,
            "get_freeze_count": get_freeze_count,
        },
        frozenset(),
    )
