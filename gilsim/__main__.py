"""``python -m gilsim`` is the ``gilsim`` command."""

from gilsim.cli import main

raise SystemExit(main())
