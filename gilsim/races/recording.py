"""The recording handler table: the normal opcode handlers, wrapped to tell the recorder
about each access to a shared place.

Recording must cost nothing when it is off, so it never touches the normal handlers, the
normal table or the templates of compiled blocks.  Code of the program's own files is decoded
with this table instead (``InterpreterState.decoded`` asks ``Recorder.table_for``); library
code keeps the normal one.  A compiled block inlines only handlers that have a template
(``blocks.TEMPLATES`` is keyed by the handler function), so inside a block a wrapped handler
is called like any untemplated one and records too.

Each wrapper runs the real handler first (an access that raises did not happen), reading
beforehand what the handler pops: the owner, the key, the value stored.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

from gilsim.interpreter import state
from gilsim.interpreter.frame import NULL, Frame
from gilsim.races.containers import container_table
from gilsim.races.places import ABSENT, CONTAINERS, DELETED, PRESENT, item_key, of_type
from gilsim.runtime.threadmodule import _local

Handler = Callable[[Frame, Any], Any]


def recording_table(table: dict[Any, Handler], containers: bool = False) -> dict[Any, Handler]:
    """A copy of ``table`` whose access opcodes (also their specialized forms) record; with
    ``containers``, also the native operations on whole containers (``containers``).

    A wrapper finds the recorder through the running thread's interpreter, so one wrapper per
    handler serves every run: compiled blocks, cached by their handlers, are reused from run
    to run (schedule exploration runs a program hundreds of times); one table per ``table``
    serves every run too, so that decodings made with it are reused (``decode``)."""
    hit = _tables.get((id(table), containers))
    if hit is not None and hit[0] is table:
        return hit[1]
    wrapped = dict(table)
    for key, handler in table.items():
        opname = key if isinstance(key, str) else key[0]
        wrap = WRAPPERS.get(opname)
        if wrap is not None:
            made = _made.get(handler)
            if made is None:
                made = _made[handler] = wrap(handler, _Recorder())
            wrapped[key] = made
    if containers:
        wrapped = container_table(wrapped)
    _tables[(id(table), containers)] = (table, wrapped)
    return wrapped


# The wrapper of each normal handler, and the recording table of each normal table, made
# once per process.
_made: dict[Handler, Handler] = {}
_tables: dict[tuple[int, bool], tuple[dict[Any, Handler], dict[Any, Handler]]] = {}


class _Recorder:
    """Stands for the recorder of the running thread's interpreter."""

    @staticmethod
    def access(
        frame: Frame,
        obj: Any,
        key: Any,
        kind: str,
        action: str,
        value: Any,
        hint: str | None = None,
    ) -> None:
        state.current.interp.recorder.access(  # type: ignore[union-attr]
            frame, obj, key, kind, action, value, hint
        )


# -- globals and module-level names ------------------------------------------------------------


def _load_global(inner: Handler, rec: Any) -> Handler:
    access = rec.access

    def LOAD_GLOBAL(frame: Frame, arg: tuple[str, bool]) -> Any:
        result = inner(frame, arg)
        name = arg[0]
        namespace = frame.globals
        if name in namespace:  # not a builtin
            access(frame, namespace, name, "global", "read", frame.stack[-1])
        return result

    return LOAD_GLOBAL


def _store_global(inner: Handler, rec: Any) -> Handler:
    access = rec.access

    def STORE_GLOBAL(frame: Frame, arg: str) -> Any:
        value = frame.stack[-1]
        result = inner(frame, arg)
        access(frame, frame.globals, arg, "global", "write", value)
        return result

    return STORE_GLOBAL


def _delete_global(inner: Handler, rec: Any) -> Handler:
    access = rec.access

    def DELETE_GLOBAL(frame: Frame, arg: str) -> Any:
        result = inner(frame, arg)
        access(frame, frame.globals, arg, "global", "delete", DELETED)
        return result

    return DELETE_GLOBAL


def _load_name(inner: Handler, rec: Any) -> Handler:
    access = rec.access

    def LOAD_NAME(frame: Frame, arg: str) -> Any:
        result = inner(frame, arg)
        namespace, module = frame.locals, frame.globals
        if (namespace is module or arg not in namespace) and arg in module:  # type: ignore[operator]
            access(frame, module, arg, "global", "read", frame.stack[-1])
        return result

    return LOAD_NAME


def _store_name(action: str) -> Callable[[Handler, Any], Handler]:
    def wrap(inner: Handler, rec: Any) -> Handler:
        access = rec.access

        def STORE_NAME(frame: Frame, arg: str) -> Any:
            value = frame.stack[-1] if action == "write" else DELETED
            result = inner(frame, arg)
            if frame.locals is frame.globals:  # module level: the names are globals
                access(frame, frame.globals, arg, "global", action, value)
            return result

        STORE_NAME.__name__ = "STORE_NAME" if action == "write" else "DELETE_NAME"
        return STORE_NAME

    return wrap


# -- attributes --------------------------------------------------------------------------------


def attribute(rec: Any, frame: Frame, owner: Any, name: str, action: str, value: Any) -> None:
    """An attribute of a module is one of its globals; ``threading.local`` attributes are
    each thread's own, never shared."""
    if of_type(owner, types.ModuleType):
        rec.access(frame, owner.__dict__, name, "global", action, value)
    elif not of_type(owner, _local):
        rec.access(frame, owner, name, "attribute", action, value)


def _load_attr(inner: Handler, rec: Any) -> Handler:
    def LOAD_ATTR(frame: Frame, arg: str) -> Any:
        stack = frame.stack
        owner = stack[-1]
        result = inner(frame, arg)
        attribute(rec, frame, owner, arg, "read", stack[-1])
        return result

    return LOAD_ATTR


def _load_method(inner: Handler, rec: Any) -> Handler:
    def LOAD_METHOD(frame: Frame, arg: str) -> Any:
        stack = frame.stack
        owner = stack[-1]
        result = inner(frame, arg)
        if stack[-2] is NULL:  # an attribute, not a method found on the type
            attribute(rec, frame, owner, arg, "read", stack[-1])
        return result

    return LOAD_METHOD


def _store_attr(inner: Handler, rec: Any) -> Handler:
    def STORE_ATTR(frame: Frame, arg: str) -> Any:
        stack = frame.stack
        owner, value = stack[-1], stack[-2]
        result = inner(frame, arg)
        attribute(rec, frame, owner, arg, "write", value)
        return result

    return STORE_ATTR


def _delete_attr(inner: Handler, rec: Any) -> Handler:
    def DELETE_ATTR(frame: Frame, arg: str) -> Any:
        owner = frame.stack[-1]
        result = inner(frame, arg)
        attribute(rec, frame, owner, arg, "delete", DELETED)
        return result

    return DELETE_ATTR


# -- items of containers -----------------------------------------------------------------------


def _binary_subscr(inner: Handler, rec: Any) -> Handler:
    access = rec.access

    def BINARY_SUBSCR(frame: Frame, arg: Any) -> Any:
        stack = frame.stack
        container, key = stack[-2], stack[-1]
        result = inner(frame, arg)
        if of_type(container, CONTAINERS):
            key = item_key(container, key)
            if key is not None:
                access(frame, container, key, "item", "read", stack[-1])
        return result

    return BINARY_SUBSCR


def _store_subscr(inner: Handler, rec: Any) -> Handler:
    access = rec.access

    def STORE_SUBSCR(frame: Frame, arg: Any) -> Any:
        stack = frame.stack
        value, container, key = stack[-3], stack[-2], stack[-1]
        place = item_key(container, key) if of_type(container, CONTAINERS) else None
        result = inner(frame, arg)
        if place is not None:
            access(frame, container, place, "item", "write", value)
        return result

    return STORE_SUBSCR


def _delete_subscr(inner: Handler, rec: Any) -> Handler:
    access = rec.access

    def DELETE_SUBSCR(frame: Frame, arg: Any) -> Any:
        stack = frame.stack
        container, key = stack[-2], stack[-1]
        place = item_key(container, key) if of_type(container, CONTAINERS) else None
        result = inner(frame, arg)
        if place is not None:
            access(frame, container, place, "item", "delete", DELETED)
        return result

    return DELETE_SUBSCR


def _contains_op(inner: Handler, rec: Any) -> Handler:
    """``key in d`` reads the place ``d[key]``: present or absent.  Only for dicts, whose
    items are places (a list's ``in`` reads every item)."""
    access = rec.access

    def CONTAINS_OP(frame: Frame, arg: int) -> Any:
        stack = frame.stack
        key, container = stack[-2], stack[-1]
        result = inner(frame, arg)
        if of_type(container, dict):
            place = item_key(container, key)
            if place is not None:
                present = stack[-1] != bool(arg)
                access(frame, container, place, "item", "check", PRESENT if present else ABSENT)
        return result

    return CONTAINS_OP


# -- closure cells -----------------------------------------------------------------------------


def _load_deref(inner: Handler, rec: Any) -> Handler:
    access = rec.access

    def LOAD_DEREF(frame: Frame, arg: int) -> Any:
        result = inner(frame, arg)
        name = frame.code.localsplus_names[arg]
        access(frame, frame.fast[arg], None, "cell", "read", frame.stack[-1], name)
        return result

    return LOAD_DEREF


def _load_classderef(inner: Handler, rec: Any) -> Handler:
    access = rec.access

    def LOAD_CLASSDEREF(frame: Frame, arg: int) -> Any:
        result = inner(frame, arg)
        name = frame.code.localsplus_names[arg]
        namespace = frame.locals
        if namespace is None or name not in namespace:  # read from the cell
            access(frame, frame.fast[arg], None, "cell", "read", frame.stack[-1], name)
        return result

    return LOAD_CLASSDEREF


def _store_deref(inner: Handler, rec: Any) -> Handler:
    access = rec.access

    def STORE_DEREF(frame: Frame, arg: int) -> Any:
        value = frame.stack[-1]
        result = inner(frame, arg)
        name = frame.code.localsplus_names[arg]
        access(frame, frame.fast[arg], None, "cell", "write", value, name)
        return result

    return STORE_DEREF


WRAPPERS: dict[str, Callable[[Handler, Any], Handler]] = {
    "LOAD_GLOBAL": _load_global,
    "STORE_GLOBAL": _store_global,
    "DELETE_GLOBAL": _delete_global,
    "LOAD_NAME": _load_name,
    "STORE_NAME": _store_name("write"),
    "DELETE_NAME": _store_name("delete"),
    "LOAD_ATTR": _load_attr,
    "LOAD_METHOD": _load_method,
    "STORE_ATTR": _store_attr,
    "DELETE_ATTR": _delete_attr,
    "BINARY_SUBSCR": _binary_subscr,
    "STORE_SUBSCR": _store_subscr,
    "DELETE_SUBSCR": _delete_subscr,
    "CONTAINS_OP": _contains_op,
    "LOAD_DEREF": _load_deref,
    "LOAD_CLASSDEREF": _load_classderef,
    "STORE_DEREF": _store_deref,
}
