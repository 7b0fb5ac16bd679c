"""What ``fork()`` gives the child: a copy of the parent's objects as they are at that
instant (``docs/model/processes.md`` §1.2), made without running any of the program's
code.

A real fork copies the address space; a simulated process's objects are host objects, so
the child's are made here, by walking what the parent can reach.  The rules:

- **Values that cannot change** (numbers, strings, bytes, ``None``, code objects, ranges,
  members of enumerations) are shared: no program can tell a copy from the original, since a process never sees
  another process's objects.
- **Containers** (lists, dicts, sets, bytearrays, deques, cells, tuples of copies) are
  copied, cycles and sharing kept: two names for one list in the parent are two names for
  one list in the child.
- **Classes the program made** (their module is one of the simulated modules) are copied
  too, so that a class attribute changed in the child stays changed only there.  The copy
  is made with ``type.__new__`` and an almost empty namespace, its attributes set after, so
  that neither ``__set_name__`` nor an ``__init_subclass__`` of the program's runs.  A class
  with a metaclass of the program's cannot be made that way: the fork is refused
  (``ForkCopyError``), naming it.  A class with a library metaclass (``ABCMeta``,
  ``EnumMeta``) is shared, and listed in ``shared_classes``.
- **Instances** of copied classes are made with the ``__new__`` of their first built-in base
  (``object.__new__``, ``list.__new__``, ``BaseException.__new__``...) and their ``__dict__``
  and slots copied through the descriptors, never through the program's ``__setattr__`` or
  ``__getattribute__``.
- **gilsim's own objects** (functions, frames, generators, locks) are plain data with slots
  and are copied the same way; ``replace`` maps the ones that must not be copied (the
  parent's interpreter, thread states, shadow modules) to what stands for them in the child.
- **Other host objects** are copied by their own ``__reduce_ex__`` (library code, as C code
  would copy them; their contents by these rules), and shared when they cannot be reduced
  or made again from what they reduce to: open files and sockets, which a fork child shares
  with its parent anyway, and the runtime's own constants (``sys.version_info``).
- **Weak references** point to the copy of their target; weak containers are made anew over
  the copies (their removal callbacks must be the copy's).
- **The kernel's objects** (pipes, sockets, semaphores, memory mappings, and ctypes objects
  that lie in a mapping, a ``multiprocessing.Value``) are shared, as a fork shares them.
"""

from __future__ import annotations

import _random
import collections
import copyreg
import ctypes
import enum
import functools
import itertools
import mmap
import sys
import types
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from gilsim.engine import Engine
from gilsim.errors import UnsupportedError
from gilsim.gil import GIL
from gilsim.interpreter.decode import DecodedCode
from gilsim.interpreter.frame import EXIT, NULL, PENDING, Frame
from gilsim.interpreter.functions import SimFunction
from gilsim.interpreter.generators import Resumable
from gilsim.interpreter.state import InterpreterState, ThreadState
from gilsim.machine import Machine, OSThread
from gilsim.runtime import socketobject
from gilsim.runtime.pipes import PipeEnd
from gilsim.runtime.posixsem import KernelSemaphore
from gilsim.runtime.selectmodule import poll
from gilsim.runtime.semaphores import SemLock
from gilsim.runtime.sockets import SocketFile
from gilsim.runtime.streams import Stream
from gilsim.runtime.threadmodule import RLock, lock

_ATOMIC = frozenset(
    {
        int,
        float,
        complex,
        str,
        bytes,
        bool,
        type(None),
        type(Ellipsis),
        type(NotImplemented),
        range,
        types.CodeType,
        types.BuiltinFunctionType,
        types.BuiltinMethodType,
        types.FunctionType,  # host functions: the library's, never the program's
        types.ModuleType,  # host modules; simulated ones are mapped by ``replace``
        types.WrapperDescriptorType,
        types.MethodWrapperType,
        types.MethodDescriptorType,
        types.ClassMethodDescriptorType,
        types.GetSetDescriptorType,
        types.MemberDescriptorType,
        type(len),
        DecodedCode,  # decoded once per code object (a fork child decodes its own)
        type(NULL),  # the eval loop's markers: one of each, for every process
        type(EXIT),
        type(PENDING),
    }
)
# Threads of the parent other than the one that forks: the child has none of them.
_OUTSIDE = frozenset({ThreadState, OSThread})
# The machinery of a process, which the caller maps to the child's own (``replace``).
_REPLACED = frozenset({InterpreterState, Machine, GIL, Engine})
_MUTABLE_BUILTINS = (list, dict, set, bytearray, collections.deque)
# gilsim's own objects that belong to a process: plain data, copied slot by slot (a
# socket object and a ``select.poll`` object too: reducing them would make them before
# their attributes are whole, and a socket may be reached from its own attributes, through
# the selector that holds it).
INTERNAL = (SimFunction, Frame, Resumable, lock, RLock, SemLock, socketobject.socket, poll)
# What the kernel keeps for every process that has it open, shared by parent and child as
# a real fork shares it: open pipes and sockets, semaphores, shared memory mappings.
_SHARED = frozenset({PipeEnd, SocketFile, Stream, KernelSemaphore, mmap.mmap})
# Slots that stand for a field of the C object itself (``sys.getsizeof`` of the object counts
# it), not for an object of their own in the parent's memory: the child gets the value as it
# is.  A SemLock's handle is ``SemLockObject.handle``, a ``sem_t *`` (semaphore.c).
_IN_OBJECT = frozenset({(SemLock, "_handle")})
_MISSING = object()
_IN_PROGRESS = object()


# Values whose memory is data (numbers, strings, buffers), counted in the parent's size.
_DATA = frozenset({int, float, complex, str, bytes})


_EMPTY_LIST = sys.getsizeof([])


def _size(obj: Any) -> int:
    if type(obj) is list:
        # Without the spare room a list keeps after it shrank: how much that is depends on
        # what the host ran before (gilsim's own lists, such as a thread's stack of handled
        # exceptions), and what a fork costs must not.
        return _EMPTY_LIST + 8 * len(obj)
    try:
        return sys.getsizeof(obj)
    except TypeError:
        return 0


_CData = ctypes.c_int.__mro__[-2]  # ``_ctypes._CData``, the base of every ctypes object


def _in_shared_memory(obj: Any) -> bool:
    """Whether a ctypes object lies in a memory mapping (made by ``from_buffer`` over a
    view of an ``mmap``), whose pages a fork child shares instead of copying."""
    while getattr(obj, "_b_base_", None) is not None:
        obj = obj._b_base_
    objects = getattr(obj, "_objects", None)
    values = objects.values() if isinstance(objects, dict) else (objects,)
    return any(isinstance(v, memoryview) and isinstance(v.obj, mmap.mmap) for v in values)


# Iterators that only hold what they are made from, and so may be made from copies not
# filled yet (a generator whose frame holds the very ``zip`` that iterates over it).
_HOLDERS = frozenset(
    {
        zip,
        map,
        filter,
        enumerate,
        reversed,
        itertools.islice,
        itertools.chain,
        itertools.starmap,
        itertools.zip_longest,
        itertools.compress,
        itertools.dropwhile,
        itertools.takewhile,
        itertools.filterfalse,
        itertools.cycle,
        itertools.accumulate,
        type(iter(())),  # the built-in iterators: ``iter(sequence)`` and a position
        type(iter([])),
        type(iter(range(0))),
        type(iter(range(1 << 64))),
        type(iter("")),
        type(iter(b"")),
        type(iter(bytearray())),
        type(reversed([])),
    }
)
_WEAK_CONTAINERS = frozenset(
    {weakref.WeakSet, weakref.WeakKeyDictionary, weakref.WeakValueDictionary}
)


class _Gone:
    """An object that dies at once: the target of a weak reference that was dead."""


class ForkCopyError(UnsupportedError):
    """Something in the parent cannot be copied into a fork child without running program
    code; the message names it."""


def _slot_names(cls: type) -> Iterable[tuple[type, str]]:
    """Every slot of ``cls`` and its bases, as (defining class, attribute name)."""
    for base in cls.__mro__:
        slots = base.__dict__.get("__slots__", ())
        if isinstance(slots, str):
            slots = (slots,)
        for name in slots:
            if name in ("__dict__", "__weakref__"):
                continue
            if name.startswith("__") and not name.endswith("__"):
                name = f"_{base.__name__.lstrip('_')}{name}"  # private names are mangled
            yield base, name


def _solid_base(cls: type) -> type:
    """The first built-in class in ``cls``'s MRO: whose ``__new__`` makes its instances."""
    for base in cls.__mro__:
        if base.__flags__ & (1 << 9) == 0:  # not Py_TPFLAGS_HEAPTYPE: a built-in type
            return base
    return object


class Copier:
    """Copies objects for a fork child.  ``simulated(cls)`` tells the classes the program
    made; ``replace`` maps objects (by identity) to what stands for them in the child."""

    def __init__(
        self,
        simulated: Callable[[type], bool],
        replace: dict[int, Any],
        decoded: Callable[[types.CodeType], DecodedCode] | None = None,
    ) -> None:
        self.simulated = simulated
        # The child's decoding of a code object: its compiled blocks poll the child's
        # eval breaker and make the child's refcount writes (``blocks.compile_block``).
        self.decoded = decoded
        self.memo: dict[int, Any] = dict(replace)
        # The originals, kept alive until the copy is done: an id must not be reused.
        self.originals: list[Any] = []
        self.pending: collections.deque[tuple[Any, Any]] = collections.deque()
        self.shared_classes: list[type] = []
        # The values shared with the child, and their size (bytes).
        self.data_seen: set[int] = set()
        self.data_bytes = 0
        # Everything the copy went through, values included, in the order it came to
        # them: near the order the parent made them in (``pages.Inherited``).
        self.layout: list[Any] = []

    def memory(self) -> int:
        """The parent's memory that the copy went through (bytes): what it copied and
        what it shared."""
        return self.data_bytes + sum(_size(obj) for obj in self.originals)

    def copy(self, obj: Any) -> Any:
        """The child's version of ``obj`` (with everything it reaches, once ``finish`` ran)."""
        made = self.memo.get(id(obj), _MISSING)
        if made is _IN_PROGRESS:
            raise ForkCopyError(
                f"os.fork(): a {type(obj).__name__} object reaches itself through the "
                "arguments that make it, and gilsim cannot copy it"
            )
        if made is not _MISSING:
            return made
        kind = type(obj)
        if kind is DecodedCode and self.decoded is not None:
            return self._remember(obj, self.decoded(obj.code))
        if kind in _ATOMIC or kind in _SHARED:
            if kind in _DATA and id(obj) not in self.data_seen:
                # Shared, not copied, but in the parent's memory all the same: what fork
                # costs grows with it (``fork.ProcessCosts.fork_ns_per_gib``).
                self.data_seen.add(id(obj))
                self.data_bytes += sys.getsizeof(obj)
                self.layout.append(obj)
            return obj
        if issubclass(kind, _CData) and _in_shared_memory(obj):
            return obj  # a ctypes object in a MAP_SHARED mapping (a multiprocessing.Value)
        if issubclass(kind, enum.Enum):
            # A member of an enumeration (``signal.SIGCHLD``): one of its class's
            # singletons, and the class is shared (a library metaclass, ``EnumMeta``).
            return obj
        self.originals.append(obj)
        self.layout.append(obj)
        if kind is tuple or kind is frozenset:
            items = [self.copy(item) for item in obj]
            unchanged = all(a is b for a, b in zip(items, obj, strict=True))
            return self._remember(obj, obj if unchanged else kind(items))
        if kind in _OUTSIDE:
            return None  # a thread of the parent: none in the child but the one that forked
        if kind in _REPLACED:
            raise ForkCopyError(f"os.fork(): gilsim's {kind.__name__} was not given a copy")
        if issubclass(kind, weakref.ReferenceType):
            return self._weakref(obj, kind)
        if kind in _WEAK_CONTAINERS:
            return self._weak_container(obj, kind)
        if kind is functools.partial:
            # Made first and filled after: its function may reach it back (an executor's
            # bound method that holds the partial), which arguments to a constructor cannot.
            made = self._remember(obj, functools.partial(_Gone))
            state = self.copy(obj.__reduce__()[2])
            self.finish()
            made.__setstate__(state)
            return made
        if kind is types.MethodType:
            made = types.MethodType(self.copy(obj.__func__), self.copy(obj.__self__))
            return self._remember(obj, made)
        if issubclass(kind, type):  # not isinstance: that may ask the object its __class__
            return self._class(obj)
        if kind in (staticmethod, classmethod):
            return self._remember(obj, kind(self.copy(obj.__func__)))
        if kind is property:
            made = property(
                self.copy(obj.fget), self.copy(obj.fset), self.copy(obj.fdel), obj.__doc__
            )
            return self._remember(obj, made)
        return self._object(obj, kind)

    def copy_into(self, original: dict[str, Any], target: dict[str, Any]) -> None:
        """Make ``target`` (an empty dict, a new module's) the copy of ``original``."""
        self._shell(original, target)

    def finish(self) -> None:
        """Fill every shell made so far, and what filling them makes."""
        while self.pending:
            original, shell = self.pending.popleft()
            self._fill(original, shell)

    # -- helpers ------------------------------------------------------------------------

    def _remember(self, original: Any, made: Any) -> Any:
        self.memo[id(original)] = made
        return made

    def _shell(self, original: Any, shell: Any) -> Any:
        self.memo[id(original)] = shell
        self.pending.append((original, shell))
        return shell

    def _weakref(self, ref: Any, kind: type) -> Any:
        """A weak reference to the copy of its target, with the copy of its callback (a
        reference already dead stays dead)."""
        target = ref()
        if target is None:
            return self._remember(ref, weakref.ref(_Gone()))
        callback = self.copy(ref.__callback__)
        if kind is weakref.KeyedRef:
            made = weakref.KeyedRef(self.copy(target), callback, self.copy(ref.key))
        else:
            made = kind(self.copy(target), callback)
        return self._remember(ref, made)

    def _weak_container(self, obj: Any, kind: type) -> Any:
        """A ``WeakSet``, ``WeakKeyDictionary`` or ``WeakValueDictionary`` made anew over
        the copies of what it holds: its removal callbacks must be the copy's own."""
        made = self._remember(obj, kind())
        if kind is weakref.WeakSet:
            items = [self.copy(item) for item in list(obj)]
            self.finish()  # hashed at once: they must be whole
            for item in items:
                made.add(item)
        else:
            pairs = [(self.copy(key), self.copy(value)) for key, value in list(obj.items())]
            self.finish()
            for key, value in pairs:
                made[key] = value
        return made

    def _class(self, cls: type) -> type:
        if not self.simulated(cls):
            return cls
        if type(cls) is not type:
            if self.simulated(type(cls)):
                raise ForkCopyError(
                    f"os.fork(): class {cls.__qualname__} has a metaclass of the program's "
                    f"({type(cls).__qualname__}), which gilsim cannot copy into the child "
                    "without running it"
                )
            self.shared_classes.append(cls)
            self.memo[id(cls)] = cls
            return cls
        bases = tuple(self.copy(base) for base in cls.__bases__)
        namespace: dict[str, Any] = {
            "__qualname__": cls.__qualname__,
            "__module__": cls.__module__,
        }
        if "__slots__" in cls.__dict__:
            namespace["__slots__"] = cls.__dict__["__slots__"]
        if any("__init_subclass__" in vars(base) for base in cls.__mro__[1:-1]):
            raise ForkCopyError(
                f"os.fork(): class {cls.__qualname__} has a base with __init_subclass__, "
                "which gilsim cannot copy into the child without running it"
            )
        made = type.__new__(type, cls.__name__, bases, namespace)
        return self._shell(cls, made)

    def _object(self, obj: Any, kind: type) -> Any:
        if kind in _MUTABLE_BUILTINS:
            if kind is collections.deque:
                return self._shell(obj, collections.deque(maxlen=obj.maxlen))
            return self._shell(obj, kind())
        if kind is types.CellType:
            return self._shell(obj, types.CellType())
        if self.simulated(kind) or issubclass(kind, INTERNAL):
            return self._instance(obj, kind)
        return self._reduced(obj)

    def _instance(self, obj: Any, kind: type) -> Any:
        new_kind = self.copy(kind)
        solid: Any = _solid_base(kind)
        if solid in (object, BaseException) or issubclass(solid, _MUTABLE_BUILTINS):
            return self._shell(obj, solid.__new__(new_kind))
        if issubclass(solid, BaseException):
            return self._shell(obj, BaseException.__new__(new_kind))
        # An immutable built-in base (int, str, tuple...): its value is made now.
        value = solid(obj) if solid is not tuple else tuple(self.copy(item) for item in obj)
        return self._shell(obj, solid.__new__(new_kind, value))

    def _reduced(self, obj: Any) -> Any:
        """A host object, copied as ``copy.deepcopy`` would (its ``__reduce_ex__``), or
        shared if it cannot be (a file, a socket)."""
        try:
            reduced = obj.__reduce_ex__(4)
        except TypeError:
            self.memo[id(obj)] = obj
            return obj
        if isinstance(reduced, str):
            self.memo[id(obj)] = obj  # a module-level singleton, named
            return obj
        function, args, *rest = (*reduced, None, None, None)[:5]
        self.memo[id(obj)] = _IN_PROGRESS
        arguments = [self.copy(a) for a in args]
        if type(obj) not in _HOLDERS:
            self.finish()  # the arguments are used at once: they must be whole
        try:
            if function is copyreg.__newobj__:  # type: ignore[attr-defined]
                made = arguments[0].__new__(arguments[0], *arguments[1:])
            else:
                made = function(*arguments)
        except TypeError:
            # It reduces, but cannot be made again (``sys.version_info``, a struct
            # sequence of the interpreter's): a constant of the runtime, shared.
            self.memo[id(obj)] = obj
            return obj
        self.memo[id(obj)] = made
        state, items, pairs = rest[0], rest[1], rest[2]
        if items is not None:
            for item in items:
                made.append(self.copy(item))
        if pairs is not None:
            for key, value in pairs:
                made[self.copy(key)] = self.copy(value)
        if state is not None and isinstance(obj, _random.Random):
            # A generator's state is an array inside its C object (``RandomObject``,
            # ``Modules/_randommodule.c``), counted in its size: the ints ``getstate()`` makes
            # of it are not in the parent's memory, and how big they are is random (a
            # generator seeded from ``os.urandom``, as ``tempfile``'s names are): what a
            # fork costs must not be.  They are numbers, shared as they are.
            made.__setstate__(state)
        elif state is not None:
            state = self.copy(state)
            self.finish()  # the state is used at once: it must be whole
            if hasattr(made, "__setstate__"):
                made.__setstate__(state)
            else:
                if isinstance(state, tuple) and len(state) == 2:
                    state, slots = state
                    for name, value in (slots or {}).items():
                        setattr(made, name, value)
                if state:
                    made.__dict__.update(state)
        return made

    def _fill(self, original: Any, shell: Any) -> None:
        kind = type(original)
        copy = self.copy
        if kind is list:
            shell.extend(copy(item) for item in original)
        elif kind is dict:
            pairs = [(copy(key), copy(value)) for key, value in original.items()]
            self.finish()  # keys are hashed: they must be whole (a lock hashes its number)
            for key, value in pairs:
                shell[key] = value
        elif kind is set:
            items = [copy(item) for item in original]
            self.finish()
            shell.update(items)
        elif kind is bytearray:
            shell.extend(original)
        elif kind is collections.deque:
            shell.extend(copy(item) for item in original)
        elif kind is types.CellType:
            try:
                shell.cell_contents = copy(original.cell_contents)
            except ValueError:
                pass  # an empty cell stays empty
        elif issubclass(kind, type):
            self._fill_class(original, shell)
        else:
            self._fill_instance(original, shell)

    def _fill_class(self, original: type, shell: type) -> None:
        made_by_type = set(vars(shell))
        for name, value in vars(original).items():
            if name in made_by_type or name in ("__dict__", "__weakref__"):
                continue
            if type(value) is types.MemberDescriptorType:
                continue  # a slot: the copy has its own
            type.__setattr__(shell, name, self.copy(value))
        type.__setattr__(shell, "__doc__", original.__doc__)

    def _fill_instance(self, original: Any, shell: Any) -> None:
        kind = type(original)
        solid = _solid_base(kind)
        if solid is list:
            list.extend(shell, (self.copy(item) for item in original))
        elif solid is dict:
            pairs = [(self.copy(key), self.copy(value)) for key, value in dict.items(original)]
            self.finish()
            for key, value in pairs:
                dict.__setitem__(shell, key, value)
        elif solid is set:
            items = [self.copy(item) for item in original]
            self.finish()
            set.update(shell, items)
        elif solid is bytearray:
            bytearray.extend(shell, original)
        elif solid is collections.deque:
            collections.deque.extend(shell, (self.copy(item) for item in original))
        elif issubclass(solid, BaseException):
            # Through the descriptors: the program's __getattribute__ must not run.
            for name in ("args", "__cause__", "__context__", "__traceback__"):
                descriptor = BaseException.__dict__[name]
                descriptor.__set__(shell, self.copy(descriptor.__get__(original)))
            suppress = BaseException.__dict__["__suppress_context__"]
            suppress.__set__(shell, suppress.__get__(original))
        try:
            state = object.__getattribute__(original, "__dict__")
        except AttributeError:
            state = None
        if isinstance(state, dict):
            target = object.__getattribute__(shell, "__dict__")
            for name, value in state.items():
                target[name] = self.copy(value)
        for base, name in _slot_names(kind):
            descriptor = base.__dict__.get(name)
            if type(descriptor) is not types.MemberDescriptorType:
                continue
            try:
                value = descriptor.__get__(original, kind)
            except AttributeError:
                continue  # never set
            if (base, name) in _IN_OBJECT:
                object.__setattr__(shell, name, value)
                continue
            object.__setattr__(shell, name, self.copy(value))


def copy_for_fork(
    roots: Iterable[Any], simulated: Callable[[type], bool], replace: dict[int, Any]
) -> tuple[list[Any], Copier]:
    """The child's versions of ``roots`` (and of everything they reach), and the copier
    (its ``memo`` maps every original's id to its copy; ``shared_classes``)."""
    copier = Copier(simulated, replace)
    copies = [copier.copy(root) for root in roots]
    copier.finish()
    return copies, copier
