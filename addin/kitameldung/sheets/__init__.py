"""Builders of kitameldung's own sheets: pure functions from a check result to a `SheetSpec`."""

from kitameldung.sheets.spec import Cell, Formula, Link, SheetSpec

# Tab names by key. The key names the package part; the tab name is how a workbook re-saved by
# Excel (which renames parts) still shows which sheets are ours.
SHEET_NAMES = {
    "pruefbericht": "Prüfbericht",
    "quote": "Quote & Bedarf",
    "gespraechsplanung": "Gesprächsplanung",
    "leitfaden": "Leitfaden Jahresgespräche",
}

__all__ = ["SHEET_NAMES", "Cell", "Formula", "Link", "SheetSpec"]
