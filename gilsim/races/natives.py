"""Native code handed a whole container: which containers a call reads or writes, and the
other facts of ``gilsim.races.containers`` (gilsim's own interpreter) and
``gilsim.races.hostcontainers`` (the host's) share.

Exploration needs to know which segments of two threads do not commute
(``gilsim.schedules.dpor``): two threads appending to one list, or one sorting a dict the other
fills, do not, although neither touches a place, since C code does the work.  A call of native
code is a read (``"R"``) or a write (``"W"``) of each container it is handed: a method of a
built-in container writes its receiver if it is one of the ``MUTATORS`` and reads it
otherwise; a container argument is read by the built-ins known to leave their arguments alone
(``READERS``) and by a container's methods, and written by anything else (C code gilsim cannot
see into).
"""

from __future__ import annotations

import builtins
import collections
import types
from typing import Any

# Containers whose whole content native code reads or changes.
WHOLE = (dict, list, set, bytearray, collections.deque)

# Methods of the built-in containers that change their receiver.
MUTATORS = frozenset(
    {
        "append",
        "appendleft",
        "extend",
        "extendleft",
        "insert",
        "pop",
        "popleft",
        "popitem",
        "remove",
        "clear",
        "sort",
        "reverse",
        "rotate",
        "update",
        "setdefault",
        "add",
        "discard",
        "difference_update",
        "intersection_update",
        "symmetric_difference_update",
        "__setitem__",
        "__delitem__",
        "__iadd__",
        "__imul__",
        "__ior__",
        "__iand__",
        "__isub__",
        "__ixor__",
    }
)

# Built-in callables that only read the containers they are given.
READERS = frozenset(
    id(getattr(builtins, name))
    for name in [
        "all",
        "any",
        "ascii",
        "bool",
        "dict",
        "enumerate",
        "filter",
        "format",
        "frozenset",
        "hash",
        "id",
        "isinstance",
        "iter",
        "len",
        "list",
        "map",
        "max",
        "min",
        "print",
        "repr",
        "reversed",
        "set",
        "sorted",
        "str",
        "sum",
        "tuple",
        "zip",
    ]
)

# ``NB_INPLACE_ADD`` and up (``Include/opcode.h`` in 3.11, ``dis._nb_ops`` in 3.12 and 3.13):
# ``+=`` and its kin, the ``BINARY_OP`` arguments that may change their left operand.
NB_INPLACE = 13

# Callables whose ``__self__`` and ``__name__`` are their own (C) attributes: reading them
# runs nothing of the program's.
BOUND_BUILTINS = (types.BuiltinMethodType, types.MethodWrapperType)
NATIVE_METHODS = (
    *BOUND_BUILTINS,
    types.MethodDescriptorType,
    types.WrapperDescriptorType,
    types.ClassMethodDescriptorType,
)


def is_whole(obj: Any) -> bool:
    """Whether ``obj`` is a container native code reads or changes as a whole (by its real
    type: nothing of the program's runs)."""
    return issubclass(type(obj), WHOLE)


def call_accesses(function: Any, receiver: Any, args: Any, python: type) -> list[tuple[Any, str]]:
    """What a call of ``function`` (bound to ``receiver``, or None) with ``args`` does to
    whole containers, as (container, mode) pairs; nothing if ``function`` is a function of
    type ``python`` (or a method of one), whose own instructions are recorded.

    Only the callable's and the arguments' real types are looked at, and only the C
    attributes of built-in methods, so that nothing of the program's own (a
    ``__getattribute__``, a ``__getattr__``) runs from here."""
    kind = type(function)
    if kind is python or (kind is types.MethodType and type(function.__func__) is python):
        return []
    found = []
    if receiver is None and kind in BOUND_BUILTINS:
        receiver = function.__self__
    method = receiver is not None and is_whole(receiver)
    if method:
        known = kind in NATIVE_METHODS
        found.append((receiver, "W" if not known or function.__name__ in MUTATORS else "R"))
    reads = method or id(function) in READERS
    for arg in args:
        if is_whole(arg):
            found.append((arg, "R" if reads else "W"))
    return found
