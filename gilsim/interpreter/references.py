"""The references each instruction takes: what it leaves pushed on the value stack.

In CPython every push on the value stack is a new (strong) reference, an ``Py_INCREF`` of
the object pushed (``Python/ceval.c``, ``PUSH``/``Py_NewRef``).  ``LOAD_FAST`` pushes the
local's object, ``FOR_ITER`` the next item, ``BINARY_SUBSCR`` the item it fetched.  A fork
child's copy-on-write follows these writes (``gilsim.processes.pages``).
"""

from __future__ import annotations

from typing import Any

from gilsim.interpreter.decode import DecodedCode

# What an instruction leaves pushed on the stack: references it took, by opname.  Most
# instructions push one result; these push none (they store, pop, jump or only move a
# reference from the stack into a container or a frame)...
_PUSH_NONE = frozenset(
    {
        "NOP",
        "RESUME",
        "CACHE",
        "EXTENDED_ARG",
        "PRECALL",
        "KW_NAMES",
        "PUSH_NULL",
        "POP_TOP",
        "SWAP",
        "COPY_FREE_VARS",
        "MAKE_CELL",
        "STORE_FAST",
        "STORE_NAME",
        "STORE_GLOBAL",
        "STORE_ATTR",
        "STORE_SUBSCR",
        "STORE_DEREF",
        "DELETE_FAST",
        "DELETE_NAME",
        "DELETE_GLOBAL",
        "DELETE_ATTR",
        "DELETE_SUBSCR",
        "DELETE_DEREF",
        "LIST_APPEND",
        "SET_ADD",
        "MAP_ADD",
        "LIST_EXTEND",
        "SET_UPDATE",
        "DICT_UPDATE",
        "DICT_MERGE",
        "POP_EXCEPT",
        "RERAISE",
        "RAISE_VARARGS",
        "RETURN_VALUE",
        "YIELD_VALUE",
        "RETURN_GENERATOR",
        "SETUP_ANNOTATIONS",
        "IMPORT_STAR",
        "PRINT_EXPR",
        "JUMP_FORWARD",
        "JUMP_BACKWARD",
        "JUMP_BACKWARD_NO_INTERRUPT",
        "JUMP_IF_TRUE_OR_POP",
        "JUMP_IF_FALSE_OR_POP",
        "POP_JUMP_FORWARD_IF_TRUE",
        "POP_JUMP_FORWARD_IF_FALSE",
        "POP_JUMP_FORWARD_IF_NONE",
        "POP_JUMP_FORWARD_IF_NOT_NONE",
        "POP_JUMP_BACKWARD_IF_TRUE",
        "POP_JUMP_BACKWARD_IF_FALSE",
        "POP_JUMP_BACKWARD_IF_NONE",
        "POP_JUMP_BACKWARD_IF_NOT_NONE",
    }
)
# ... and these more than one (``LOAD_METHOD`` pushes the method and its ``self``,
# ``BEFORE_WITH`` the ``__exit__`` and what ``__enter__`` returned).
_PUSH_TWO = frozenset({"LOAD_METHOD", "BEFORE_WITH"})


def _pushes(opname: str, arg: Any) -> int:
    if opname in _PUSH_NONE:
        return 0
    if opname in _PUSH_TWO:
        return 2
    if opname == "UNPACK_SEQUENCE":
        return int(arg)
    if opname == "UNPACK_EX":
        return (arg & 0xFF) + 1 + (arg >> 8)
    return 1


def pushes(code: DecodedCode) -> list[int]:
    """References each instruction of ``code`` leaves on the stack (decoded once)."""
    if not code.pushes:
        code.pushes = [
            _pushes(name, entry[1])
            for name, entry in zip(code.opnames, code.instructions, strict=True)
        ]
    return code.pushes
