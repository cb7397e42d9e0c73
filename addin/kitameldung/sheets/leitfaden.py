"""Sheet `Leitfaden`: preparing, holding and following up the annual talks (from templates/)."""

from __future__ import annotations

from kitameldung.planning.leitfaden import Leitfaden
from kitameldung.sheets.spec import SheetSpec

KEY = "leitfaden"


def build(leitfaden: Leitfaden, name: str) -> SheetSpec:
    sheet = SheetSpec(KEY, name, widths={1: 4, 2: 110}, tab_color="7030A0")
    sheet.put(1, 1, leitfaden.titel, "title")
    sheet.put(2, 2, leitfaden.einleitung, "wrap")
    row = 4
    for title, points in leitfaden.abschnitte:
        sheet.put(row, 1, title, "section")
        row += 1
        for point in points:
            sheet.put(row, 1, "•")
            sheet.put(row, 2, point, "wrap")
            row += 1
        row += 1
    return sheet
