"""Hypothesis settings for every property test, chosen by ``HYPOTHESIS_PROFILE``; what runs
where; and a check that no process the tests started outlives the session.

``default`` keeps a local run short; ``ci`` (set by ``.ci/run``) tries more programs.  No
deadline: a generated program may be run as a separate CPython process or simulated at
length, and a slow or busy machine must not fail a test (the speed of gilsim is measured
in ``benchmarks/``, never in a test).  Here, at the top, so that the profile holds for the
tests of every directory, whichever is collected first.
"""

import os
import signal
import sys
import time

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


# -- what runs where ------------------------------------------------------------------------
#
# gilsim runs programs on its own bytecode interpreter on 3.11 and on the host's interpreter
# on 3.12 and 3.13.  A test marked ``feature(NAME)`` needs what gilsim does not run on the
# host's interpreter yet (``gilsim.versions.NOT_YET_TRACED``): on 3.12 and 3.13 it is skipped,
# saying what; ``feature("interpreter")`` marks the tests of the 3.11 bytecode interpreter's
# own pieces.  A user asking for such a feature on 3.12 gets one clear refusal
# (``tests/cli/test_cli.py``).


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "feature(name): needs what runs on gilsim's own interpreter (3.11) only, so far",
    )


def pytest_collection_modifyitems(config, items):
    from gilsim import versions

    features = {
        **versions.NOT_YET_TRACED,
        "interpreter": "gilsim's own bytecode interpreter (it runs 3.11)",
    }
    for item in items:
        for mark in item.iter_markers("feature"):
            for name in mark.args:
                if name not in features:
                    raise pytest.UsageError(f"{item.nodeid}: unknown feature {name!r}")
                if versions.traced():
                    reason = f"{features[name]}: not on Python {versions.host_name()} yet"
                    item.add_marker(pytest.mark.skip(reason=reason))


# -- every system call carries plain data ----------------------------------------------------
#
# Every call a simulated program makes into the simulated kernel must carry plain data
# (``gilsim/runtime/syscall.py``), so that the kernel can later answer a process running in
# another host process (issue 19).  Every in-process run of every test checks it at the door.


@pytest.fixture(autouse=True)
def _system_calls_carry_plain_data(monkeypatch):
    from gilsim.runtime import syscall

    monkeypatch.setattr(syscall, "PLAIN_DATA_CHECK", True)


# -- no process outlives the session --------------------------------------------------------
#
# A test that starts a process must end it: a CPython child blocked for ever (a fork child
# writing to a pipe nobody reads) once slept on for 40 minutes after pytest ended.  At the
# end of the session every process descended from this one (with pytest-xdist: from this
# worker) that is still running fails the session, named, and is killed.  Descendants are
# found through /proc's parent pids; so that an orphan (its parent killed at a timeout)
# stays one, this process is made a "child subreaper" (prctl(2), Linux 3.4): the kernel
# gives it orphaned descendants instead of init.

# PR_SET_CHILD_SUBREAPER, <linux/prctl.h>.
_PR_SET_CHILD_SUBREAPER = 36

# Seconds a descendant still running at the end may take to end by itself (a pool's worker
# that was told to stop) before it counts as left over.
_GRACE_S = 3.0


def _become_subreaper() -> None:
    """Make this process the parent of its orphaned descendants (Linux; elsewhere nothing)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _processes() -> dict[int, tuple[int, str, str]]:
    """Every process /proc shows: pid -> (parent pid, state letter, command line)."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat_file:
                stat = stat_file.read().decode(errors="replace")
            with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline_file:
                cmdline = cmdline_file.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended meanwhile
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and ")", so split after the last.
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
        table[int(entry.name)] = (int(ppid), state, cmdline.strip() or f"[{comm}]")
    return table


def _running_descendants(root: int) -> dict[int, str]:
    """pid -> command line of each descendant of ``root`` that has not ended (zombies have)."""
    table = _processes()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found = {}
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), []):
            pending.append(child)
            if table[child][1] not in "ZX":
                found[child] = table[child][2]
    return found


def _reap_children() -> None:
    """Collect the exit status of every ended child, orphans given to this process included."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _left_over(grace_s: float) -> dict[int, str]:
    """This process's descendants still running after up to ``grace_s`` seconds."""
    deadline = time.monotonic() + grace_s
    while (left := _running_descendants(os.getpid())) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _kill(processes: dict[int, str]) -> None:
    for pid in processes:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _stop_multiprocessing_helpers() -> None:
    """Stop the forkserver and the resource tracker, if a test in this process started them:
    they would end with this process, and CPython's own tests stop them the same way at the
    end (``multiprocessing.util._cleanup_tests``, ``Lib/multiprocessing/util.py``)."""
    if (forkserver := sys.modules.get("multiprocessing.forkserver")) is not None:
        forkserver._forkserver._stop()
    if (resource_tracker := sys.modules.get("multiprocessing.resource_tracker")) is not None:
        resource_tracker._resource_tracker._stop()


@pytest.fixture(scope="session", autouse=True)
def no_process_outlives_the_session():
    """Fails the end of the session (the last test's teardown, in each pytest-xdist worker)
    naming each process the tests started that is still running, and kills it."""
    _become_subreaper()
    yield
    _stop_multiprocessing_helpers()
    left = _left_over(_GRACE_S)
    _kill(left)
    _reap_children()
    if left:
        lines = "\n".join(f"  {pid}: {command}" for pid, command in sorted(left.items()))
        pytest.fail(
            f"processes the tests started were still running at the end (killed now):\n{lines}",
            pytrace=False,
        )
