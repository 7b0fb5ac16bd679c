#!/usr/bin/env bash
# Build the documentation into docs/_build/html, warnings as errors.  Every picture in it is
# drawn now, from examples/, by running them under gilsim (gilsim/sphinx.py): it needs
# Sphinx and MyST-Parser (gilsim[docs]) and Graphviz's dot, which scripts/setup.sh installs
# first where they are missing.  Extra arguments go to sphinx-build (e.g. -j auto, -E).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/python -c 'import sphinx, myst_parser' 2>/dev/null; then
    EXTRAS=docs bash scripts/setup.sh
fi
exec .venv/bin/sphinx-build -W --keep-going -b html "$@" docs docs/_build/html
