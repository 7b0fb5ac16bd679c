"""Which modules loaded before the shadows must be loaded again for the program
(``gilsim.runtime.hostworld.tainted``)."""

import types

from gilsim.runtime.hostworld import tainted


def module(name, **values):
    made = types.ModuleType(name)
    made.__file__ = f"/lib/{name}.py"
    vars(made).update(values)
    return made


def test_what_holds_a_replaced_function_or_a_shadowed_module_is_tainted():
    real_time = module("time", monotonic=lambda: 0.0, gmtime=lambda: None)
    shadow_time = types.ModuleType("time")
    shadow_time.monotonic = lambda: 1.0
    modules = {
        "time": real_time,
        "took_monotonic": module("took_monotonic", time=real_time.monotonic),
        "took_gmtime": module("took_gmtime", gmtime=real_time.gmtime),  # not replaced
        "holds_time": module("holds_time", time=real_time),
    }
    modules["holds_holder"] = module("holds_holder", dep=modules["holds_time"])
    found = tainted(modules, {"time": shadow_time})
    assert found == {"took_monotonic", "holds_time", "holds_holder"}


def test_holding_sys_or_os_does_not_taint():
    real_os = module("os", cpu_count=lambda: 8, getcwd=lambda: "/")
    shadow_os = types.ModuleType("os")
    shadow_os.cpu_count = lambda: 2
    modules = {
        "os": real_os,
        "uses_os": module("uses_os", os=real_os),
        "took_cpu_count": module("took_cpu_count", cpu_count=real_os.cpu_count),
    }
    assert tainted(modules, {"os": shadow_os}) == {"took_cpu_count"}


def test_a_tainted_packages_submodules_go_with_it():
    """A package loaded again must load its submodules again: it binds each to itself as it
    loads it, and ``asyncio/__init__.py`` reads ``coroutines.__all__`` once ``from
    .coroutines import *`` ran."""
    real_time = module("time", monotonic=lambda: 0.0)
    shadow_time = types.ModuleType("time")
    shadow_time.monotonic = lambda: 1.0
    coroutines = module("pkg.coroutines", iscoroutine=lambda value: False)
    events = module("pkg.events", monotonic=real_time.monotonic)
    modules = {
        "time": real_time,
        "pkg": module("pkg", coroutines=coroutines, events=events),
        "pkg.coroutines": coroutines,
        "pkg.events": events,
        "pkgother": module("pkgother"),
    }
    assert tainted(modules, {"time": shadow_time}) == {"pkg", "pkg.coroutines", "pkg.events"}
