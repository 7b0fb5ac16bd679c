#!/usr/bin/env bash
# Set up gilsim for development on a fresh machine: a virtual environment in .venv with gilsim
# and its test tools, and Graphviz's `dot` (for pictures) where it is missing and can be
# installed.  Safe to run again: it only does what is not done yet.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    for candidate in python3.11 "$(command -v pyenv >/dev/null && pyenv which python3.11 2>/dev/null || true)"; do
        if [ -n "$candidate" ] && command -v "$candidate" >/dev/null; then python=$candidate; break; fi
    done
fi
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

if ! command -v dot >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing Graphviz (dot) for pictures" >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null) \
            || echo "setup: could not install Graphviz; gilsim works without it (no pictures)" >&2
    else
        echo "setup: Graphviz's dot is missing; install it (apt-get install graphviz) for pictures" >&2
    fi
fi
echo "setup: ready (.venv/bin/gilsim)" >&2
