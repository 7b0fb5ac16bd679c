#!/usr/bin/env bash
# Set up and run gilsim's tests on every Python version it supports that this machine has:
# 3.11 (gilsim's own bytecode interpreter), 3.12 and 3.13 (the host's own interpreter), each
# in an environment of its own (.venv for 3.11, .venv3.12, .venv3.13) that scripts/setup.sh
# sets up with the test tools (EXTRAS=test).  Arguments go to pytest.  The exit status is 0
# only if every version's run passed.  At the end, each version's result, and the failures of
# any that failed (what a CI log shows first is its end).
set -uo pipefail
cd "$(dirname "$0")/.."

status=0
ran=0
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
summary=""
failed=""
for version in 3.11 3.12 3.13; do
    python=$(bash scripts/find-python.sh "$version") || {
        echo "test: Python $version is not on this machine; its tests do not run" >&2
        continue
    }
    venv=.venv$version
    if [ "$version" = 3.11 ]; then venv=.venv; fi
    PYTHON=$python VENV=$venv EXTRAS=test bash scripts/setup.sh || { status=1; continue; }
    echo "test: Python $version ($venv)" >&2
    if "$venv/bin/python" -m pytest -n 2 -rfE "$@" 2>&1 | tee "$logs/$version"; then
        summary+="test: Python $version: passed"$'\n'
    else
        status=1
        summary+="test: Python $version: FAILED"$'\n'
        failed+=" $version"
    fi
    ran=$((ran + 1))
done
for version in ${failed:-}; do
    echo "===== the failures on Python $version =====" >&2
    sed -n '/^=* FAILURES =*$/,/^=* short test summary/p' "$logs/$version" | head -300 >&2
    grep -E '^(FAILED|ERROR) ' "$logs/$version" >&2
done
printf '%s' "$summary" >&2
if [ "$ran" = 0 ]; then
    echo "test: no supported Python (3.11, 3.12, 3.13) found" >&2
    exit 1
fi
exit $status
