"""One worksheet of a package as a grid of values (as calamine would give them) plus the formulas
people typed, read from the XML. Used for our own sheets, whose formulas must survive a refresh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kitameldung.dates import EPOCH, epoch
from kitameldung.workbook.cells import shared_strings, sheet_cells
from kitameldung.workbook.package import Package
from kitameldung.workbook.xmlparse import is_date1904, parse

# Excel's built-in number formats that show dates or times.
_BUILTIN_DATE_FORMATS = set(range(14, 23)) | {45, 46, 47} | set(range(27, 37)) | set(range(50, 59))
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


@dataclass
class Grid:
    rows: list[list[Any]]  # 0-based, like calamine's to_python()
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 0-based


def is_date_code(code: str) -> bool:
    """A format code that shows a date or time (letters outside quotes and brackets)."""
    bare = _QUOTED.sub("", code).lower()
    return any(ch in bare for ch in "dmyhs") and "general" not in bare


def date_styles(styles: bytes | None) -> set[int]:
    """Indices of the cell formats (cellXfs) that show dates."""
    if not styles:
        return set()
    custom: dict[int, str] = {}
    xfs: list[int] = []
    where = {"cellXfs": False}

    def start(_ns: str, local: str, attrs: dict[str, str]) -> None:
        if local == "numFmt" and attrs.get("numFmtId", "").isdigit():
            custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            where["cellXfs"] = True
        elif local == "xf" and where["cellXfs"]:
            number = attrs.get("numFmtId", "0")
            xfs.append(int(number) if number.isdigit() else 0)

    def end(_ns: str, local: str) -> None:
        if local == "cellXfs":
            where["cellXfs"] = False

    parse(styles, start, end)
    return {
        index
        for index, number in enumerate(xfs)
        if number in _BUILTIN_DATE_FORMATS or (number in custom and is_date_code(custom[number]))
    }


def read_grid(package: Package, part: str) -> Grid:
    return read_grids(package, [part])[0]


def read_grids(package: Package, parts: list[str]) -> list[Grid]:
    """Several sheets, with the shared strings and styles parsed once."""
    strings_part = package.part_of_type("sharedStrings")
    styles_part = package.part_of_type("styles")
    strings = shared_strings(package.get(strings_part) if strings_part else None)
    dates = date_styles(package.get(styles_part) if styles_part else None)
    start = epoch(is_date1904(package.get(package.workbook) or b""))
    return [_grid(package.get(part) or b"", strings, dates, start) for part in parts]


def _grid(data: bytes, strings: list[str], dates: set[int], start: datetime = EPOCH) -> Grid:
    grid = Grid([])
    for cell in sheet_cells(data).cells:
        value = _value(cell.kind, cell.value, cell.shared_index, cell.style in dates, strings, start)
        r, c = cell.row - 1, cell.col - 1
        if r < 0 or c < 0:
            continue
        while len(grid.rows) <= r:
            grid.rows.append([])
        row = grid.rows[r]
        while len(row) <= c:
            row.append(None)
        row[c] = value
        if cell.formula:
            grid.formulas[(r, c)] = cell.formula
    width = max((len(r) for r in grid.rows), default=0)
    for row in grid.rows:
        row.extend([None] * (width - len(row)))
    return grid


def _value(
    kind: str, text: str | None, index: int | None, is_date: bool, strings: list[str], start: datetime = EPOCH
) -> Any:
    if kind == "s":
        return strings[index] if index is not None and index < len(strings) else None
    if text is None:
        return None
    if kind in ("str", "inlineStr", "e"):
        return text
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "d":
        try:
            return datetime.fromisoformat(text.strip())
        except ValueError:
            return text
    try:
        number = float(text)
    except ValueError:
        return text
    if is_date and 0 <= number < 2958466:
        return start + timedelta(seconds=round(number * 86400))
    return int(number) if number.is_integer() else number
