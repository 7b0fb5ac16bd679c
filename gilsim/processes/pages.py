"""Copy-on-write: the pages a fork child shares with its parent, and the writes that copy them
(``docs/model/processes.md`` §2, §6 items 14, 15 and 17).

After ``fork()`` parent and child map the same physical pages, read-only; the first write to a
page by the child faults, and the kernel gives it a private copy of that 4 KiB page.  In
CPython *using* an object writes to it: its reference count is in its header, and every
reference the eval loop takes (a push on the value stack: a name loaded, an item of a loop,
an argument) increments it.  So a child that only reads inherited objects copies every page
that holds one of them.  A collection writes too: ``gc.collect()`` updates the ``PyGC_Head``
in front of every tracked object of the generations it scans, so a full collection in a child
copies every page with a tracked inherited object, unless the parent moved them into the
permanent generation first (``gc.freeze()``).

The layout.  CPython's allocator (``Objects/obmalloc.c``) puts a small object (up to 512
bytes) in a pool of its size class, rounded up to 16 bytes, one after the other as they are
made; a container tracked by the GC has its 16-byte ``PyGC_Head`` in front.  So 300,000 ints
made in a loop fill 32-byte slots in a row, 128 to a page, and a tuple and the list it holds
(both 64 bytes with their headers) alternate in the same pools.  gilsim lays the parent's
objects out that way, in the order the fork's copy comes to them (a list, then its items:
close to the order a program makes them in), each size class on pages of its own.  Larger
objects follow each other on pages of their own (glibc ``malloc``).  The layout is made from
the objects themselves, never from host addresses, so a run's page faults are the same
every time it runs.  The child's object is the parent's when it cannot change (an int, a
str) and a copy otherwise (``copying``); either way it lies where the original lay.

The interpreter's own memory is not laid out, only counted: a child's imports write to it
(``load``, called by ``gilsim.interpreter.loading``).  What is not modelled: the parent's own
writes after the fork (they copy pages too, but the parent is not the one that pays for it
here), pages that the child's other new objects fill, and native code that iterates an
inherited container (``sum(data)`` increments each item, but the eval loop sees only
``data`` pushed).  Buffers inside one object (the bytes of a ``bytes``) lie
after its header and are never written by reading it, as in CPython.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

# getconf PAGESIZE on x86-64 Linux.
PAGE_SIZE = 4096
_PAGE_SHIFT = 12
# sizeof(PyGC_Head) on 64-bit CPython 3.8 and later: two pointers in front of the object.
GC_HEAD = 16
# obmalloc.c: requests up to 512 bytes are pymalloc's, in 16-byte size classes (ALIGNMENT).
SMALL_REQUEST_THRESHOLD = 512
_ALIGNMENT = 16
# Each size class on pages of its own: far apart in the layout.
_REGION_SHIFT = 40
# Py_TPFLAGS_HAVE_GC: instances carry a PyGC_Head.
_HAVE_GC = 1 << 14
# A minor fault that copies a page: 2.5 µs each, measured as 15,705 pages copied by a first
# pass over 2M inherited ints taking 39.6 ms longer than the second (`docs/model/processes.md` §2).
FAULT_NS = 2_500
# A fork child's imports (``gilsim.interpreter.loading``) write to pages it shares with its
# parent.  Measured in fork children of a parent that had imported multiprocessing's fork
# server (CPython 3.11.7, minor faults by ``getrusage``): the first import, of a 5 KB
# module, faulted 254-256 pages against 1 in a fresh interpreter (the import system's state:
# ``sys.modules``, the path finders' caches); the next, ``pkgutil`` with its four
# requirements, 711 against 245 fresh, and from then on about as many as fresh (the
# parent's free blocks used up: 12 more modules faulted 1,104 pages, 1,064 fresh).
IMPORT_STATE_PAGES = 250
# That first import took 1.1-1.2 ms longer than in a fresh interpreter: 4.3-4.7 µs a fault,
# dearer than a pass over a list's items (``FAULT_NS``), whose pages follow each other.
LOAD_FAULT_NS = 4_300
# The pages with free blocks that the child's new objects fill first (obmalloc allocates
# from a size class's partly used pools before it takes an empty one), and the bytes of
# loaded code that fill one such page.
FREE_BLOCK_PAGES = 600
CODE_BYTES_PER_PAGE = 100


def _allocation(obj: Any) -> tuple[int, bool]:
    """The bytes CPython allocates for ``obj`` itself (its header block, rounded up to the
    alignment, without separately allocated parts such as a list's item array), and whether
    it has a ``PyGC_Head``."""
    kind = type(obj)
    collected = bool(kind.__flags__ & _HAVE_GC)
    if collected:
        size = GC_HEAD + kind.__basicsize__
        if kind is tuple:
            size += kind.__itemsize__ * len(obj)  # a tuple's items are in the object
    else:
        try:
            size = sys.getsizeof(obj)
        except TypeError:
            size = kind.__basicsize__
    return -(-size // _ALIGNMENT) * _ALIGNMENT, collected


class Inherited:
    """A fork child's memory that is still its parent's: where each inherited object lies,
    and the pages the child has copied so far."""

    def __init__(self, layout: list[Any], memo: dict[int, Any], frozen: frozenset[int]) -> None:
        """``layout`` lists the parent's objects that the fork went through, in order, and
        ``memo`` maps their ids to the child's objects (an object missing from it is
        shared); ``frozen`` holds the ids of the objects that the parent's ``gc.freeze()``
        moved into the permanent generation, which no collection writes to."""
        # id of the child's object -> page of its refcount.
        self.page_of: dict[int, int] = {}
        # Pages of the ``PyGC_Head`` of the tracked objects a collection would scan.
        self.gc_pages: set[int] = set()
        used: dict[int, int] = {}  # size class (0: large objects) -> bytes laid out
        for original in layout:
            size, collected = _allocation(original)
            size_class = size if size <= SMALL_REQUEST_THRESHOLD else 0
            start = used.get(size_class, 0)
            used[size_class] = start + size
            address = (size_class << _REGION_SHIFT) + start
            made = memo.get(id(original), original)
            refcount = address + GC_HEAD if collected else address
            self.page_of[id(made)] = refcount >> _PAGE_SHIFT
            if collected and id(original) not in frozen and gc.is_tracked(original):
                self.gc_pages.add(address >> _PAGE_SHIFT)
        # The pages of the objects laid out, and of the interpreter's own that loading can
        # copy (``load``).
        self.shared_pages = (
            len(set(self.page_of.values()) | self.gc_pages) + IMPORT_STATE_PAGES + FREE_BLOCK_PAGES
        )
        self.copied: set[int] = set()
        self.fault_ns = FAULT_NS
        # The interpreter's own pages the child has copied by loading modules (``load``),
        # and what is left of the parent's free blocks.
        self.runtime_copied = 0
        self.free_block_pages = FREE_BLOCK_PAGES

    def touch(self, obj: Any) -> int:
        """A reference to ``obj`` was taken or dropped: its refcount written.  The time the
        fault took (ns), if that copied a page."""
        page = self.page_of.get(id(obj))
        if page is None or page in self.copied:
            return 0
        return self.fault(page)

    def fault(self, page: int) -> int:
        """The first write to shared ``page``: the child's copy of it, and its time (ns)."""
        self.copied.add(page)
        return self.fault_ns

    def touch_top(self, stack: list[Any], count: int) -> int:
        """An instruction pushed ``count`` references (on top of ``stack``): write their
        refcounts.  The time the faults took (ns)."""
        spent = 0
        if count:
            for obj in stack[-count:]:
                spent += self.touch(obj)
        return spent

    def load(self, size: int) -> int:
        """The child loaded a module whose code has ``size`` bytes: the inherited pages its
        loading writes (the import system's on the first load; free blocks its new objects
        fill).  The time the faults took (ns)."""
        pages = IMPORT_STATE_PAGES if not self.runtime_copied else 0
        filled = min(self.free_block_pages, -(-size // CODE_BYTES_PER_PAGE))
        self.free_block_pages -= filled
        pages += filled
        self.runtime_copied += pages
        return pages * LOAD_FAULT_NS

    def collect(self) -> int:
        """``gc.collect()``: every tracked inherited object's header written.  The time the
        faults took (ns)."""
        new = self.gc_pages - self.copied
        self.copied |= new
        return len(new) * self.fault_ns

    def private_bytes(self) -> int:
        """The child's copies of pages it shared with its parent."""
        return self.copied_pages() * PAGE_SIZE

    def shared_bytes(self) -> int:
        """The parent's pages the child still shares (every page it copied was one)."""
        return (self.shared_pages - self.copied_pages()) * PAGE_SIZE

    def copied_pages(self) -> int:
        """The pages the child has copied: of its objects, and of the interpreter."""
        return len(self.copied) + self.runtime_copied

    def copy_on_write_ns(self) -> int:
        """The time the child's faults have taken (ns)."""
        return len(self.copied) * self.fault_ns + self.runtime_copied * LOAD_FAULT_NS
