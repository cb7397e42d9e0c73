"""Writing our sheets into facility workbooks and taking them out again: the steps above the
package layer (`workbook`)."""

from kitameldung.refresh.run import FAILED, UNCHANGED, WRITTEN, Outcome, refresh_file, takeover_message
from kitameldung.refresh.steps import Planning, build_sheets, plan_for

__all__ = [
    "FAILED",
    "UNCHANGED",
    "WRITTEN",
    "Outcome",
    "Planning",
    "build_sheets",
    "plan_for",
    "refresh_file",
    "takeover_message",
]
