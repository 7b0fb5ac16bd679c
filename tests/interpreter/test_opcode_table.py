"""Every opname of the host's ``dis.opmap`` is handled, or refused with a reason."""

import dis

import pytest

from gilsim.errors import UnsupportedError
from gilsim.interpreter import costs, decode
from gilsim.interpreter.opcodes import UNSUPPORTED, table


@pytest.mark.feature("interpreter")
def test_every_opname_is_handled_or_listed_as_unsupported():
    handlers = table()
    missing = [name for name in dis.opmap if name not in handlers and name not in UNSUPPORTED]
    assert missing == []


def test_the_unsupported_list_is_short_and_gives_reasons():
    assert len(UNSUPPORTED) <= 5
    for name, reason in UNSUPPORTED.items():
        assert name in dis.opmap
        assert len(reason) > 20


def test_nothing_is_both_handled_and_unsupported():
    assert not set(UNSUPPORTED) & {name for name in table() if isinstance(name, str)}


@pytest.mark.feature("interpreter")
def test_an_unsupported_opcode_is_refused_naming_opcode_file_line_and_version():
    code = compile("x = 1\ny = x + 2\n", "prog.py", "exec")
    handlers = dict(table())
    del handlers["BINARY_OP"]
    with pytest.raises(UnsupportedError) as refused:
        decode.decode(code, handlers, costs.COSTS_311)
    message = str(refused.value)
    assert "BINARY_OP" in message
    assert "prog.py, line 2" in message
    assert "Python 3.11" in message


@pytest.mark.feature("interpreter")
def test_decoding_resolves_jump_targets_to_instruction_numbers():
    code = compile("for i in range(3):\n    pass\n", "<t>", "exec")
    decoded = decode.decode(code, table(), costs.COSTS_311)
    for_iter = decoded.opnames.index("FOR_ITER")
    target = decoded.instructions[for_iter][1]
    assert decoded.opnames[target - 1] == "JUMP_BACKWARD"
