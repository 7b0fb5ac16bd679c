"""Structural pattern matching (``match``), after ``match_class``/``match_keys`` in
``Python/ceval.c`` (3.11)."""

from __future__ import annotations

import collections.abc
from typing import Any

from gilsim.interpreter.frame import Frame
from gilsim.interpreter.opcodes import handles

# Types whose instances match ``C(x)`` by themselves (``_Py_TPFLAGS_MATCH_SELF``).
_MATCH_SELF = (bool, bytearray, bytes, dict, float, frozenset, int, list, set, str, tuple)


@handles
def GET_LEN(frame: Frame, arg: Any) -> None:
    frame.stack.append(len(frame.stack[-1]))


@handles
def MATCH_MAPPING(frame: Frame, arg: Any) -> None:
    frame.stack.append(isinstance(frame.stack[-1], collections.abc.Mapping))


@handles
def MATCH_SEQUENCE(frame: Frame, arg: Any) -> None:
    subject = frame.stack[-1]
    frame.stack.append(
        isinstance(subject, collections.abc.Sequence)
        and not isinstance(subject, str | bytes | bytearray)
    )


_MISSING = object()


@handles
def MATCH_KEYS(frame: Frame, arg: Any) -> None:
    stack = frame.stack
    keys = stack[-1]
    subject = stack[-2]
    if not keys:
        stack.append(())
        return
    seen: list[Any] = []
    values = []
    get = subject.get
    for key in keys:
        if key in seen:
            raise ValueError(f"mapping pattern checks duplicate key ({key!r})")
        seen.append(key)
        value = get(key, _MISSING)
        if value is _MISSING:
            stack.append(None)
            return
        values.append(value)
    stack.append(tuple(values))


@handles
def MATCH_CLASS(frame: Frame, arg: int) -> None:
    stack = frame.stack
    names = stack.pop()
    cls = stack.pop()
    subject = stack[-1]
    stack[-1] = _match_class(subject, cls, arg, names)


def _match_class(subject: Any, cls: Any, nargs: int, names: tuple[str, ...]) -> Any:
    if not isinstance(cls, type):
        raise TypeError("called match pattern must be a type")
    if not isinstance(subject, cls):
        return None
    seen: set[str] = set()
    attrs: list[Any] = []
    if nargs:
        match_self = False
        match_args = getattr(cls, "__match_args__", _MISSING)
        if match_args is _MISSING:
            match_self = any(cls is t or issubclass(cls, t) for t in _MATCH_SELF) and not any(
                "__match_args__" in k.__dict__ for k in cls.__mro__
            )
            match_args = ()
        elif type(match_args) is not tuple:
            raise TypeError(
                f"{cls.__name__}.__match_args__ must be a tuple (got {type(match_args).__name__})"
            )
        allowed = 1 if match_self else len(match_args)
        if allowed < nargs:
            plural = "" if allowed == 1 else "s"
            raise TypeError(
                f"{cls.__name__}() accepts {allowed} positional sub-pattern{plural} ({nargs} given)"
            )
        if match_self:
            attrs.append(subject)
        else:
            for name in match_args[:nargs]:
                if not isinstance(name, str):
                    raise TypeError(
                        f"__match_args__ elements must be strings (got {type(name).__name__})"
                    )
                value = _match_class_attr(subject, cls, name, seen)
                if value is _MISSING:
                    return None
                attrs.append(value)
    for name in names:
        value = _match_class_attr(subject, cls, name, seen)
        if value is _MISSING:
            return None
        attrs.append(value)
    return tuple(attrs)


def _match_class_attr(subject: Any, cls: type, name: str, seen: set[str]) -> Any:
    if name in seen:
        raise TypeError(f"{cls.__name__}() got multiple sub-patterns for attribute {name!r}")
    seen.add(name)
    try:
        return getattr(subject, name)
    except AttributeError:
        return _MISSING
