"""The modules every simulated interpreter answers with its own version (design principle 2):
one function, for the first process of a run and for every process made after it."""

from __future__ import annotations

import types

from gilsim.interpreter import state
from gilsim.runtime.atexitmodule import make_atexit
from gilsim.runtime.gcmodule import make_gc
from gilsim.runtime.osmodule import make_os
from gilsim.runtime.picklemodule import make_pickle
from gilsim.runtime.selectmodule import make_select
from gilsim.runtime.semaphores import make_multiprocessing
from gilsim.runtime.signalmodule import make_signal
from gilsim.runtime.socketmodule import make_socket
from gilsim.runtime.sysmodule import make_sys
from gilsim.runtime.threadmodule import make_thread_module
from gilsim.runtime.timemodule import make_time


def make_shadow_modules(interp: state.InterpreterState) -> dict[str, types.ModuleType]:
    return {
        "sys": make_sys(interp),
        "time": make_time(interp),
        "atexit": make_atexit(interp),
        "_thread": make_thread_module(interp),
        "os": make_os(interp),
        "socket": make_socket(interp),
        "select": make_select(interp),
        "_multiprocessing": make_multiprocessing(interp),
        "pickle": make_pickle(interp),
        "signal": make_signal(interp),
        "gc": make_gc(interp),
    }
