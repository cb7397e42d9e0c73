"""The provider overview `Traegeruebersicht.xlsx` (a new file: openpyxl is fine here), and the
same table as CSV and JSON for IT. One row per facility, every finding of every file, and the
files that could not be processed, each with its German reason."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break

from kitameldung.batch.columns import COLUMNS, DUE, NOT_DUE, letter, shown, verdicts
from kitameldung.batch.runner import LOCKED, BatchItem
from kitameldung.batch.verlauf import COLUMNS as VERLAUF_COLUMNS
from kitameldung.batch.verlauf import superseded, verlauf_rows
from kitameldung.checks.formatting import COLORS, SEVERITY_COLOR, TOLERANCE_TEXT
from kitameldung.planning.overview import planning_figures
from kitameldung.refresh import FAILED
from kitameldung.rules import load_rulebook
from kitameldung.sheets.common import pruefstand
from kitameldung.workbook.atomic import write_atomic
from kitameldung.workbook.layout import height_for
from kitameldung.workbook.ours import save_own_file
from kitameldung.workbook.xmltext import plain_text

RED, YELLOW, GREEN = (COLORS[c][1] for c in ("rot", "gelb", "gruen"))
BOLD = Font(bold=True)
OUTDATED = "meldung-veraltet"
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


def facility_rows(items: list[BatchItem], today: date | None = None) -> list[dict[str, Any]]:
    """One plain row per readable report: the table behind the sheets, the CSV and the JSON.
    A report with a newer one of the same facility in the run is `abgeloest` (the Stichtag of
    the newer one): it shows in the Verlauf, not in the overview's table, and the hint that a
    full report is due is not its own (the facility has reported since)."""
    newer = superseded([(i.path, i.data) for i in items])
    rows = []
    for item in items:
        data = item.data
        if not data or not data.get("ok"):
            continue
        staffing = data.get("staffing") or {}
        later = newer.get(item.path)
        findings = [f for f in data["findings"] if not (later and f["rule"] == OUTDATED)]
        counts = {s: sum(1 for f in findings if f["severity"] == s) for s in ("fehler", "warnung", "hinweis")}
        facility = data.get("facility") or {}
        rows.append(
            {
                "einrichtung": facility.get("einrichtung") or item.name,
                "datei": item.path,
                "stichtag": facility.get("stichtag"),
                "soll_betreuung_vzae": staffing.get("soll_betreuung_vzae"),
                "ist_betreuung_vzae": staffing.get("ist_betreuung_vzae"),
                "deckungsgrad": staffing.get("deckungsgrad"),
                "fachkraftquote": staffing.get("fachkraftquote"),
                "fachkraftquote_min": staffing.get("fachkraftquote_min"),
                "dispositionsspielraum": staffing.get("dispositionsspielraum"),
                "fehler": counts["fehler"],
                "warnungen": counts["warnung"],
                "hinweise": counts["hinweis"],
                "status": item.status,
                "personalmeldung_faellig": DUE if any(f["rule"] == OUTDATED for f in findings) else NOT_DUE,
                "abgeloest": later,
                "findings": findings,
            }
            | verdicts(staffing)
            | planning_figures(data.get("planung"), today or date.today())
        )
    return rows


def current(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of the overview's table: every facility's latest report."""
    return [row for row in rows if not row["abgeloest"]]


def write_overview(items: list[BatchItem], target: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Übersicht"
    rows = facility_rows(items)
    latest = current(rows)
    _facilities(sheet, latest, target.parent, _rules_line(items))
    if latest:
        _chart(book, sheet, len(latest))
    _findings(book.create_sheet("Befunde"), rows, target.parent)
    history = verlauf_rows([(i.path, i.data) for i in items])
    if history:
        write_verlauf(book.create_sheet("Verlauf"), history, target.parent)
    _failures(book.create_sheet("Nicht verarbeitet"), items)
    for each in book.worksheets:
        _print_setup(each)
    write_atomic(target, lambda out: save_own_file(book, "traegeruebersicht", out))


def _print_setup(sheet: Any) -> None:
    """A4 landscape, headings (and the facility column) on every page, page numbers, a named
    font; the table sheets get a filter on their heading row."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.oddFooter.left.text = "Trägerübersicht – &A"
    sheet.oddFooter.center.text = "Seite &P von &N"
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    if sheet.title == "Diagramm":
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = sheet.page_setup.fitToHeight = 1
        return
    sheet.print_title_rows = "1:1"
    for cell in sheet[1]:  # headings wrap instead of running into the next column
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[1].height = 60 if sheet.title == "Verlauf" else 45
    if sheet.title in ("Übersicht", "Befunde", "Verlauf"):
        sheet.print_title_cols = "A:A"  # the facility on every page the table runs across
        sheet.page_setup.scale = 70
    else:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    if sheet.max_row > 1 and sheet.title not in ("Übersicht", "Verlauf"):
        sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"


def _link(path: str, folder: Path) -> str:
    """The file as a link target the way Excel writes it: relative, "/"-separated, %-encoded."""
    try:
        relative = os.path.relpath(path, folder)
    except ValueError:  # another drive on Windows
        return Path(path).as_uri()
    # The file's own bytes, %-encoded: also a name that is no UTF-8 is reached by its link.
    return quote(os.fsencode(relative.replace(os.sep, "/")), safe="/")


def _text(sheet: Any, row: int, col: int, value: Any) -> Any:
    """A cell that shows a text exactly as it came, never as a formula ("=…" in a file name),
    without the control characters XML cannot carry."""
    cell = sheet.cell(row, col)
    if value is None:
        return cell
    cell.value = plain_text(str(value))
    cell.data_type = "s"
    return cell


def _rules_line(items: list[BatchItem]) -> str:
    """The rule data the figures rest on, as each file's result names it (one line per distinct
    rule data: a folder run uses one, a mix of cached results may show two)."""
    seen: list[str] = []
    for item in items:
        rules = (item.data or {}).get("rules") or {}
        data = rules.get("regeldaten") or {}
        if "beschreibung" in data:
            line = f"{rules.get('pruefstand')} – {data['beschreibung']}"
            if line not in seen:
                seen.append(line)
    return "Regeln: " + (" | ".join(seen) if seen else pruefstand(load_rulebook()))


def _facilities(sheet: Any, rows: list[dict[str, Any]], folder: Path, rules_line: str) -> None:
    for col, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(1, col, column.title)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[letter(column.key)].width = column.width
    sheet.freeze_panes = "A2"
    for r, row in enumerate(rows, start=2):
        for col, column in enumerate(COLUMNS, start=1):
            if column.formula is not None:  # live: follows if someone corrects a number here
                sheet.cell(r, col, column.formula(letter, r))
                continue
            value = shown(column, row[column.key])
            if column.kind == "link":
                cell = _text(sheet, r, col, Path(row["datei"]).name)
                cell.hyperlink = Hyperlink(ref=cell.coordinate, target=_link(row["datei"], folder))
                cell.font = Font(color="0563C1", underline="single")
            elif column.kind == "text":
                _text(sheet, r, col, value)
            elif value is not None:
                cell = sheet.cell(r, col, value)
                if column.fmt:
                    cell.number_format = column.fmt
    last = len(rows) + 1
    total = last + 2
    sheet.cell(total, 1, "Summe / Träger").font = BOLD
    _text(sheet, total + 2, 1, rules_line)
    if rows:
        for col, column in enumerate(COLUMNS, start=1):
            if column.total is not None:
                cell = sheet.cell(total, col, column.total(letter, letter(column.key), last))
                if column.fmt and column.kind == "number":
                    cell.number_format = column.fmt
        _traffic_lights(sheet, last)


def _traffic_lights(sheet: Any, last: int) -> None:
    def fill(color: str) -> PatternFill:
        return PatternFill("solid", fgColor=color, bgColor=color)

    # Red below the minimum, yellow within 5 points above it, green beyond; an empty cell (not
    # computable) stays white instead of looking like a shortfall.
    m = f"${letter('fachkraftquote_min')}2"
    for key, minimum in (("deckungsgrad", "1"), ("fachkraftquote", m), ("quote_tiefstwert", m)):
        first = f"{letter(key)}2"
        known = f"ISNUMBER({first})" + (f",ISNUMBER({minimum})" if minimum != "1" else "")
        for test, color in (
            (f"{first}<{minimum}-{TOLERANCE_TEXT}", RED),
            (f"{first}<{minimum}+0.05", YELLOW),
            (f"{first}>={minimum}+0.05", GREEN),
        ):
            sheet.conditional_formatting.add(
                _span(key, last), FormulaRule(formula=[f"AND({known},{test})"], fill=fill(color))
            )
    errors = _span("fehler", last)
    sheet.conditional_formatting.add(
        errors, CellIsRule(operator="greaterThan", formula=["0"], fill=fill(RED))
    )


def _position(key: str) -> int:
    return next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key)


def _span(key: str, last: int) -> str:
    return f"{letter(key)}2:{letter(key)}{last}"


def _chart(book: Workbook, sheet: Any, count: int) -> None:
    """Fachkraftquote per facility as bars, the minimum as a line across."""
    bars = BarChart()
    bars.type = "col"
    bars.title = "Fachkraftquote je Einrichtung (Linie: Mindestquote)"
    bars.y_axis.title = "Fachkraftquote"
    bars.y_axis.numFmt = "0%"
    bars.y_axis.scaling.min = 0
    bars.y_axis.scaling.max = 1
    bars.add_data(
        Reference(sheet, min_col=_position("fachkraftquote"), min_row=1, max_row=count + 1),
        titles_from_data=True,
    )
    line = LineChart()
    line.add_data(
        Reference(sheet, min_col=_position("fachkraftquote_min"), min_row=1, max_row=count + 1),
        titles_from_data=True,
    )
    # Facility names are text: categories as a string reference, as Excel writes them.
    names = str(Reference(sheet, min_col=_position("einrichtung"), min_row=2, max_row=count + 1))
    for series in (*bars.series, *line.series):
        series.cat = AxDataSource(strRef=StrRef(f=names))
    for axis in (bars.x_axis, bars.y_axis):
        axis.delete = False  # openpyxl 3.1 hides axes unless told
        axis.tickLblPos = "nextTo"
    bars.x_axis.axPos = "b"
    bars += line
    # Sized to the facilities: every name legible under its bar, the legend below the plot.
    bars.height, bars.width = 12, min(40, max(18, count * 1.6))
    bars.legend.position = "b"
    bars.x_axis.txPr = _small_labels()
    book.create_sheet("Diagramm").add_chart(bars, "A1")


def _small_labels() -> Any:
    """Category labels at 8 pt, slanted, so that a dozen facility names do not run into each other."""
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RichTextProperties

    properties = ParagraphProperties(defRPr=CharacterProperties(sz=800))
    return RichText(
        bodyPr=RichTextProperties(rot=-2700000, vert="horz"),
        p=[Paragraph(pPr=properties, endParaRPr=CharacterProperties())],
    )


def _findings(sheet: Any, rows: list[dict[str, Any]], folder: Path) -> None:
    titles = ["Einrichtung", "Datei", "Schwere", "Regel", "Zelle", "Befund", "Rechtsgrundlage"]
    for col, (title, width) in enumerate(zip(titles, (30, 28, 10, 30, 10, 72, 36)), start=1):
        cell = sheet.cell(1, col, title)
        cell.font, cell.fill = BOLD, HEADER_FILL
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    fills = {severity: COLORS[color][1] for severity, color in SEVERITY_COLOR.items()}
    r = 2
    for row in rows:
        target = _link(row["datei"], folder)
        for finding in row["findings"]:
            _text(sheet, r, 1, row["einrichtung"])
            name = _text(sheet, r, 2, Path(row["datei"]).name)
            name.hyperlink = Hyperlink(ref=name.coordinate, target=target)
            severity = sheet.cell(r, 3, finding["severity"])
            severity.fill = PatternFill("solid", fgColor=fills[finding["severity"]])
            _text(sheet, r, 4, finding["rule"])
            if finding["cell"]:
                where = _text(sheet, r, 5, finding["cell"])
                sheet_name = "'" + str(finding["sheet"]).replace("'", "''") + "'"
                where.hyperlink = Hyperlink(
                    ref=where.coordinate, target=target, location=f"{sheet_name}!{finding['cell']}"
                )
                where.font = Font(color="0563C1", underline="single")
            message = _text(sheet, r, 6, finding["message"])
            message.alignment = Alignment(wrap_text=True, vertical="top")
            reference = _text(sheet, r, 7, finding["reference"])
            reference.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[r].height = max(  # LibreOffice does not size rows on opening
                height_for(str(finding["message"]), 72), height_for(str(finding["reference"]), 36), 15
            )
            r += 1
    if r == 2:
        sheet.cell(2, 1, "Keine Befunde.")


def write_verlauf(sheet: Any, rows: list[dict[str, Any]], folder: Path) -> None:
    """Per facility and Stichtag: Soll, Ist, Deckungsgrad, Fachkraftquote, staff who came and
    left (counts); a line chart of each facility's quota over time with the minimum."""
    for col, (_, title, width, _fmt) in enumerate(VERLAUF_COLUMNS, start=1):
        cell = sheet.cell(1, col, title)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "C2"
    spans: dict[str, list[int]] = {}  # facility key -> its rows
    names: dict[str, str] = {}  # facility key -> the name its chart line carries
    top = Alignment(vertical="top")
    for r, row in enumerate(rows, start=2):
        spans.setdefault(row["einrichtung_schluessel"], []).append(r)
        names[row["einrichtung_schluessel"]] = row["einrichtung"]
        for col, (key, _, _, fmt) in enumerate(VERLAUF_COLUMNS, start=1):
            value = row[key]
            if key in ("einrichtung", "einrichtungs_nr"):
                _text(sheet, r, col, value).alignment = top
            elif key == "datei":
                shown_name = _within(value, folder)
                cell = _text(sheet, r, col, shown_name)
                cell.hyperlink = Hyperlink(ref=cell.coordinate, target=_link(value, folder))
                cell.font = Font(color="0563C1", underline="single")
                cell.alignment = top
            elif value is not None:
                cell = sheet.cell(r, col, date.fromisoformat(value) if fmt == "DD.MM.YYYY" else value)
                cell.number_format = fmt
                cell.alignment = top
    last = len(rows) + 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(VERLAUF_COLUMNS))}{last}"
    note = last + 2
    text = (
        "Zu- und Abgänge zählen Betreuungskräfte, die am jeweiligen Stichtag beschäftigt sind, erkannt an "
        "Name und Geburtsdatum; Namen stehen hier nicht. Wer genau: kitameldung aenderungen ALT NEU."
    )
    _text(sheet, note, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=note, start_column=1, end_row=note, end_column=len(VERLAUF_COLUMNS))
    sheet.row_dimensions[note].height = height_for(text, sum(c[2] for c in VERLAUF_COLUMNS))
    minimum = _minimum_block(sheet, rows, note + 2)
    twice = {n for n in names.values() if list(names.values()).count(n) > 1}
    labels = {
        key: f"{name} (Nr. {rows[spans[key][-1] - 2]['einrichtungs_nr']})" if name in twice else name
        for key, name in names.items()
    }
    _verlauf_chart(sheet, spans, labels, minimum, rows)


def _within(path: str, folder: Path) -> str:
    """A file as seen from the overview's folder: "2025/Sonnenschein.xlsx" when the years lie in
    subfolders (the same name twice tells nothing), else its name."""
    try:
        relative = os.path.relpath(path, folder)
    except ValueError:  # another drive on Windows
        return Path(path).name
    return Path(path).name if relative.startswith("..") else relative.replace(os.sep, "/")


def _minimum_block(sheet: Any, rows: list[dict[str, Any]], top: int) -> tuple[int, int]:
    """The minimum quota per Stichtag, in date order, for the chart's line."""
    sheet.cell(top, 1, "Mindestquote je Stichtag (Linie im Diagramm)").font = BOLD
    minima = sorted(
        {(r["stichtag"], r["fachkraftquote_min"]) for r in rows if r["fachkraftquote_min"] is not None}
    )
    first = top + 1
    for r, (day, value) in enumerate(minima, start=first):
        sheet.cell(r, _verlauf_col("stichtag"), date.fromisoformat(day)).number_format = "DD.MM.YYYY"
        sheet.cell(r, _verlauf_col("fachkraftquote_min"), value).number_format = "0.0%"
    return first, first + len(minima) - 1


CHART_SERIES = 12  # more lines are not legible: the facilities with the lowest latest quota


def _verlauf_chart(
    sheet: Any,
    spans: dict[str, list[int]],
    labels: dict[str, str],
    minimum: tuple[int, int],
    rows: list[dict[str, Any]],
) -> None:
    quota, day = _verlauf_col("fachkraftquote"), _verlauf_col("stichtag")
    latest = {key: rows[r[-1] - 2]["fachkraftquote"] for key, r in spans.items()}
    lowest = sorted(spans, key=lambda k: (latest[k] is None, latest[k] if latest[k] is not None else 0))
    shown = sorted(lowest[:CHART_SERIES], key=lambda k: labels[k])
    chart = ScatterChart()
    chart.style = 2
    chart.title = "Fachkraftquote im Verlauf" + (
        f" – {CHART_SERIES} mit der niedrigsten Quote" if len(spans) > CHART_SERIES else ""
    )
    for key in shown:
        first, last = spans[key][0], spans[key][-1]
        series = Series(
            Reference(sheet, min_col=quota, min_row=first, max_row=last),
            Reference(sheet, min_col=day, min_row=first, max_row=last),
            title=labels[key][:250],
        )
        series.marker.symbol = "circle"
        series.smooth = False  # straight from report to report: nothing is known in between
        chart.series.append(series)
    low, high = minimum
    if high >= low:
        line = Series(
            Reference(sheet, min_col=_verlauf_col("fachkraftquote_min"), min_row=low, max_row=high),
            Reference(sheet, min_col=day, min_row=low, max_row=high),
            title="Mindestquote",
        )
        line.graphicalProperties.line.dashStyle = "dash"
        line.graphicalProperties.line.solidFill = "C00000"
        line.marker.symbol = "none"
        line.smooth = False
        chart.series.append(line)
    chart.y_axis.title = "Fachkraftquote"
    chart.y_axis.numFmt = "0%"
    quotas = [r["fachkraftquote"] for r in rows if r["fachkraftquote"] is not None]
    low_quota = min(quotas, default=1.0)
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = (0.5 if low_quota >= 0.55 else 0), 1
    chart.x_axis.title = "Stichtag"
    chart.x_axis.numFmt = "DD.MM.YYYY"
    # Ticks one step apart from one step before the first Stichtag: with yearly reports every
    # tick is a Stichtag (01.10.2024, 01.10.2025 …), and no point sits on the chart's edge.
    days = [(date.fromisoformat(r["stichtag"]) - date(1899, 12, 30)).days for r in rows]
    span = max(days) - min(days)
    step = 365 if span >= 300 else 91 if span >= 90 else 30
    chart.x_axis.scaling.min, chart.x_axis.scaling.max = min(days) - step, max(days) + step
    chart.x_axis.majorUnit = step
    chart.x_axis.txPr = _small_labels()  # slanted: the first date never runs into the lowest percentage
    for axis in (chart.x_axis, chart.y_axis):
        axis.delete = False
        axis.tickLblPos = "nextTo"
    chart.legend.position = "b"
    # The plot keeps its height whatever the legend below it needs (two names a line).
    chart.height, chart.width = 12 + 0.5 * ((len(chart.series) + 1) // 2), 32
    anchor = max(high, low) + 4
    sheet.row_breaks.append(Break(id=anchor - 2))  # the chart on a page of its own, never cut
    # The table's columns and the chart's rows; a file name running on past the last column is cut.
    chart_rows = int(chart.height / 0.53) + 2  # rows of 15 pt (0.53 cm)
    sheet.print_area = f"A1:{get_column_letter(len(VERLAUF_COLUMNS))}{anchor + chart_rows}"
    sheet.add_chart(chart, f"A{anchor}")


def _verlauf_col(key: str) -> int:
    return next(i for i, c in enumerate(VERLAUF_COLUMNS, start=1) if c[0] == key)


def _failures(sheet: Any, items: list[BatchItem]) -> None:
    sheet.cell(1, 1, "Datei").font = BOLD
    sheet.cell(1, 2, "Grund").font = BOLD
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 36, 120
    r = 2
    for item in items:
        if item.status in (FAILED, LOCKED) or item.data is None:
            _text(sheet, r, 1, item.name)
            _text(sheet, r, 2, item.message)
            r += 1
