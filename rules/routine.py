"""The resident's routine: a day's features (`Day`, built by `DayBuilder`), the usual day
learned from recent days (`Baseline`), and what about a day was unusual (`Unusual`).

Pure: no I/O, no clock. The routine rules (rules/kinds/routine_*.py) and the carer's page
/carer/routine use these; see rules/routine_day.py for how each feature is defined and
rules/routine_baseline.py for what "usual" means.
"""

from rules.routine_baseline import Baseline, Unusual, Usual, clock, counts, times, usual
from rules.routine_builder import DayBuilder, build_days
from rules.routine_day import Day, Layout

__all__ = [
    "Baseline",
    "Day",
    "DayBuilder",
    "Layout",
    "Unusual",
    "Usual",
    "build_days",
    "clock",
    "counts",
    "times",
    "usual",
]
