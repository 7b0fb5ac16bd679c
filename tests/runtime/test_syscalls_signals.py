"""``signal.set_wakeup_fd`` on a simulated descriptor and ``os.sched_getaffinity`` reach the
simulated kernel by system calls with plain data only (``runtime.fscalls``,
``runtime.schedcalls``; issue 19): run with the door's check on, they print what CPython
printed on Linux (the same on 3.11, 3.12 and 3.13)."""

import textwrap

import gilsim
from gilsim.runtime import syscall

PROGRAM = """
    import os
    import signal

    r, w = os.pipe()
    try:
        signal.set_wakeup_fd(w)
    except ValueError as exc:
        print(str(exc) == f"the fd {w} must be in non-blocking mode")
    os.set_blocking(w, False)
    print(signal.set_wakeup_fd(w), signal.set_wakeup_fd(-1) == w)
    os.close(w)
    try:
        signal.set_wakeup_fd(w)
    except OSError as exc:
        print(type(exc).__name__, exc)
    print(os.sched_getaffinity(0) == os.sched_getaffinity(os.getpid()))
    try:
        os.sched_getaffinity("x")
    except TypeError as exc:
        print(exc)
"""


def test_set_wakeup_fd_and_sched_getaffinity_cross_as_plain_data(monkeypatch):
    """A blocking pipe end is refused, a non-blocking one set and unset, a closed one is
    EBADF; the caller's affinity is the same by 0 and by its pid."""
    monkeypatch.setattr(syscall, "PLAIN_DATA_CHECK", True)
    result = gilsim.run(source=textwrap.dedent(PROGRAM), cores=2)
    assert result.stdout == (
        "True\n"
        "-1 True\n"
        "OSError [Errno 9] Bad file descriptor\n"
        "True\n"
        "'str' object cannot be interpreted as an integer\n"
    ), result.stderr
    assert result.exit_status == 0
