"""Biased reference counting: how ``--gil free-threaded`` keeps a watched object's count
(PEP 703; Choi, Shull and Torrellas, PACT 2018; ``docs/model/gil.md`` §5.3).

A free-threaded CPython (3.13t) splits ``ob_refcnt`` in two.  The thread that made an object
owns it (``ob_tid``) and counts its own references in ``ob_ref_local`` with plain adds: no
other thread writes there.  Every other thread counts in ``ob_ref_shared`` with atomic adds.
The true count is the sum.  Notes about the implementation (CPython's ``Include/object.h``
``Py_INCREF``/``Py_DECREF`` under ``Py_GIL_DISABLED``, ``Objects/object.c``, ``Python/brc.c``):

- The owner's decrement that takes ``ob_ref_local`` to 0 frees the object if the shared
  count is 0, and otherwise *merges*: ``ob_tid`` becomes 0 and the shared field holds the
  whole count (``_Py_MergeZeroLocalRefcount``).  From then on nobody owns it, and every
  thread's update is atomic.
- Another thread's decrement when the shared count is 0 (it drops a reference whose
  increment the owner counted) would take the shared field below 0: instead it *queues* the
  object to its owner (``_Py_DecRefShared``), which merges it, dropping that reference, at
  its next eval-breaker check (``_Py_brc_merge_refcounts`` → ``_Py_ExplicitMergeRefcount``).
  gilsim merges it at once.
- gilsim's owner is the thread that bound the watched name to the object (normally the one
  that made it), and the references it had then are its local ones.  An instruction's net
  change is applied one reference at a time.
- Immortal objects (PEP 683) are never counted: ``Py_INCREF`` and ``Py_DECREF`` see the
  immortal bit and do nothing, so no thread writes their counts at all (``immortal``).  The
  statically allocated ones are immortal from the start: ``None``, ``True``, ``False``,
  ``Ellipsis``, ``NotImplemented``, the small ints -5 to 256, the empty tuple, the empty and
  one-byte ``bytes``, the empty and one-character Latin-1 ``str`` (3.13.0 measured: each
  reports ``sys.getrefcount`` 4294967295, 257 and ``chr(257)`` do not).  The objects 3.13t
  gives deferred reference counting (functions not nested in a function, classes, code
  objects, modules, method descriptors) become immortal when the program starts its first
  thread (gh-117783, ``_PyGC_ImmortalizeDeferredObjects``; "Python support for free
  threading", 3.13), and so does each one made after that.  Interned strings, immortal in
  3.13t too, are counted as plain objects: the host cannot tell one without interning it.
- Nothing here costs time: the 6% of every instruction (``costs.FREE_THREADED_COSTS``) is
  the whole price, contended atomic updates included.  Counting only the watched objects'
  atomic updates would make watching a run change its time.
"""

from __future__ import annotations

import types
from typing import Any

import attrs

from gilsim.interpreter.functions import SimFunction

# What an update led to besides changing a field.
MERGED = "merged"  # the owner's local count reached 0 with shared references left
QUEUED = "queued"  # another thread dropped a reference the owner counted


@attrs.define(eq=False)
class BiasedCount:
    """``ob_tid`` (``owner``, None once merged), ``ob_ref_local`` and ``ob_ref_shared``
    (``shared``: its count, without its two flag bits) of one watched object, and how many
    updates took each path."""

    owner: int | None
    local: int = 0
    shared: int = 0
    local_updates: int = 0
    shared_updates: int = 0
    # The thread that owned it first.
    made_by: int | None = attrs.field(
        default=attrs.Factory(lambda self: self.owner, takes_self=True)
    )

    @property
    def merged(self) -> bool:
        return self.owner is None

    def update(self, thread: int | None, delta: int) -> str | None:
        """``delta`` references taken (or dropped) by ``thread``, one at a time; what it led
        to (``MERGED``, ``QUEUED``), if anything."""
        step = 1 if delta > 0 else -1
        happened = None
        for _ in range(abs(delta)):
            happened = self._one(thread, step) or happened
        return happened

    def _one(self, thread: int | None, step: int) -> str | None:
        if self.owner is not None and thread == self.owner:
            # The owner's plain add to ``ob_ref_local``.
            self.local_updates += 1
            self.local += step
            if self.local == 0 and self.shared != 0:
                self._merge()
                return MERGED
            return None
        # Anyone else's atomic add to ``ob_ref_shared``.
        self.shared_updates += 1
        if step < 0 and self.shared == 0 and self.owner is not None:
            self._merge()
            self.shared -= 1
            return QUEUED
        self.shared += step
        return None

    def _merge(self) -> None:
        """``ob_tid = 0``: the shared field holds the whole count from now on."""
        self.shared += self.local
        self.local = 0
        self.owner = None


# When an immortal object became immortal (``immortal``).
STATIC = "static"  # statically allocated: from the start
DEFERRED = "deferred"  # of deferred reference counting: from the first thread's start

_SINGLETONS = {id(None): "None", id(True): "True", id(False): "False"}
_SINGLETONS.update({id(Ellipsis): "Ellipsis", id(NotImplemented): "NotImplemented"})
_DESCRIPTORS = (
    types.MethodDescriptorType,
    types.WrapperDescriptorType,
    types.ClassMethodDescriptorType,
)
CO_NESTED = 0x10  # ``Include/cpython/code.h``: a function defined inside a function


def immortal(obj: Any) -> tuple[str, str] | None:
    """Whether ``obj`` is immortal in 3.13t: ``(STATIC or DEFERRED, what it is)``."""
    if id(obj) in _SINGLETONS:
        return STATIC, _SINGLETONS[id(obj)]
    kind = type(obj)
    if kind is int and -5 <= obj <= 256:
        return STATIC, "a small int"
    if kind is tuple and not obj:
        return STATIC, "the empty tuple"
    if kind is str and (not obj or (len(obj) == 1 and ord(obj) < 256)):
        return STATIC, "a one-character string" if obj else "the empty string"
    if kind is bytes and len(obj) <= 1:
        return STATIC, "a one-byte bytes" if obj else "the empty bytes"
    # ``func_new`` and ``PyFunction_New``: deferred unless ``CO_NESTED``.
    if isinstance(obj, SimFunction | types.FunctionType):
        if not obj.__code__.co_flags & CO_NESTED:
            return DEFERRED, "a function not nested in a function"
        return None
    if isinstance(obj, type):
        return DEFERRED, "a class"
    if isinstance(obj, types.CodeType):
        return DEFERRED, "a code object"
    if isinstance(obj, types.ModuleType):
        return DEFERRED, "a module"
    if isinstance(obj, _DESCRIPTORS):
        return DEFERRED, "a method descriptor"
    return None
