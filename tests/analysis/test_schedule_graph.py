"""The schedule graph (``gilsim.analysis.schedule_graph``): its invariants over generated
threading runs, checked against the raw trace rather than against the builder's own
bookkeeping, and what it shows for the examples."""

from __future__ import annotations

import collections
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import networkx as nx
from hypothesis import given, note

import gilsim
from gilsim.analysis import schedule_graph, timeline_of
from gilsim.testing import runs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def held_intervals(trace: Sequence[Mapping[str, Any]]) -> dict[int, list[tuple[int, int]]]:
    """Per thread, the intervals from each ``gil_take`` to its ``gil_drop``."""
    held: dict[int, list[tuple[int, int]]] = collections.defaultdict(list)
    since: dict[int, int] = {}
    end = trace[-1]["time_ns"] if trace else 0
    for event in trace:
        if event["event"] == "gil_take":
            since[event["thread"]] = event["time_ns"]
        elif event["event"] == "gil_drop":
            held[event["thread"]].append((since.pop(event["thread"]), event["time_ns"]))
    for thread, start in since.items():
        held[thread].append((start, end))
    return held


def check_graph(trace: Sequence[Mapping[str, Any]], graph: nx.MultiDiGraph) -> None:
    assert nx.is_directed_acyclic_graph(graph)
    nodes = graph.nodes
    segments = [n for n in graph if nodes[n]["kind"] == "run"]

    # Run segments on one core never overlap in time.
    by_core: dict[int, list[tuple[int, int]]] = collections.defaultdict(list)
    for n in segments:
        assert nodes[n]["start_ns"] <= nodes[n]["end_ns"]
        by_core[nodes[n]["core"]].append((nodes[n]["start_ns"], nodes[n]["end_ns"]))
    for spans in by_core.values():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end <= start

    # Exactly one thread holds the GIL in every segment: its own thread holds it all along
    # (by the trace's takes and drops), so no other can, and no two segments overlap.
    held = held_intervals(trace)
    for n in segments:
        thread, start, end = nodes[n]["thread"], nodes[n]["start_ns"], nodes[n]["end_ns"]
        assert any(a <= start and end <= b for a, b in held[thread]), (n, nodes[n])
    spans = sorted((nodes[n]["start_ns"], nodes[n]["end_ns"]) for n in segments)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end <= start

    # Every hand-off edge joins the releasing and the acquiring segment.
    drops = {(e["thread"], e["time_ns"]) for e in trace if e["event"] == "gil_drop"}
    takes = {(e["thread"], e["time_ns"]) for e in trace if e["event"] == "gil_take" and e["switch"]}
    handoffs = 0
    for giver, taker, edge in graph.edges(data=True):
        if edge["kind"] != "handoff":
            continue
        handoffs += 1
        g, t = nodes[giver], nodes[taker]
        assert g["kind"] == t["kind"] == "run"
        assert g["thread"] != t["thread"]
        assert (g["thread"], g["end_ns"]) in drops
        assert (t["thread"], t["start_ns"]) in takes
        assert edge["dropped_ns"] == g["end_ns"] <= edge["taken_ns"] == t["start_ns"]
        assert edge["cause"] in ("drop request", "blocking call", "exit", "voluntary")
    # ... and every switch of the GIL to a thread that had run before is one of them.
    assert handoffs == sum(1 for e in trace if e["event"] == "gil_take" and e["switch"]) - 1

    # Program order chains each thread's nodes in time order.
    for a, b, edge in graph.edges(data=True):
        assert nodes[a]["start_ns"] <= nodes[b]["start_ns"]
        if edge["kind"] == "program order":
            assert nodes[a]["thread"] == nodes[b]["thread"]
            assert nodes[a]["end_ns"] <= nodes[b]["start_ns"]

    # The segments account for all the time each thread ran holding the GIL.
    timeline = timeline_of(trace)
    for info in timeline.threads:
        ran = sum(
            nodes[n]["end_ns"] - nodes[n]["start_ns"]
            for n in segments
            if nodes[n]["thread"] == info.ident
        )
        assert ran == timeline.thread_time(info.ident, "running")


@given(runs(max_threads=4, max_cores=4))
def test_schedule_graph_invariants(run: tuple[str, gilsim.Config]) -> None:
    """Over generated runs: acyclic, segments of a core never overlap, one GIL holder per
    segment, hand-offs join the releasing and the acquiring segments."""
    source, config = run
    note(source)
    result = gilsim.run(source=source, config=attrs.evolve(config, trace=True))
    assert result.trace is not None
    check_graph(result.trace, schedule_graph(result.trace))


def test_convoy_graph_shows_a_drop_request_per_sleep() -> None:
    """Beside a CPU-bound thread, each of the I/O thread's wake-ups ends in a hand-off on a
    drop request, and each of its sleeps hands the GIL back by a blocking call."""
    result = gilsim.run(EXAMPLES / "convoy.py", trace=True)
    assert result.trace is not None
    graph = schedule_graph(result.trace)
    check_graph(result.trace, graph)
    causes = collections.Counter(
        edge["cause"] for *_, edge in graph.edges(data=True) if edge["kind"] == "handoff"
    )
    assert 19 <= causes["drop request"] <= 22
    assert 19 <= causes["blocking call"] <= 23
    kinds = collections.Counter(edge["kind"] for *_, edge in graph.edges(data=True))
    assert kinds["start"] == 1 and kinds["join"] == 1


def test_lock_and_race_edges() -> None:
    """A lock's release reaches the next acquire by another thread; a lost update's
    accesses are joined by race edges between the segments they ran in."""
    result = gilsim.run(EXAMPLES / "lost_update.py", trace=True, races=True)
    assert result.trace is not None and result.races
    graph = schedule_graph(result.trace, result.races)
    check_graph(result.trace, graph)
    races = [(a, b, e) for a, b, e in graph.edges(data=True) if e["kind"] == "race"]
    assert races
    for a, b, edge in races:
        assert graph.nodes[a]["thread"] != graph.nodes[b]["thread"]
        assert edge["place"] == "__main__.counter"
    locks = [(a, b) for a, b, e in graph.edges(data=True) if e["kind"] == "lock"]
    for a, b in locks:
        assert graph.nodes[a]["kind"] == "lock_release"
        assert graph.nodes[b]["kind"] == "lock_acquire"
        assert graph.nodes[a]["lock"] == graph.nodes[b]["lock"]
