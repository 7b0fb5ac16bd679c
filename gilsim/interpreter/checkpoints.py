"""Where the eval loop polls ``eval_breaker``, by Python version (``spec/gil.md`` §2): the
places a thread running bytecode can lose the GIL.

``VERSIONS`` lists the versions whose check points gilsim can put on the host's (3.11)
bytecode (``--checkpoints``).  3.11's are in the handlers themselves: ``RESUME`` with an
argument below 2, ``JUMP_BACKWARD``, a taken ``POP_JUMP_BACKWARD_IF_*``, and ``CALL`` after a
callee that did not run in the same eval loop (``calls.checks_after``).
"""

from __future__ import annotations

VERSIONS: tuple[str, ...] = ("3.11",)
