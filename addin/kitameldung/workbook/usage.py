"""Which shared strings and cell formats the cells of parts use (parsed, never matched), and
blanking strings no part uses any more — where Excel puts the texts of a sheet on saving."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kitameldung.workbook.cells import shared_indices, sheet_cells
from kitameldung.workbook.xmltext import Edit, apply_edits, find_all, root_prefix

if TYPE_CHECKING:
    from kitameldung.workbook.package import Package


def shared_strings_in_use(package: Package, parts: list[str]) -> set[int]:
    used: set[int] = set()
    for part in parts:
        data = package._data.get(part)
        if data:
            used |= shared_indices(data)
    return used


def blank_shared_strings(package: Package, indices: set[int]) -> None:
    """Empty these entries of the shared string table, keeping every index valid."""
    part = package.part_of_type("sharedStrings")
    if part is None or not indices:
        return
    xml = package.text(part)
    entries = find_all(xml, "si")
    p = root_prefix(xml)
    edits: list[Edit] = [
        (entries[i].start, entries[i].end, f"<{p}si><{p}t/></{p}si>") for i in indices if i < len(entries)
    ]
    package.put_text(part, apply_edits(xml, edits))


def cell_styles_in_use(package: Package, parts: list[str]) -> set[int]:
    """Cell format indices used by cells, formatted rows and column defaults of `parts`."""
    used: set[int] = set()
    for part in parts:
        data = package._data.get(part)
        if data:
            cells = sheet_cells(data)
            used.update(c.style for c in cells.cells)
            used |= cells.row_styles | cells.col_styles
    return used
