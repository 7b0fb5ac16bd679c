#!/usr/bin/env bash
# Build the documentation into docs/_build/html, warnings as errors.  Every picture in it is
# drawn now, from examples/, by running them under gilsim (gilsim/sphinx.py): it needs
# Sphinx and MyST-Parser (gilsim[docs]) and Graphviz's dot, as `bash scripts/setup.sh`
# installs them.  Extra arguments go to sphinx-build (e.g. -j auto, -E).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/sphinx-build -W --keep-going -b html "$@" docs docs/_build/html
