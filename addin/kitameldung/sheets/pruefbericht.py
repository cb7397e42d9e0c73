"""Sheet `Prüfbericht`: what was checked against which rules, then one row per finding with a
link to the cell in the form. A rendering of the same findings list as the JSON output."""

from __future__ import annotations

from datetime import datetime

from kitameldung.checks import Severity
from kitameldung.checks.rule_data import confirmation
from kitameldung.pipeline import Result
from kitameldung.sheets.common import OVERWRITE_NOTE, assumptions, lesarten, pruefstand, regelstand
from kitameldung.sheets.spec import Link, SheetSpec

KEY = "pruefbericht"
TABLE_HEADER = ("Schwere", "Regel", "Zelle", "Befund", "Rechtsgrundlage")
CHECKED_AT_CELL = "B8"  # "Geprüft am": a later refresh keeps it when nothing else changed
NO_FIGURES = (
    "kein Ergebnis des Formulars gefunden (Personalbedarf, Ist, Fachkraftquote): nichts zu vergleichen"
)
SEVERITY_TEXT = {Severity.FEHLER: "Fehler", Severity.WARNUNG: "Warnung", Severity.HINWEIS: "Hinweis"}


def build(result: Result, name: str, checked_at: datetime) -> SheetSpec:
    meldung, staffing = result.meldung, result.staffing
    assert meldung is not None, "a Prüfbericht needs a readable Meldung"
    sheet = SheetSpec(KEY, name, widths={1: 26, 2: 30, 3: 10, 4: 60, 5: 30}, tab_color="C00000")
    sheet.put(1, 1, "Prüfbericht – Personalmeldung und Meldung der belegten Plätze", "title")
    sheet.put(2, 1, OVERWRITE_NOTE, "note")
    sheet.merges.append("A2:E2")

    einrichtung = meldung.header.get("einrichtung")
    traeger = meldung.header.get("traeger")
    head: list[tuple[str, object, str]] = [
        ("Datei", result.path.name, "text"),
        ("Einrichtung", einrichtung.value if einrichtung else None, "text"),
        ("Träger", traeger.value if traeger else None, "text"),
        ("Stichtag", meldung.stichtag, "date"),
        ("Geprüft am", checked_at, "datetime"),
        ("Formular", f"{meldung.variant} (Blatt „{meldung.sheet}“, Profil {meldung.profile})", "text"),
        ("Regelstand", regelstand(staffing, result.settings.rules), "text"),
        ("Prüfstand der Regeln", pruefstand(result.settings.rules), "text"),
        ("Lesarten der Fachkraftquote", lesarten(staffing), "text"),
        ("Berechnung des Formulars", confirmation(result.form_figures) or NO_FIGURES, "text"),
    ]
    row = 4
    for label, value, style in head:
        sheet.put(row, 1, label, "bold")
        shown_style = style if value is not None else "text"
        if shown_style == "text":  # long head texts wrap across the page instead of running off it
            shown_style = "wrap"
            sheet.merges.append(f"B{row}:E{row}")
        sheet.put(row, 2, value if value is not None else "–", shown_style)  # type: ignore[arg-type]
        row += 1
    sheet.put(row, 1, "Annahmen", "bold")
    for title, shown in assumptions(result.settings.params, staffing):
        sheet.put(row, 2, title)
        sheet.put(row, 4, shown)
        row += 1

    row += 1
    counts = ", ".join(s.counted(result.count(s)) for s in Severity)
    sheet.put(row, 1, "Befunde", "section")
    sheet.put(row, 2, counts, "bold")
    row += 1
    if result.not_checked:
        skipped = "; ".join(f"{n.rule} ({n.reason})" for n in result.not_checked)
        sheet.put(row, 1, "Nicht prüfbar", "bold")
        sheet.put(row, 2, skipped, "note")
        sheet.merges.append(f"B{row}:E{row}")
        row += 1
    row += 1
    sheet.put_row(row, list(TABLE_HEADER), "header")
    sheet.freeze_below = row + 1
    sheet.print_rows = (row, row)
    row += 1
    if not result.findings:
        sheet.put(row, 1, "Keine Befunde: Die Meldung entspricht allen geprüften Regeln.", "ok")
        sheet.merges.append(f"A{row}:E{row}")
    for finding in result.findings:
        sheet.put(row, 1, SEVERITY_TEXT[finding.severity], finding.severity.value)
        sheet.put(row, 2, finding.rule)
        if finding.cell and finding.sheet:
            sheet.put(row, 3, finding.cell, "link", Link(finding.sheet, finding.cell))
        else:
            sheet.put(row, 3, "Einrichtung")
        sheet.put(row, 4, finding.message, "wrap")
        sheet.put(row, 5, finding.reference, "wrap")
        row += 1
    return sheet
