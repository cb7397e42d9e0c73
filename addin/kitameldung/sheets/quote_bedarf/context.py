"""What every block of `Quote & Bedarf` needs: the sheet being built, a row cursor, the check
result, and the anchors — named cell references the blocks give each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from kitameldung.checks.formatting import TOLERANCE_TEXT
from kitameldung.evaluation import Staffing
from kitameldung.model import Meldung
from kitameldung.pipeline import Result
from kitameldung.rules import Parameters, RuleBook
from kitameldung.sheets.spec import Formula, Scalar, SheetSpec, quote_sheet

KEY = "quote"
DASH = "–"
TOLERANCE = TOLERANCE_TEXT
STICHTAG = "$B$6"  # the result row every dated lookup reads
PRINTED_COLUMNS = 10  # A:J; the conversion tables beyond serve the formulas, not the reader
WIDTHS = {1: 36, 2: 14, 3: 14, 4: 13, 5: 13, 6: 13, 7: 9, 8: 9, 9: 10, 10: 26, 11: 3, 12: 34, 13: 14}


def num(value: Fraction | float | None) -> Scalar:
    return DASH if value is None else float(value)


@dataclass
class Context:
    result: Result
    sheet: SheetSpec
    row: int = 1
    anchors: dict[str, str] = field(default_factory=dict)

    @property
    def meldung(self) -> Meldung:
        assert self.result.meldung is not None
        return self.result.meldung

    @property
    def staffing(self) -> Staffing | None:
        return self.result.staffing

    @property
    def params(self) -> Parameters:
        return self.result.settings.params

    @property
    def rules(self) -> RuleBook:
        return self.result.settings.rules

    def form_cell(self, address: str | None) -> str | None:
        """A cell of the authority's form, as formulas on this sheet reference it."""
        return f"{quote_sheet(self.meldung.sheet)}!{address}" if address else None

    def section(self, title: str) -> None:
        self.row += 1
        self.sheet.put(self.row, 1, title, "section")
        self.row += 1

    def header(self, titles: list[str]) -> None:
        self.sheet.put_row(self.row, [t or None for t in titles], "header")
        self.row += 1

    def in_force_mark(self, r: int, col: int, last: bool, applied: bool) -> None:
        """ "◄" beside the row of a dated table (dates in column A) in force on the Stichtag."""
        until = "" if last else f",{STICHTAG}<A{r + 1}"
        formula = f'IF(AND(ISNUMBER({STICHTAG}),{STICHTAG}>=A{r}{until}),"◄","")'
        self.sheet.put(r, col, Formula(formula, "◄" if applied else ""), "bold")
