"""Threads whose code runs in another host process: the machine's side of a real ``fork``.

After a real fork (issue 19) a simulated process's Python runs in a host process of its
own, the *child*, while the machine (its engine, cores and scheduler) stays in the first
host process, the *coordinator*.  Each thread of the child has a *mirror* in the
coordinator: an ordinary ``OSThread`` whose body is a greenlet serving the child's requests.
The machine schedules the mirror as it would the thread; when it dispatches it, the mirror
tells the child to run the thread, and then makes, on the thread's behalf, each machine call
the child asks for (``block``, ``wake``, ``yield_to_events``...).  A call that blocks blocks
the mirror, exactly where the thread would have; the child's answer goes once the machine
switches back to it.  So one host process runs at a time, the schedule is the machine's
alone, and two processes still run side by side in virtual time.

In the child, the machine object is the same (the fork copied it) but its class is
``RemoteMachine``: every method the simulated process uses (``gilsim.machine.port``,
``gilsim.machine.threadport``, and the machine calls of a running thread) becomes a
request over the connection, with plain data only (threads by ident, waits by kind and
description, markers by number).  The child's *hub* greenlet reads the answers and
switches to the thread each is for; a thread that the coordinator dispatches anew is
first entered on its clock, as ``Machine._dispatch`` does.

The messages (pickled by ``multiprocessing.connection``):

- child to coordinator: ``(op, clock_ns, args)``, sent by the running thread: its clock,
  which the mirror takes as its own before it acts;
- coordinator to child: ``(ident, resumed, clock_ns, deadline_ns, failed, value)``: for
  thread ``ident``, whether the machine dispatched it again meanwhile, its time (the new
  one if it was dispatched; a system call's kernel time counts too), its deadline (an
  event the call scheduled may have brought it forward), and the call's result or, if
  ``failed``, the ``OSError`` (or the refusal) it raised, as its class's module and name
  and its arguments.

The upper layers add requests of their own (``Proxy.ops``: a system call of the simulated
kernel, which lives in the coordinator).
"""

from __future__ import annotations

import builtins
import itertools
import os
import socket
from collections.abc import Callable, Sequence
from multiprocessing import reduction
from multiprocessing.connection import Connection
from typing import Any, cast

from greenlet import greenlet

from gilsim import errors
from gilsim.engine.core import NEVER
from gilsim.errors import GilsimError, ProcessExit
from gilsim.machine.cpu import Machine
from gilsim.machine.port import Marker
from gilsim.machine.threads import EXITED, OSThread, ThreadKilled, Wait

# Requests the coordinator does not answer: the child goes on at once.
ONE_WAY = frozenset({"advance", "record", "record_at", "record_unordered", "cancel"})


class RemoteClock:
    """A mirror thread's clock: the child's thread's time, as its last request said, and
    the deadline the machine gave it."""

    def __init__(self) -> None:
        self.clock_ns = 0
        self.deadline_ns = NEVER
        self.resumed = False  # dispatched since the request began

    def enter(self, thread: OSThread, now_ns: int, next_event_ns: int) -> None:
        self.clock_ns = now_ns
        self.deadline_ns = next_event_ns
        self.resumed = True

    def leave(self, thread: OSThread) -> None:
        pass


class Proxy:
    """The coordinator's side of one child host process: the mirrors of its threads, and
    the machine calls they make for it."""

    def __init__(
        self,
        machine: Machine,
        conn: Connection,
        process: int,
        clock: RemoteClock | None = None,
    ) -> None:
        self.machine = machine
        self.conn = conn
        self.process = process
        # One clock for all its threads (a process's interpreter is its threads' clock), or
        # one each (None).
        self.clock = clock
        # What the mirrors' ``payload`` is (the upper layers' view of the process).
        self.payload: Any = None
        # Told why the child stopped the run (``Machine.stop``'s error).
        self.on_stop: Callable[[Exception], None] | None = None
        # Requests of the upper layers: ``ops[op](mirror, *args)``.
        self.ops: dict[str, Callable[..., Any]] = {}
        self.threads: dict[int, OSThread] = {}
        self._live: set[int] = set()
        self._outgoing: list[int] = []
        self._markers: dict[int, Marker] = {}
        self._numbers = itertools.count(1)

    def adopt(
        self,
        ident: int,
        name: str,
        pthread: int = 0,
        delay_ns: int | None = None,
        own_domain: bool = False,
    ) -> OSThread:
        """Start the mirror of the child's thread ``ident`` (``Machine.start``)."""
        clock = self.clock if self.clock is not None else RemoteClock()
        thread = OSThread(ident, name, lambda: self._serve(thread), clock, self.payload)
        thread.process, thread.pthread = self.process, pthread
        self.threads[ident] = thread
        self._live.add(ident)
        self.machine.start(thread, delay_ns, own_domain)
        return thread

    def close(self) -> None:
        """Let the child go: its hub sees the connection end, and it exits."""
        self.conn.close()

    def receive_fds(self, count: int) -> list[int]:
        """The host descriptors the child sent after its request (``request(fds=...)``)."""
        with socket.fromfd(self.conn.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            return list(reduction.recvfds(sock, count))

    def send_fds_after_answer(self, fds: list[int]) -> None:
        """Send the host descriptors ``fds`` after the answer to the request being served
        (which the child takes with ``request(receive=...)``), then close them here."""
        self._outgoing = list(fds)

    def _serve(self, thread: OSThread) -> None:
        try:
            self._answer(thread, None)  # its first dispatch: the child starts it
            self._serve_requests(thread)
        finally:
            self._live.discard(thread.ident)
            if not self._live:
                self.close()  # its last thread is gone: so is the child

    def _serve_requests(self, thread: OSThread) -> None:
        clock = cast(RemoteClock, thread.clock)
        while True:
            try:
                op, clock_ns, args = self.conn.recv()
            except (EOFError, OSError) as exc:
                raise self._gone(thread, exc) from None
            clock.clock_ns = clock_ns
            if op == "exit":
                if self._live == {thread.ident} and self.machine.on_process_exit is not None:
                    # The last thread of the child ended: so does the process, as a
                    # process whose last thread calls pthread_exit, with status 0.
                    raise ProcessExit(0)
                return  # its body ended: Machine._body lets it exit
            if op == "process_exit":
                raise ProcessExit(args[0])
            clock.resumed = False
            handler = self.ops.get(op) or getattr(self, f"_op_{op}")
            try:
                value = handler(thread, *args)
            except (OSError, GilsimError) as exc:
                if isinstance(exc, ThreadKilled):
                    raise
                self._answer(thread, _error_data(exc), failed=True)
                continue
            if op not in ONE_WAY:
                self._answer(thread, value)

    def _answer(self, thread: OSThread, value: Any, failed: bool = False) -> None:
        clock = cast(RemoteClock, thread.clock)
        message = (thread.ident, clock.resumed, clock.clock_ns, clock.deadline_ns, failed, value)
        clock.resumed = False
        outgoing, self._outgoing = self._outgoing, []
        try:
            self.conn.send(message)
            if outgoing:
                with socket.fromfd(self.conn.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                    reduction.sendfds(sock, outgoing)
        except OSError as exc:
            raise self._gone(thread, exc) from None
        finally:
            for fd in outgoing:
                os.close(fd)

    def _gone(self, thread: OSThread, exc: Exception) -> GilsimError:
        """The child's host process ended on its own (killed from outside gilsim)."""
        return GilsimError(
            f"the host process of {thread.name} (process {self.process}) ended while the "
            f"run went on ({type(exc).__name__})"
        )

    # -- the machine calls of a running thread ----------------------------------------------

    def _op_block(self, thread: OSThread, kind: str, what: str, timeout_ns: int | None) -> bool:
        return self.machine.block(thread, Wait(kind, what), timeout_ns)

    def _op_yield(self, thread: OSThread) -> None:
        self.machine.yield_to_events(thread)

    def _op_sync(self, thread: OSThread) -> None:
        self.machine.sync_processes(thread)

    def _op_start(
        self,
        thread: OSThread,
        ident: int,
        name: str,
        pthread: int,
        delay_ns: int | None,
        own_domain: bool,
    ) -> None:
        self.adopt(ident, name, pthread, delay_ns, own_domain)

    def _op_stop(self, thread: OSThread, error: Any) -> None:
        reason = None if error is None else _error(error)
        if self.on_stop is not None and isinstance(reason, Exception):
            self.on_stop(reason)
        self.machine.stop(thread, reason if isinstance(reason, Exception) else None)

    def _op_wake(self, thread: OSThread, ident: int, latency_ns: int | None) -> bool:
        return self.machine.wake(self.threads[ident], latency_ns)

    def _op_signal(self, thread: OSThread, ident: int) -> None:
        self.machine.signal(self.threads[ident])

    # -- the engine port (``gilsim.machine.port``) ------------------------------------------

    def _op_now(self, thread: OSThread) -> int:
        return self.machine.now_ns()

    def _op_elapsed(self, thread: OSThread) -> int:
        return self.machine.elapsed_ns()

    def _op_advance(self, thread: OSThread, time_ns: int) -> None:
        self.machine.advance(time_ns)

    def _op_record(self, thread: OSThread, event: str, fields: dict[str, Any]) -> None:
        self.machine.record(event, **fields)

    def _op_record_at(
        self, thread: OSThread, time_ns: int, event: str, fields: dict[str, Any]
    ) -> None:
        self.machine.record_at(time_ns, event, **fields)

    def _op_record_unordered(
        self, thread: OSThread, time_ns: int, event: str, fields: dict[str, Any]
    ) -> None:
        self.machine.record_unordered(time_ns, event, **fields)

    def _op_randrange(self, thread: OSThread, n: int) -> int:
        return self.machine.randrange(n)

    def _op_marker(self, thread: OSThread, time_ns: int, domain: int | None) -> int:
        number = next(self._numbers)
        self._markers[number] = self.machine.marker(time_ns, domain)
        return number

    def _op_cancel(self, thread: OSThread, number: int) -> None:
        self._markers.pop(number).cancel()

    # -- the thread port (``gilsim.machine.threadport``) ------------------------------------

    def _op_core_free(self, thread: OSThread) -> bool:
        return self.machine.core_free()

    def _op_next_thread_number(self, thread: OSThread) -> int:
        return self.machine.next_thread_number()

    def _op_live_threads(self, thread: OSThread, process: int) -> int:
        return self.machine.live_threads(process)

    def _op_is_blocked(self, thread: OSThread, ident: int) -> bool:
        return self.machine.is_blocked(self.threads[ident])

    def _op_is_waiting(self, thread: OSThread, ident: int) -> bool:
        return self.machine.is_waiting(self.threads[ident])

    def _op_blocked_in(self, thread: OSThread, ident: int) -> tuple[str, str] | None:
        wait = self.machine.blocked_in(self.threads[ident])
        return None if wait is None else (wait.kind, wait.what)

    def _op_cpu_ns(self, thread: OSThread, ident: int, now_ns: int) -> int:
        return self.machine.cpu_ns(self.threads[ident], now_ns)

    def _op_process_cpu_ns(self, thread: OSThread, process: int, now_ns: int) -> int:
        return self.machine.process_cpu_ns(process, now_ns)


def _error_data(exc: BaseException) -> tuple[str, str, tuple[Any, ...]]:
    """An error raised for the child, as plain data: its class (a builtin, or gilsim's
    own) and its arguments.  (Unpickling a class would import its module in the
    program's modules, where the child's request waits.)"""
    module = type(exc).__module__
    if module not in _ERROR_MODULES:
        raise TypeError(f"cannot send {type(exc).__qualname__} to a child process") from exc
    return module, type(exc).__qualname__, exc.args


def _error(data: tuple[str, str, tuple[Any, ...]]) -> BaseException:
    module, name, args = data
    made: BaseException = getattr(_ERROR_MODULES[module], name)(*args)
    return made


_ERROR_MODULES = {"builtins": builtins, "gilsim.errors": errors}


class RemoteMarker:
    """A marker the coordinator keeps (``EnginePort.marker``), by its number."""

    def __init__(self, machine: RemoteMachine, number: int) -> None:
        self.machine = machine
        self.number = number

    def cancel(self) -> None:
        self.machine._tell("cancel", self.number)


class RemoteMachine(Machine):
    """The machine as a child host process sees it (see the module's docstring).  Made by
    ``become`` from the machine the fork copied, so that every reference to it, in the
    GIL, the interpreter, the suspended frames, reaches the coordinator."""

    _conn: Connection
    _local: dict[int, OSThread]
    _tracing: bool
    _exiting: bool
    # Called for a thread as it ends, or ends its process (the upper layers' last words).
    before_exit: Callable[[OSThread], None] | None

    @classmethod
    def become(cls, machine: Machine, conn: Connection) -> RemoteMachine:
        """Turn ``machine`` (the child's copy) into the child's proxy of the coordinator's."""
        machine.__class__ = cls
        remote = cast(RemoteMachine, machine)
        remote._conn = conn
        remote._local = {}
        remote._tracing = machine.engine.trace is not None
        remote._exiting = False
        remote.before_exit = None
        remote.current = None
        remote.on_process_exit = remote._on_process_exit
        return remote

    def know(self, thread: OSThread) -> None:
        """``thread`` is one of the child's (the coordinator has its mirror)."""
        self._local[thread.ident] = thread

    def serve(self) -> None:
        """The child's hub: run its threads as the coordinator dispatches them, until the
        coordinator lets the child go (the connection ends)."""
        self._hub = greenlet.getcurrent()
        while True:
            try:
                ident, resumed, clock_ns, deadline_ns, failed, value = self._conn.recv()
            except (EOFError, OSError):
                return
            thread = self._local[ident]
            clock = thread.clock
            if not resumed:  # (its deadline may only have come nearer)
                deadline_ns = min(deadline_ns, clock.deadline_ns)
            self.current = thread
            clock.enter(thread, clock_ns, deadline_ns)
            if thread.greenlet is None:
                thread.greenlet = greenlet(self._runner(thread), parent=self._hub)
            thread.greenlet.switch((failed, value))

    def _runner(self, thread: OSThread) -> Callable[[Any], None]:
        def run(first: Any) -> None:
            try:
                thread.body()
            except ProcessExit as exc:
                self._on_process_exit(thread, exc.status)
            self._set_state(thread, EXITED)

        return run

    def exit_process(self, status: int) -> None:
        """The process ends with wait ``status`` (``Py_FinalizeEx`` done, ``_exit``): the
        coordinator ends it, and lets the child go; nothing of the child runs again."""
        if not self._exiting:
            if self.before_exit is not None and self.current is not None:
                self.before_exit(self.current)
            self._exiting = True
            self._tell("process_exit", status)
        self._leave()
        self._hub.switch()
        raise GilsimError("a child process went on after it ended")

    def _on_process_exit(self, thread: OSThread, status: int) -> None:
        self.exit_process(status)

    # A thread of the child ends (``Machine._body``, whose frame a forked thread's greenlet
    # may still have from before the fork, ends with these two).

    def _set_state(self, thread: OSThread, state: str) -> None:
        if state == EXITED and not self._exiting:
            if self.before_exit is not None:
                self.before_exit(thread)
            self._tell("exit")
            self._leave()

    def _leave_core(self, thread: OSThread) -> None:
        pass

    def _request(self, op: str, *args: Any, fds: Sequence[int] = (), receive: int = 0) -> Any:
        """Ask the coordinator, on behalf of the running thread, and wait for the answer
        (the hub switches back here with it).  ``fds``, host descriptors, go with the
        request (``SCM_RIGHTS``): the coordinator's handler takes them (``receive_fds``);
        ``receive`` of them come after the answer (``send_fds_after_answer``), and the
        answer is theirs here."""
        self._tell(op, *args)
        if fds:
            with socket.fromfd(self._conn.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                reduction.sendfds(sock, list(fds))
        self._leave()
        failed, value = self.to_hub(self._hub)
        if failed:
            raise _error(value)
        if receive:
            # (The hub waits for this thread's next request: nothing else reads meanwhile.)
            with socket.fromfd(self._conn.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                return list(reduction.recvfds(sock, receive))
        return value

    def _leave(self) -> None:
        """The running thread stops running while the hub waits (the hub's Python is none
        of the thread's), as ``Machine._dispatch`` has it leave; the hub enters the next."""
        thread = self.current
        if thread is not None:
            thread.clock.leave(thread)
            self.current = None

    def _tell(self, op: str, *args: Any) -> None:
        current = self.current
        if current is None:
            raise GilsimError(f"a child process asked for {op} with no thread running")
        self._conn.send((op, current.clock.clock_ns, args))

    # -- the machine calls of a running thread ----------------------------------------------

    def block(self, thread: OSThread, wait: Wait, timeout_ns: int | None = None) -> bool:
        return bool(self._request("block", wait.kind, wait.what, timeout_ns))

    def yield_to_events(self, thread: OSThread) -> None:
        self._request("yield")

    def sync_processes(self, thread: OSThread) -> None:
        self._request("sync")

    def start(
        self, thread: OSThread, delay_ns: int | None = None, own_domain: bool = False
    ) -> None:
        self.know(thread)
        self._request("start", thread.ident, thread.name, thread.pthread, delay_ns, own_domain)

    def stop(self, thread: OSThread, error: Exception | None = None) -> None:
        if isinstance(error, ProcessExit):
            # ``os._exit``: the process ends here, its frames never unwound.
            self.exit_process(error.status)
        if error is not None and type(error).__module__ not in _ERROR_MODULES:
            error = GilsimError(str(error))
        self._request("stop", None if error is None else _error_data(error))
        raise GilsimError(f"{thread.name} went on after the run was stopped")

    def wake(self, thread: OSThread, latency_ns: int | None = None) -> bool:
        return bool(self._request("wake", thread.ident, latency_ns))

    def signal(self, thread: OSThread) -> None:
        self._request("signal", thread.ident)

    def kill(self, threads: list[OSThread]) -> None:
        raise GilsimError("a child process cannot kill threads: the coordinator does")

    def request(self, op: str, *args: Any, fds: Sequence[int] = (), receive: int = 0) -> Any:
        """One of the upper layers' requests (``Proxy.ops``), for the running thread."""
        return self._request(op, *args, fds=fds, receive=receive)

    def connection(self) -> Connection:
        """The connection to the coordinator."""
        return self._conn

    # -- the engine port ----------------------------------------------------------------------

    @property
    def tracing(self) -> bool:
        return self._tracing

    def now_ns(self) -> int:
        return int(self._request("now"))

    def elapsed_ns(self) -> int:
        return int(self._request("elapsed"))

    def advance(self, time_ns: int) -> None:
        self._tell("advance", time_ns)

    def record(self, event: str, **fields: Any) -> None:
        if self._tracing:
            self._tell("record", event, fields)

    def record_at(self, time_ns: int, event: str, **fields: Any) -> None:
        if self._tracing:
            self._tell("record_at", time_ns, event, fields)

    def record_unordered(self, time_ns: int, event: str, **fields: Any) -> None:
        if self._tracing:
            self._tell("record_unordered", time_ns, event, fields)

    def randrange(self, n: int) -> int:
        return int(self._request("randrange", n))

    def marker(self, time_ns: int, domain: int | None = None) -> RemoteMarker:
        return RemoteMarker(self, int(self._request("marker", time_ns, domain)))

    def call_at(self, time_ns: int, callback: Callable[..., object], *args: object) -> None:
        raise GilsimError("the simulated kernel's work runs in the coordinator, not a child")

    # -- the thread port ------------------------------------------------------------------------

    def core_free(self) -> bool:
        return bool(self._request("core_free"))

    def next_thread_number(self) -> int:
        return int(self._request("next_thread_number"))

    def live_threads(self, process: int) -> int:
        return int(self._request("live_threads", process))

    def is_blocked(self, thread: OSThread) -> bool:
        return bool(self._request("is_blocked", thread.ident))

    def is_waiting(self, thread: OSThread) -> bool:
        return bool(self._request("is_waiting", thread.ident))

    def blocked_in(self, thread: OSThread) -> Wait | None:
        found = self._request("blocked_in", thread.ident)
        return None if found is None else Wait(*found)

    def cpu_ns(self, thread: OSThread, now_ns: int) -> int:
        return int(self._request("cpu_ns", thread.ident, now_ns))

    def process_cpu_ns(self, process: int, now_ns: int) -> int:
        return int(self._request("process_cpu_ns", process, now_ns))


__all__ = ["ONE_WAY", "Proxy", "RemoteClock", "RemoteMachine", "RemoteMarker"]
