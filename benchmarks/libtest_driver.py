"""Run one module of CPython's regression tests (``Lib/test``) with ``unittest`` and record
the outcome of every test, for ``libtest.py``.

    python libtest_driver.py test.test_grammar [--log FILE] [--exclude FILE] [--use RES,...]
    gilsim run libtest_driver.py test.test_grammar --log FILE

The same driver runs natively and under ``gilsim run``, so that both runs load and run the
tests alike.  It writes one JSON object a line to ``--log`` as it goes, flushed at once, so
that a run that stops half-way (gilsim refused a process, crashed, or was killed as hung)
still tells which tests ended and which one was running:

    {"start": ID}                               a test starts
    {"test": ID, "outcome": OUTCOME, "reason": TEXT}   it ended
    {"done": true}                              every test ran

OUTCOME is ``pass``, ``fail``, ``error``, ``skip``, ``xfail`` (an expected failure, which
passes) or ``xpass`` (an unexpected success, which fails).  A test with subtests fails if
any of them failed.  Without ``--log``, the outcomes are printed as one JSON object
(test id -> outcome) on stdout at the end.

Like ``python -m test`` without ``-u``, no resource is enabled (``test.support.requires``
skips the test) unless ``--use`` names it; ``test.support.verbose`` is 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
import unittest
from typing import Any, TextIO

# How much of a failure's traceback the log keeps: its last lines, where the reason is.
REASON_LINES = 12


class RecordingResult(unittest.TestResult):
    """A ``TestResult`` that writes each test's outcome as it ends (see the module's
    docstring)."""

    def __init__(self, log: TextIO | None) -> None:
        super().__init__()
        self.log = log
        self.outcomes: dict[str, str] = {}
        self.failed_subtests: dict[str, str] = {}

    def _write(self, entry: dict[str, Any]) -> None:
        if self.log is not None:
            self.log.write(json.dumps(entry) + "\n")
            self.log.flush()

    def _record(self, test: Any, outcome: str, reason: str = "") -> None:
        test_id = test.id()
        if outcome == "pass" and test_id in self.failed_subtests:
            outcome, reason = "fail", self.failed_subtests.pop(test_id)
        self.outcomes[test_id] = outcome
        self._write({"test": test_id, "outcome": outcome, "reason": reason})

    def _reason(self, err: Any, test: Any) -> str:
        text = self._exc_info_to_string(err, test)
        return "\n".join(text.rstrip().splitlines()[-REASON_LINES:])

    def startTest(self, test: Any) -> None:
        super().startTest(test)
        self._write({"start": test.id()})

    def addSuccess(self, test: Any) -> None:
        super().addSuccess(test)
        self._record(test, "pass")

    def addFailure(self, test: Any, err: Any) -> None:
        super().addFailure(test, err)
        self._record(test, "fail", self._reason(err, test))

    def addError(self, test: Any, err: Any) -> None:
        super().addError(test, err)
        self._record(test, "error", self._reason(err, test))

    def addSkip(self, test: Any, reason: str) -> None:
        super().addSkip(test, reason)
        self._record(test, "skip", reason)

    def addExpectedFailure(self, test: Any, err: Any) -> None:
        super().addExpectedFailure(test, err)
        self._record(test, "xfail")

    def addUnexpectedSuccess(self, test: Any) -> None:
        super().addUnexpectedSuccess(test)
        self._record(test, "xpass", "unexpected success")

    def addSubTest(self, test: Any, subtest: Any, err: Any) -> None:
        super().addSubTest(test, subtest, err)
        if err is not None and not issubclass(err[0], unittest.SkipTest):
            # ``addSuccess`` of the test still comes; it is a failure then.
            self.failed_subtests.setdefault(
                test.id(), f"{subtest.id()}\n" + self._reason(err, test)
            )


def tests_of(suite: unittest.TestSuite) -> list[unittest.TestCase]:
    """Every test case of ``suite``, flattened."""
    found: list[unittest.TestCase] = []
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            found.extend(tests_of(item))
        else:
            found.append(item)
    return found


def without(suite: unittest.TestSuite, excluded: set[str]) -> unittest.TestSuite:
    """``suite`` without the tests whose ids are in ``excluded``, its nesting kept (it
    decides where ``setUpClass`` and ``setUpModule`` run)."""
    kept = unittest.TestSuite()
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            kept.addTest(without(item, excluded))
        elif item.id() not in excluded:
            kept.addTest(item)
    return kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", help="the test module, as test.test_grammar or test_grammar")
    parser.add_argument("--log", help="write each test's outcome to this file as it ends")
    parser.add_argument("--exclude", help="a file of test ids not to run, one a line")
    parser.add_argument("--use", default="", help="resources to enable, as regrtest's -u")
    options = parser.parse_args(argv)
    name = options.module if options.module.startswith("test.") else f"test.{options.module}"

    from test import support

    support.verbose = 0
    support.use_resources = [r for r in options.use.split(",") if r]
    excluded: set[str] = set()
    if options.exclude:
        with open(options.exclude, encoding="utf-8") as file:
            excluded = {line.strip() for line in file if line.strip()}

    log = open(options.log, "a", encoding="utf-8") if options.log else None  # noqa: SIM115
    result = RecordingResult(log)
    try:
        suite = unittest.defaultTestLoader.loadTestsFromName(name)
    except Exception:
        result._write(
            {"test": f"{name} (load)", "outcome": "error", "reason": traceback.format_exc()}
        )
        return 2
    if excluded:
        suite = without(suite, excluded)
    suite.run(result)
    result._write({"done": True})
    if log is None:
        json.dump(result.outcomes, sys.stdout, indent=1)
        print()
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
