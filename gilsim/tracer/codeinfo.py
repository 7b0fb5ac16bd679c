"""What the tracer knows of one code object, worked out once, the first time it runs
(``analyse``), so that each event costs a few list lookups.

Between two monitoring events, a frame runs straight on: every jump raises ``JUMP`` or
``BRANCH``, every call ``CALL``, every return or yield its own event.  So the instructions a
frame ran since its last event are exactly those from the place it went on from (a function's
start, a jump's destination, the instruction after a call, a handler's start) up to the
instruction that raised the new event.  Their cost is the difference of two running sums over
the code's instructions: ``through[b] - before[a]`` is the cost of the instructions from byte
offset ``a`` up to and including the one at ``b`` (``n_through``/``n_before`` count them).
Both lists have an entry for every byte offset, so that ``a`` may also be "just after the
instruction at ``b``" (``b + 1``).

``checked_resumes`` are the offsets of the ``RESUME`` instructions that poll ``eval_breaker``
when a frame resumes there (after a plain ``yield``); ``call_args`` gives the argument count
of each call instruction, which tells ``type(x)`` from ``type(name, bases, dict)``;
``warm_calls`` the call instructions that have run once (and are specialised from now on).
"""

from __future__ import annotations

import dis
import inspect
import opcode
import os
import types

from gilsim.versions import Version

# Where gilsim's own code lives: the tracer never charges it and turns its events off.
GILSIM_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
# Methods that attrs writes for gilsim's classes (``__init__``, ``__eq__``...).
GENERATED = "<attrs generated"

_CACHES = opcode._inline_cache_entries  # type: ignore[attr-defined]
if isinstance(_CACHES, dict):  # 3.13: by name
    _CACHE_COUNT = [_CACHES.get(opcode.opname[op], 0) for op in range(256)]
else:  # 3.12: by opcode
    _CACHE_COUNT = list(_CACHES)
_EXTENDED_ARG = dis.EXTENDED_ARG
_RESUME = opcode.opmap["RESUME"]
_CALLS = frozenset(opcode.opmap[name] for name in ("CALL", "CALL_KW") if name in opcode.opmap)


def is_own(code: types.CodeType) -> bool:
    """Whether ``code`` is gilsim's own (never charged, never a place to switch)."""
    filename = code.co_filename
    return filename.startswith(GILSIM_DIR) or filename.startswith(GENERATED)


class CodeInfo:
    """The running sums and check-point facts of one code object (see the module's
    docstring).  A plain class with slots: the tracer reads its fields on every event."""

    __slots__ = (
        "code",
        "own",
        "before",
        "through",
        "n_before",
        "n_through",
        "checked_resumes",
        "call_args",
        "warm_calls",
        "watched",
    )

    def __init__(self, code: types.CodeType, own: bool) -> None:
        self.code = code
        self.own = own
        self.before: list[int] = []
        self.through: list[int] = []
        self.n_before: list[int] = []
        self.n_through: list[int] = []
        self.checked_resumes: frozenset[int] = frozenset()
        self.call_args: dict[int, int] = {}
        # The call instructions that have run once: CPython runs a call instruction
        # unspecialised the first time and specialises it from the second
        # (``adaptive_counter_warmup``: S312 ``Include/internal/pycore_code.h``), so a
        # check-free specialisation checks the first time all the same.
        self.warm_calls: set[int] = set()
        # The offsets whose instructions a watcher wants to see (``gilsim.tracer.
        # instructions``); the tracer turns ``INSTRUCTION`` off at every other one.
        self.watched: frozenset[int] = frozenset()


def analyse(code: types.CodeType, version: Version, tax_permille: int = 0) -> CodeInfo:
    """The ``CodeInfo`` of ``code`` under ``version``'s costs and check points, every
    instruction dearer by ``tax_permille`` thousandths (the free-threaded build's: the
    running sums are taxed and rounded, so a stretch of instructions costs its taxed sum,
    rounded, as in ``gilsim.interpreter.decode``)."""
    own = is_own(code)
    info = CodeInfo(code, own)
    if own:
        return info
    raw = code.co_code  # the unspecialised instructions, as ``dis`` shows them
    size = len(raw)
    costs = version.costs
    default = costs.get("default", 8)
    cost_of = [costs.get(name, default) for name in opcode.opname]
    # Binding ``*args`` and ``**kwargs``: charged with the first instruction, which a frame
    # runs once, when it starts.
    entry = 0
    if code.co_flags & inspect.CO_VARARGS:
        entry += version.varargs_ns
    if code.co_flags & inspect.CO_VARKEYWORDS:
        entry += version.varkeywords_ns
    before = [0] * (size + 2)
    through = [0] * (size + 2)
    n_before = [0] * (size + 2)
    n_through = [0] * (size + 2)
    checked: set[int] = set()
    call_args: dict[int, int] = {}
    mask = version.resume_location_mask
    total = count = 0
    offset = 0
    extended = 0
    while offset < size:
        op = raw[offset]
        arg = raw[offset + 1] | extended
        extended = (arg << 8) if op == _EXTENDED_ARG else 0
        end = offset + 2 + 2 * _CACHE_COUNT[op]
        cost = cost_of[op]
        if offset == 0:
            cost += entry
        before[offset] = total
        n_before[offset] = count
        total += cost
        count += op != _EXTENDED_ARG  # ``dis`` shows it, but it is a prefix, not a step
        for at in range(offset, min(end, size + 2)):
            through[at] = total
            n_through[at] = count
            if at > offset:
                before[at] = total
                n_before[at] = count
        if op == _RESUME and (arg & mask) < 2:
            checked.add(offset)
        elif op in _CALLS:
            call_args[offset] = arg
        offset = end
    for at in range(size, size + 2):
        before[at] = through[at] = total
        n_before[at] = n_through[at] = count
    if tax_permille:
        scale = 1000 + tax_permille
        before = [(value * scale + 500) // 1000 for value in before]
        through = [(value * scale + 500) // 1000 for value in through]
    info.before, info.through = before, through
    info.n_before, info.n_through = n_before, n_through
    info.checked_resumes = frozenset(checked)
    info.call_args = call_args
    return info
