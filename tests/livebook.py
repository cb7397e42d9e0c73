"""xlwings' own remote Book built from a real workbook file, as the Excel add-in's test harness.

The payload is what Excel's Office.js client would send: every sheet's values (dates as ISO
strings with "Z"). The book records every write as an action (`book.json()`); `written_cells`
turns those back into cells so they can be compared with what the file writer produced.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import python_calamine
import xlwings as xw  # the licence key for its remote Book is set in conftest.py


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day).isoformat(timespec="milliseconds") + "Z"
    return "" if value is None else value


def remote_book(path: Path) -> Any:
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    sheets = []
    for meta in workbook.sheets_metadata:
        rows = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False) or [[""]]
        visible = meta.visible == python_calamine.SheetVisibleEnum.Visible
        sheets.append(
            {
                "name": meta.name,
                "values": [[_json_value(v) for v in row] for row in rows],
                "pictures": [],
                "tables": [],
                "visibility": "Visible" if visible else "Hidden",
            }
        )
    payload = {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }
    return xw.Book(json=payload)


def actions(book: Any) -> list[dict[str, Any]]:
    return list(book.json()["actions"])


def sheet_position(book: Any, name: str) -> int:
    return [s.name for s in book.sheets].index(name)


def written_cells(book: Any, name: str) -> dict[tuple[int, int], Any]:
    """(row, col) → what the last formula/value writes put into sheet `name` (1-based)."""
    position = sheet_position(book, name)
    cells: dict[tuple[int, int], Any] = {}
    for action in actions(book):
        if action["sheet_position"] != position or action["func"] not in ("setFormula", "setValues"):
            continue
        for r, row in enumerate(action["values"]):
            for c, value in enumerate(row):
                cells[(action["start_row"] + r + 1, action["start_column"] + c + 1)] = value
    return {k: v for k, v in cells.items() if v not in ("", None)}
