"""The provider overview `Traegeruebersicht.xlsx` (a new file: openpyxl is fine here), and the
same table as CSV and JSON for IT. One row per facility, every finding of every file, and the
files that could not be processed, each with its German reason."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from kitameldung.batch.runner import BatchItem
from kitameldung.checks.formatting import ERFUELLT, NICHT_BERECHENBAR, NICHT_ERFUELLT
from kitameldung.planning.overview import talk_counts
from kitameldung.planning.termine import BALD, UEBERFAELLIG
from kitameldung.refresh import FAILED
from kitameldung.rules import load_rulebook
from kitameldung.sheets.common import pruefstand
from kitameldung.sheets.quote_bedarf import DIFFERENT, SAME
from kitameldung.workbook.atomic import write_atomic
from kitameldung.workbook.ours import save_own_file
from kitameldung.workbook.xmltext import plain_text

COLUMNS = [
    ("Einrichtung", 34),
    ("Datei", 30),
    ("Stichtag", 12),
    ("Soll (VZÄ)", 11),
    ("Ist (VZÄ)", 11),
    ("Deckungsgrad", 13),
    ("Fachkraftquote", 14),
    ("Mindestquote", 13),
    ("Fehler", 8),
    ("Warnungen", 11),
    ("Hinweise", 10),
    ("Personalbemessung", 18),
    ("Fachkraftquote erfüllt", 20),
    ("Quote Tiefstwert 12 Monate", 14),
    ("Tiefstwert am", 12),
    ("Gespräche überfällig", 12),
    ("Gespräche fällig in 30 Tagen", 14),
    ("Fortbildungsbedarf", 13),
    ("Potenzialträger*innen", 14),
    ("neue Leitung ohne Mentor*in", 14),
    ("Dispositionsspielraum", 13),
    ("Lesarten der Fachkraftquote", 24),
    ("Stand dieser Zeile", 22),
]
PLANNING_KEYS = (
    "quote_tiefstwert",
    "quote_tiefstwert_datum",
    "gespraeche_ueberfaellig",
    "gespraeche_bald",
    "fortbildungsbedarf",
    "potenzialtraeger",
    "neue_leitung_ohne_mentor",
)
NO_MINIMUM = "keine Mindestquote"
ROW_STATES = {
    "aktualisiert": "in diesem Lauf aktualisiert",
    "unverändert": "geprüft, unverändert",
    "gesperrt": "GESPERRT (geöffnet) – Zahlen der letzten Aktualisierung",
    "aus dem Ordner": "nicht Teil dieses Laufs – Zahlen aus der Datei",
}
RED, YELLOW, GREEN = "FFC7CE", "FFEB9C", "C6EFCE"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


def facility_rows(items: list[BatchItem], today: date | None = None) -> list[dict[str, Any]]:
    """One plain row per readable facility: the table behind the sheet, the CSV and the JSON."""
    rows = []
    for item in items:
        data = item.data
        if not data or not data.get("ok"):
            continue
        staffing = data.get("staffing") or {}
        counts = {
            s: sum(1 for f in data["findings"] if f["severity"] == s)
            for s in ("fehler", "warnung", "hinweis")
        }
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
                "lesarten_abweichend": (staffing.get("lesarten") or {}).get("abweichend"),
                "fehler": counts["fehler"],
                "warnungen": counts["warnung"],
                "hinweise": counts["hinweis"],
                "status": item.status,
                "findings": data["findings"],
            }
            | _planning(data.get("planung"), today or date.today())
        )
    return rows


def _planning(data: dict[str, Any] | None, today: date) -> dict[str, Any]:
    """The planning figures of one facility; talks are counted on `today`."""
    if not data:
        return dict.fromkeys(PLANNING_KEYS)
    counts = talk_counts(data, today)
    return {
        "quote_tiefstwert": data.get("quote_tiefstwert"),
        "quote_tiefstwert_datum": data.get("quote_tiefstwert_datum"),
        "gespraeche_ueberfaellig": counts[UEBERFAELLIG],
        "gespraeche_bald": counts[BALD],
        "fortbildungsbedarf": sum(data.get("fortbildung", {}).values()),
        "potenzialtraeger": data.get("potenzial"),
        "neue_leitung_ohne_mentor": data.get("neue_leitung_ohne_mentor"),
    }


def write_overview(items: list[BatchItem], target: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Übersicht"
    rows = facility_rows(items)
    _facilities(sheet, rows, target.parent)
    if rows:
        _chart(book, sheet, len(rows))
    _findings(book.create_sheet("Befunde"), rows, target.parent)
    _failures(book.create_sheet("Nicht verarbeitet"), items)
    write_atomic(target, lambda out: save_own_file(book, "traegeruebersicht", out))


def _link(path: str, folder: Path) -> str:
    """The file as a link target the way Excel writes it: relative, "/"-separated, %-encoded."""
    try:
        relative = os.path.relpath(path, folder)
    except ValueError:  # another drive on Windows
        return Path(path).as_uri()
    return quote(relative.replace(os.sep, "/"), safe="/")


def _text(sheet: Any, row: int, col: int, value: Any) -> Any:
    """A cell that shows a text exactly as it came, never as a formula ("=…" in a file name),
    without the control characters XML cannot carry."""
    cell = sheet.cell(row, col)
    if value is None:
        return cell
    cell.value = plain_text(str(value))
    cell.data_type = "s"
    return cell


def _facilities(sheet: Any, rows: list[dict[str, Any]], folder: Path) -> None:
    for col, (title, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(1, col, title)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    for r, row in enumerate(rows, start=2):
        _text(sheet, r, 1, row["einrichtung"])
        link = _text(sheet, r, 2, Path(row["datei"]).name)
        link.hyperlink = Hyperlink(ref=link.coordinate, target=_link(row["datei"], folder))
        link.font = Font(color="0563C1", underline="single")
        if row["stichtag"]:
            sheet.cell(r, 3, date.fromisoformat(row["stichtag"])).number_format = "DD.MM.YYYY"
        for col, key, fmt in (
            (4, "soll_betreuung_vzae", "0.00"),
            (5, "ist_betreuung_vzae", "0.00"),
            (6, "deckungsgrad", "0.0%"),
            (7, "fachkraftquote", "0.0%"),
            (8, "fachkraftquote_min", "0.0%"),
        ):
            if row[key] is not None:
                sheet.cell(r, col, row[key]).number_format = fmt
        for col, key in ((9, "fehler"), (10, "warnungen"), (11, "hinweise")):
            sheet.cell(r, col, row[key])
        # Live verdicts with the file's own Dispositionsspielraum (column U): they follow if
        # someone corrects a number in this overview.
        if row["dispositionsspielraum"] is not None:
            sheet.cell(r, 21, row["dispositionsspielraum"]).number_format = "0%"
        sheet.cell(
            r,
            12,
            f'=IF(ISNUMBER(F{r}),IF(F{r}>=1-N(U{r})-1E-9,"{ERFUELLT}","{NICHT_ERFUELLT}"),"{NICHT_BERECHENBAR}")',
        )
        sheet.cell(
            r,
            13,
            f'=IF(ISNUMBER(H{r}),IF(ISNUMBER(G{r}),IF(G{r}>=H{r}-1E-9,"{ERFUELLT}","{NICHT_ERFUELLT}"),'
            f'"{NICHT_BERECHENBAR}"),"{NO_MINIMUM}")',
        )
        if row["lesarten_abweichend"] is not None:
            _text(sheet, r, 22, DIFFERENT if row["lesarten_abweichend"] else SAME)
        _text(sheet, r, 23, ROW_STATES.get(row["status"], row["status"]))
        if row["quote_tiefstwert"] is not None:
            sheet.cell(r, 14, row["quote_tiefstwert"]).number_format = "0.0%"
        if row["quote_tiefstwert_datum"]:
            sheet.cell(r, 15, date.fromisoformat(row["quote_tiefstwert_datum"])).number_format = "DD.MM.YYYY"
        for col, key in enumerate(PLANNING_KEYS[2:], start=16):
            sheet.cell(r, col, row[key])
    last = len(rows) + 1
    total = last + 2
    sheet.cell(total, 1, "Summe / Träger").font = BOLD
    _text(sheet, total + 2, 1, f"Regeln: {pruefstand(load_rulebook())}")
    if rows:
        sheet.cell(total, 2, f"=COUNTA(B2:B{last})")
        sheet.cell(total, 4, f"=SUM(D2:D{last})").number_format = "0.00"
        sheet.cell(total, 5, f"=SUM(E2:E{last})").number_format = "0.00"
        sheet.cell(total, 6, f'=IF(D{total}>0,E{total}/D{total},"–")').number_format = "0.0%"
        for col in (9, 10, 11):
            letter = get_column_letter(col)
            sheet.cell(total, col, f"=SUM({letter}2:{letter}{last})")
        sheet.cell(total, 12, f'=COUNTIF(L2:L{last},"nicht erfüllt")&" nicht erfüllt"')
        sheet.cell(total, 13, f'=COUNTIF(M2:M{last},"nicht erfüllt")&" nicht erfüllt"')
        below = f"SUMPRODUCT(ISNUMBER(N2:N{last})*ISNUMBER(H2:H{last})*(N2:N{last}<H2:H{last}-1E-9))"
        sheet.cell(total, 14, f'={below}&" unter Minimum"')
        for col in range(16, 21):
            letter = get_column_letter(col)
            sheet.cell(total, col, f"=SUM({letter}2:{letter}{last})")
        _traffic_lights(sheet, last)


def _traffic_lights(sheet: Any, last: int) -> None:
    def fill(color: str) -> PatternFill:
        return PatternFill("solid", fgColor=color, bgColor=color)

    # Red below the minimum, yellow within 5 points above it, green beyond.
    for cells, minimum in ((f"F2:F{last}", "1"), (f"G2:G{last}", "$H2"), (f"N2:N{last}", "$H2")):
        for operator, formula, color in (
            ("lessThan", f"{minimum}-1E-9", RED),
            ("lessThan", f"{minimum}+0.05", YELLOW),
            ("greaterThanOrEqual", f"{minimum}+0.05", GREEN),
        ):
            sheet.conditional_formatting.add(
                cells, CellIsRule(operator=operator, formula=[formula], fill=fill(color))
            )
    errors = f"I2:I{last}"
    sheet.conditional_formatting.add(
        errors, CellIsRule(operator="greaterThan", formula=["0"], fill=fill(RED))
    )


def _chart(book: Workbook, sheet: Any, count: int) -> None:
    """Fachkraftquote per facility as bars, the minimum as a line across."""
    bars = BarChart()
    bars.type = "col"
    bars.title = "Fachkraftquote je Einrichtung (Linie: Mindestquote)"
    bars.y_axis.title = "Fachkraftquote"
    bars.y_axis.numFmt = "0%"
    bars.y_axis.scaling.min = 0
    bars.y_axis.scaling.max = 1
    bars.add_data(Reference(sheet, min_col=7, min_row=1, max_row=count + 1), titles_from_data=True)
    line = LineChart()
    line.add_data(Reference(sheet, min_col=8, min_row=1, max_row=count + 1), titles_from_data=True)
    # Facility names are text: categories as a string reference, as Excel writes them.
    names = str(Reference(sheet, min_col=1, min_row=2, max_row=count + 1))
    for series in (*bars.series, *line.series):
        series.cat = AxDataSource(strRef=StrRef(f=names))
    for axis in (bars.x_axis, bars.y_axis):
        axis.delete = False  # openpyxl 3.1 hides axes unless told
        axis.tickLblPos = "nextTo"
    bars.x_axis.axPos = "b"
    bars += line
    bars.height, bars.width = 9, max(16, count * 0.6)
    book.create_sheet("Diagramm").add_chart(bars, "A1")


def _findings(sheet: Any, rows: list[dict[str, Any]], folder: Path) -> None:
    titles = ["Einrichtung", "Datei", "Schwere", "Regel", "Zelle", "Befund", "Rechtsgrundlage"]
    for col, (title, width) in enumerate(zip(titles, (30, 28, 10, 22, 10, 80, 36)), start=1):
        cell = sheet.cell(1, col, title)
        cell.font, cell.fill = BOLD, HEADER_FILL
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    fills = {"fehler": RED, "warnung": YELLOW, "hinweis": "DDEBF7"}
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
            _text(sheet, r, 7, finding["reference"])
            r += 1
    if r == 2:
        sheet.cell(2, 1, "Keine Befunde.")


def _failures(sheet: Any, items: list[BatchItem]) -> None:
    sheet.cell(1, 1, "Datei").font = BOLD
    sheet.cell(1, 2, "Grund").font = BOLD
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 36, 120
    r = 2
    for item in items:
        if item.status == FAILED or item.data is None:
            _text(sheet, r, 1, item.name)
            _text(sheet, r, 2, item.message)
            r += 1


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _csv_cell(value: Any) -> Any:
    """Numbers with a decimal comma; a text that a spreadsheet program would run as a formula
    ("=…", "+…", "-…", "@…", tab, line break) gets a leading apostrophe, as OWASP recommends."""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, str):
        value = plain_text(value)
        return "'" + value if value.startswith(_FORMULA_START) else value
    return value


def write_csv(items: list[BatchItem], target: Path) -> None:
    """Semicolon and decimal comma: opens as a table in German Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    keys = [
        "einrichtung",
        "datei",
        "stichtag",
        "soll_betreuung_vzae",
        "ist_betreuung_vzae",
        "deckungsgrad",
        "fachkraftquote",
        "fachkraftquote_min",
        "dispositionsspielraum",
        "lesarten_abweichend",
        "fehler",
        "warnungen",
        "hinweise",
        *PLANNING_KEYS,
        "status",
    ]
    writer.writerow(keys)
    for row in facility_rows(items):
        writer.writerow([_csv_cell(row[k]) for k in keys])
    for item in items:
        if item.status == FAILED or item.data is None:
            writer.writerow([None, _csv_cell(item.path), *[None] * (len(keys) - 3), _csv_cell(item.message)])
    _write_text(target, "\ufeff" + buffer.getvalue())


def write_json(items: list[BatchItem], target: Path) -> None:
    documents = []
    for item in items:
        data = dict(item.data) if item.data else None
        planning = data.pop("planung", None) if data else None
        documents.append(
            {
                "path": item.path,
                "status": item.status,
                "message": item.message,
                "result": data,
                "planung": planning,
            }
        )
    _write_text(target, json.dumps(documents, ensure_ascii=False, indent=2) + "\n")


def _write_text(target: Path, text: str) -> None:
    data = text.encode("utf-8")

    def write(out: BinaryIO) -> None:
        out.write(data)

    write_atomic(target, write)
