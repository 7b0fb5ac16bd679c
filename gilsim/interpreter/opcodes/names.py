"""Loading, storing and deleting names: fast locals, cells, globals, namespaces, attributes."""

from __future__ import annotations

import types
from typing import Any

from gilsim.interpreter import tracebacks
from gilsim.interpreter.frame import NULL, Frame
from gilsim.interpreter.functions import SimFunction
from gilsim.interpreter.opcodes import handles, specializes

# Messages of ``Python/ceval.c`` (3.11).
UNBOUNDLOCAL_ERROR_MSG = "cannot access local variable '{}' where it is not associated with a value"
UNBOUNDFREE_ERROR_MSG = (
    "cannot access free variable '{}' where it is not associated with a value in enclosing scope"
)
NAME_ERROR_MSG = "name '{}' is not defined"


def name_error(name: str) -> NameError:
    return NameError(NAME_ERROR_MSG.format(name), name=name)


def unbound_error(frame: Frame, index: int) -> NameError:
    """``format_exc_unbound``: locals and own cells give ``UnboundLocalError``, free
    variables a ``NameError``."""
    code = frame.code
    name = code.localsplus_names[index]
    if index < code.nlocalsplus - len(code.code.co_freevars):
        return UnboundLocalError(UNBOUNDLOCAL_ERROR_MSG.format(name), name=name)
    return NameError(UNBOUNDFREE_ERROR_MSG.format(name), name=name)


@handles
def LOAD_CONST(frame: Frame, arg: Any) -> None:
    frame.stack.append(arg)


@handles
def LOAD_FAST(frame: Frame, arg: int) -> None:
    value = frame.fast[arg]
    if value is NULL:
        raise unbound_error(frame, arg)
    frame.stack.append(value)


@handles
def STORE_FAST(frame: Frame, arg: int) -> None:
    frame.fast[arg] = frame.stack.pop()


@handles
def DELETE_FAST(frame: Frame, arg: int) -> None:
    if frame.fast[arg] is NULL:
        raise unbound_error(frame, arg)
    frame.fast[arg] = NULL


@handles
def LOAD_GLOBAL(frame: Frame, arg: tuple[str, bool]) -> None:
    name, push_null = arg
    value = frame.globals.get(name, NULL)
    if value is NULL:
        builtins = frame.builtins
        try:
            value = builtins[name]
        except KeyError:
            raise name_error(name) from None
    if push_null:
        frame.stack.append(NULL)
    frame.stack.append(value)


@handles
def STORE_GLOBAL(frame: Frame, arg: str) -> None:
    frame.globals[arg] = frame.stack.pop()


@handles
def DELETE_GLOBAL(frame: Frame, arg: str) -> None:
    try:
        del frame.globals[arg]
    except KeyError:
        raise name_error(arg) from None


@handles
def LOAD_NAME(frame: Frame, arg: str) -> None:
    namespace = frame.locals
    if namespace is None:
        raise SystemError(f"no locals when loading {arg!r}")
    try:
        value = namespace[arg]
    except KeyError:
        value = frame.globals.get(arg, NULL)
        if value is NULL:
            try:
                value = frame.builtins[arg]
            except KeyError:
                raise name_error(arg) from None
    frame.stack.append(value)


@handles
def STORE_NAME(frame: Frame, arg: str) -> None:
    namespace = frame.locals
    if namespace is None:
        raise SystemError(f"no locals found when storing {arg!r}")
    namespace[arg] = frame.stack.pop()


@handles
def DELETE_NAME(frame: Frame, arg: str) -> None:
    namespace = frame.locals
    if namespace is None:
        raise SystemError(f"no locals when deleting {arg!r}")
    try:
        del namespace[arg]
    except KeyError:
        raise name_error(arg) from None


@handles
def SETUP_ANNOTATIONS(frame: Frame, arg: Any) -> None:
    namespace = frame.locals
    if namespace is None:
        raise SystemError("no locals found when setting up annotations")
    if "__annotations__" not in namespace:
        namespace["__annotations__"] = {}


# -- cells -----------------------------------------------------------------------------------


@handles
def MAKE_CELL(frame: Frame, arg: int) -> None:
    value = frame.fast[arg]
    frame.fast[arg] = types.CellType() if value is NULL else types.CellType(value)


@handles
def COPY_FREE_VARS(frame: Frame, arg: int) -> None:
    closure = frame.function.__closure__
    frame.fast[frame.code.nlocalsplus - arg :] = closure


@handles
def LOAD_CLOSURE(frame: Frame, arg: int) -> None:
    frame.stack.append(frame.fast[arg])


@handles
def LOAD_DEREF(frame: Frame, arg: int) -> None:
    try:
        value = frame.fast[arg].cell_contents
    except ValueError:
        raise unbound_error(frame, arg) from None
    frame.stack.append(value)


@handles
def LOAD_CLASSDEREF(frame: Frame, arg: int) -> None:
    """A free variable read in a class body: the class namespace first, then the cell."""
    name = frame.code.localsplus_names[arg]
    namespace = frame.locals
    if namespace is not None and name in namespace:
        frame.stack.append(namespace[name])
        return
    LOAD_DEREF(frame, arg)


@handles
def STORE_DEREF(frame: Frame, arg: int) -> None:
    frame.fast[arg].cell_contents = frame.stack.pop()


@handles
def DELETE_DEREF(frame: Frame, arg: int) -> None:
    cell = frame.fast[arg]
    try:
        cell.cell_contents  # noqa: B018  (raises ValueError when empty)
    except ValueError:
        raise unbound_error(frame, arg) from None
    del cell.cell_contents


# -- attributes ------------------------------------------------------------------------------


@handles
def LOAD_ATTR(frame: Frame, arg: str) -> None:
    stack = frame.stack
    stack[-1] = getattr(stack[-1], arg)


@specializes("LOAD_ATTR", "__traceback__")
def LOAD_ATTR_TRACEBACK(frame: Frame, arg: str) -> None:
    """``exc.__traceback__`` of a simulated exception is its simulated traceback."""
    stack = frame.stack
    owner = stack[-1]
    if isinstance(owner, BaseException):
        stack[-1] = tracebacks.traceback_of(owner)
    else:
        stack[-1] = getattr(owner, arg)


@handles
def STORE_ATTR(frame: Frame, arg: str) -> None:
    stack = frame.stack
    owner = stack.pop()
    setattr(owner, arg, stack.pop())


@handles
def DELETE_ATTR(frame: Frame, arg: str) -> None:
    delattr(frame.stack.pop(), arg)


_generic_getattr = object.__getattribute__


def lookup_type(tp: type, name: str) -> Any:
    """``_PyType_Lookup``: ``name`` in the dicts along ``tp``'s MRO, without descriptors."""
    for klass in tp.__mro__:
        namespace = klass.__dict__
        if name in namespace:
            return namespace[name]
    return NULL


@handles
def LOAD_METHOD(frame: Frame, arg: str) -> None:
    """``_PyObject_GetMethod``: push ``[function, self]`` for a plain method so that ``CALL``
    avoids making a bound method; otherwise ``[NULL, attribute]``."""
    stack = frame.stack
    owner = stack[-1]
    tp = type(owner)
    if tp.__getattribute__ is _generic_getattr:
        descr = lookup_type(tp, arg)
        if type(descr) is SimFunction:
            instance_dict = getattr(owner, "__dict__", None)
            if not instance_dict or arg not in instance_dict:
                stack[-1] = descr
                stack.append(owner)
                return
    stack[-1] = NULL
    stack.append(getattr(owner, arg))


def _real_function(condition: Any) -> Any:
    """A real function calling simulated ``condition``, for C code that demands one."""
    if type(condition) is not SimFunction:
        return condition

    def call(exc: BaseException) -> Any:
        return condition(exc)

    return call


def _group_method(name: str) -> Any:
    def handler(frame: Frame, arg: str) -> None:
        stack = frame.stack
        owner = stack[-1]
        if not isinstance(owner, BaseExceptionGroup):
            LOAD_METHOD(frame, arg)
            return
        method = getattr(owner, name)

        def adapted(condition: Any) -> Any:
            return method(_real_function(condition))

        stack[-1] = NULL
        stack.append(adapted)

    handler.__name__ = f"LOAD_METHOD_{name.upper()}"
    handler.__doc__ = (
        f"``group.{name}(f)``: ``BaseExceptionGroup.{name}`` accepts only real functions "
        "(``PyFunction_Check``), so a simulated one is passed through a real wrapper."
    )
    return handler


for _name in ("split", "subgroup"):
    specializes("LOAD_METHOD", _name)(_group_method(_name))
