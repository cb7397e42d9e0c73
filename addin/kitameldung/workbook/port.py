"""The small port every way of reaching a workbook implements: read all sheets' values, write
our sheets. The sheet builders produce `SheetSpec`s and never learn which implementation got
them: the lossless package writer (files, batch) or the live Excel book (ribbon).
"""

from __future__ import annotations

from typing import Protocol

from kitameldung.form.workbook import Sheet
from kitameldung.sheets.spec import SheetSpec


class WorkbookPort(Protocol):
    @property
    def name(self) -> str:
        """The file name the user knows the workbook by (for messages and findings)."""
        ...

    def read_sheets(self) -> list[Sheet]:
        """Every worksheet's values, one bulk read per sheet."""
        ...

    def write_sheets(self, sheets: list[SheetSpec]) -> None:
        """Create or replace these sheets of ours, after the authority's sheets."""
        ...
