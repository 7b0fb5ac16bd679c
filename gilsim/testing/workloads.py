"""Threading workloads as values, and the Python programs they stand for.

A :class:`Workload` is a main thread and up to a few threads, each a list of steps: CPU
loops, sleeps, updates under a ``Lock`` or ``RLock``, ``Event`` set and wait, ``Queue``
hand-offs between a producer and a consumer, joins.  :meth:`Workload.source` writes it out as
a complete program.  The strategies of ``gilsim.testing.scheduling`` build workloads; keeping
them as values lets a reader (and Hypothesis's shrinker) see the structure, not only text.

Why every such program ends, and prints the same under any interleaving:

* **no deadlock**: threads are numbered in the order they start, and a thread waits only for
  threads numbered before it (``Await``, ``Join``); every worker publishes its event exactly
  once, at the latest at its end.  A producer and its consumer wait only for each other, on
  their own queue, and the producer always ends the stream with ``None``.  A lock's body only
  computes or sleeps, and locks nest only in increasing order, so lock waits are finite;
* **no race in ``join``**: a thread is joined by one thread only (the main thread's last
  joins skip those a worker joins, which it still waits for through the joiner).  In 3.11
  and 3.12 two threads joining one thread at once can fail in ``Thread._stop``
  (``assert not lock.locked()``, CPython gh-116372): one releases the ``_tstate_lock`` it
  took and, before its ``_stop``, the other takes it;
* **deterministic output**: only the main thread prints, after joining every thread.  A
  thread's results depend only on its own steps and on values published before the events it
  waited for; shared counters change only under their lock by amounts so computed, and the
  sums do not depend on the order; one producer per queue keeps the consumer's order FIFO.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Await",
    "Join",
    "Locked",
    "Pair",
    "Sleep",
    "Spin",
    "Step",
    "Worker",
    "Workload",
]

MODULUS = 10007  # keeps every computed value small: prints stay short


@dataclass(frozen=True)
class Spin:
    """A CPU loop of ``iterations`` rounds: a ``for`` loop, a ``while`` loop, or a call of a
    function with the loop (``shape``), so that check points of every kind are met."""

    iterations: int
    shape: str = "for"

    def lines(self) -> list[str]:
        n = self.iterations
        if self.shape == "while":
            return [
                "j = 0",
                f"while j < {n}:",
                f"    acc = (acc + j * j) % {MODULUS}",
                "    j += 1",
            ]
        if self.shape == "call":
            return [f"acc = crunch({n}, acc)"]
        return [f"for i in range({n}):", f"    acc = (acc * 31 + i) % {MODULUS}"]


@dataclass(frozen=True)
class Sleep:
    """``time.sleep`` of ``us`` microseconds (0 included: it still releases the GIL)."""

    us: int

    def lines(self) -> list[str]:
        return [f"time.sleep({self.us / 1_000_000!r})"]


@dataclass(frozen=True)
class Locked:
    """``with lock_K:`` (twice nested on an ``RLock`` when ``reenter``): add to
    ``counts[K]``, then run ``body``, which only computes, sleeps, or takes locks numbered
    higher."""

    lock: int
    reenter: bool = False
    body: tuple[Spin | Sleep | Locked, ...] = ()

    def lines(self) -> list[str]:
        inner = [f"counts[{self.lock}] += acc % 7 + 1"]
        for step in self.body:
            inner += step.lines()
        if self.reenter:
            inner = [f"with lock_{self.lock}:", *_indent(inner)]
        return [f"with lock_{self.lock}:", *_indent(inner)]


@dataclass(frozen=True)
class Await:
    """Wait for thread ``thread``'s event, then use the value it published."""

    thread: int

    def lines(self) -> list[str]:
        return [
            f"events[{self.thread}].wait()",
            f"acc = (acc + seen[{self.thread}]) % {MODULUS}",
        ]


@dataclass(frozen=True)
class Join:
    """``threads[thread].join()``."""

    thread: int

    def lines(self) -> list[str]:
        return [f"threads[{self.thread}].join()"]


Step = Spin | Sleep | Locked | Await | Join


@dataclass(frozen=True)
class Worker:
    """A thread running ``steps``; it publishes ``acc`` and sets its event after the first
    ``publish_at`` steps, and stores ``acc`` in ``results`` at its end."""

    steps: tuple[Step, ...]
    publish_at: int = 0

    def body(self, index: int) -> list[str]:
        lines = [f"acc = {index + 1}"]
        publish = [f"seen[{index}] = acc", f"events[{index}].set()"]
        for position, step in enumerate(self.steps):
            if position == self.publish_at:
                lines += publish
            lines += step.lines()
        if self.publish_at >= len(self.steps):
            lines += publish
        return [*lines, f"results[{index}] = acc"]


@dataclass(frozen=True)
class Pair:
    """A producer (thread ``index``) and its consumer (``index + 1``) on one queue of
    ``maxsize`` (0: unbounded): ``items`` items, then ``None``; each side may compute or sleep
    after each item."""

    items: int
    maxsize: int = 0
    producer_work: tuple[Spin | Sleep, ...] = ()
    consumer_work: tuple[Spin | Sleep, ...] = ()

    def producer(self, index: int, queue: str) -> list[str]:
        work = [line for step in self.producer_work for line in step.lines()]
        return [
            f"acc = {index + 1}",
            f"for item in range({self.items}):",
            f"    {queue}.put(item * 7 % 13)",
            *_indent(work),
            f"{queue}.put(None)",
            f"results[{index}] = ({self.items}, acc)",
        ]

    def consumer(self, index: int, queue: str) -> list[str]:
        work = [line for step in self.consumer_work for line in step.lines()]
        return [
            "acc = count = 0",
            "while True:",
            f"    item = {queue}.get()",
            "    if item is None:",
            "        break",
            "    count += 1",
            f"    acc = (acc * 3 + item) % {MODULUS}",
            *_indent(work),
            f"results[{index}] = (count, acc)",
        ]


@dataclass(frozen=True)
class Workload:
    """A whole program: ``threads`` in start order (a ``Pair`` is two threads), the kinds of
    its locks (``"Lock"`` or ``"RLock"``), and what the main thread does between starting
    the threads and joining them."""

    threads: tuple[Worker | Pair, ...]
    locks: tuple[str, ...] = ()
    main: tuple[Step, ...] = field(default=())

    @property
    def thread_count(self) -> int:
        return sum(2 if isinstance(t, Pair) else 1 for t in self.threads)

    def source(self) -> str:
        """The program, ready to run under gilsim or CPython."""
        n = self.thread_count
        out = [
            "import queue",
            "import threading",
            "import time",
            "",
            f"counts = [0] * {len(self.locks)}",
            f"results = [None] * {n}",
            f"seen = [0] * {n}",
            f"events = [threading.Event() for _ in range({n})]",
        ]
        out += [f"lock_{k} = threading.{kind}()" for k, kind in enumerate(self.locks)]
        out += [f"{name} = queue.Queue(maxsize={size})" for name, size in self.queues()]
        out += ["", "", "def crunch(n, acc):", "    for i in range(n):"]
        out += [f"        acc = (acc * 31 + i) % {MODULUS}", "    return acc", ""]
        targets = []
        for index, body in self._bodies():
            name = f"thread_{index}"
            targets.append(name)
            out += ["", f"def {name}():", *_indent(body), ""]
        out += ["", "threads = ["]
        out += [f'    threading.Thread(target={t}, name="{t}"),' for t in targets]
        out += ["]", f'print("starting", {n}, "threads")', "for thread in threads:"]
        out += ["    thread.start()", "acc = 0"]
        for step in self.main:
            out += step.lines()
        joined = self.joined_by_workers()
        if joined:
            rest = [k for k in range(n) if k not in joined]
            out += [f"for thread in [threads[k] for k in {rest}]:", "    thread.join()"]
        else:
            out += ["for thread in threads:", "    thread.join()"]
        out += ['print("main", acc)', 'print("counts", counts)', 'print("results", results)']
        return "\n".join(out) + "\n"

    def joined_by_workers(self) -> set[int]:
        """The threads a worker joins (the main thread leaves them to it)."""
        return {
            step.thread
            for thread in self.threads
            if isinstance(thread, Worker)
            for step in thread.steps
            if isinstance(step, Join)
        }

    def _bodies(self) -> list[tuple[int, list[str]]]:
        bodies = []
        index = 0
        for thread in self.threads:
            if isinstance(thread, Pair):
                queue = f"queue_{index}"
                bodies.append((index, thread.producer(index, queue)))
                bodies.append((index + 1, thread.consumer(index + 1, queue)))
                index += 2
            else:
                bodies.append((index, thread.body(index)))
                index += 1
        return bodies

    def queues(self) -> list[tuple[str, int]]:
        """Each pair's queue: its name and its ``maxsize``."""
        found, index = [], 0
        for thread in self.threads:
            if isinstance(thread, Pair):
                found.append((f"queue_{index}", thread.maxsize))
            index += 2 if isinstance(thread, Pair) else 1
        return found


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]
