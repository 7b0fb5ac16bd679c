"""Writing a Graphviz picture to a file, by its suffix: ``.svg``, ``.png`` or ``.dot``.

Where Graphviz's programs are missing, the DOT source is written instead (next to the
asked-for file, as ``NAME.dot``) and the message says how to draw it: gilsim works without
Graphviz, it only cannot draw.
"""

from __future__ import annotations

import os

import attrs
import graphviz

from gilsim.errors import ConfigurationError, GilsimError

FORMATS = ("svg", "png", "dot")
INSTALL_HINT = "install Graphviz (apt-get install graphviz, brew install graphviz) to draw it"


@attrs.frozen
class Written:
    """What was written: ``path``, and ``note`` when it is not the picture asked for."""

    path: str
    note: str | None = None


def picture_format(path: str) -> str:
    """The format a file name asks for; a ConfigurationError for any other suffix."""
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    if suffix not in FORMATS:
        raise ConfigurationError(
            f"cannot tell the picture format of {path!r}: name it .svg, .png or .dot"
        )
    return suffix


def _command(picture: graphviz.Graph | graphviz.Digraph, fmt: str, dot_path: str) -> str:
    no_op = " -n2" if picture.engine == "neato" else ""
    return f"{picture.engine}{no_op} -T{fmt} {dot_path} -o {os.path.splitext(dot_path)[0]}.{fmt}"


class GraphvizMissing(GilsimError):
    """Graphviz's programs are not installed: a picture can be written only as DOT."""


class GraphvizFailed(GilsimError):
    """A Graphviz program failed on a picture (a bug of gilsim's, or a broken install)."""


def render_bytes(picture: graphviz.Graph | graphviz.Digraph, fmt: str) -> bytes:
    """The picture as ``svg`` or ``png`` bytes; GraphvizMissing without Graphviz."""
    try:
        if picture.engine == "neato":
            # Pinned positions: take them as given (neato -n2), do not lay out.
            return picture.pipe(format=fmt, neato_no_op=2)
        return picture.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise GraphvizMissing(
            f"Graphviz's {picture.engine} is not installed: {INSTALL_HINT}"
        ) from None
    except graphviz.CalledProcessError as error:
        raise GraphvizFailed(f"Graphviz's {picture.engine} failed: {error}") from None


def write_picture(picture: graphviz.Graph | graphviz.Digraph, path: str) -> Written:
    """Write ``picture`` to ``path`` in the format its suffix names."""
    fmt = picture_format(path)
    if fmt == "dot":
        _write_text(path, picture.source)
        return Written(path)
    try:
        data = render_bytes(picture, fmt)
    except GraphvizMissing:
        dot_path = os.path.splitext(path)[0] + ".dot"
        _write_text(dot_path, picture.source)
        return Written(
            dot_path,
            f"Graphviz's {picture.engine} is not installed, so {path} was not drawn; wrote "
            f"its DOT source to {dot_path}: {INSTALL_HINT}, then run "
            f"`{_command(picture, fmt, dot_path)}`",
        )
    with open(path, "wb") as handle:
        handle.write(data)
    return Written(path)


def _write_text(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
