"""pytest configuration for the differential corpus.

The files under ``programs/`` are inputs for gilsim, not tests: never collect them
(some deliberately fail, exit with odd statuses or contain syntax errors).
"""

collect_ignore_glob = ["programs/*"]
