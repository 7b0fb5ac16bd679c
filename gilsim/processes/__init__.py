"""Simulated processes (``../shared/spec/processes.md``).  So far: what a fork child gets,
a copy of its parent's objects made without running program code (``copying``)."""
