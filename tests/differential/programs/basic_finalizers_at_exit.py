"""Finalizers at the interpreter's end: what the modules still hold goes when
``Py_FinalizeEx`` clears them, and its ``__del__`` methods print, the globals intact
(PEP 442), a plain object and one in a reference cycle alike."""

import weakref


class Resource:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("closing", self.name, "of", len(REGISTRY), "at", STAGE)


REGISTRY = ["first", "second"]
STAGE = "exit"
plain = Resource("plain")
cyclic = Resource("cyclic")
cyclic.self = cyclic
watched = Resource("watched")
weakref.finalize(watched, print, "finalize callback for watched")
temporary = Resource("temporary")
del temporary  # goes at once: refcounting, not the collector
print("end of the module")
