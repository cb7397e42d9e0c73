"""A sheet of ours as plain data: cells (values, formulas with cached results, links), widths,
merges. The sheet builders produce it; the lossless package writer and the live Excel adapter
turn it into a worksheet. Neither the builders nor this module know which one is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

Scalar = str | float | int | bool | date | datetime | None


@dataclass(frozen=True)
class Formula:
    """A native formula (without the leading "=") and the result the Python core computed for
    it, so readers that do not calculate (calamine, pandas) still see the right number."""

    text: str
    cached: Scalar


@dataclass(frozen=True)
class Link:
    """A link to a cell of another sheet in the same workbook."""

    sheet: str
    cell: str

    @property
    def location(self) -> str:
        return f"{quote_sheet(self.sheet)}!{self.cell}"


@dataclass(frozen=True)
class Cell:
    value: Scalar | Formula
    style: str = "text"
    link: Link | None = None


@dataclass(frozen=True)
class Validation:
    """Excel's data validation on a range: a dropdown of `options`, or (without options) a date."""

    sqref: str  # "O20:O60"
    options: tuple[str, ...] = ()
    prompt: str = ""


@dataclass(frozen=True)
class Highlight:
    """A conditional format: `formula` (relative to the range's top-left cell) true → `color`,
    one of the conditional formats of `workbook.styles.DXFS`."""

    sqref: str
    formula: str
    color: str


@dataclass
class SheetSpec:
    """One of our sheets. Rows and columns are 1-based, as people count them in Excel."""

    key: str  # stable identifier ("pruefbericht"); names the package part
    name: str  # the tab name the user sees
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    freeze_below: int | None = None  # rows above this one stay visible when scrolling
    tab_color: str | None = None  # RGB hex, e.g. "1F6FB2"
    validations: list[Validation] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    print_header: str | None = None  # text in the middle of every printed page's header
    print_rows: tuple[int, int] | None = None  # rows repeated at the top of every printed page
    print_columns: tuple[str, str] | None = None  # columns repeated on every page ("A", "A")
    footer: str | None = None  # left in every page's footer (the facility); "Seite x von y" beside it
    footer_right: str | None = None  # right in the footer ("VERTRAULICH")
    print_last_col: int | None = None  # last printed column (technical tables right of it stay off paper)
    page_breaks: list[int] = field(default_factory=list)  # a new printed page starts at these rows

    def put(
        self, row: int, col: int, value: Scalar | Formula, style: str = "text", link: Link | None = None
    ) -> None:
        """Set one cell."""
        self.cells[(row, col)] = Cell(value, style, link)

    def put_row(
        self, row: int, values: list[Scalar | Formula], style: str = "text", first_col: int = 1
    ) -> None:
        for offset, value in enumerate(values):
            if value is not None:
                self.put(row, first_col + offset, value, style)

    @property
    def last_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)


DEFAULT_WIDTH = 8.43  # Excel's standard column width
MARKER_PREFIX = "kitameldung-blatt:"
MARKER_ROWS = 3  # the marker is looked for in the first rows of a sheet


def marker_text(key: str) -> str:
    """The text that makes a sheet recognisably ours, whatever its tab is called and whichever
    program saved or copied it: a cell survives a rename, a copy and every save."""
    return MARKER_PREFIX + key


def marker_key(value: object) -> str | None:
    """The key in a marker cell's text, else None."""
    if isinstance(value, str) and value.startswith(MARKER_PREFIX):
        key = value[len(MARKER_PREFIX) :].split()[0] if value[len(MARKER_PREFIX) :].strip() else ""
        return key or None
    return None


def with_marker(spec: SheetSpec) -> SheetSpec:
    """`spec` as written: its marker cell in row 1, two columns right of everything else, and
    columns wide enough that no word of a wrapped header breaks ("Deckungsgra-d")."""
    last_col = max((c for _, c in spec.cells), default=0)
    cells = dict(spec.cells)
    cells[(1, last_col + 2)] = Cell(marker_text(spec.key), "aside")
    widths = dict(spec.widths)
    for (_, col), cell in spec.cells.items():
        if cell.style == "header" and isinstance(cell.value, str) and cell.value.split():
            longest = max(len(word) for word in cell.value.split())
            widths[col] = max(widths.get(col, DEFAULT_WIDTH), longest * 1.15 + 2)
    return replace(spec, cells=cells, widths=widths)


def quote_sheet(name: str) -> str:
    """A sheet name as formulas and links need it: 'Quote & Bedarf'."""
    return "'" + name.replace("'", "''") + "'"
