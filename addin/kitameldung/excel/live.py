"""The workbook port on a live xlwings Book: Excel (Windows, macOS) or xlwings' remote Book.

Excel is slow per call, so everything goes in bulk: one `.value` read per sheet, one formula
block per sheet written, and formats applied per run of equal style down a column (a handful
per column, whatever the number of persons). Text that starts like a formula is written with
Excel's apostrophe prefix; links into the form become HYPERLINK formulas, part of the same
block.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kitameldung.form.workbook import Sheet
from kitameldung.sheets import SHEET_NAMES
from kitameldung.sheets.gespraechsplanung import KEY as PLANNING_KEY
from kitameldung.sheets.spec import MARKER_ROWS, Cell, Formula, Scalar, SheetSpec, marker_key, with_marker
from kitameldung.workbook.sheetxml import serial
from kitameldung.workbook.styles import BUILTIN_FORMATS, DXFS, STYLES, Style

FORMULA_START = ("=", "+", "-", "@")
FORMAT_CODES = {number: code for code, number in BUILTIN_FORMATS.items()}


@dataclass
class Counter:
    """Bulk operations on the book, so tests can hold the adapter to its promise."""

    reads: int = 0
    writes: int = 0


class LiveBook:
    def __init__(self, book: Any) -> None:
        self.book = book
        self.ops = Counter()

    @property
    def name(self) -> str:
        return str(self.book.name)

    # ------------------------------------------------------------------ reading

    def read_sheets(self) -> list[Sheet]:
        sheets = []
        for sheet in self.book.sheets:
            self.ops.reads += 1
            # From A1, not from the used range's corner: cell addresses must match the sheet's.
            last = sheet.used_range.last_cell
            block = sheet.range((1, 1), (last.row, last.column))
            values = block.options(ndim=2).value
            rows = [list(row) for row in values or []]
            visible = bool(getattr(sheet, "visible", True))
            formulas = self._formulas(block) if _is_planning(sheet.name, rows) else {}
            sheets.append(Sheet(sheet.name, visible, rows, (), formulas))
        return sheets

    def _formulas(self, block: Any) -> dict[tuple[int, int], str]:
        """The formulas people typed into the Gesprächsplanung, so that they stay formulas.
        One more bulk read; engines that cannot read formulas synchronously give none."""
        try:
            grid = block.formula
        except NotImplementedError:
            return {}
        self.ops.reads += 1
        return formulas_of(grid)

    # ------------------------------------------------------------------ writing

    def write_sheets(self, sheets: list[SheetSpec]) -> None:
        for spec in sheets:
            self._write(spec)

    def _sheet(self, name: str) -> Any:
        """Our sheet, emptied; added after the last sheet when it is not there yet."""
        names = [s.name for s in self.book.sheets]
        if name in names:
            sheet = self.book.sheets[name]
            sheet.clear()
        else:
            sheet = self.book.sheets.add(name=name, after=self.book.sheets[len(names) - 1])
        self.ops.writes += 1
        return sheet

    def _write(self, spec: SheetSpec) -> None:
        spec = with_marker(spec)
        sheet = self._sheet(spec.name)
        rows = max((r for r, _ in spec.cells), default=1)
        cols = max((c for _, c in spec.cells), default=1)
        block: list[list[Any]] = [["" for _ in range(cols)] for _ in range(rows)]
        for (r, c), cell in spec.cells.items():
            block[r - 1][c - 1] = formula_text(cell)
        self._op(sheet.range((1, 1), (rows, cols)), "formula", block)
        for (first, last, col), style in style_runs(spec):
            self._format(sheet.range((first, col), (last, col)), STYLES[style])
        for col, width in sorted(spec.widths.items()):
            self._op(sheet.range((1, col)), "column_width", width)
        for merge in spec.merges:
            self.ops.writes += 1
            sheet.range(merge).merge()
        for rule in spec.validations:
            if rule.options:  # date rules have no xlwings API; Excel keeps the date format
                self.ops.writes += 1
                sheet.range(rule.sqref).data_validation.set_list(list(rule.options))
        for highlight in spec.highlights:
            font, fill = DXFS[highlight.color]
            self.ops.writes += 1
            sheet.range(highlight.sqref).conditional_formats.add_custom(
                "=" + highlight.formula, fill_color=f"#{fill}", font_color=f"#{font}"
            )

    # ------------------------------------------------------------------ marks in the form

    def mark(self, sheet_name: str, cells: list[str], formula: str, font: str, fill: str) -> None:
        """A conditional format `formula` on `cells`, one rule per vertical run of cells."""
        sheet = self.book.sheets[sheet_name]
        for first, last in cell_runs(cells):
            self.ops.writes += 1
            sheet.range(f"{first}:{last}").conditional_formats.add_custom(
                formula, fill_color=f"#{fill}", font_color=f"#{font}"
            )

    def unmark(self, sheet_name: str, marker: str) -> int:
        """Delete the conditional formats whose formula carries `marker`; returns how many.
        Excel's own and the authority's rules stay."""
        sheet = self.book.sheets[sheet_name]
        self.ops.reads += 1
        try:
            rules = list(sheet.used_range.conditional_formats)
        except NotImplementedError:  # xlwings' remote engine cannot list them synchronously
            return 0
        ours = [rule for rule in rules if marker in (rule.formula or "")]
        for rule in ours:
            self.ops.writes += 1
            rule.delete()
        return len(ours)

    def _format(self, target: Any, style: Style) -> None:
        code = style.number_format
        if code:
            self._op(
                target, "number_format", FORMAT_CODES.get(code, "General") if isinstance(code, int) else code
            )
        if style.fill:
            self._op(target, "color", f"#{style.fill}")
        if style.wrap:
            self._op(target, "wrap_text", True)
        font = style.font
        if font is None:
            return
        for prop, value in (
            ("bold", font.bold or None),
            ("italic", font.italic or None),
            ("size", font.size if font.size != 11 else None),
            ("color", f"#{font.color}" if font.color else None),
        ):
            if value is not None:
                self._op(target.font, prop, value)

    def _op(self, target: Any, prop: str, value: Any) -> None:
        self.ops.writes += 1
        setattr(target, prop, value)


def _is_planning(name: str, rows: list[list[Any]]) -> bool:
    """Ours by the marker in the first rows, or (sheets written before it) by the tab name."""
    if any(marker_key(v) == PLANNING_KEY for row in rows[:MARKER_ROWS] for v in row):
        return True
    return name == SHEET_NAMES[PLANNING_KEY]


def formulas_of(grid: Any) -> dict[tuple[int, int], str]:
    """Excel's `.formula` of a block (rows of texts, "=…" for formulas) → (row, col) → text
    without "=", as the planning reader takes them."""
    rows = grid if isinstance(grid, (list, tuple)) else [[grid]]
    found = {}
    for r, row in enumerate(rows):
        for c, text in enumerate(row if isinstance(row, (list, tuple)) else [row]):
            if isinstance(text, str) and text.startswith("=") and len(text) > 1:
                found[(r, c)] = text[1:]
    return found


def formula_text(cell: Cell) -> Any:
    """One cell as Excel's Range.Formula takes it."""
    value = cell.value
    if cell.link is not None:
        shown = value.text if isinstance(value, Formula) else _friendly(_shown(value))
        return f'=HYPERLINK("{_quoted("#" + cell.link.location)}",{shown})'
    if isinstance(value, Formula):
        return "=" + value.text
    return _shown(value)


def _friendly(value: Any) -> str:
    """A constant as a formula argument: numbers as they are, text in quotes."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)[1:] if str(value).startswith("'") else str(value)
    return f'"{_quoted(text)}"'


def _shown(value: Scalar) -> Any:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return serial(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _quoted(text: str) -> str:
    return text.replace('"', '""')


def style_runs(spec: SheetSpec) -> Iterator[tuple[tuple[int, int, int], str]]:
    """((first row, last row, column), style) for each vertical run of one style; plain text
    cells need no formatting and make no runs."""
    by_col: dict[int, list[tuple[int, str]]] = {}
    for (r, c), cell in spec.cells.items():
        if cell.style != "text":
            by_col.setdefault(c, []).append((r, cell.style))
    for col, cells in sorted(by_col.items()):
        cells.sort()
        start, prev_row, prev_style = cells[0][0], cells[0][0], cells[0][1]
        for r, style in cells[1:]:
            if style == prev_style and r == prev_row + 1:
                prev_row = r
                continue
            yield (start, prev_row, col), prev_style
            start, prev_row, prev_style = r, r, style
        yield (start, prev_row, col), prev_style


def cell_runs(cells: list[str]) -> list[tuple[str, str]]:
    """A1 addresses → (first, last) of each vertical run of neighbouring cells."""
    by_col: dict[str, list[int]] = {}
    for cell in cells:
        letters = cell.rstrip("0123456789")
        by_col.setdefault(letters, []).append(int(cell[len(letters) :]))
    runs = []
    for letters, rows in sorted(by_col.items()):
        rows.sort()
        start = prev = rows[0]
        for row in [*rows[1:], None]:
            if row is not None and row == prev + 1:
                prev = row
                continue
            runs.append((f"{letters}{start}", f"{letters}{prev}"))
            if row is not None:
                start = prev = row
    return runs
