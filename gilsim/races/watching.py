"""Where each thread passed its recent switch points.

The GIL's ``Watcher`` (``gilsim.gil.watch``) counts every thread's switch points and keeps
where it passed the last one.  A possible atomicity violation is best told by the *first*
switch point between a read and the write that depends on it (``counter = f(counter)``: on
entering ``f()``), so the recorder's own watcher also keeps the last few, in order.  When
another watcher is installed already (schedule exploration installs one that chooses), the
recorder uses it as it is and tells the last switch point before the write instead.
"""

from __future__ import annotations

import collections
from typing import Any

from gilsim.gil.watch import Watcher, Where
from gilsim.machine import OSThread

# How many switch points per thread are remembered (a read and its write rarely have more
# than a few between them; beyond this the report names the last one).
RECENT = 32


class RecordingWatcher(Watcher):
    """A ``Watcher`` that remembers, per thread, (count, where) of its last ``RECENT``
    switch points: consecutive counts, oldest first."""

    def __init__(self) -> None:
        super().__init__()
        self.recent: dict[int, collections.deque[tuple[int, Where | None]]] = {}

    def check_point(self, holder: OSThread, waiting: list[OSThread]) -> OSThread | None:
        chosen = super().check_point(holder, waiting)
        self._remember(holder.ident)
        return chosen

    def released(self, holder: OSThread, forced: bool) -> None:
        super().released(holder, forced)
        if not forced:
            self._remember(holder.ident)

    def _remember(self, ident: int) -> None:
        ring = self.recent.get(ident)
        if ring is None:
            ring = self.recent[ident] = collections.deque(maxlen=RECENT)
        ring.append((self.points[ident], self.last_where.get(ident)))


def where_after(watcher: Any, tid: int, points: int) -> tuple[Where | None, bool]:
    """Where thread ``tid`` passed its switch point number ``points + 1``, and True; or, if
    that is no longer known, where it passed its last one, and False."""
    recent = getattr(watcher, "recent", None)
    ring = recent.get(tid) if recent is not None else None
    if ring:
        back = ring[-1][0] - (points + 1)
        if 0 <= back < len(ring):
            return ring[-1 - back][1], True
    return watcher.last_where.get(tid), False
