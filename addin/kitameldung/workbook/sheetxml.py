"""A `SheetSpec` as a worksheet part (SpreadsheetML), written directly for full control:

- text is an inline string, never a shared string (sharedStrings.xml belongs to the authority)
  and never a formula, whatever it starts with;
- formulas carry the Python core's result as cached value;
- links into the form are internal hyperlinks (no relationship part needed).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from kitameldung.address import ref
from kitameldung.dates import epoch
from kitameldung.sheets.spec import Cell, Formula, Scalar, SheetSpec, with_marker
from kitameldung.workbook.layout import print_scale, row_heights
from kitameldung.workbook.xmltext import attr, cell_text, text

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def serial(value: date | datetime, date1904: bool = False) -> float:
    """Excel's day number for a date or date-time, in the workbook's date system."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    days = (moment - epoch(date1904)) / timedelta(days=1)
    return int(days) if days.is_integer() else round(days, 10)


def number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _cell_xml(address: str, cell: Cell, s: str, date1904: bool = False) -> str:
    """One <c>; `s` is the style attribute text (' s="12"' or ""); dates in the workbook's system."""
    value = cell.value
    if isinstance(value, Formula):
        kind, cached = _typed(value.cached, date1904)
        t = f' t="{kind}"' if kind else ""
        v = f"<v>{cached}</v>" if cached is not None else ""
        return f'<c r="{address}"{s}{t}><f>{text(value.text)}</f>{v}</c>'
    if isinstance(value, str):
        return (
            f'<c r="{address}"{s} t="inlineStr"><is><t xml:space="preserve">{cell_text(value)}</t></is></c>'
        )
    kind, shown = _typed(value, date1904)
    t = f' t="{kind}"' if kind else ""
    return f'<c r="{address}"{s}{t}><v>{shown}</v></c>' if shown is not None else f'<c r="{address}"{s}/>'


def _typed(value: Scalar, date1904: bool = False) -> tuple[str, str | None]:
    """(cell type attribute, text of <v>) for a cached or plain value."""
    if value is None:
        return "", None
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, (date, datetime)):
        return "", number_text(serial(value, date1904))
    if isinstance(value, (int, float)):
        return "", number_text(value)
    return "str", cell_text(value)


def _first(item: tuple[int, Cell]) -> int:
    return item[0]


def _position(item: tuple[int, int, Cell]) -> tuple[int, int]:
    return item[0], item[1]


def worksheet_xml(
    spec: SheetSpec, styles: dict[str, int], dxfs: dict[str, int] | None = None, date1904: bool = False
) -> bytes:
    """Our sheet as a worksheet part; dates as day numbers of the workbook's date system."""
    content_cols = spec.print_last_col or max((c for _, c in spec.cells), default=1)
    scale = print_scale(spec, content_cols)
    spec = with_marker(spec)
    rows: dict[int, list[tuple[int, Cell]]] = {}
    links: list[tuple[int, int, Cell]] = []
    for (r, c), cell in spec.cells.items():
        rows.setdefault(r, []).append((c, cell))
        if cell.link:
            links.append((r, c, cell))
    style_attr = {name: f' s="{index}"' if index else "" for name, index in styles.items()}
    last_col = max((c for _, c in spec.cells), default=1)
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">',
        "<sheetPr>",
        f'<tabColor rgb="FF{spec.tab_color}"/>' if spec.tab_color else "",
        '<pageSetUpPr fitToPage="1"/></sheetPr>' if scale is None else "</sheetPr>",
        f'<dimension ref="A1:{ref(max(spec.last_row, 1), last_col)}"/>',
        '<sheetViews><sheetView workbookViewId="0">',
    ]
    if spec.freeze_below:
        top = f"A{spec.freeze_below}"
        parts.append(
            f'<pane ySplit="{spec.freeze_below - 1}" topLeftCell="{top}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
        )
    parts.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
    if spec.widths:
        parts.append("<cols>")
        for col in sorted(spec.widths):
            width = spec.widths[col]
            hidden = ' hidden="1"' if width == 0 else ""  # width 0: a technical column, hidden
            parts.append(f'<col min="{col}" max="{col}" width="{width:g}" customWidth="1"{hidden}/>')
        parts.append("</cols>")
    parts.append("<sheetData>")
    heights = row_heights(spec)
    for r in sorted(rows):
        row = rows[r]
        row.sort(key=_first)
        cells = "".join(
            _cell_xml(ref(r, c), cell, style_attr.get(cell.style, ""), date1904) for c, cell in row
        )
        height = f' ht="{heights[r]:g}" customHeight="1"' if r in heights else ""
        parts.append(f'<row r="{r}"{height}>{cells}</row>')
    parts.append("</sheetData>")
    if spec.merges:
        parts.append(f'<mergeCells count="{len(spec.merges)}">')
        parts.extend(f'<mergeCell ref="{m}"/>' for m in spec.merges)
        parts.append("</mergeCells>")
    parts.extend(_highlights_xml(spec, dxfs or {}))
    parts.extend(_validations_xml(spec))
    if links:
        parts.append("<hyperlinks>")
        for address, cell in ((ref(r, c), cell) for r, c, cell in sorted(links, key=_position)):
            assert cell.link is not None
            parts.append(
                f'<hyperlink ref="{address}" location="{attr(cell.link.location)}" display="{attr(cell.link.cell)}"/>'
            )
        parts.append("</hyperlinks>")
    fit = 'fitToWidth="1" fitToHeight="0"' if scale is None else f'scale="{scale}"'
    parts.append(
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        f'<pageSetup paperSize="9" {fit} orientation="landscape"/>'
    )
    parts.append(_header_footer(spec))
    if spec.page_breaks:
        breaks = sorted(set(spec.page_breaks))
        parts.append(f'<rowBreaks count="{len(breaks)}" manualBreakCount="{len(breaks)}">')
        parts.extend(f'<brk id="{row - 1}" max="16383" man="1"/>' for row in breaks)
        parts.append("</rowBreaks>")
    parts.append("</worksheet>")
    return "".join(parts).encode("utf-8")


def _header_footer(spec: SheetSpec) -> str:
    """The facility and "Seite x von y" in every page's footer; a confidential sheet says so in
    its header and footer."""
    header = f"<oddHeader>&amp;C&amp;B{_hf(spec.print_header)}</oddHeader>" if spec.print_header else ""
    left = f"&amp;L{_hf(spec.footer)}" if spec.footer else ""
    right = f"&amp;R&amp;B{_hf(spec.footer_right)}" if spec.footer_right else ""
    footer = f"<oddFooter>{left}&amp;CSeite &amp;P von &amp;N{right}</oddFooter>"
    return f"<headerFooter>{header}{footer}</headerFooter>"


def _hf(value: str) -> str:
    """Text in a header or footer: "&" is a code there, so it is doubled."""
    return text(value.replace("&", "&&"))


def _highlights_xml(spec: SheetSpec, dxfs: dict[str, int]) -> list[str]:
    """Conditional formats; without the workbook's dxf list (styles.xml unusable) none."""
    parts = []
    for priority, rule in enumerate(spec.highlights, start=1):
        if rule.color not in dxfs:
            continue
        parts.append(
            f'<conditionalFormatting sqref="{attr(rule.sqref)}"><cfRule type="expression" '
            f'dxfId="{dxfs[rule.color]}" priority="{priority}"><formula>{text(rule.formula)}</formula>'
            "</cfRule></conditionalFormatting>"
        )
    return parts


def _validations_xml(spec: SheetSpec) -> list[str]:
    if not spec.validations:
        return []
    parts = [f'<dataValidations count="{len(spec.validations)}">']
    for rule in spec.validations:
        prompt = f' showInputMessage="1" prompt="{attr(rule.prompt)}"' if rule.prompt else ""
        if rule.options:
            listed = '"' + ",".join(rule.options) + '"'
            parts.append(
                f'<dataValidation type="list" allowBlank="1" showErrorMessage="1"{prompt} '
                f'sqref="{attr(rule.sqref)}"><formula1>{text(listed)}</formula1></dataValidation>'
            )
        else:
            parts.append(
                f'<dataValidation type="date" operator="greaterThan" allowBlank="1" showErrorMessage="1" '
                f'errorTitle="Datum erwartet" error="Bitte ein Datum eingeben, z. B. 15.03.2027."{prompt} '
                f'sqref="{attr(rule.sqref)}"><formula1>1</formula1></dataValidation>'
            )
    parts.append("</dataValidations>")
    return parts
