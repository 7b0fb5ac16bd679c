"""Sphinx configuration of gilsim's documentation: Markdown pages read by MyST-Parser, and
pictures drawn at build time from ``examples/`` by gilsim's own ``gilsim`` directive
(``gilsim/sphinx.py``).  Build it with ``bash scripts/docs.sh``."""

import importlib.metadata
import sys
from pathlib import Path

# Document (and draw with) the gilsim of this checkout, also when it is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

project = "gilsim"
author = "the gilsim authors"
copyright = "the gilsim authors"
try:
    release = importlib.metadata.version("gilsim")
except importlib.metadata.PackageNotFoundError:
    release = "unknown"
version = release

extensions = ["myst_parser", "gilsim.sphinx"]

root_doc = "index"
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# Links such as [races](races.md#differences-from-cpython) reach headings down to ###.
myst_heading_anchors = 3

html_theme = "alabaster"
html_title = "gilsim"
html_theme_options = {"page_width": "1100px", "body_max_width": "none"}
