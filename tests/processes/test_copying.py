"""The fork copy (``gilsim.processes.copying``): a copy of a simulated program's objects as a
fork child gets them, made without running any of the program's code.  The objects are made
by a real run: the program's module ``state`` is read after the run ends."""

from __future__ import annotations

import collections
import operator
import textwrap
from pathlib import Path
from typing import Any

import pytest

from gilsim.config import Config
from gilsim.interpreter.functions import SimFunction
from gilsim.processes.copying import ForkCopyError, copy_for_fork
from gilsim.program import run_main


def module_state(tmp_path: Path, source: str) -> tuple[dict[str, Any], Any]:
    """Run ``import state`` under gilsim, with ``state.py`` holding ``source``; return the
    module's dict and the interpreter.  The program hands its module out through an
    attribute of the host's ``operator`` module (imported natively, so shared)."""
    (tmp_path / "state.py").write_text(textwrap.dedent(source), encoding="utf-8")
    main = tmp_path / "main.py"
    main.write_text("import operator, state\noperator.gilsim_fork_test = state\n", encoding="utf-8")
    outcome = run_main(main.read_bytes(), str(main), [str(main)], Config())
    assert outcome.exit_status == 0
    module = operator.__dict__.pop("gilsim_fork_test")
    return module.__dict__, outcome.interp


def fork_copy(namespace: dict[str, Any], interp: Any) -> tuple[dict[str, Any], Any]:
    names = {*interp.sim_modules, "state"}
    (copied,), copier = copy_for_fork(
        [namespace], lambda cls: getattr(cls, "__module__", None) in names, {}
    )
    return copied, copier


@pytest.mark.feature("processes")
def test_functions_see_the_copied_globals(tmp_path):
    namespace, interp = module_state(
        tmp_path,
        """
        counter = [0]
        def bump():
            counter[0] += 1
        """,
    )
    copied, _ = fork_copy(namespace, interp)
    assert copied is not namespace
    bump = copied["bump"]
    assert type(bump) is SimFunction and bump is not namespace["bump"]
    assert bump.__globals__ is copied
    assert copied["counter"] == [0] and copied["counter"] is not namespace["counter"]
    assert bump.__code__ is namespace["bump"].__code__  # code is immutable: shared


@pytest.mark.feature("processes")
def test_classes_are_copied_and_instances_belong_to_the_copy(tmp_path):
    namespace, interp = module_state(
        tmp_path,
        """
        class Account:
            opened = 0
            def __init__(self, owner):
                self.owner = owner
                Account.opened += 1
        ada = Account("ada")
        """,
    )
    copied, _ = fork_copy(namespace, interp)
    Account, ada = copied["Account"], copied["ada"]
    assert Account is not namespace["Account"]
    assert (Account.__name__, Account.__qualname__, Account.__module__) == (
        "Account",
        "Account",
        "state",
    )
    assert type(ada) is Account and ada.owner == "ada"
    assert Account.__init__.__globals__ is copied
    Account.opened = 10
    assert namespace["Account"].opened == 1  # the child's class attribute is its own


def test_sharing_and_cycles_are_kept(tmp_path):
    namespace, interp = module_state(
        tmp_path,
        """
        loop = []
        loop.append(loop)
        pair = (loop, loop)
        table = {"a": loop, "b": {"back": None}}
        table["b"]["back"] = table
        words = ("x", 1, None)
        """,
    )
    copied, _ = fork_copy(namespace, interp)
    loop = copied["loop"]
    assert loop[0] is loop and loop is not namespace["loop"]
    assert copied["pair"][0] is copied["pair"][1] is loop
    assert copied["table"]["b"]["back"] is copied["table"]
    assert copied["words"] is namespace["words"]  # nothing mutable inside: shared


def test_builtin_subclasses_slots_and_exceptions(tmp_path):
    namespace, interp = module_state(
        tmp_path,
        """
        class Stack(list):
            def __init__(self, name):
                super().__init__([1, 2])
                self.name = name
        class Point:
            __slots__ = ("x", "__y")
            def __init__(self):
                self.x = 1
                self.__y = 2
        class Failed(Exception):
            pass
        stack = Stack("s")
        point = Point()
        try:
            raise Failed("no", 3)
        except Failed as exc:
            failed = exc
        """,
    )
    copied, _ = fork_copy(namespace, interp)
    stack, point, failed = copied["stack"], copied["point"], copied["failed"]
    assert type(stack) is copied["Stack"] and list(stack) == [1, 2] and stack.name == "s"
    assert type(point) is copied["Point"] and point.x == 1 and point._Point__y == 2
    assert type(failed) is copied["Failed"] and failed.args == ("no", 3)
    assert isinstance(failed, Exception)


def test_no_program_code_runs(tmp_path):
    """A class whose every attribute access raises, and whose __setattr__ and __eq__ too,
    is copied all the same: the copy goes through the descriptors."""
    namespace, interp = module_state(
        tmp_path,
        """
        class Touchy:
            def __init__(self):
                object.__setattr__(self, "value", 42)
            def __getattribute__(self, name):
                raise RuntimeError("read")
            def __setattr__(self, name, value):
                raise RuntimeError("write")
            def __eq__(self, other):
                raise RuntimeError("eq")
            __hash__ = object.__hash__
        touchy = Touchy()
        keyed = {touchy: (touchy,)}
        """,
    )
    copied, _ = fork_copy(namespace, interp)
    touchy = copied["touchy"]
    assert object.__getattribute__(touchy, "value") == 42
    assert list(copied["keyed"]) == [touchy]
    assert copied["keyed"][touchy][0] is touchy


def test_locks_keep_their_state(tmp_path):
    namespace, interp = module_state(
        tmp_path,
        """
        import threading
        held = threading.Lock()
        held.acquire()
        free = threading.Lock()
        """,
    )
    copied, _ = fork_copy(namespace, interp)
    assert copied["held"] is not namespace["held"]
    assert copied["held"].locked() and not copied["free"].locked()


def test_library_metaclasses_are_shared_and_program_metaclasses_refused(tmp_path):
    namespace, interp = module_state(
        tmp_path,
        """
        import abc
        class Shape(abc.ABC):
            @abc.abstractmethod
            def area(self): ...
        """,
    )
    copied, copier = fork_copy(namespace, interp)
    assert copied["Shape"] is namespace["Shape"]
    assert copier.shared_classes == [namespace["Shape"]]
    namespace, interp = module_state(
        tmp_path,
        """
        class Meta(type):
            pass
        class Thing(metaclass=Meta):
            pass
        """,
    )
    with pytest.raises(ForkCopyError, match="class Thing has a metaclass of the program's"):
        fork_copy(namespace, interp)


def test_init_subclass_of_the_program_is_refused(tmp_path):
    namespace, interp = module_state(
        tmp_path,
        """
        class Base:
            def __init_subclass__(cls):
                print("made", cls.__name__)
        class Child(Base):
            pass
        """,
    )
    with pytest.raises(ForkCopyError, match="__init_subclass__"):
        fork_copy(namespace, interp)


def test_library_objects_are_copied_by_reduction_and_files_shared(tmp_path):
    namespace, interp = module_state(
        tmp_path,
        """
        import collections
        class Item:
            pass
        ordered = collections.OrderedDict(a=Item())
        counts = collections.Counter("aab")
        recent = collections.deque([Item()], maxlen=3)
        log = open(__file__)
        """,
    )
    copied, _ = fork_copy(namespace, interp)
    ordered = copied["ordered"]
    assert type(ordered) is collections.OrderedDict and list(ordered) == ["a"]
    assert type(ordered["a"]) is copied["Item"]
    assert copied["counts"] == collections.Counter("aab")
    assert copied["counts"] is not namespace["counts"]
    assert copied["recent"].maxlen == 3 and type(copied["recent"][0]) is copied["Item"]
    assert copied["log"] is namespace["log"]  # an open file: the child shares it
    namespace["log"].close()


@pytest.mark.feature("processes")
def test_generators_are_copied_with_their_frames(tmp_path):
    namespace, interp = module_state(
        tmp_path,
        """
        def count():
            n = 0
            while True:
                n += 1
                yield n
        counter = count()
        first = next(counter)
        """,
    )
    copied, _ = fork_copy(namespace, interp)
    generator = copied["counter"]
    assert generator is not namespace["counter"]
    frame = generator.frame
    assert frame is not namespace["counter"].frame
    assert frame.fast[0] == 1 and frame.globals is copied
    assert frame.code is namespace["counter"].frame.code
    assert frame.thread is None  # the thread that last ran it is not in the child
    assert collections.Counter(map(type, [frame.fast, frame.stack])) == {list: 2}


@pytest.mark.feature("processes")
def test_what_stands_for_the_parent_is_given(tmp_path):
    """``replace`` maps objects of the parent to the child's own (its shadow modules, its
    interpreter); the interpreter itself is never copied by accident."""
    namespace, interp = module_state(
        tmp_path,
        """
        import time
        clock = time
        """,
    )
    child_time = object()
    names = {*interp.sim_modules, "state"}
    (copied,), _ = copy_for_fork(
        [namespace],
        lambda cls: getattr(cls, "__module__", None) in names,
        {id(namespace["time"]): child_time},
    )
    assert copied["time"] is copied["clock"] is child_time
    with pytest.raises(ForkCopyError, match="InterpreterState was not given a copy"):
        copy_for_fork([{"interp": interp}], lambda cls: False, {})
