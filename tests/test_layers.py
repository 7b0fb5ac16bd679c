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


# The packages whose code runs inside a simulated process: they reach the engine only
# through ``Machine``'s methods (``gilsim.machine.port``), so that a simulated process can
# run in a host process of its own behind a proxy of its machine (issue 19).
IN_A_PROCESS = ("gil", "interpreter", "tracer", "runtime", "processes")

# Reaches of ``.engine`` allowed there, by file and line, with the reason.
ENGINE_REACHES = {
    # fork's copier maps the engine to itself, so that a copy of the parent's objects never
    # copies it: the copier goes when a real fork replaces it.
    ("processes/fork.py", "id(interp.machine.engine): interp.machine.engine,"),
}


def engine_reaches(path: Path) -> list[str]:
    """Every ``.engine`` attribute in ``path``, as ``file:line: source``, but those that
    ``ENGINE_REACHES`` allows."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    name = str(path.relative_to(PACKAGE))
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "engine":
            line = lines[node.lineno - 1].strip()
            if (name, line) not in ENGINE_REACHES:
                found.add((node.lineno, line))
    return [f"{name}:{number}: {line}" for number, line in sorted(found)]


# Each file of those packages, a test each.
over_process_files = pytest.mark.parametrize(
    "path",
    [path for path in FILES if part(path) in IN_A_PROCESS],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)


def missing_allowances(allowed: set[tuple[str, str]]) -> list[str]:
    """The allowances (file, line) whose line is gone from the file: they must go too,
    lest they allow a new reach later."""
    missing = []
    for name, line in sorted(allowed):
        lines = [text.strip() for text in (PACKAGE / name).read_text().splitlines()]
        if line not in lines:
            missing.append(f"{name} has no line {line!r}")
    return missing


@over_process_files
def test_a_simulated_process_reaches_the_engine_through_its_machine(path: Path) -> None:
    reaches = engine_reaches(path)
    assert not reaches, "use a Machine method (gilsim.machine.port), not .engine:\n" + "\n".join(
        reaches
    )


def test_every_allowed_engine_reach_exists() -> None:
    missing = missing_allowances(ENGINE_REACHES)
    assert not missing, "remove them from ENGINE_REACHES:\n" + "\n".join(missing)


# What the machine keeps of its threads and cores: code in a simulated process asks the
# machine's methods (``gilsim.machine.threadport``) instead, so that a proxy can answer.
MACHINE_STATE = {"threads", "cores"}
THREAD_FIELDS = {"state", "wait", "timed_out", "times", "since"}

# Fields of that name on objects that are not OS threads, by file and receiver.
NOT_THREADS = {
    # A watched object's record (its state; its counts' times per thread).
    ("interpreter/obrefcnt.py", "obj"),
    # ``os.wait`` (``processes.posix``), handed to the simulated ``os``.
    ("processes/fork.py", "posix"),
}

# Reaches allowed there, by file and line, with the reason.
MACHINE_STATE_REACHES = {
    # The deadlock report is written once the run has stopped, by the coordinator, which
    # owns the threads.
    ("runtime/deadlock.py", "wait = thread.wait"),
    ("runtime/deadlock.py", "return thread.state"),
    ("runtime/deadlock.py", "for thread in interp.machine.threads:"),
    ("runtime/deadlock.py", "if thread.state == EXITED:"),
    (
        "runtime/deadlock.py",
        't.state != EXITED and t.wait is not None and t.wait.what.startswith("room in the pipe")',
    ),
    ("runtime/deadlock.py", "for t in interp.machine.threads"),
    # The end of the run lets every process's threads go: the coordinator's work.
    ("processes/__init__.py", "for thread in machine.threads:"),
    # A process's end kills its threads: the process table is the kernel's, which runs in
    # the coordinator (issue 19).
    ("processes/table.py", "for thread in machine.threads"),
}


def receiver(node: ast.expr) -> str | None:
    """The name an attribute is read on: ``a`` in ``a.b``, ``b`` in ``a.b.c``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def machine_state_reaches(path: Path) -> list[str]:
    """Every ``.threads``/``.cores`` of a machine and every thread field the machine
    keeps (``OSThread.state``...) in ``path``, as ``file:line: source``, but those that
    ``MACHINE_STATE_REACHES`` allows."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    name = str(path.relative_to(PACKAGE))
    tree = ast.parse(source)
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        on = receiver(node.value)
        if node.attr in MACHINE_STATE:
            reach = on == "machine"
        else:
            # ``x.wait(...)`` is a method of a lock or a queue, not the thread's field.
            reach = (
                node.attr in THREAD_FIELDS
                and id(node) not in called
                and (name, on) not in NOT_THREADS
            )
        line = lines[node.lineno - 1].strip()
        if reach and (name, line) not in MACHINE_STATE_REACHES:
            found.add((node.lineno, line))
    return [f"{name}:{number}: {line}" for number, line in sorted(found)]


@over_process_files
def test_a_simulated_process_asks_its_machine_about_threads(path: Path) -> None:
    reaches = machine_state_reaches(path)
    assert not reaches, (
        "use a Machine method (gilsim.machine.threadport), not the machine's threads or "
        "cores or a thread's scheduling fields:\n" + "\n".join(reaches)
    )


def test_every_allowed_machine_state_reach_exists() -> None:
    missing = missing_allowances(MACHINE_STATE_REACHES)
    assert not missing, "remove them from MACHINE_STATE_REACHES:\n" + "\n".join(missing)


def test_every_receiver_that_is_not_a_thread_exists() -> None:
    for name, on in NOT_THREADS:
        source = (PACKAGE / name).read_text()
        assert any(f"{on}.{field}" in source for field in THREAD_FIELDS), (
            f"{name} reads no thread field on {on!r}: remove it from NOT_THREADS"
        )


# The program's side of the simulated kernel: modules whose code runs in the simulated
# process and reaches the kernel only through ``gilsim.runtime.syscall``, with descriptors
# and handles as numbers, so that the kernel can live in another host process (issue 19).
PROGRAM_SIDE = (
    "runtime/fdio.py",
    "runtime/fileio.py",
    "runtime/osmodule.py",
    "runtime/selectmodule.py",
    "runtime/socketmodule.py",
    "runtime/socketmsg.py",
    "runtime/socketobject.py",
)
KERNEL_REACHES = {"kernel_of", "lookup", "shared", "kernel", "_kernel"}


def kernel_reaches(name: str) -> list[str]:
    """Every use of a kernel object's name in ``name``, as ``file:line: source``."""
    source = (PACKAGE / name).read_text(encoding="utf-8")
    lines = source.splitlines()
    found = set()
    for node in ast.walk(ast.parse(source)):
        named = getattr(node, "attr", None) or getattr(node, "id", None)
        if isinstance(node, ast.Attribute | ast.Name) and named in KERNEL_REACHES:
            found.add(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "gilsim.runtime.kernel":
            names = {alias.name for alias in node.names}
            if names & {"kernel_of", "Kernel"}:
                found.add(node.lineno)
    return [f"{name}:{number}: {lines[number - 1].strip()}" for number in sorted(found)]


@pytest.mark.parametrize("name", PROGRAM_SIDE)
def test_the_program_side_reaches_the_kernel_by_system_calls(name: str) -> None:
    reaches = kernel_reaches(name)
    assert not reaches, (
        "make a system call (gilsim.runtime.syscall) with plain data instead:\n"
        + "\n".join(reaches)
    )
