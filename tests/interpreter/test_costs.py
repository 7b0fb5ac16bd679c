"""The cost tables: ``--gil free-threaded`` charges PEP 703's 6% on instructions, to within
half a nanosecond on every pass of a loop, though single instructions cost 1-2 ns."""

import dis

import pytest

from gilsim.interpreter import costs, decode
from gilsim.interpreter.opcodes import shared_table


def loop(n):
    while n > 0:
        n -= 1


def charged(table):
    return [entry[2] for entry in decode.decode(loop.__code__, shared_table(), table).instructions]


def test_each_gil_kind_has_its_cost_table():
    assert costs.table_for("new") is costs.COSTS_311
    assert costs.table_for("none") is costs.COSTS_311
    assert costs.table_for("free-threaded") is costs.FREE_THREADED_COSTS


@pytest.mark.feature("interpreter")
def test_a_loop_body_costs_its_taxed_sum_rounded():
    plain = charged(costs.COSTS_311)
    taxed = charged(costs.FREE_THREADED_COSTS)
    # The loop body: from the backward jump's target to the backward jump.
    ops = [i for i in dis.get_instructions(loop) if i.opname != "CACHE"]
    end = next(k for k, i in enumerate(ops) if i.opname == "POP_JUMP_BACKWARD_IF_TRUE")
    head = next(k for k, i in enumerate(ops) if i.offset == ops[end].argval)
    body_plain, body_taxed = sum(plain[head : end + 1]), sum(taxed[head : end + 1])
    assert body_plain == 30
    assert body_taxed == 32  # 31.8, rounded
    assert all(t >= p for p, t in zip(plain, taxed, strict=True))


@pytest.mark.feature("interpreter")
def test_decodings_with_other_costs_share_no_compiled_block():
    one = decode.decode(loop.__code__, shared_table(), costs.COSTS_311)
    two = decode.decode(loop.__code__, shared_table(), costs.FREE_THREADED_COSTS)
    assert one.key != two.key
