"""Race recording on the host's interpreter (``gilsim.races.hostrecording``): it costs nothing
when off, watches the program's own code only, and records what gilsim's own interpreter
records, values read included."""

from __future__ import annotations

import sys

import pytest

import gilsim
from tests.races import programs

pytestmark = pytest.mark.skipif(sys.version_info < (3, 12), reason="the host's interpreter")

ITEMS_AND_ATTRIBUTES = """\
import threading
class Box:
    def __init__(self):
        self.value = 1
    def get(self):
        return self.value
box = Box()
table = {"k": 10}
def work():
    box.value = box.get() + table["k"]
    if "k" in table:
        table["k"] = box.value
    del table["k"]
    table["k"] = 0
t = threading.Thread(target=work); t.start()
box.value = 5
t.join()
print(box.value, table)
"""


def recorded(source: str) -> list[tuple[str, str, object, int | None]]:
    """Every access the recorder saw, as (place, action, value, line), in order (in a child:
    one run, one host process)."""
    from gilsim.isolation import call_in_child

    def run() -> list[tuple[str, str, object, int | None]]:
        from gilsim import hostprogram
        from gilsim.config import Config
        from gilsim.races.places import capture, show

        seen: list[tuple[str, str, object, int | None]] = []
        made = hostprogram.new_interpreter

        def listening(config, *args):
            interp = made(config, *args)
            record = interp.recorder.record

            def spy(code, index, owner, key, kind, action, value):
                before = len(seen)
                record(code, index, owner, key, kind, action, value)
                place = owner.places.get(key)
                if place is not None and len(seen) == before:
                    seen.append((place.name, action, show(capture(value)), code.line(index)))

            interp.recorder.record = spy
            return interp

        hostprogram.new_interpreter = listening
        outcome = hostprogram.run_main(source, "<string>", ["-c"], Config(races=True))
        assert outcome.exit_status == 0
        return seen

    return call_in_child(run)


def test_without_races_nothing_watches_instructions():
    from gilsim import hostprogram
    from gilsim.config import Config

    interp = hostprogram.new_interpreter(Config())
    assert interp.recorder is None and interp.tracer.watchers == []
    recording = hostprogram.new_interpreter(Config(races=True))
    assert recording.recorder is not None and len(recording.tracer.watchers) == 1


def test_library_code_is_not_watched():
    import threading

    from gilsim import hostprogram
    from gilsim.config import Config
    from gilsim.tracer.codeinfo import analyse

    interp = hostprogram.new_interpreter(Config(races=True))
    watcher = interp.tracer.watchers[0]
    version = interp.version
    assert watcher.offsets(analyse(threading.Thread.start.__code__, version)) == ()
    program = compile(programs.LOST_UPDATE, "<string>", "exec")
    assert watcher.offsets(analyse(program, version))


def test_every_iteration_reads_and_writes():
    """``total = total + i`` 100 times: a read and a write of ``total`` each time."""
    accesses = recorded(programs.NO_THREADS)
    total = [a for a in accesses if a[0] == "__main__.total"]
    assert [action for _, action, _, _ in total].count("read") == 100 + 1  # and print()
    assert [action for _, action, _, _ in total].count("write") == 1 + 100


def test_items_and_attributes_are_recorded_with_the_values_read():
    accesses = recorded(ITEMS_AND_ATTRIBUTES)
    assert accesses[:5] == [
        ("__main__.threading", "write", "<module object>", 1),
        ("__main__.__name__", "read", "'__main__'", 2),  # the class body's ``__module__``
        ("__main__.Box", "write", "<type object>", 2),
        ("__main__.Box", "read", "<type object>", 7),
        ("Box#1.value", "write", "1", 4),
    ]
    # The thread runs while the main thread waits in ``start()``, then the main thread.
    work = accesses.index(("__main__.box", "read", "<Box object>", 10))
    assert accesses[work:] == [
        ("__main__.box", "read", "<Box object>", 10),
        ("Box#1.value", "read", "1", 6),  # in get(): a method call records no attribute
        ("__main__.table", "read", "<dict object>", 10),
        ("table['k']", "read", "10", 10),
        ("__main__.box", "read", "<Box object>", 10),
        ("Box#1.value", "write", "11", 10),
        ("__main__.table", "read", "<dict object>", 11),
        ("table['k']", "check", "present", 11),
        ("__main__.box", "read", "<Box object>", 12),
        ("Box#1.value", "read", "11", 12),
        ("__main__.table", "read", "<dict object>", 12),
        ("table['k']", "write", "11", 12),
        ("__main__.table", "read", "<dict object>", 13),
        ("table['k']", "delete", "deleted", 13),
        ("__main__.table", "read", "<dict object>", 14),
        ("table['k']", "write", "0", 14),
        ("__main__.box", "read", "<Box object>", 16),
        ("Box#1.value", "write", "5", 16),
        ("__main__.t", "read", "<Thread object>", 17),
        ("__main__.box", "read", "<Box object>", 18),
        ("Box#1.value", "read", "5", 18),
        ("__main__.table", "read", "<dict object>", 18),
    ]


def test_recording_does_not_change_what_the_program_does():
    plain = gilsim.run(source=ITEMS_AND_ATTRIBUTES)
    recorded_run = gilsim.run(source=ITEMS_AND_ATTRIBUTES, races=True)
    assert recorded_run.stdout == plain.stdout == "5 {'k': 0}\n"
    assert [r.place for r in recorded_run.races or []] == ["Box#1.value"]
