"""The programs in ``programs/`` are run by the tests, never collected as tests."""

collect_ignore_glob = ["programs/*"]
