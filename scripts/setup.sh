#!/usr/bin/env bash
# Set up gilsim on a fresh machine: a virtual environment with gilsim and what it needs to run
# (its runtime dependencies only, about 47 MB), and Graphviz's `dot` (for pictures) where it
# is missing and can be installed.  Safe to run again: it only does what is not done yet.
#
# EXTRAS names optional dependencies to install too (pyproject.toml): scripts/test.sh sets
# EXTRAS=test (pytest, Hypothesis, Sphinx, Dask, ruff, mypy, pyperformance: about 310 MB),
# scripts/docs.sh EXTRAS=docs.
#
# PYTHON names the interpreter (default: python3.11, else python3) and VENV the environment
# (default: .venv).  gilsim runs programs on the interpreter it is installed in: 3.11 on its
# own bytecode interpreter, 3.12 and 3.13 on the host's own (scripts/test.sh sets up one
# environment for each).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${VENV:-.venv}
extras=${EXTRAS:-}
python=${PYTHON:-}
if [ -z "$python" ]; then
    python=python3
    if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        found=$(bash scripts/find-python.sh 3.11 || true)
        if [ -n "$found" ]; then python=$found; fi
    fi
fi
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -e ".${extras:+[$extras]}"

if ! command -v dot >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing Graphviz (dot) for pictures" >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null) \
            || echo "setup: could not install Graphviz; gilsim works without it (no pictures)" >&2
    else
        echo "setup: Graphviz's dot is missing; install it (apt-get install graphviz) for pictures" >&2
    fi
fi
echo "setup: ready ($venv/bin/gilsim, Python $("$venv/bin/python" -c 'import sys; print(*sys.version_info[:3], sep=".")'))" >&2
