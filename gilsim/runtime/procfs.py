"""The files of ``/proc`` that describe a simulated process's memory (proc(5)).

A program that measures copy-on-write reads ``/proc/self/smaps_rollup`` (Linux 4.14): the
sums over its mappings of resident, shared and private pages.  Read from the host, that would
be gilsim's own memory.  Here it is the simulated process's as gilsim models it: a fork
child's pages still shared with its parent (``Shared_Dirty``) and those it has copied
(``Private_Dirty``), from ``gilsim.processes.pages``; every other figure is 0, since gilsim
models no other memory (``docs/processes.md``, Differences).  Other files of ``/proc`` are
still the host's.
"""

from __future__ import annotations

import io
import os
import re
from typing import Any

from gilsim.interpreter import state

_SMAPS_ROLLUP = re.compile(r"/proc/(self|\d+)/smaps_rollup")
# The fields of ``show_smaps_rollup`` (fs/proc/task_mmu.c), in its order.
_FIELDS = (
    "Rss",
    "Pss",
    "Pss_Dirty",
    "Pss_Anon",
    "Pss_File",
    "Pss_Shmem",
    "Shared_Clean",
    "Shared_Dirty",
    "Private_Clean",
    "Private_Dirty",
    "Referenced",
    "Anonymous",
    "LazyFree",
    "AnonHugePages",
    "ShmemPmdMapped",
    "FilePmdMapped",
    "Shared_Hugetlb",
    "Private_Hugetlb",
    "Swap",
    "SwapPss",
    "Locked",
)


def _pid(interp: state.InterpreterState) -> int:
    process = interp.process
    return process.pid if process is not None else os.getpid()


def smaps_rollup(interp: state.InterpreterState) -> bytes:
    """``/proc/self/smaps_rollup`` of ``interp``'s process."""
    pages = interp.pages
    private = pages.private_bytes() if pages is not None else 0
    shared = pages.shared_bytes() if pages is not None else 0
    kib = {
        "Rss": private + shared,
        # Pss splits a shared page between the two processes that map it.
        "Pss": private + shared // 2,
        "Pss_Dirty": private + shared // 2,
        "Pss_Anon": private + shared // 2,
        "Shared_Dirty": shared,
        "Private_Dirty": private,
        "Referenced": private + shared,
        "Anonymous": private + shared,
    }
    lines = [f"{0:08x}-{0:08x} ---p 00000000 00:00 0{' ' * 26}[rollup]"]
    lines += [f"{name + ':':<16}{kib.get(name, 0) // 1024:>8} kB" for name in _FIELDS]
    return ("\n".join(lines) + "\n").encode()


def contents(interp: state.InterpreterState, path: Any) -> bytes | None:
    """What reading ``path`` gives, if it is one of the files made here."""
    if not isinstance(path, str):
        return None
    match = _SMAPS_ROLLUP.fullmatch(path)
    if match is None or match[1] not in ("self", str(_pid(interp))):
        return None
    return smaps_rollup(interp)


class ProcFile(io.BytesIO):
    """A read-only file of ``/proc``, made when it is opened, as procfs makes its text."""

    def __init__(self, path: str, data: bytes, mode: str) -> None:
        if any(c in mode for c in "wax+"):
            raise PermissionError(13, "Permission denied", path)
        super().__init__(data)
        self.name = path

    @property
    def mode(self) -> str:
        return "rb"

    def writable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return True
