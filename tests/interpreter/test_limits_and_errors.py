"""Runaway programs stop cleanly; bad input gets one clear line and a non-zero status."""

import gilsim


def test_max_instructions_stops_an_endless_loop():
    result = gilsim.run(source="while True:\n    pass\n", max_instructions=10_000)
    assert result.exit_status == 3
    assert "--max-instructions 10000" in result.stderr
    assert "line 2" in result.stderr or "line 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_max_time_stops_an_endless_loop_in_virtual_time():
    result = gilsim.run(source="n = 0\nwhile True:\n    n += 1\n", max_time_ns="1ms")
    assert result.exit_status == 3
    assert "--max-time 1 ms" in result.stderr
    assert result.virtual_time_ns > 1_000_000


def test_output_before_the_limit_is_kept():
    result = gilsim.run(source="print('before')\nwhile True:\n    pass\n", max_instructions=5000)
    assert result.stdout == "before\n"


def test_limit_inside_a_callback_from_native_code_still_stops():
    source = "def key(v):\n    while True:\n        pass\nsorted([1, 2], key=key)\n"
    result = gilsim.run(source=source, max_instructions=10_000)
    assert result.exit_status == 3


def test_the_program_cannot_catch_the_limit():
    source = "try:\n    while True:\n        pass\nexcept BaseException:\n    print('caught')\n"
    result = gilsim.run(source=source, max_instructions=10_000)
    assert "caught" not in result.stdout
    assert result.exit_status == 3


def test_virtual_time_advances_with_instructions_and_sleep():
    source = (
        "import time\n"
        "t0 = time.perf_counter()\n"
        "time.sleep(0.25)\n"
        "print(round(time.perf_counter() - t0, 3))\n"
    )
    result = gilsim.run(source=source)
    assert result.stdout == "0.25\n"
    assert result.virtual_time_ns >= 250_000_000


def test_same_program_same_virtual_time():
    source = "print(sum(i * i for i in range(1000)))\n"
    first, second = gilsim.run(source=source), gilsim.run(source=source)
    assert first.virtual_time_ns == second.virtual_time_ns > 0
    assert first.instructions == second.instructions > 1000
