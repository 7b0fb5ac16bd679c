"""A Sphinx extension: the ``gilsim`` directive runs a program under gilsim while the docs
are built and embeds the timeline of its run.

Enable it in ``conf.py`` (with MyST-Parser it also works in Markdown pages, as a
```` ```{gilsim} ```` fence)::

    extensions = ["myst_parser", "gilsim.sphinx"]

and use it with a path or with the program as content::

    .. gilsim:: ../examples/convoy.py
       :cores: 2
       :switch-interval: 5ms
       :window: 0ms:20ms
       :caption: The convoy effect.

    .. gilsim::
       :output:

       import threading
       ...

A path is taken relative to the document's own file, as ``literalinclude`` takes it; one
starting with ``/`` is relative to the source directory (the one holding ``conf.py``).

Options: ``cores``, ``machine``, ``switch-interval``, ``seed``, ``gil``, ``checkpoints``
and ``refcount`` (names separated by spaces) configure the run (as ``gilsim run``'s options
do); ``kind`` is the kind of picture (``timeline``, the default,
``graph`` or ``race``, as ``gilsim render --kind`` draws them), ``window`` (``START:END``,
either side may be left out) the span of virtual time shown, ``race`` which race report a
``race`` picture draws (from 1); ``alt`` is the picture's text for readers who cannot see
it; ``caption`` makes a figure with that caption; ``name`` a target to refer to it;
``output`` (a flag) also shows the program's stdout.

A program that fails (a nonzero exit status, or a gilsim error such as a limit) is a
directive error that names the file and shows its stderr.  Without Graphviz the picture
cannot be drawn: the build warns, says how to install it, and shows the program's output
instead.  HTML builders show the picture as an SVG file in ``_images``; other builders show
its ``alt`` text.  Each distinct run (program text and run options) runs once per build.

Nothing else in gilsim imports this module: Sphinx is an optional dependency
(``pip install 'gilsim[docs]'``).
"""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import os
import posixpath
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import attrs
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import gilsim
from gilsim import versions
from gilsim.engine.core import NEVER
from gilsim.errors import GilsimError
from gilsim.render import KINDS, render_bytes
from gilsim.render.output import INSTALL_HINT, GraphvizFailed, GraphvizMissing
from gilsim.render.timeline import parse_window
from gilsim.units import format_ns, parse_duration_ns

logger = logging.getLogger(__name__)

# Runs made during this build, by a hash of the program's text and the run's options.  Reset
# when a build starts, so an edited program or a new gilsim is always run again.
_RUNS: dict[str, gilsim.RunResult] = {}


class gilsim_picture(nodes.General, nodes.Inline, nodes.Element):  # noqa: N801 (docutils style)
    """A drawn picture: ``svg`` (its text), ``filename`` (its name in ``_images``) and
    ``alt``.  HTML builders write the file and show it; other builders get the alt text."""


def _duration(text: str) -> int:
    try:
        return parse_duration_ns(directives.unchanged_required(text))
    except GilsimError as error:
        raise ValueError(str(error)) from None


def _window(text: str) -> str:
    """``START:END`` in durations (``0ms:20ms``), as ``gilsim render --window`` takes it
    (``render.timeline.parse_window``): an empty START is the run's start, an empty END its
    end.  Checked now; applied to the run when it is drawn."""
    text = directives.unchanged_required(text).strip()
    try:
        parse_window(text, NEVER)
    except GilsimError as error:
        raise ValueError(str(error)) from None
    return text


def _kind(text: str) -> str:
    return str(directives.choice(text, KINDS))


class GilsimDirective(SphinxDirective):
    """``.. gilsim:: [PATH]``: run a program under gilsim and show a picture of its run."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "cores": directives.positive_int,
        "machine": directives.unchanged_required,
        "switch-interval": _duration,
        "seed": directives.nonnegative_int,
        "gil": directives.unchanged_required,
        "checkpoints": directives.unchanged_required,
        "refcount": directives.unchanged_required,
        "window": _window,
        "kind": _kind,
        "race": directives.positive_int,
        "alt": directives.unchanged,
        "caption": directives.unchanged_required,
        "name": directives.unchanged,
        "output": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        name, path, text = self._program()
        kind = self.options.get("kind", "timeline")
        options: dict[str, Any] = {"trace": True, "races": kind == "race"}
        for option, field in (
            ("cores", "cores"),
            ("machine", "machine"),
            ("switch-interval", "switch_interval_ns"),
            ("seed", "seed"),
            ("gil", "gil"),
            ("checkpoints", "checkpoints"),
        ):
            if option in self.options:
                options[field] = self.options[option]
        if "refcount" in self.options:
            options["refcounts"] = tuple(self.options["refcount"].split())
        try:
            config = gilsim.Config(**options)
        except GilsimError as error:
            raise self.error(f"gilsim: {name}: {error}")
        result = attrs.evolve(self._run(name, path, text, config), name=name)

        described = (
            f"{config.machine_spec().cores} cores, "
            f"{format_ns(config.switch_interval_ns)} switch interval"
        )
        if config.gil != "new":
            described += f", --gil {config.gil}"
        if config.checkpoints != versions.default_checkpoints():
            described += f", --checkpoints {config.checkpoints}"
        window = self.options.get("window")
        if window is not None:
            described += f", window {window}"
        try:
            graph = result.picture(kind, window, self.options.get("race", 1))
        except GilsimError as error:
            raise self.error(f"gilsim: {name}: {error}")
        alt = self.options.get("alt") or f"The {kind} of {name} under gilsim ({described})."

        shown: list[nodes.Node] = []
        try:
            svg = render_bytes(graph, "svg").decode("utf-8")
        except GraphvizMissing:
            logger.warning(
                f"gilsim: cannot draw the {kind} of {name}: Graphviz's {graph.engine} is not "
                f"installed; {INSTALL_HINT} (showing the program's output instead)",
                location=(self.env.docname, self.lineno),
                type="gilsim",
                subtype="graphviz",
            )
            shown.append(nodes.paragraph("", f"[{alt} Not drawn: Graphviz is not installed.]"))
            if "output" not in self.options:
                shown.append(self._output(result.stdout))
        except GraphvizFailed as error:
            raise self.error(f"gilsim: cannot draw the {kind} of {name}: {error}")
        else:
            digest = hashlib.sha256(svg.encode("utf-8")).hexdigest()[:20]
            node = gilsim_picture(svg=svg, filename=f"gilsim-{digest}.svg", alt=alt)
            self.set_source_info(node)
            if "caption" in self.options:
                caption_text = self.options["caption"]
                inline, messages = self.state.inline_text(caption_text, self.lineno)
                caption = nodes.caption(caption_text, "", *inline)
                self.set_source_info(caption)
                figure = nodes.figure("", node, caption)
                self.set_source_info(figure)
                self.add_name(figure)
                shown += [figure, *messages]
            else:
                self.add_name(node)
                shown.append(node)
        if "output" in self.options:
            shown.append(self._output(result.stdout))
        return shown

    def _program(self) -> tuple[str, str | None, str]:
        """The program's name (for titles and messages), its path if it is a file, and its
        text."""
        if self.arguments and self.content:
            raise self.error("gilsim: give the program as a path or as content, not both")
        if self.arguments:
            given = self.arguments[0]
            relative, absolute = self.env.relfn2path(given, self.env.docname)
            self.env.note_dependency(relative)
            try:
                text = Path(absolute).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise self.error(f"gilsim: cannot read the program {given!r} ({absolute}): {error}")
            return os.path.basename(absolute), os.fspath(absolute), text
        if not self.content:
            raise self.error("gilsim: give a program: a path as the argument, or code as content")
        return "code block", None, "\n".join(self.content) + "\n"

    def _run(
        self, name: str, path: str | None, text: str, config: gilsim.Config
    ) -> gilsim.RunResult:
        key = hashlib.sha256(repr((path, text, config)).encode("utf-8")).hexdigest()
        result = _RUNS.get(key)
        if result is None:
            try:
                if path is not None:
                    result = gilsim.run(path, config=config)
                else:
                    result = gilsim.run(source=text, config=config)
            except (GilsimError, OSError) as error:
                raise self.error(f"gilsim: cannot run {path or name}: {error}")
            _RUNS[key] = result
        if result.exit_status != 0 or result.error is not None:
            where = f"{path or name} ({self.env.docname}, line {self.lineno})"
            stderr = result.stderr.rstrip() or "(nothing on stderr)"
            raise self.error(
                f"gilsim: the program {where} failed under gilsim with exit status "
                f"{result.exit_status}; its stderr:\n{stderr}"
            )
        return result

    def _output(self, stdout: str) -> nodes.literal_block:
        block = nodes.literal_block(stdout, stdout, classes=["gilsim-output"])
        block["language"] = "text"
        self.set_source_info(block)
        return block


def _visit_html(translator: Any, node: gilsim_picture) -> None:
    """Write the picture into the output's image directory and show it, linked to the file
    itself (a browser showing the SVG alone shows each box's times on hover)."""
    builder = translator.builder
    target = Path(builder.outdir, builder.imagedir, node["filename"])
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # Whole or not at all, also when parallel writers make the same picture.
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(node["svg"])
        os.replace(temporary, target)
    uri = posixpath.join(builder.imgpath, node["filename"])
    alt = html.escape(node["alt"], quote=True)
    translator.body.append(
        f'<div class="gilsim-picture"><a class="reference internal image-reference" '
        f'href="{uri}"><img src="{uri}" alt="{alt}" style="max-width: 100%; height: auto" />'
        "</a></div>\n"
    )
    raise nodes.SkipNode


def _for_other_formats(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Builders other than HTML get the picture's alt text."""
    if app.builder.format == "html":
        return
    for node in list(doctree.findall(gilsim_picture)):
        node.replace_self(nodes.paragraph("", f"[{node['alt']}]"))


def _new_build(app: Sphinx) -> None:
    _RUNS.clear()


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(gilsim_picture, html=(_visit_html, None))
    app.add_directive("gilsim", GilsimDirective)
    app.connect("builder-inited", _new_build)
    app.connect("doctree-resolved", _for_other_formats)
    try:
        version = importlib.metadata.version("gilsim")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return {"version": version, "parallel_read_safe": True, "parallel_write_safe": True}
