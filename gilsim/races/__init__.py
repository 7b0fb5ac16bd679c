"""Race recording and reports (``gilsim races``, ``gilsim run --races``,
``gilsim.run(..., races=True)``).

The recorder (``recorder``) wraps the handlers of the opcodes that read and write shared
places (``recording``), for the program's own code only; each access is checked as it happens
(``detector``) against the places' history (``places``), with happens-before from vector
clocks (``happens_before``) and atomicity under the GIL from the watcher's switch point counts
(``watching``).  After the run, ``race_reports`` tells the findings and ``format_report``
writes them as text.
"""

from gilsim.races.recorder import Recorder, install
from gilsim.races.reports import AccessInfo, RaceReport, SwitchInfo, race_reports, races_summary
from gilsim.races.text import format_report

__all__ = [
    "AccessInfo",
    "RaceReport",
    "Recorder",
    "SwitchInfo",
    "format_report",
    "install",
    "race_reports",
    "races_summary",
]
