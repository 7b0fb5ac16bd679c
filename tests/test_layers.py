"""gilsim's layers, read from its imports: each subpackage imports only from the layers below
it (the table below, lowest first), and only the render layer imports Graphviz.

Imports made inside a function (lazily, when a feature is used) may point upwards only where
``UPWARD`` lists them, with the reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gilsim"

# Lowest first.  A module imports only from its own layer and the ones before it.
LAYERS = [
    {"errors", "units", "paths", "isolation", "outputs", "hashseed", "sources", "terminal"},
    {"versions"},
    {"engine"},
    {"machine"},
    {"gil"},
    {"interpreter"},
    {"tracer"},  # the program on the host's interpreter (it uses the interpreter's state)
    {"runtime"},
    {"processes"},
    {"races"},  # recording hooks into the interpreter and the runtime's locks
    {"config", "arguments"},
    {"program", "disassemble", "hostprogram"},
    {"trace"},
    {"schedules"},
    {"analysis"},
    {"render"},
    {"api"},
    {"cli", "progress"},
    {"testing", "sphinx", "__main__", "__init__"},
]
LAYER = {name: rank for rank, names in enumerate(LAYERS) for name in names}

UPWARD = {
    # A Config validates its ``schedule`` string with the parser of ``gilsim explore``'s
    # schedules, which run programs with a Config: imported when a schedule is given.
    ("config", "schedules"),
}


def part(path: Path) -> str:
    """The layer a file of the package belongs to: its subpackage or top-level module."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        if node.module == "gilsim":
            return [f"gilsim.{alias.name}" for alias in node.names]
        return [node.module]
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return []


def imports(path: Path) -> list[tuple[str, bool]]:
    """Every module ``path`` imports, and whether the import is at the module's top level
    (or inside a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    for node in tree.body:  # ``if TYPE_CHECKING:`` and ``try:`` blocks count as top level
        if isinstance(node, ast.If | ast.Try):
            top_level |= {id(child) for child in ast.walk(node)}
    return [(name, id(node) in top_level) for node in ast.walk(tree) for name in imported(node)]


FILES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    source = part(path)
    assert source in LAYER, f"{source} is in no layer: add it to LAYERS"
    for name, top in imports(path):
        if not name.startswith("gilsim.") or name.count(".") < 1:
            continue
        target = name.split(".")[1]
        if target not in LAYER:
            continue  # a name imported from the package root (``from gilsim import races``)
        if LAYER[target] > LAYER[source]:
            assert not top and (source, target) in UPWARD, (
                f"{path.relative_to(PACKAGE)} imports {name}: {target} is above {source}"
            )


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_render_imports_graphviz(path: Path) -> None:
    names = {name.split(".")[0] for name, _ in imports(path)}
    if "graphviz" in names:
        assert part(path) == "render", f"{path.relative_to(PACKAGE)} imports graphviz"


def test_every_subpackage_has_a_layer() -> None:
    parts = {part(path) for path in FILES}
    assert parts <= set(LAYER)


def test_starting_gilsim_does_not_import_networkx() -> None:
    """networkx takes about a tenth of a second to import: only the schedule graph needs
    it, so ``gilsim run`` (and every explored schedule's worker) does not pay for it."""
    import subprocess
    import sys

    probe = "import sys, gilsim.cli; print(sorted({'networkx', 'sphinx'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
