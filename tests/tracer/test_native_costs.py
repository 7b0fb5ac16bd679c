"""What calls into C cost (``gilsim.versions.native``), and what the tracer charges around
them on 3.12 and 3.13: a method call shows only ``self`` to ``sys.monitoring``, sorting costs
by what it compares, and a Python function that C code calls costs the entry into the eval
loop from C on top of its instructions."""

import math
import sys
import textwrap

import pytest

import gilsim
from gilsim.versions.native import NATIVE_CALL_BASE_NS, PYTHON_FROM_C_NS, native_call_cost

host = pytest.mark.skipif(sys.version_info < (3, 12), reason="the host's interpreter")


def comparisons(n):
    return n * math.log2(n)


def test_a_method_called_through_its_descriptor_costs_as_the_bound_method():
    """``list.sort(L)``, and every method call as ``sys.monitoring`` shows it on 3.12 and
    3.13: the descriptor, and ``self`` as the first argument."""
    items = list(range(1000, 0, -1))
    bound = native_call_cost(items.sort, [])
    assert bound == native_call_cost(list.sort, [items])
    assert bound == NATIVE_CALL_BASE_NS + round(5.0 * comparisons(1000))
    assert native_call_cost(list.copy, [items]) == native_call_cost(items.copy, [])
    assert native_call_cost(list.copy, [items]) > NATIVE_CALL_BASE_NS


def test_a_method_whose_cost_grows_with_an_argument_it_was_not_shown_costs_the_base():
    assert native_call_cost(str.join, [","]) == NATIVE_CALL_BASE_NS
    assert native_call_cost(",".join, [["a"] * 1000]) > NATIVE_CALL_BASE_NS


def test_sorting_costs_by_what_it_compares():
    n = 500
    ints = native_call_cost(sorted, [list(range(n))]) - NATIVE_CALL_BASE_NS
    pairs = native_call_cost(sorted, [[(i, i) for i in range(n)]]) - NATIVE_CALL_BASE_NS
    strings = native_call_cost(sorted, [[str(i) for i in range(n)]]) - NATIVE_CALL_BASE_NS
    others = native_call_cost(sorted, [[object()] * n]) - NATIVE_CALL_BASE_NS
    assert ints == round(5.0 * comparisons(n))
    assert pairs == round(30.0 * comparisons(n))
    assert ints < strings < others < pairs
    # With a ``key`` function (Python code ran): the keys' type is not known.
    keyed = native_call_cost(sorted, [list(range(n))], True) - NATIVE_CALL_BASE_NS
    assert keyed == others
    # Only built-in containers are looked into.
    assert native_call_cost(sorted, [set(range(n))]) - NATIVE_CALL_BASE_NS == ints
    assert native_call_cost(sorted, ["x"]) == NATIVE_CALL_BASE_NS


def elapsed_ns(body, setup=""):
    """The virtual ns ``body`` takes in a program, by its own ``perf_counter()``."""
    source = textwrap.dedent(
        """
        import time
        def f(v):
            return v
        L = list(range(1000))
        {setup}
        start = time.perf_counter_ns()
        {body}
        print(time.perf_counter_ns() - start)
        """
    ).format(setup=setup, body=body)
    result = gilsim.run(source=source)
    assert result.exit_status == 0, result.stderr
    return int(result.stdout)


def price(function):
    """The cost of ``function``'s instructions, run once straight through."""
    from gilsim.tracer.codeinfo import analyse
    from gilsim.versions import host as host_version

    info = analyse(function.__code__, host_version())
    return info.through[len(function.__code__.co_code)]


def f(v):
    return v


@host
def test_a_python_function_called_from_c_costs_the_entry_from_c():
    by_python = elapsed_ns("list(map(f, L))")
    by_c = elapsed_ns("list(map(abs, L))")
    assert by_python - by_c == 1000 * (PYTHON_FROM_C_NS + price(f))


@host
def test_a_generator_resumed_from_c_costs_the_entry_each_time():
    """``sum`` resumes the generator from C, a ``for`` loop from Python: a thousand items
    more cost ``sum`` a thousand entries from C more, and the loop a thousand rounds of its
    own instructions."""
    from gilsim.versions import host as host_version

    costs = host_version().costs
    loop = "def loop(g):\n    for v in g:\n        pass"

    def extra(body):
        setup = "g = (v for v in range({}))\n" + loop
        return elapsed_ns(body, setup=setup.format(2000)) - elapsed_ns(
            body, setup=setup.format(1000)
        )

    round_ns = sum(costs[op] for op in ("FOR_ITER", "STORE_FAST", "JUMP_BACKWARD"))
    assert extra("sum(g)") - extra("loop(g)") == 1000 * (PYTHON_FROM_C_NS - round_ns)


@host
def test_a_sort_that_ran_a_key_function_prices_its_comparisons_as_unknown_keys():
    plain = elapsed_ns("sorted(L)")
    keyed = elapsed_ns("sorted(L, key=f)")
    n = comparisons(1000)
    expected = 1000 * (PYTHON_FROM_C_NS + price(f)) + round(20.0 * n) - round(5.0 * n)
    # The call with a keyword costs a little more to make (``CALL_KW``, a constant).
    assert 0 <= keyed - plain - expected <= 20


@host
def test_star_args_and_kwargs_cost_their_binding():
    from gilsim.versions import host as host_version

    version = host_version()
    plain = elapsed_ns("f(1)")
    variadic = elapsed_ns("g(1)", setup="def g(*args, **kwargs):\n    return args")
    extra = version.varargs_ns + version.varkeywords_ns
    assert extra > 0
    # ``g``'s body is one instruction dearer than ``f``'s: it loads ``args`` (LOAD_FAST).
    assert variadic - plain == extra
