"""Places: what a recorded access is an access *to*.

A place is one variable of the program: a global (``__main__.counter``), an attribute of one
object (``Account#1.balance``), one item of one container (``cache['k']``), or a closure cell.
Every place belongs to an *owner* (the module's globals dict, the object, the container, the
cell), and each owner gets a name that is the same in every run of the same program and seed:
a module name, a class name, or the type name and the order in which the recorder first met
the object (``Account#2``), never an address.

Owners are found by ``id()``, and CPython reuses the address of a dead object for the next one
at once, so an owner also keeps a way to tell whether the object under that ``id`` is still the
one it names: a weak reference where the type allows one, else a strong reference (dicts and
lists cannot be weakly referenced).  Holding a container alive until its owner is dropped is
the price of never mixing the history of two containers that had the same address; owners that
only one thread ever touched are dropped when the table grows large (``Places.sweep``).

Values are kept as they are only when they are plain immutable builtins (numbers, strings,
``None``): anything else is shown as its type, because calling a program's ``__repr__`` would
run its code inside the simulation and change what the run does.
"""

from __future__ import annotations

import collections
import types
import weakref
from typing import Any

# Container types whose items are places (mutable: an immutable one cannot race).
CONTAINERS = (dict, list, bytearray, collections.deque)
CONTAINER_TYPES = frozenset({dict, list, bytearray, collections.deque, collections.defaultdict})

# Values and keys kept as they are: immutable, no ``__del__``, repr runs no program code.
PLAIN = frozenset({int, float, complex, bool, str, bytes, type(None)})

# Marks a key that is not plain (its identity stands for it) or a missing value.
_BY_ID = object()


class Shown:
    """A value recorded by description only (``<Account object>``, ``absent``)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


ABSENT = Shown("absent")
PRESENT = Shown("present")
DELETED = Shown("deleted")
_KEPT = PLAIN | {Shown}

# Descriptions of values of the built-in types, by type.  Only those: the program's own
# classes are made anew by every run, and a table of them would keep every run alive.
_shown_types: dict[type, Shown] = {}
_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made at run time


def of_type(obj: Any, types_: type | tuple[type, ...]) -> bool:
    """``isinstance(obj, types_)`` by the object's real type.  ``isinstance`` falls back to
    ``obj.__class__``, which runs the program's own ``__getattribute__``: recording must never
    run the program's code."""
    return issubclass(type(obj), types_)


def capture(value: Any) -> Any:
    """What an access record keeps of ``value`` (cheap: called at every recorded access)."""
    tp = type(value)
    if tp in _KEPT:
        return value
    shown = _shown_types.get(tp)
    if shown is None:
        shown = Shown(f"<{tp.__name__} object>")
        if not tp.__flags__ & _HEAPTYPE:
            _shown_types[tp] = shown
    return shown


def show(value: Any, limit: int = 40) -> str:
    """A short text for a captured value."""
    if isinstance(value, Shown):
        return value.text
    if type(value) is int and value.bit_length() > 64:
        return f"<int of {value.bit_length()} bits>"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def item_key(container: Any, key: Any) -> Any:
    """The key of item ``container[key]`` as a place: the key itself if plain (a negative
    list index counted from the start), else its identity; ``None`` for a slice (not one
    place)."""
    tp = type(key)
    if tp is int:
        if key < 0 and type(container) is not dict:
            key += len(container)
        return key
    if tp in PLAIN:
        return key
    if tp is slice:
        return None
    if tp is tuple and all(type(k) in PLAIN for k in key):
        return key
    return (_BY_ID, id(key), tp.__name__)


def key_text(key: Any) -> str:
    if type(key) is tuple and key and key[0] is _BY_ID:
        return f"<{key[2]} object>"
    return show(key, 30)


class Place:
    """One variable: its name, and per thread what the detector remembers of it
    (``detector.Side``)."""

    __slots__ = ("serial", "owner", "key", "kind", "sides", "last_write", "name")

    def __init__(self, serial: int, owner: Owner, key: Any, kind: str, name: str) -> None:
        self.serial = serial
        self.owner = owner
        self.key = key
        self.kind = kind  # "global", "attribute", "item" or "cell"
        self.name = name
        self.sides: dict[int, Any] = {}
        self.last_write: Any = None

    def short_name(self) -> str:
        """The name as the program writes it (``counter``, ``self.balance`` is
        ``Account#1.balance``)."""
        if self.kind == "global":
            return str(self.key)
        return self.name


class Owner:
    """An object some places belong to, with its run-stable label."""

    __slots__ = ("label", "ref", "strong", "places", "threads")

    def __init__(self, obj: Any, label: str) -> None:
        self.label = label
        try:
            self.ref: Any = weakref.ref(obj)
            self.strong: Any = None
        except TypeError:
            self.ref = None
            self.strong = obj
        self.places: dict[Any, Place] = {}
        # The first thread that touched it, or -1 once a second one did (never swept then).
        self.threads = 0

    def holds(self, obj: Any) -> bool:
        """Whether ``obj`` is the object this owner names (not a newer one at its address)."""
        if self.ref is None:
            return self.strong is obj
        return self.ref() is obj


class Places:
    """Every place the run has touched, by owner, bounded by ``limit`` places."""

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self.owners: dict[int, Owner] = {}
        self.count = 0
        self.serial = 0
        self.full = False  # the limit was reached even after a sweep: new places are ignored
        self._numbers: collections.Counter[str] = collections.Counter()
        self._labels: set[str] = set()

    def owner(self, obj: Any, kind: str, hint: str | None = None) -> Owner:
        """The owner for ``obj``, made (and labelled) on first sight: a module's globals
        dict by the module's name, a cell by ``hint`` (its variable's name)."""
        owner = self.owners.get(id(obj))
        if owner is None or not owner.holds(obj):
            if kind == "global":
                hint = str(obj.get("__name__", "?"))
            owner = self.owners[id(obj)] = Owner(obj, self._label(obj, hint))
        return owner

    def name_container(self, obj: Any, hint: str) -> None:
        """Call a container by the variable it was first loaded from (``cache``)."""
        if type(obj) in CONTAINER_TYPES:
            owner = self.owners.get(id(obj))
            if owner is None or not owner.holds(obj):
                self.owners[id(obj)] = Owner(obj, self._label(obj, hint))

    def place(self, owner: Owner, key: Any, kind: str, tid: int) -> Place | None:
        """The place ``key`` of ``owner``, touched by thread ``tid``; None if the table is
        full."""
        place = owner.places.get(key)
        if place is None:
            if self.count >= self.limit and not self.sweep():
                return None
            self.serial += 1
            self.count += 1
            place = owner.places[key] = Place(
                self.serial, owner, key, kind, _place_name(owner, key, kind)
            )
        if owner.threads != tid and owner.threads != -1:
            owner.threads = tid if owner.threads == 0 else -1
        return place

    def let_go(self) -> None:
        """Hold no object of the program's any more (the run is over): each owner keeps its
        label and places for the reports, and names no object from now on."""
        for owner in self.owners.values():
            owner.ref = owner.strong = None

    def sweep(self) -> bool:
        """Drop owners only one thread touched (they cannot race yet); True if that made
        room."""
        if self.full:
            return False
        kept = {key: owner for key, owner in self.owners.items() if owner.threads == -1}
        self.owners = kept
        self.count = sum(len(owner.places) for owner in kept.values())
        if self.count >= self.limit // 2:
            self.full = True
        return not self.full

    def _label(self, obj: Any, hint: str | None) -> str:
        if of_type(obj, type):
            label = obj.__qualname__
        elif of_type(obj, types.ModuleType):
            label = obj.__name__
        elif hint is not None:
            label = hint
        else:
            name = type(obj).__name__
            self._numbers[name] += 1
            label = f"{name}#{self._numbers[name]}"
        if label in self._labels:
            # Two containers loaded from the same name, or two classes of one name.
            base, number = label, 2
            while label in self._labels:
                label = f"{base}#{number}"
                number += 1
        self._labels.add(label)
        return label


def _place_name(owner: Owner, key: Any, kind: str) -> str:
    if kind == "global":
        return f"{owner.label}.{key}"
    if kind == "attribute":
        return f"{owner.label}.{key}"
    if kind == "item":
        return f"{owner.label}[{key_text(key)}]"
    return owner.label  # a cell: its variable's name
