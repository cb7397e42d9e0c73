"""Row heights that fit wrapped text, from the text and the column widths, so that Excel and
LibreOffice show (and print) the same thing and no text runs into the next row.

Widths are in Excel's unit (the width of "0" in the default font, 11 pt Calibri); a character's
width is estimated from a small table of proportions — generous rather than tight (where Calibri
is missing, LibreOffice prints with a wider font), so a row is at most a little too tall, never too
short.
"""

from __future__ import annotations

import math

from kitameldung.address import merged_spans
from kitameldung.sheets.spec import DEFAULT_WIDTH, Formula, SheetSpec
from kitameldung.workbook.styles import STYLES

_NARROW = set("iljtfrI.,:;'!|()[] ")
_WIDE = set("mwMW@%")
LINE = 1.32  # line height per point of font size (Calibri: 11 pt → 14.5 pt)
PADDING = 1.2  # width units a cell keeps free at its edges


def text_width(text: str, bold: bool = False) -> float:
    """Estimated width of a text in Excel's width units ("0" = 1)."""
    units = 0.0
    for char in text:
        if char in _NARROW:
            units += 0.5
        elif char in _WIDE:
            units += 1.6
        elif char.isupper() or char.isdigit():
            units += 1.2
        else:
            units += 1.0
    return units * (1.08 if bold else 1.0)


def row_heights(spec: SheetSpec) -> dict[int, float]:
    """Heights (points) for the rows whose wrapped texts need more than one line."""
    spans = merged_spans(spec.merges)
    heights: dict[int, float] = {}
    for (row, col), cell in spec.cells.items():
        style = STYLES.get(cell.style)
        value = cell.value.cached if isinstance(cell.value, Formula) else cell.value
        if style is None or not style.wrap or not isinstance(value, str) or not value:
            continue
        columns = spans.get((row, col), (col, col))
        width = sum(spec.widths.get(c, DEFAULT_WIDTH) for c in range(columns[0], columns[1] + 1))
        size = style.font.size if style.font else 11
        bold = bool(style.font and style.font.bold)
        room = max(width - PADDING, 1.0)
        lines = 0
        for paragraph in value.split("\n"):
            lines += max(1, _lines(paragraph, room, size, bold))
        height = round(lines * size * LINE + 3, 1)
        if height > 15:
            heights[row] = min(max(heights.get(row, 0.0), height), 409.0)  # Excel's largest row
    return heights


def height_for(text: str, width: float, size: float = 11, bold: bool = False) -> float:
    """Points a row needs for `text` wrapped in a column of `width` units."""
    room = max(width - PADDING, 1.0)
    lines = sum(max(1, _lines(paragraph, room, size, bold)) for paragraph in text.split("\n"))
    return round(lines * size * LINE + 3, 1)


def _lines(paragraph: str, room: float, size: float, bold: bool) -> int:
    """Lines a paragraph takes when words wrap at `room` width units."""
    scale = size / 11
    lines, used = 1, 0.0
    for word in paragraph.split(" "):
        width = text_width(word, bold) * scale
        gap = text_width(" ") * scale if used else 0.0
        if used + gap + width <= room:
            used += gap + width
            continue
        if used:
            lines += 1
        lines += max(0, math.ceil(width / room) - 1)  # a word longer than the column breaks
        used = width % room if width > room else width
    return lines


PRINTABLE_WIDTH = 741.0  # points across A4 landscape between the margins of 0.7 inch
MIN_SCALE = 65  # smaller print is hard to read on paper (11 pt at 65 % is about 7 pt type)
POINTS_PER_UNIT = 7.1  # printed points per width unit, as LibreOffice prints (measured)


def column_points(width: float) -> float:
    """Printed width of a column of width `width` (generous: LibreOffice's fonts run wider)."""
    return width * POINTS_PER_UNIT


def print_scale(spec: SheetSpec, last_col: int) -> int | None:
    """None: the sheet fits the page width at a legible size (fit to width); else the scale to
    print at, the rest of the width on following pages (with the repeated columns)."""
    total = sum(column_points(spec.widths.get(c, DEFAULT_WIDTH)) for c in range(1, last_col + 1))
    if total <= 0 or PRINTABLE_WIDTH / total * 100 >= MIN_SCALE:
        return None
    return MIN_SCALE
