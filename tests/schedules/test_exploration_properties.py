"""Properties of exploration over generated threaded programs:

* every reported schedule replays to its outcome;
* a higher preemption bound never finds fewer outcomes;
* partial-order reduction finds every outcome the search without it finds;
* a program whose threads share nothing has exactly one outcome.

Each example explores a program many times over, so the example counts are small and fixed
(not the property suite's profile)."""

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gilsim

EXAMPLES = 12 if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else 5
explorations = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Statements over shared globals a and b: atomic under the 3.11 GIL or not, locked or not.
SHARED = [
    "a += 1",
    "a = f(a)",
    "b = f(b) + a",
    "with lock:\n        a = f(a)",
    "if a == 0:\n        a = f(10)",
    "print('hello from', name)",
    "time.sleep(0)",
]

# More of what threads share: containers that native code changes, a queue, an event,
# attributes; what the reduction must not treat as commuting.
RICHER = [
    *SHARED,
    "items.append(name)",
    "items.append(f(len(items)))",
    "d[name] = f(len(d))",
    "if 'x' not in d:\n        d['x'] = f(0)",
    "print(sorted(items))",
    "q.put(f(a))",
    "ev.set()",
    "ev.wait(0.001)\n    print('event', ev.is_set())",
    "obj.v = f(obj.v)",
    "for x in list(items):\n        b = f(b)",
    "s.add(f(a))",
    "print(len(s))",
]


def program(bodies):
    lines = [
        "import threading, time, queue",
        "a = b = 0",
        "items, d, s = [], {}, set()",
        "q, ev = queue.Queue(), threading.Event()",
        "class O:",
        "    v = 0",
        "obj = O()",
        "lock = threading.Lock()",
        "def f(x):",
        "    return x + 1",
    ]
    for number, body in enumerate(bodies):
        lines.append(f"def work{number}(name):")
        lines.append("    global a, b")
        lines.extend(f"    {statement}" for statement in body)
    lines.append(
        "threads = [threading.Thread(target=w, args=(str(n),)) "
        f"for n, w in enumerate([{', '.join(f'work{n}' for n in range(len(bodies)))}])]"
    )
    lines += ["for t in threads:", "    t.start()", "for t in threads:", "    t.join()"]
    lines.append("print(a, b, items, sorted(d.items()), sorted(s), q.qsize(), obj.v)")
    return "\n".join(lines) + "\n"


shared_programs = st.lists(
    st.lists(st.sampled_from(SHARED), min_size=1, max_size=3), min_size=2, max_size=2
).map(program)
richer_programs = st.lists(
    st.lists(st.sampled_from(RICHER), min_size=1, max_size=3), min_size=2, max_size=3
).map(program)


def private_program(lengths):
    """Each thread updates only its own global; main prints them after joining."""
    lines = ["import threading", "def f(x):", "    return x + 1"]
    for number, length in enumerate(lengths):
        lines.append(f"v{number} = 0")
        lines.append(f"def work{number}():")
        lines.append(f"    global v{number}")
        lines.append(f"    for _ in range({length}):")
        lines.append(f"        v{number} = f(v{number})")
    names = ", ".join(f"work{n}" for n in range(len(lengths)))
    lines.append(f"threads = [threading.Thread(target=w) for w in [{names}]]")
    lines += ["for t in threads:", "    t.start()", "for t in threads:", "    t.join()"]
    lines.append(f"print({', '.join(f'v{n}' for n in range(len(lengths)))})")
    return "\n".join(lines) + "\n"


def outcome_set(found):
    return {(o.stdout, o.exit_status) for o in found.outcomes}


@explorations
@given(shared_programs)
def test_every_reported_schedule_replays_to_its_outcome(source):
    found = gilsim.explore(source=source, bound=1)
    for outcome in found.outcomes:
        replayed = gilsim.run(source=source, schedule=str(outcome.schedule))
        assert (replayed.stdout, replayed.exit_status) == (outcome.stdout, outcome.exit_status)
        assert "warning" not in replayed.stderr


@explorations
@given(shared_programs)
def test_a_higher_bound_never_finds_fewer_outcomes(source):
    lower = gilsim.explore(source=source, bound=0)
    higher = gilsim.explore(source=source, bound=1)
    assert lower.complete and higher.complete
    assert outcome_set(lower) <= outcome_set(higher)
    assert higher.explored >= lower.explored


@explorations
@given(richer_programs)
def test_reduction_finds_every_outcome_the_full_search_finds(source):
    """Partial-order reduction leaves out only schedules that reorder segments that
    commute; it must not lose an outcome (or invent one)."""
    reduced = gilsim.explore(source=source, bound=1)
    full = gilsim.explore(source=source, bound=1, reduce=False, max_schedules=3000)
    assert reduced.complete
    if full.complete:
        assert outcome_set(reduced) == outcome_set(full)
        assert reduced.explored <= full.explored
    else:
        assert outcome_set(reduced) >= outcome_set(full)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(1, 3), min_size=2, max_size=3).map(private_program))
def test_threads_that_share_nothing_have_one_outcome(source):
    # Without reduction, so that the schedules tried are not chosen by the very property
    # under test (reduction skips preemptions where nothing is shared).
    found = gilsim.explore(source=source, bound=1, reduce=False, max_schedules=100)
    assert len(found.outcomes) == 1
    assert found.explored > 1
