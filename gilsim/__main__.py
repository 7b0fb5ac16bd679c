"""``python -m gilsim`` is the ``gilsim`` command."""

import sys

from gilsim import hashseed


def main() -> int:
    """The ``gilsim`` command: one that runs a program first takes its hash seed from
    ``--seed`` (``gilsim.hashseed``), before gilsim imports the rest of itself."""
    hashseed.fix_early(sys.argv[1:])
    from gilsim.cli import main as command

    return command()


if __name__ == "__main__":
    raise SystemExit(main())
