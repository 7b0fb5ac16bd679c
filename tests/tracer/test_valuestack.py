"""The value stack of a running frame (``gilsim.tracer.valuestack``): the depth the walk
gives each instruction is the one CPython runs it at, in plain code, loops, handlers,
``with`` blocks, comprehensions and generators."""

import dis
import sys

import pytest

pytestmark = pytest.mark.skipif(sys.version_info < (3, 12), reason="the host's interpreter")


def plain(a, b):
    c = a + b
    d = [c, a]
    return d


def loops_and_handlers(n):
    total = 0
    for i in range(n):
        try:
            if i == 2:
                raise ValueError(i)
            total += i
        except ValueError as exc:
            total -= exc.args[0]
        finally:
            total += 1
    with open(__file__) as handle:
        first = handle.readline()
    squares = [x * x for x in range(n) if x]
    return total, first, squares


def generator(n):
    for i in range(n):
        got = yield i
        if got is not None:
            n += got
    return n


def stores_seen(function, run):
    """Run ``run()`` with every ``STORE_FAST`` of ``function`` watched: the item on top of
    the stack before it, and the local it stored, seen before the next instruction."""
    from gilsim.tracer import valuestack

    code = function.__code__
    reader = valuestack.reader()
    at = valuestack.depths(code)
    assert at is not None
    nlocals = valuestack.nlocalsplus(code)
    instructions = list(dis.get_instructions(code))
    following = {a.offset: b.offset for a, b in zip(instructions, instructions[1:], strict=False)}
    stores = {ins.offset: ins.argval for ins in instructions if ins.opname == "STORE_FAST"}
    seen = []
    waiting = {}

    def callback(where, offset):
        if where is not code:
            return sys.monitoring.DISABLE
        frame = sys._getframe(1)
        if offset in waiting:
            name, top = waiting.pop(offset)
            # A comprehension's variable, unbound before it, is put back unbound (``NULL``).
            seen.append((name, top is frame.f_locals.get(name, valuestack.NULL)))
        if offset in stores and offset in following:
            top = reader.peek(frame, nlocals, at[offset], 0)
            waiting[following[offset]] = (stores[offset], top)
        return None

    tool = next(t for t in range(6) if sys.monitoring.get_tool(t) is None)
    sys.monitoring.use_tool_id(tool, "test")
    try:
        sys.monitoring.register_callback(tool, sys.monitoring.events.INSTRUCTION, callback)
        sys.monitoring.set_local_events(tool, code, sys.monitoring.events.INSTRUCTION)
        run()
    finally:
        sys.monitoring.set_local_events(tool, code, 0)
        sys.monitoring.register_callback(tool, sys.monitoring.events.INSTRUCTION, None)
        sys.monitoring.free_tool_id(tool)
    return seen


def drive_generator():
    g = generator(3)
    next(g)
    g.send(2)
    list(g)


@pytest.mark.parametrize(
    "function, run",
    [
        (plain, lambda: plain(1, 2)),
        (loops_and_handlers, lambda: loops_and_handlers(5)),
        (generator, drive_generator),
    ],
)
def test_the_top_of_the_stack_is_what_the_next_store_stores(function, run):
    seen = stores_seen(function, run)
    assert len(seen) >= 2
    assert all(same for _, same in seen), seen


def test_the_depths_stay_within_the_compilers_stack_size():
    from gilsim.tracer import valuestack

    for function in (plain, loops_and_handlers, generator, valuestack.depths):
        code = function.__code__
        at = valuestack.depths(code)
        assert at is not None
        assert max(at.values()) <= code.co_stacksize
        assert at[0] == 0
