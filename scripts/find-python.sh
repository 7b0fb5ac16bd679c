#!/usr/bin/env bash
# Print the path of a Python of version $1 (3.11, 3.12, 3.13) on this machine: pythonX.Y on
# PATH, else one of pyenv's; exit 1 if there is none.
set -uo pipefail
version=$1
for candidate in "python$version" \
    "$(command -v pyenv >/dev/null 2>&1 && pyenv root 2>/dev/null)"/versions/"$version".*/bin/"python$version"; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 \
        && "$candidate" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$version'.split('.'))))" 2>/dev/null; then
        command -v "$candidate"
        exit 0
    fi
done
exit 1
