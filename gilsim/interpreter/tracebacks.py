"""Simulated tracebacks, and printing them in CPython 3.11's format.

CPython adds a traceback entry for a frame each time an exception passes through it
(``PyTraceBack_Here``, called at the ``error:`` label of ``Python/ceval.c``), so a traceback
lists frames outermost first.  gilsim keeps the same entries -- (decoded code, instruction
number) -- in a side table keyed by the exception object, because a real
``types.TracebackType`` needs a real frame.  Printing goes through the host's ``traceback``
module (``TracebackException``), whose output is the interpreter's own format, carets and
"Did you mean" suggestions included; only the stacks are replaced by the simulated ones.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import Any

from gilsim.interpreter import suggestions

# id(exception) -> record.  A record holds the exception alive; ``prune`` drops records of
# exceptions nobody else references any more, so the table stays small.
_records: dict[int, Record] = {}
_PRUNE_AT = 4096


class Record:
    __slots__ = ("exc", "entries", "in_flight", "reraise", "innermost_frame")

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc
        # (decoded code, instruction number, frame namespace names) innermost first.
        self.entries: list[tuple[Any, int]] = []
        # True while the exception travels through native code from a simulated frame.
        self.in_flight = False
        # True when raised again by a bare ``raise``/``RERAISE``: no new entry, no context.
        self.reraise = False
        # The innermost frame, whose names a NameError suggestion is chosen from.
        self.innermost_frame: Any = None


def record(exc: BaseException) -> Record:
    rec = _records.get(id(exc))
    if rec is None or rec.exc is not exc:
        if len(_records) >= _PRUNE_AT:
            prune()
        rec = Record(exc)
        _records[id(exc)] = rec
    return rec


def find(exc: BaseException) -> Record | None:
    rec = _records.get(id(exc))
    return rec if rec is not None and rec.exc is exc else None


def prune() -> None:
    """Forget exceptions that only this table still references."""
    global _PRUNE_AT
    for key, rec in list(_records.items()):
        # The table's record, the loop variable and getrefcount's argument: 3 references.
        if sys.getrefcount(rec.exc) <= 3:
            del _records[key]
    _PRUNE_AT = max(4096, 2 * len(_records))


def forget_all() -> None:
    """Drop every record: a run has ended, and its frames (which hold its interpreter)
    must not outlive it."""
    _records.clear()


def add_entry(exc: BaseException, frame: Any) -> None:
    rec = record(exc)
    if not rec.entries:
        rec.innermost_frame = frame
    rec.entries.append((frame, frame.pc - 1))


class SimTraceback:
    """What a program sees as ``exc.__traceback__`` (``PyTracebackObject``): a chain from
    the outermost frame inwards.  ``tb_lasti`` is a byte offset, as in CPython."""

    __slots__ = ("tb_next", "tb_frame", "tb_lasti", "tb_lineno")

    def __init__(self, tb_next: Any, frame: Any, index: int) -> None:
        self.tb_next = tb_next
        self.tb_frame = frame
        self.tb_lasti = frame.code.offsets[index]
        self.tb_lineno = frame.code.line(index)

    def __repr__(self) -> str:
        return f"<traceback object at {id(self):#x}>"


SimTraceback.__name__ = SimTraceback.__qualname__ = "traceback"
SimTraceback.__module__ = "builtins"


def traceback_of(exc: BaseException) -> SimTraceback | None:
    """The simulated ``exc.__traceback__``."""
    rec = find(exc)
    tb = None
    for frame, index in rec.entries if rec is not None else ():
        tb = SimTraceback(tb, frame, index)
    return tb


def copy_entries(source: BaseException, target: BaseException) -> None:
    """Give ``target`` (a group derived by ``split``) the traceback of ``source``."""
    rec = find(source)
    if rec is not None:
        new = record(target)
        new.entries = list(rec.entries)
        new.innermost_frame = rec.innermost_frame


def _frame_summaries(exc: BaseException) -> traceback.StackSummary:
    rec = find(exc)
    summaries = []
    for frame, index in reversed(rec.entries if rec else []):
        decoded = frame.code
        line, end_line, col, end_col = decoded.position(index)
        code = decoded.code
        summaries.append(
            traceback.FrameSummary(
                code.co_filename,
                line,
                code.co_name,
                end_lineno=end_line,
                colno=col,
                end_colno=end_col,
            )
        )
    # Not ``from_list``: in 3.11 it always builds a plain ``StackSummary``.
    stack = _InterpreterStackSummary()
    stack.extend(summaries)
    return stack


def _binop_anchors_as_in_c(segment: str) -> Any:
    """Caret anchors of a segment, where CPython's C traceback printer and 3.11's
    ``traceback`` module disagree: after a parenthesized left operand (``(a + b) // c``)
    the C code (``extract_anchors_from_expr`` in ``Python/traceback.c``) looks for the
    two-character operator at the operator itself, the module at the ``)``."""
    import ast

    anchors = _module_anchors(segment)
    try:
        tree = ast.parse(segment)
    except SyntaxError:
        return anchors
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return anchors
    expr = tree.body[0].value
    if not isinstance(expr, ast.BinOp) or anchors is None:
        return anchors
    encoded = segment.encode("utf-8")
    left = expr.left.end_col_offset or 0
    right_start = expr.right.col_offset
    i = left
    while i < right_start:
        char = encoded[i : i + 1]
        if char.isspace():
            i += 1
            continue
        end = i + 1
        if i + 1 < right_start and not encoded[i + 1 : i + 2].isspace():
            end += 1
        if char == b")" and i + 1 < right_start:
            i += 1
            continue
        to_chars = traceback._byte_offset_to_character_offset  # type: ignore[attr-defined]
        return anchors._replace(
            left_end_offset=to_chars(segment, i), right_start_offset=to_chars(segment, end)
        )
    return anchors


_module_anchors = traceback._extract_caret_anchors_from_line_segment  # type: ignore[attr-defined]


class _InterpreterStackSummary(traceback.StackSummary):
    """Stack lines as the interpreter prints an uncaught exception (C code), which differs
    from the ``traceback`` module in one caret case (``_binop_anchors_as_in_c``)."""

    def format_frame_summary(self, frame_summary: Any) -> str:
        module: Any = traceback
        module._extract_caret_anchors_from_line_segment = _binop_anchors_as_in_c
        try:
            return super().format_frame_summary(frame_summary)
        finally:
            module._extract_caret_anchors_from_line_segment = _module_anchors


def _fix(te: traceback.TracebackException, exc: BaseException | None, seen: set[int]) -> None:
    if exc is None or id(te) in seen:
        return
    seen.add(id(te))
    te.stack = _frame_summaries(exc)
    hint = _suggestion(exc)
    if hint is not None:
        te._str += f". Did you mean: '{hint}'?"  # type: ignore[attr-defined]
    if te.__cause__ is not None:
        _fix(te.__cause__, exc.__cause__, seen)
    if te.__context__ is not None:
        _fix(te.__context__, exc.__context__, seen)
    for sub_te, sub_exc in zip(te.exceptions or (), getattr(exc, "exceptions", ()), strict=False):
        _fix(sub_te, sub_exc, seen)


def _suggestion(exc: BaseException) -> str | None:
    # Exact types only, as in ``_Py_Offer_Suggestions``: no hint for UnboundLocalError.
    if type(exc) is NameError:
        rec = find(exc)
        name = getattr(exc, "name", None)
        if rec is None or rec.innermost_frame is None or not isinstance(name, str):
            return None
        frame = rec.innermost_frame
        return suggestions.for_name_error(
            name, frame.code.code.co_varnames, frame.globals, frame.builtins
        )
    if type(exc) is AttributeError:
        return suggestions.for_attribute_error(exc)
    return None


def format_exception(exc: BaseException) -> str:
    """The text CPython 3.11 prints for an uncaught ``exc``."""
    te = traceback.TracebackException(type(exc), exc, None, compact=True)
    _fix(te, exc, set())
    return "".join(te.format())


def write_unraisable(
    message: str, exc: BaseException, formatter: Callable[[BaseException], str] | None = None
) -> None:
    """The default ``sys.unraisablehook``: "Exception ignored MESSAGE" and the traceback
    (by ``formatter``, this module's ``format_exception`` unless given), after what the
    program printed on stdout."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    text = (formatter or format_exception)(exc)
    sys.stderr.write(f"Exception ignored {message}\n{text}")
    sys.stderr.flush()
