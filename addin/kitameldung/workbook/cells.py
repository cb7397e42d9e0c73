"""The cells of a worksheet part and the shared string table, parsed (see `xmlparse`).

Covers every cell form real writers produce: empty self-closing cells with a style, `t="s"`,
`t="str"`, `t="inlineStr"` with rich-text runs, `t="b"`, `t="e"`, `t="d"`, shared formulas,
cells and rows without `r`, any namespace prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kitameldung.address import a1_parts, column_letter
from kitameldung.sheets.formulas import move_formula
from kitameldung.workbook.xmlparse import attribute, parse, stop


@dataclass
class RawCell:
    row: int  # 1-based
    col: int  # 1-based
    kind: str  # the t attribute ("n" when absent)
    style: int
    value: str | None = None  # text of <v>, or the inline string
    formula: str | None = None  # formula text; a shared formula's dependents get it translated
    shared_index: int | None = None  # t="s": index into the shared string table


@dataclass
class SheetCells:
    cells: list[RawCell] = field(default_factory=list)
    row_styles: set[int] = field(default_factory=set)
    col_styles: set[int] = field(default_factory=set)


def shared_strings(data: bytes | None) -> list[str]:
    """The texts of the shared string table; a rich-text entry as its runs joined, phonetic
    runs (`rPh`) left out."""
    if not data:
        return []
    items: list[str] = []
    state = {"in_si": False, "in_t": False, "in_rph": 0}
    parts: list[str] = []

    def start(_ns: str, local: str, _attrs: dict[str, str]) -> None:
        if local == "si":
            state["in_si"] = True
            parts.clear()
        elif local == "rPh":
            state["in_rph"] += 1
        elif local == "t" and not state["in_rph"]:
            state["in_t"] = True

    def end(_ns: str, local: str) -> None:
        if local == "si":
            items.append("".join(parts))
            state["in_si"] = False
        elif local == "rPh":
            state["in_rph"] -= 1
        elif local == "t":
            state["in_t"] = False

    def text(value: str) -> None:
        if state["in_t"] and state["in_si"]:
            parts.append(value)

    parse(data, start, end, text)
    return items


def sheet_cells(data: bytes, max_row: int | None = None) -> SheetCells:
    """Every cell of a worksheet part (up to `max_row`), with shared formulas translated."""
    found = SheetCells()
    position = {"row": 0, "col": 0}
    current: list[RawCell] = []
    capture: list[str] = []
    where = {"v": False, "f": False, "is_t": False, "rph": 0, "in_is": False}
    formula_attrs: dict[str, str] = {}
    masters: dict[str, tuple[str, int, int]] = {}  # si -> (formula, row, col)

    def start(_ns: str, local: str, attrs: dict[str, str]) -> None:
        if local == "row":
            r = attrs.get("r")
            position["row"] = int(r) if r and r.isdigit() else position["row"] + 1
            position["col"] = 0
            if max_row is not None and position["row"] > max_row:
                stop()
            if attrs.get("customFormat") in ("1", "true") and attrs.get("s", "").isdigit():
                found.row_styles.add(int(attrs["s"]))
        elif local == "col":
            if attrs.get("style", "").isdigit():
                found.col_styles.add(int(attrs["style"]))
        elif local == "c":
            ref = attrs.get("r")
            if ref:
                row, col = a1_parts(ref)
                position["row"], position["col"] = row or position["row"], col
            else:
                position["col"] += 1
            style = attrs.get("s", "0")
            cell = RawCell(
                position["row"], position["col"], attrs.get("t", "n"), int(style) if style.isdigit() else 0
            )
            current[:] = [cell]
            found.cells.append(cell)
        elif not current:
            return
        elif local == "v":
            where["v"] = True
            capture.clear()
        elif local == "f":
            where["f"] = True
            capture.clear()
            formula_attrs.clear()
            formula_attrs.update(attrs)
        elif local == "is":
            where["in_is"] = True
            capture.clear()
        elif local == "rPh":
            where["rph"] += 1
        elif local == "t" and where["in_is"] and not where["rph"]:
            where["is_t"] = True

    def end(_ns: str, local: str) -> None:
        if not current:
            return
        cell = current[0]
        if local == "v" and where["v"]:
            where["v"] = False
            cell.value = "".join(capture)
            if cell.kind == "s" and cell.value.strip().isdigit():
                cell.shared_index = int(cell.value)
        elif local == "f" and where["f"]:
            where["f"] = False
            cell.formula = _formula(cell, "".join(capture), formula_attrs, masters)
        elif local == "t":
            where["is_t"] = False
        elif local == "rPh":
            where["rph"] -= 1
        elif local == "is":
            where["in_is"] = False
            cell.value = "".join(capture)
        elif local == "c":
            current.clear()

    def text(value: str) -> None:
        if where["v"] or where["f"] or (where["is_t"] and not where["rph"]):
            capture.append(value)

    parse(data, start, end, text)
    return found


def _formula(
    cell: RawCell, body: str, attrs: dict[str, str], masters: dict[str, tuple[str, int, int]]
) -> str:
    if attribute(attrs, "t") != "shared":
        return body
    index = attrs.get("si", "")
    if body:
        masters[index] = (body, cell.row, cell.col)
        return body
    master = masters.get(index)
    if master is None:
        return ""
    text, row, col = master
    return move_formula(text, f"{column_letter(col - 1)}{row}", f"{column_letter(cell.col - 1)}{cell.row}")


def shared_indices(data: bytes) -> set[int]:
    """The shared string indices the cells of a worksheet part refer to."""
    return {c.shared_index for c in sheet_cells(data).cells if c.shared_index is not None}
