"""Our sheets inside a facility workbook's package: what they hold now (the Gesprächsplanung,
the last check time) and writing new versions of them (styles, the register of sheets). The
package layer below; the refresh above decides what to write."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from kitameldung.address import a1_parts, column_letter
from kitameldung.dates import epoch
from kitameldung.form import FormError
from kitameldung.form.workbook import Sheet, open_sheets
from kitameldung.planning import Plan
from kitameldung.planning.reader import missing_header, plan_from_rows
from kitameldung.sheets import SHEET_NAMES, SheetSpec, gespraechsplanung, pruefbericht
from kitameldung.workbook.atomic import WriteError
from kitameldung.workbook.cells import sheet_cells
from kitameldung.workbook.grid import read_grid
from kitameldung.workbook.ours import OurSheet, our_sheets, unique_sheet_name
from kitameldung.workbook.package import Package, SheetEntry
from kitameldung.workbook.registry import add_styles
from kitameldung.workbook.sheetxml import worksheet_xml
from kitameldung.workbook.styles import StylesLimit, StylesUnavailable, ensure_dxfs, ensure_styles
from kitameldung.workbook.xmlparse import XmlRefused, is_date1904
from kitameldung.workbook.xmltext import find_one


class PackageBook:
    """The workbook port on a file: reads with calamine, writes our sheets losslessly into the
    package (which the caller then writes atomically)."""

    def __init__(self, path: Path, package: Package) -> None:
        self.path, self.package = path, package

    @property
    def name(self) -> str:
        return self.path.name

    def read_sheets(self) -> list[Sheet]:
        return open_sheets(self.path)

    def write_sheets(self, sheets: list[SheetSpec]) -> None:
        put_sheets(self.package, sheets)


def previous_plan(path: Path, package: Package) -> Plan:
    """What the Gesprächsplanung in the file holds now (empty when there is none), with the
    formulas people typed into it."""
    found = primary_sheets(package).get(gespraechsplanung.KEY)
    if found is None or found.entry.part is None:
        return Plan()
    try:
        grid = read_grid(package, found.entry.part)
    except XmlRefused as err:
        raise FormError(
            f"{path.name}: Das Blatt „{found.entry.name}“ kann nicht gelesen werden ({err}). Die Datei "
            "wurde nicht verändert; bitte in Excel öffnen und erneut speichern."
        ) from err
    plan = plan_from_rows(grid.rows, grid.formulas)
    if plan is None:
        raise FormError(missing_header(path.name, found.entry.name))
    return plan


def planning_to_take_over(path: Path) -> Plan:
    """The Gesprächsplanung of last year's workbook, for `planning.takeover`; a German
    FormError when the file has none."""
    plan = previous_plan(path, Package.read(path))
    if not plan.entries and not plan.loose_rows:
        raise FormError(f"{path.name} enthält keine Gesprächsplanung.")
    return plan


def primary_sheets(package: Package) -> dict[str, OurSheet]:
    """Per key, the sheet of ours a refresh updates: the one in our part, else the one with our
    tab name, else the first (a copy people made of a sheet of ours stays as it is)."""
    chosen: dict[str, OurSheet] = {}
    for sheet in our_sheets(package, everywhere=False):
        current = chosen.get(sheet.key)
        if current is None or _rank(sheet) < _rank(current):
            chosen[sheet.key] = sheet
    return chosen


def _rank(sheet: OurSheet) -> int:
    if sheet.by == "part":
        return 0
    return 1 if sheet.entry.name == SHEET_NAMES.get(sheet.key) else 2


def put_sheets(package: Package, sheets: list[SheetSpec]) -> None:
    styles = package.part_of_type("styles") or add_styles(package)
    index: dict[str, int] = {}
    dxfs: dict[str, int] = {}
    if styles is not None:
        try:
            xml, index = ensure_styles(package.text(styles))
            if any(s.highlights for s in sheets):
                xml, dxfs = ensure_dxfs(xml)
            package.put_text(styles, xml)
        except StylesUnavailable:
            index = {}
        except StylesLimit as err:
            raise WriteError(f"{package.path.name}: {err}") from err
    wanted = {s.key for s in sheets}
    # Decided once, before any change: positions shift as sheets go, relationship ids stay.
    chosen = primary_sheets(package)
    if wanted != set(chosen) and structure_locked(package):  # tabs would be added or removed
        raise WriteError(
            f"{package.path.name}: Die Arbeitsmappe ist gegen Änderungen ihrer Struktur geschützt "
            "(Überprüfen › Arbeitsmappe schützen); kitameldung fügt darum keine Blätter hinzu und "
            "entfernt keine. Die Datei wurde nicht verändert. Bitte den Schutz der Arbeitsmappe "
            "aufheben (das Blattschutz-Kennwort des Formulars bleibt davon unberührt), aktualisieren "
            "und den Schutz wieder setzen."
        )
    for stale in (o for o in chosen.values() if o.key not in wanted):
        package.remove_sheet(_current(package, stale))
    date1904 = is_date1904(package.get(package.workbook) or b"")
    for sheet in sheets:
        data = worksheet_xml(sheet, index, dxfs, date1904)
        found = chosen.get(sheet.key)
        if found is None:
            name = unique_sheet_name(sheet.name, [e.name for e in package.sheets()])
            package.add_sheet(name, sheet.key, data)
            rel_id = package.sheets()[-1].rel_id
        elif found.by == "part":
            package.replace_sheet(_current(package, found), data)
            rel_id = found.entry.rel_id
        else:  # ours, in a part another program renamed; the tab keeps the name people gave it
            package.adopt_sheet(_current(package, found), sheet.key, data)
            rel_id = found.entry.rel_id
        last_row = max((r for r, _ in sheet.cells), default=1)
        last_col = sheet.print_last_col or max((c for _, c in sheet.cells), default=1)
        area = f"$A$1:${column_letter(last_col - 1)}${last_row}"  # the marker cell lies beyond it
        package.set_print_titles(rel_id, sheet.print_rows, sheet.print_columns, area)


def structure_locked(package: Package) -> bool:
    """Excel's workbook protection of the structure (no sheets added, removed or renamed)."""
    book = package.text(package.workbook)
    protection = find_one(book, "workbookProtection")
    return protection is not None and protection.attrs.get("lockStructure", "0").lower() in ("1", "true")


def _current(package: Package, sheet: OurSheet) -> SheetEntry:
    return next(e for e in package.sheets() if e.rel_id == sheet.entry.rel_id)


def previous_check_time(package: Package) -> datetime | None:
    """The "Geprüft am" of the Prüfbericht kitameldung wrote, if it is there."""
    found = primary_sheets(package).get(pruefbericht.KEY)
    data = package.get(found.entry.part) if found and found.entry.part else None
    if data is None:
        return None
    row, col = a1_parts(pruefbericht.CHECKED_AT_CELL)
    try:
        cell = next((c for c in sheet_cells(data, max_row=row).cells if (c.row, c.col) == (row, col)), None)
    except XmlRefused:
        return None
    try:
        serial = float(cell.value) if cell is not None and cell.kind == "n" and cell.value else None
    except ValueError:
        return None
    if serial is None or not 0 < serial < 2958466:
        return None
    start = epoch(is_date1904(package.get(package.workbook) or b""))
    return start + timedelta(seconds=round(serial * 86400))
