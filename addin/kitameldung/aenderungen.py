"""`kitameldung aenderungen ALT NEU`: what changed among the Betreuungskräfte between two reports of
one facility (the content of a Personaleinzelmeldung), printed in German and, to hand on, as CSV
or as a workbook of its own. Two different facilities are refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kitameldung.checks.formatting import counted, datum, number
from kitameldung.checks.verfahren import report_outdated
from kitameldung.evaluation.changes import ABGANG, AENDERUNG, ZUGANG, Change, Changes, compare_reports
from kitameldung.form import read_meldung
from kitameldung.identity import facility_title, same_facility
from kitameldung.model import Meldung
from kitameldung.pipeline import Settings
from kitameldung.workbook.ours import not_two_reports

KIND = "aenderungen"  # our own output (workbook/ours.OWN_FILES)
CSV_KEYS = ("art", "name", "datum", "datum_art", "feld", "alt", "neu", "zelle_alt", "zelle_neu")
_HOURS = ("wochenstunden", "paed_stunden", "leitungsstunden")


class ChangesRefused(Exception):
    """German: why two reports are not compared."""


@dataclass(frozen=True)
class Comparison:
    alt_path: Path
    neu_path: Path
    changes: Changes
    note: str | None = None  # a German remark on the comparison (facility not decidable …)


def compare_files(alt: Path, neu: Path, settings: Settings) -> Comparison:
    """Read both reports (FormError when one cannot be read) and compare them; ChangesRefused
    for the same file twice, our own outputs, two facilities, or NEU older than ALT."""
    if (why := not_two_reports(alt, neu)) is not None:
        raise ChangesRefused(why)
    before = read_meldung(alt, settings.profile)
    after = read_meldung(neu, settings.profile)
    same = same_facility(before, after)
    if same is False:
        raise ChangesRefused(
            f"{alt.name} ({facility_title(before)}) und {neu.name} ({facility_title(after)}) sind Meldungen "
            "verschiedener Einrichtungen (Einrichtungs-Nr. bzw. Name). Änderungen werden nur zwischen zwei "
            "Meldungen derselben Einrichtung gezeigt; bitte zwei Meldungen einer Einrichtung angeben."
        )
    old_day, new_day = before.stichtag, after.stichtag
    if old_day and new_day and old_day > new_day:
        raise ChangesRefused(
            f"{alt.name} (Stichtag {datum(old_day)}) ist jünger als {neu.name} (Stichtag {datum(new_day)}). "
            "Bitte zuerst die ältere, dann die neuere Meldung angeben: kitameldung aenderungen ALT NEU."
        )
    note = None
    if same is None:
        note = (
            "Hinweis: Ob beide Meldungen dieselbe Einrichtung betreffen, ist nicht feststellbar "
            "(keine Einrichtungs-Nr. und kein Name). Bitte selbst prüfen."
        )
    return Comparison(alt, neu, compare_reports(before, after), note)


# ---------------------------------------------------------------- in words


def shown_value(change: Change, value: object) -> str:
    if value is None:
        return "–"
    if change.field in _HOURS and isinstance(value, (int, float)):
        return f"{number(float(value))} Std."
    return str(value)


def shown_day(change: Change) -> str:
    if change.day is None:
        return f"{change.day_title} nicht angegeben"
    return f"{change.day_title} {datum(change.day)}"


def cells(change: Change) -> str:
    parts = []
    if change.cell_alt:
        parts.append(f"ALT {change.cell_alt}")
    if change.cell_neu:
        parts.append(f"NEU {change.cell_neu}")
    return ", ".join(parts)


def _report_line(title: str, path: Path, meldung: Meldung) -> str:
    return f"{title}: {path.name} – Stichtag {datum(meldung.stichtag)} (Blatt „{meldung.sheet}“)"


def text(comparison: Comparison, settings: Settings, today: date | None = None) -> str:
    """The German report on the terminal."""
    found = comparison.changes
    alt, neu = found.alt, found.neu
    lines = [
        f"Änderungen bei den Betreuungskräften – {facility_title(neu)}",
        _report_line("ALT", comparison.alt_path, alt),
        _report_line("NEU", comparison.neu_path, neu),
    ]
    if comparison.note:
        lines.append(comparison.note)
    marks = {ZUGANG: "+", ABGANG: "−", AENDERUNG: "~"}
    for kind, title in ((ZUGANG, "Zugänge"), (ABGANG, "Abgänge"), (AENDERUNG, "Änderungen")):
        listed = found.of_kind(kind)
        lines.append("")
        lines.append(f"{title} ({len(listed)}):" if listed else f"{title}: keine")
        for change in listed:
            if kind == AENDERUNG:
                what = (
                    f"{change.field_title}: {shown_value(change, change.before)} → "
                    f"{shown_value(change, change.after)}"
                )
            else:
                what = shown_day(change)
            lines.append(f"  {marks[kind]} {change.name} – {what} ({cells(change)})")
    lines.append("")
    lines.append(
        f"Unverändert: {counted(found.unchanged, 'Person', 'Personen')}. Verglichen nach Name und "
        "Geburtsdatum, nicht nach Zeilen; gezählt sind Personen, die am jeweiligen Stichtag beschäftigt sind."
    )
    lines.append(_procedure(alt, neu, settings, today or date.today()))
    return "\n".join(lines)


def _procedure(alt: Meldung, neu: Meldung, settings: Settings, today: date) -> str:
    """What the ministry's notice asks for these changes: ALT is the last full Personalmeldung;
    within the period (twelve months) single changes go on the Personaleinzelmeldung, after it
    the full report is due."""
    rules = settings.rules
    months = rules.procedure.full_report_months if rules.procedure else 12
    if alt.stichtag and report_outdated(alt.stichtag, rules, today):
        return (
            f"Die letzte Personalmeldung (ALT, Stichtag {datum(alt.stichtag)}) liegt mehr als {months} "
            "Monate zurück: Eine Personaleinzelmeldung genügt nicht, bitte eine vollständige "
            "Personalmeldung mit dem aktuellen Formular abgeben."
        )
    if alt.stichtag:
        return (
            f"Die letzte Personalmeldung (ALT, Stichtag {datum(alt.stichtag)}) liegt weniger als {months} "
            "Monate zurück: Diese Zu- und Abgänge lassen sich mit dem Formular „Personaleinzelmeldung“ "
            "melden."
        )
    return (
        "Einzelne Zu- und Abgänge innerhalb eines Jahres meldet das Formular „Personaleinzelmeldung“; "
        f"liegt die letzte vollständige Personalmeldung mehr als {months} Monate zurück, ist die "
        "vollständige Personalmeldung fällig."
    )


# ---------------------------------------------------------------- to hand on


def rows(comparison: Comparison) -> list[dict[str, Any]]:
    """One plain row per change: the CSV's and the workbook's content."""
    out = []
    for change in comparison.changes.changes:
        out.append(
            {
                "art": change.kind,
                "name": change.name,
                "datum": change.day,
                "datum_art": change.day_title,
                "feld": change.field_title or None,
                "alt": change.before if change.kind == AENDERUNG else None,
                "neu": change.after if change.kind == AENDERUNG else None,
                "zelle_alt": change.cell_alt,
                "zelle_neu": change.cell_neu,
            }
        )
    return out


def csv_header() -> str:
    return ";".join(CSV_KEYS)


def write_csv(comparison: Comparison, target: Path) -> None:
    """Semicolon, decimal comma, dates as TT.MM.JJJJ: opens as a table in German Excel."""
    from kitameldung.batch.exports import write_table

    table = ([datum(v) if isinstance(v, date) else v for v in row.values()] for row in rows(comparison))
    write_table(target, CSV_KEYS, table)


TITLES = ("Art", "Name", "Datum", "das Datum ist", "Feld", "ALT", "NEU", "Zelle ALT", "Zelle NEU")
WIDTHS = (11, 24, 12, 16, 28, 20, 20, 10, 10)  # one A4 page wide at a legible size


def write_xlsx(comparison: Comparison, target: Path, settings: Settings, today: date | None = None) -> None:
    """A workbook of its own (never one of the reports): the facility, both reports, the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from kitameldung.batch.overview import BOLD, HEADER_FILL
    from kitameldung.workbook.atomic import write_atomic
    from kitameldung.workbook.layout import height_for
    from kitameldung.workbook.ours import save_own_file
    from kitameldung.workbook.xmltext import plain_text

    found = comparison.changes
    book = Workbook()
    sheet = book.active
    sheet.title = "Änderungen"
    sheet.cell(
        1, 1, plain_text(f"Änderungen bei den Betreuungskräften – {facility_title(found.neu)}")
    ).font = Font(bold=True, size=14)
    sheet.cell(2, 1, plain_text(_report_line("ALT", comparison.alt_path, found.alt)))
    sheet.cell(3, 1, plain_text(_report_line("NEU", comparison.neu_path, found.neu)))
    summary = (
        f"{len(found.of_kind(ZUGANG))} Zugänge, {len(found.of_kind(ABGANG))} Abgänge, "
        f"{len(found.of_kind(AENDERUNG))} Änderungen; unverändert: {counted(found.unchanged, 'Person', 'Personen')}."
    )
    sheet.cell(4, 1, summary)
    head = 6
    for col, (title, width) in enumerate(zip(TITLES, WIDTHS), start=1):
        cell = sheet.cell(head, col, title)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(col)].width = width
    r = head
    changes = comparison.changes.changes
    for r, (change, row) in enumerate(zip(changes, rows(comparison)), start=head + 1):
        row["alt"] = shown_value(change, change.before) if change.kind == AENDERUNG else None
        row["neu"] = shown_value(change, change.after) if change.kind == AENDERUNG else None
        if row["datum"] is None:
            row["datum"] = "nicht angegeben"
        height = 15.0
        for col, (value, width) in enumerate(zip(row.values(), WIDTHS), start=1):
            cell = sheet.cell(r, col)
            if isinstance(value, date):
                cell.value, cell.number_format = value, "DD.MM.YYYY"
            elif value is not None:
                cell.value, cell.data_type = plain_text(str(value)), "s"
                height = max(height, height_for(str(value), width))
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        sheet.row_dimensions[r].height = height
    if r == head:
        sheet.cell(head + 1, 1, "Keine Änderungen.")
    note = r + 2
    procedure = _procedure(found.alt, found.neu, settings, today or date.today())
    sheet.cell(note, 1, procedure).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=note, start_column=1, end_row=note, end_column=len(TITLES))
    sheet.row_dimensions[note].height = height_for(procedure, sum(WIDTHS))
    sheet.freeze_panes = sheet.cell(head + 1, 1).coordinate
    sheet.print_title_rows = f"{head}:{head}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.oddFooter.left.text = "Änderungen – " + plain_text(facility_title(found.neu)).replace("&", "&&")
    sheet.oddFooter.center.text = "Seite &P von &N"
    if r > head:
        sheet.auto_filter.ref = f"A{head}:{get_column_letter(len(TITLES))}{r}"
    write_atomic(target, lambda out: save_own_file(book, KIND, out))
