"""The picture of a schedule graph (``gilsim.analysis.schedule_graph``), drawn by ``dot``
from top to bottom: a column per thread, its nodes in program order, and the edges between
threads (GIL hand-offs by cause, lock release to acquire, start, join, races) across.

A graph of a long run has thousands of nodes; what explains a schedule is the nodes that
touch another thread.  So the picture keeps every node with an edge to or from another
thread, folds each stretch of a thread's other nodes into one ``… N segments …`` node,
leaves out ``threading``'s own bookkeeping locks (made by a library module's body) unless
they order something, and stops after ``NODE_LIMIT`` nodes with a note to pick a window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import graphviz

from gilsim.render.timeline import HANDOFF_COLOURS, Window, thread_colour
from gilsim.units import format_ns

if TYPE_CHECKING:  # networkx takes a tenth of a second to import: not for every run
    import networkx as nx

FONT = "Helvetica"
NODE_LIMIT = 60
EDGE_STYLES = {
    "lock": {"color": "#9467bd", "style": "dashed"},
    "join": {"color": "#9467bd", "penwidth": "1.5"},
    "start": {"color": "#2ca02c", "penwidth": "1.5"},
    "race": {"color": "#d62728", "style": "dashed", "penwidth": "1.5"},
}


def _ms(time_ns: int) -> str:
    return f"{time_ns / 1e6:.3f}"


def _node_label(node: dict[str, Any]) -> str:
    kind = node["kind"]
    if kind == "run":
        lines = [f"core {node['core']}: {format_ns(node['end_ns'] - node['start_ns'])}"]
        lines.append(f"{_ms(node['start_ns'])} → {_ms(node['end_ns'])} ms")
        end = node.get("end_at")
        if end is not None and end.line is not None:
            lines.append(f"to line {end.line} in {end.function}()")
        return "\n".join(lines)
    at = f"{_ms(node['start_ns'])} ms"
    if kind in ("lock_acquire", "lock_release"):
        verb = "acquire" if kind == "lock_acquire" else "release"
        name = node["lock_name"].split(" (")[0]
        return f"{verb} {name}\n{at}"
    if kind == "thread_start":
        return f"start thread\n{at}"
    if kind == "drop_request":
        return f"drop request\n{at}"
    return f"exit\n{at}"


_FILLS = {"run": "#e8f5e9", "drop_request": "#fdecea"}
_SHAPES = {
    "run": "box",
    "lock_acquire": "ellipse",
    "lock_release": "ellipse",
    "thread_start": "cds",
    "drop_request": "box",
    "thread_exit": "doublecircle",
}


def graph_picture(
    graph: nx.MultiDiGraph, *, window: Window | None = None, title: str = ""
) -> graphviz.Digraph:
    """The schedule graph as a Graphviz graph, summarised as the module says."""
    nodes = graph.nodes
    if window is not None:
        shown = [
            n
            for n in graph
            if nodes[n]["end_ns"] >= window.start_ns and nodes[n]["start_ns"] < window.end_ns
        ]
    else:
        shown = list(graph)
    kept = set(shown)
    across = {
        n
        for a, b, kind in graph.edges(data="kind")
        if kind != "program order" and a in kept and b in kept
        for n in (a, b)
    }
    visible = [
        n
        for n in sorted(shown)
        if n in across or not (nodes[n]["kind"].startswith("lock_") and nodes[n]["library"])
    ]
    threads: dict[int, list[int | tuple[int, ...]]] = {}
    for n in visible:
        chain = threads.setdefault(nodes[n]["thread"], [])
        if n not in across and chain and isinstance(chain[-1], tuple):
            chain[-1] = (*chain[-1], n)
        elif n not in across:
            chain.append((n,))
        else:
            chain.append(n)
    items = sorted(
        (item for chain in threads.values() for item in chain),
        key=lambda item: item[0] if isinstance(item, tuple) else item,
    )
    cut = items[:NODE_LIMIT]
    drawn = set(cut)
    dot = graphviz.Digraph(name="schedule")
    note = ""
    if len(items) > NODE_LIMIT:
        last = cut[-1][0] if isinstance(cut[-1], tuple) else cut[-1]
        note = (
            f"\n(the first {NODE_LIMIT} of {len(items)} nodes, up to {_ms(nodes[last]['start_ns'])} "
            "ms: pick a --window to see the rest)"
        )
    dot.attr(
        rankdir="TB",
        label=f"{title}{note}",
        labelloc="t",
        labeljust="l",
        fontname=FONT,
        fontsize="12",
        nodesep="0.15",
        ranksep="0.3",
        newrank="true",
    )
    dot.attr("node", fontname=FONT, fontsize="9", style="filled", fillcolor="white")
    dot.attr("edge", fontname=FONT, fontsize="8")
    numbers = {ident: n for n, ident in enumerate(graph.graph.get("threads", {}))}
    names: dict[int, str] = {}  # graph node -> the picture's node that shows it
    for ident, chain in threads.items():
        colour = thread_colour(numbers.get(ident, 0))
        with dot.subgraph(name=f"cluster_{numbers.get(ident, 0)}") as row:
            row.attr(
                label=graph.graph.get("threads", {}).get(ident, str(ident)),
                color=colour,
                fontcolor=colour,
            )
            previous = None
            for item in chain:
                if item not in drawn:
                    continue
                name = _draw_item(row, graph, item, colour)
                for n in item if isinstance(item, tuple) else (item,):
                    names[n] = name
                if previous is not None:
                    row.edge(previous, name, color="#999999", arrowsize="0.5")
                previous = name
    for a, b, data in graph.edges(data=True):
        kind = data["kind"]
        if kind == "program order" or a not in names or b not in names:
            continue
        if kind == "handoff":
            style = {
                "color": HANDOFF_COLOURS.get(data["cause"], "#1f4e9c"),
                "penwidth": "1.5",
                "label": data["cause"],
                "fontcolor": HANDOFF_COLOURS.get(data["cause"], "#1f4e9c"),
            }
        else:
            style = dict(EDGE_STYLES.get(kind, {}))
            if kind == "race":
                style["label"] = f"race on {data['place']}"
        dot.edge(names[a], names[b], constraint="true", **style)
    return dot


def _draw_item(row: Any, graph: nx.MultiDiGraph, item: int | tuple[int, ...], colour: str) -> str:
    nodes = graph.nodes
    if isinstance(item, tuple):
        first, last = nodes[item[0]], nodes[item[-1]]
        name = f"s{item[0]}"
        if len(item) == 1:
            return _draw_node(row, item[0], first, colour)
        row.node(
            name,
            f"… {len(item)} nodes …\n{_ms(first['start_ns'])} → {_ms(last['end_ns'])} ms",
            shape="box",
            style="dashed",
            color=colour,
        )
        return name
    return _draw_node(row, item, nodes[item], colour)


def _draw_node(row: Any, number: int, node: dict[str, Any], colour: str) -> str:
    name = f"n{number}"
    row.node(
        name,
        _node_label(node),
        shape=_SHAPES.get(node["kind"], "box"),
        color=colour,
        fillcolor=_FILLS.get(node["kind"], "white"),
        width="0.3" if node["kind"] != "run" else "0.75",
    )
    return name
