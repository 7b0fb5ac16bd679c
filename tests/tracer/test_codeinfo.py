"""What the tracer works out once per code object (``gilsim.tracer.codeinfo``): running sums
that price any straight stretch of instructions with two lookups, and the check points among
the instructions."""

import dis
import sys

import pytest

from gilsim.tracer.codeinfo import analyse, is_own
from gilsim.versions import FREE_THREADED_TAX_PERMILLE, VERSIONS

pytestmark = pytest.mark.skipif(sys.version_info < (3, 12), reason="the host's interpreter")
VERSION = (
    VERSIONS[f"{sys.version_info.major}.{sys.version_info.minor}"]
    if (sys.version_info >= (3, 12))
    else None
)


def loop(n):
    total = 0
    for i in range(n):
        total += i * 2
    return total


def gen():
    yield 1
    yield from [2]


async def coro(other):
    await other


def stretch(code, first, last):
    """The instructions from offset ``first`` to ``last``, both included."""
    return [i for i in dis.get_instructions(code) if first <= i.offset <= last]


def price(instructions):
    costs = VERSION.costs
    return sum(costs.get(i.opname, costs["default"]) for i in instructions)


def test_a_stretch_costs_the_sum_of_its_instructions():
    info = analyse(loop.__code__, VERSION)
    instructions = list(dis.get_instructions(loop.__code__))
    body_start = next(i.offset for i in instructions if i.opname == "FOR_ITER")
    back = next(i.offset for i in instructions if i.opname == "JUMP_BACKWARD")
    expected = stretch(loop.__code__, body_start, back)
    assert info.through[back] - info.before[body_start] == price(expected)
    assert info.n_through[back] - info.n_before[body_start] == len(expected)
    # From just after an instruction (a call's return point): that instruction is out.
    assert info.through[back] - info.before[body_start + 1] == price(expected[1:])


def test_the_free_threaded_tax_is_on_the_running_sums():
    plain = analyse(loop.__code__, VERSION)
    taxed = analyse(loop.__code__, VERSION, FREE_THREADED_TAX_PERMILLE)
    end = len(loop.__code__.co_code)
    assert taxed.through[end] == round(plain.through[end] * 1.06)
    assert taxed.n_through[end] == plain.n_through[end]


def test_resumes_after_yield_check_and_after_yield_from_or_await_do_not():
    info = analyse(gen.__code__, VERSION)
    resumes = {i.offset: i.arg & 3 for i in dis.get_instructions(gen) if i.opname == "RESUME"}
    assert {offset for offset, where in resumes.items() if where < 2} == info.checked_resumes
    assert any(where == 2 for where in resumes.values())  # after ``yield from``: no check
    awaiting = analyse(coro.__code__, VERSION)
    after_await = [i.offset for i in dis.get_instructions(coro) if i.opname == "RESUME"][1:]
    assert after_await and not set(after_await) & awaiting.checked_resumes


def test_calls_know_their_argument_counts():
    info = analyse(loop.__code__, VERSION)
    calls = [i for i in dis.get_instructions(loop) if i.opname == "CALL"]
    assert {i.offset: i.arg for i in calls} == info.call_args


def test_gilsims_own_code_is_never_charged():
    assert is_own(analyse.__code__)
    assert not is_own(loop.__code__)
    assert analyse(analyse.__code__, VERSION).through == []
