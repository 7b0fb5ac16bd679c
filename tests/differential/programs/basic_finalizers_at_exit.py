# Exercises: __del__ and weakref.finalize at the interpreter's end (Py_FinalizeEx), globals intact (PEP 442), plain and cyclic.

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
