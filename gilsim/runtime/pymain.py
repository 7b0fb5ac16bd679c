"""The end of a main program: ``pymain_run_python``'s ending and ``Py_FinalizeEx``
(``Modules/main.c``, ``Python/pylifecycle.c``, ``Python/pythonrun.c``).

How the main module ended gives the exit code exactly as CPython gives it: 0, the
``SystemExit`` code, or 1 with a traceback; ``KeyboardInterrupt`` ends by SIGINT.  Then the
interpreter is finalised: ``threading._shutdown`` waits for the non-daemon threads and the
``atexit`` handlers run.  The first process of a run and a fork child forked by its main
thread both end this way (``gilsim.program``, ``gilsim.processes.fork``).
"""

from __future__ import annotations

import contextlib
import sys
import types
from collections.abc import Callable
from typing import Any

from gilsim.errors import GilsimError
from gilsim.interpreter import eval as eval_
from gilsim.interpreter import state
from gilsim.interpreter.frame import NULL, Frame
from gilsim.interpreter.tracebacks import format_exception, write_unraisable
from gilsim.runtime.atexitmodule import run_exit_handlers

# Exit code of a process killed by SIGINT, as ``subprocess`` reports it.
SIGINT_STATUS = -2


def finalize(ts: state.ThreadState) -> None:
    """``Py_FinalizeEx``: wait for the non-daemon threads (``threading._shutdown``), then
    run the ``atexit`` handlers."""
    interp = ts.interp
    threading = interp.sim_modules.get("threading")
    if threading is not None:
        try:
            run_guarded(ts, threading._shutdown)
        except GilsimError:
            raise
        except BaseException as exc:
            write_unraisable("on threading shutdown:", exc)
    if interp.exit_handlers:
        run_guarded(ts, lambda: run_exit_handlers(interp))


def run_guarded(ts: state.ThreadState, function: Any) -> None:
    """Run native ``function`` with ``ts`` as the current simulated thread."""
    previous = state.current
    state.current = ts
    try:
        function()
    finally:
        state.current = previous


def run_module(ts: state.ThreadState, code: types.CodeType, namespace: dict[str, Any]) -> int:
    """Run a main module's ``code`` in ``namespace`` on ``ts``; return its exit code."""
    interp = ts.interp
    decoded = interp.decoded(code)
    frame = Frame(decoded, [NULL] * decoded.nlocalsplus, namespace, interp.builtins, namespace)
    frame.thread = ts
    ts.frame = frame
    ts.depth = 1
    return exit_code(lambda: eval_.run(ts, frame))


def exit_code(
    run: Callable[[], Any], printer: Callable[[BaseException], None] | None = None
) -> int:
    """Call ``run`` (the main module running) and return the exit code its end gives; an
    uncaught exception is printed by ``printer`` (by default ``print_uncaught``)."""
    printer = printer or print_uncaught
    try:
        run()
    except SystemExit as exc:
        return exit_code_of(exc)
    except KeyboardInterrupt as exc:
        printer(exc)
        return SIGINT_STATUS
    except GilsimError:
        raise
    except BaseException as exc:
        printer(exc)
        return 1
    return 0


def exit_code_of(exc: SystemExit) -> int:
    """``_Py_HandleSystemExit``: None is 0, an int is itself, anything else is printed and
    gives 1."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF  # what the OS keeps of it
    flush()
    sys.stderr.write(f"{code}\n")
    return 1


def print_uncaught(exc: BaseException) -> None:
    flush_stdout()
    hook = sys.excepthook
    if hook is not sys.__excepthook__:
        try:
            hook(type(exc), exc, exc.__traceback__)
            return
        except BaseException:
            pass
    sys.stderr.write(format_exception(exc))
    sys.stderr.flush()


def flush_stdout() -> None:
    with contextlib.suppress(Exception):
        sys.stdout.flush()


def flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


# The exit status of a program whose end could not flush its stdout or stderr:
# ``Py_RunMain`` and ``Py_Exit`` (``Modules/main.c``, ``Python/pylifecycle.c``) give it when
# ``Py_FinalizeEx`` fails, "unlikely to be confused with a non-error exit status".
FLUSH_FAILED_STATUS = 120


def flush_at_end(finalized: bool) -> bool:
    """After a run: ``flush_std_files`` if the program ended by itself (``Py_FinalizeEx``
    ran); else (``os._exit``, a run gilsim stopped) a quiet flush of what the program left
    in its buffers.  False if the program's own end failed to flush."""
    if finalized:
        return flush_std_files()
    flush()
    return True


def flush_std_files() -> bool:
    """``flush_std_files`` (``Python/pylifecycle.c``), as ``Py_FinalizeEx`` ends a program
    that ended by itself: flush ``sys.stdout`` and ``sys.stderr`` unless None or closed;
    False if either failed (``FLUSH_FAILED_STATUS``).  A failure of stdout is reported as
    unraisable on stderr; of stderr, silently."""
    ok = True
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is None or stream.closed:  # (``file_is_closed``; an error skips it too)
                continue
        except Exception:
            continue
        try:
            stream.flush()
        except Exception as exc:
            ok = False
            if stream is sys.stdout:
                _flush_failed(stream, exc)
    return ok


def _flush_failed(stream: Any, exc: BaseException) -> None:
    """``PyErr_WriteUnraisable(fout)`` in ``flush_std_files`` before 3.13; 3.13 names what
    failed instead (``PyErr_FormatUnraisable("Exception ignored on flushing sys.stdout")``).
    The exception comes from C there: no traceback."""
    import traceback

    if sys.version_info >= (3, 13):
        where = "on flushing sys.stdout:"
    else:
        where = f"in: {stream!r}"
    text = "".join(traceback.format_exception_only(type(exc), exc))
    with contextlib.suppress(Exception):
        sys.stderr.write(f"Exception ignored {where}\n{text}")
        sys.stderr.flush()
