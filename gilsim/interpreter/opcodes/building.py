"""Building containers and slices, and unpacking sequences."""

from __future__ import annotations

from typing import Any

from gilsim.interpreter.frame import Frame
from gilsim.interpreter.opcodes import handles


def _pop_n(stack: list[Any], count: int) -> list[Any]:
    if not count:
        return []
    items = stack[-count:]
    del stack[-count:]
    return items


@handles
def BUILD_TUPLE(frame: Frame, arg: int) -> None:
    frame.stack.append(tuple(_pop_n(frame.stack, arg)))


@handles
def BUILD_LIST(frame: Frame, arg: int) -> None:
    frame.stack.append(_pop_n(frame.stack, arg))


@handles
def BUILD_SET(frame: Frame, arg: int) -> None:
    frame.stack.append(set(_pop_n(frame.stack, arg)))


@handles
def BUILD_MAP(frame: Frame, arg: int) -> None:
    items = _pop_n(frame.stack, 2 * arg)
    result = {}
    for i in range(0, len(items), 2):
        result[items[i]] = items[i + 1]
    frame.stack.append(result)


@handles
def BUILD_CONST_KEY_MAP(frame: Frame, arg: int) -> None:
    stack = frame.stack
    keys = stack.pop()
    values = _pop_n(stack, arg)
    stack.append(dict(zip(keys, values, strict=True)))


@handles
def BUILD_SLICE(frame: Frame, arg: int) -> None:
    frame.stack.append(slice(*_pop_n(frame.stack, arg)))


@handles
def LIST_APPEND(frame: Frame, arg: int) -> None:
    stack = frame.stack
    value = stack.pop()
    stack[-arg].append(value)


@handles
def SET_ADD(frame: Frame, arg: int) -> None:
    stack = frame.stack
    value = stack.pop()
    stack[-arg].add(value)


@handles
def MAP_ADD(frame: Frame, arg: int) -> None:
    stack = frame.stack
    value = stack.pop()
    key = stack.pop()
    stack[-arg][key] = value


@handles
def LIST_EXTEND(frame: Frame, arg: int) -> None:
    stack = frame.stack
    iterable = stack.pop()
    target = stack[-arg]
    try:
        target.extend(iterable)
    except TypeError:
        if not hasattr(iterable, "__iter__") and not hasattr(iterable, "__getitem__"):
            raise TypeError(
                f"Value after * must be an iterable, not {type(iterable).__name__}"
            ) from None
        raise


@handles
def SET_UPDATE(frame: Frame, arg: int) -> None:
    stack = frame.stack
    iterable = stack.pop()
    stack[-arg].update(iterable)


@handles
def DICT_UPDATE(frame: Frame, arg: int) -> None:
    stack = frame.stack
    update = stack.pop()
    try:
        stack[-arg].update(update)
    except AttributeError:
        raise TypeError(f"'{type(update).__name__}' object is not a mapping") from None


@handles
def DICT_MERGE(frame: Frame, arg: int) -> None:
    """``**kwargs`` in a call: like ``DICT_UPDATE`` but a repeated key is an error
    (``_PyDict_MergeEx`` with override=2; messages from ``format_kwargs_error``)."""
    stack = frame.stack
    update = stack.pop()
    target = stack[-arg]
    function = stack[-arg - 2]
    if not hasattr(update, "keys"):
        raise TypeError(
            f"{_function_desc(function)} argument after ** must be a mapping, "
            f"not {type(update).__name__}"
        )
    for key in update.keys():  # noqa: SIM118  (the mapping protocol: PyMapping_Keys)
        if key in target:
            raise TypeError(
                f"{_function_desc(function)} got multiple values for keyword argument '{key}'"
            )
        target[key] = update[key]


def _function_desc(function: Any) -> str:
    """``_PyObject_FunctionStr``: ``module.qualname()`` for what a call error is about."""
    qualname = getattr(function, "__qualname__", None)
    if qualname is None:
        return f"{type(function).__name__} object"
    module = getattr(function, "__module__", None)
    if isinstance(module, str) and module != "builtins":
        return f"{module}.{qualname}()"
    return f"{qualname}()"


@handles
def LIST_TO_TUPLE(frame: Frame, arg: Any) -> None:
    frame.stack[-1] = tuple(frame.stack[-1])


@handles
def UNPACK_SEQUENCE(frame: Frame, arg: int) -> None:
    stack = frame.stack
    sequence = stack.pop()
    if type(sequence) in (tuple, list) and len(sequence) == arg:
        stack.extend(reversed(sequence))
        return
    items = _unpack(sequence, arg, None)
    stack.extend(reversed(items))


@handles
def UNPACK_EX(frame: Frame, arg: int) -> None:
    stack = frame.stack
    before, after = arg & 0xFF, arg >> 8
    items = _unpack(stack.pop(), before, after)
    stack.extend(reversed(items))


def _unpack(iterable: Any, before: int, after: int | None) -> list[Any]:
    """``unpack_iterable`` in ``Python/ceval.c``, with its messages."""
    try:
        iterator = iter(iterable)
    except TypeError:
        if not hasattr(type(iterable), "__iter__") and not hasattr(type(iterable), "__getitem__"):
            raise TypeError(
                f"cannot unpack non-iterable {type(iterable).__name__} object"
            ) from None
        raise
    items = []
    for _ in range(before):
        try:
            items.append(next(iterator))
        except StopIteration:
            if after is None:
                raise ValueError(
                    f"not enough values to unpack (expected {before}, got {len(items)})"
                ) from None
            raise ValueError(
                f"not enough values to unpack (expected at least {before + after}, "
                f"got {len(items)})"
            ) from None
    if after is None:
        try:
            next(iterator)
        except StopIteration:
            return items
        raise ValueError(f"too many values to unpack (expected {before})")
    rest = list(iterator)
    if len(rest) < after:
        raise ValueError(
            f"not enough values to unpack (expected at least {before + after}, "
            f"got {before + len(rest)})"
        )
    if after:
        items.append(rest[: len(rest) - after])
        items.extend(rest[len(rest) - after :])
    else:
        items.append(rest)
    return items
