"""Tracebacks as CPython shows them: the program's real frames, without gilsim's.

A traceback of the host's interpreter has an entry for every Python frame an exception went
through, gilsim's own among them: the shadow of a C function that raised
(``lock.release()`` of an unlocked lock raises inside ``gilsim/runtime/threadmodule.py``), or
gilsim's code at the bottom of a thread that caught it.  CPython's C functions leave no
entry, so ``trim`` takes gilsim's out, here and in the causes and contexts.  The tracer trims
a traceback as it reaches the program's first frame (``RAISE``), so that the program sees it
as CPython would; the end of a thread or of the main module trims what it prints.
"""

from __future__ import annotations

import io
import sys
import types

from gilsim.tracer.codeinfo import is_own


def _own(tb: types.TracebackType) -> bool:
    return is_own(tb.tb_frame.f_code)


def without_own(tb: types.TracebackType | None) -> types.TracebackType | None:
    """The traceback ``tb`` with gilsim's entries taken out (relinked in place)."""
    while tb is not None and _own(tb):
        tb = tb.tb_next
    head = tb
    while tb is not None:
        following = tb.tb_next
        while following is not None and _own(following):
            following = following.tb_next
        if following is not tb.tb_next:
            tb.tb_next = following
        tb = following
    return head


def trim(exc: BaseException) -> BaseException:
    """``exc`` with gilsim's frames out of its traceback and those of its causes and
    contexts; returns ``exc``."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if current.__traceback__ is not None:
            current.__traceback__ = without_own(current.__traceback__)
        pending.extend((current.__cause__, current.__context__))
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
    return exc


def format_exception(exc: BaseException) -> str:
    """``exc`` as CPython prints it when it is not caught: by ``sys.__excepthook__``, which
    is CPython's own ``PyErr_Display`` (C in 3.12, whose carets differ from the
    ``traceback`` module's in places; the ``traceback`` module in 3.13)."""
    trim(exc)
    buffer = io.StringIO()
    saved = sys.stderr
    sys.stderr = buffer
    try:
        sys.__excepthook__(type(exc), exc, exc.__traceback__)
    finally:
        sys.stderr = saved
    return buffer.getvalue()
