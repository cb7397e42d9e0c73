"""`refresh` writes our sheets into a facility workbook (`behoerde` takes them out again).

Both go through `Package`, so the authority's parts are copied byte for byte, and through
`write_atomic`, so the user's file is replaced in one step or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kitameldung.dates import EPOCH
from kitameldung.form import FormError
from kitameldung.form.workbook import Sheet, open_sheets
from kitameldung.pipeline import Result, Settings, check_file
from kitameldung.planning import Plan, merge
from kitameldung.planning.leitfaden import load_leitfaden
from kitameldung.planning.overview import planning_data
from kitameldung.planning.projection import Point, project
from kitameldung.planning.reader import missing_header, plan_from_rows
from kitameldung.planning.takeover import Takeover, take_over
from kitameldung.sheets import (
    SHEET_NAMES,
    SheetSpec,
    gespraechsplanung,
    leitfaden,
    pruefbericht,
    quote_bedarf,
)
from kitameldung.text import a1_parts
from kitameldung.workbook.atomic import WriteError, refuse_if_open
from kitameldung.workbook.cells import sheet_cells
from kitameldung.workbook.grid import read_grid
from kitameldung.workbook.ours import OurSheet, our_sheets, unique_sheet_name
from kitameldung.workbook.package import Package, SheetEntry
from kitameldung.workbook.sheetxml import worksheet_xml
from kitameldung.workbook.styles import StylesUnavailable, ensure_dxfs, ensure_styles
from kitameldung.workbook.xmlparse import XmlRefused

WRITTEN, UNCHANGED, FAILED = "aktualisiert", "unverändert", "fehler"


@dataclass(frozen=True)
class Outcome:
    path: Path
    status: str
    message: str
    result: Result | None = None
    planning: dict[str, Any] | None = None  # planning.overview.planning_data, for the provider overview


@dataclass(frozen=True)
class Planning:
    """The Gesprächsplanung after the merge with the form, and the 12-month outlook."""

    plan: Plan
    projection: list[Point]


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


def plan_for(result: Result, previous: Plan, checked_at: datetime) -> Planning:
    """Merge the sheet's rows with the form's persons. Without a staff table nothing is marked
    as gone: an unreadable table must not look like a team that left."""
    meldung = result.meldung
    assert meldung is not None
    today = checked_at.date()
    settings = result.settings
    if meldung.persons is None:
        return Planning(previous, [])
    plan = merge(previous, meldung.persons, today, settings.params)
    start = max(meldung.stichtag, today) if meldung.stichtag else None
    projection = (
        project(meldung, start, settings.rules, settings.params, settings.qualifications) if start else []
    )
    return Planning(plan, projection)


def build_sheets(result: Result, checked_at: datetime, planning: Planning | None = None) -> list[SheetSpec]:
    meldung = result.meldung
    assert meldung is not None
    sheets = [pruefbericht.build(result, SHEET_NAMES["pruefbericht"], checked_at)]
    if meldung.persons is not None and not meldung.layout.missing_required:
        # Live formulas on a table without its hours or Zuordnung would show false figures.
        sheets.append(quote_bedarf.build(result, SHEET_NAMES["quote"]))
    planning = planning or plan_for(result, Plan(), checked_at)
    if planning.plan.entries or planning.plan.loose_rows or meldung.persons:
        einrichtung = meldung.header.get("einrichtung")
        ctx = gespraechsplanung.Context(
            str(einrichtung.value) if einrichtung and einrichtung.value else result.path.name,
            meldung.stichtag,
            checked_at,
            result.settings.params,
        )
        sheets.append(
            gespraechsplanung.build(
                planning.plan, planning.projection, ctx, SHEET_NAMES[gespraechsplanung.KEY]
            )
        )
        sheets.append(leitfaden.build(load_leitfaden(), SHEET_NAMES[leitfaden.KEY]))
    return sheets


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


def refresh_file(
    path: Path, settings: Settings, now: datetime | None = None, carry: Plan | None = None
) -> Outcome:
    """Check the form and write or update our sheets; an unchanged workbook is not rewritten.
    `carry`: last year's Gesprächsplanung to take over (see planning.takeover)."""
    takeover = None
    try:
        refuse_if_open(path)
        result = check_file(path, settings)
        if not result.ok:
            return Outcome(path, FAILED, result.error or "", result)
        original = Package.read(path)
        previous = previous_plan(path, original)
        if carry is not None:
            takeover = take_over(carry, previous)
            previous = takeover.plan
        stamp = previous_check_time(original) if carry is None else None
        if stamp is not None:
            planning = plan_for(result, previous, stamp)
            trial = original.copy()
            PackageBook(path, trial).write_sheets(build_sheets(result, stamp, planning))
            if trial.parts() == original.parts():
                message = f"{path.name}: unverändert (Prüfung vom {stamp:%d.%m.%Y %H:%M})."
                return Outcome(path, UNCHANGED, message, result, _overview(planning, stamp, result))
        checked_at = now or datetime.now().replace(microsecond=0)
        planning = plan_for(result, previous, checked_at)
        sheets = build_sheets(result, checked_at, planning)
        PackageBook(path, original).write_sheets(sheets)
        original.write(path)
    except (FormError, WriteError) as err:
        return Outcome(path, FAILED, str(err))
    except XmlRefused as err:
        return Outcome(
            path,
            FAILED,
            f"{path.name}: Ein Teil der Arbeitsmappe ist kein gültiges XML ({err}); die Datei wurde nicht "
            "verändert. Bitte in Excel öffnen und als „Excel-Arbeitsmappe (*.xlsx)“ neu speichern.",
        )
    names = ", ".join(f"„{s.name}“" for s in sheets)
    message = f"{path.name}: {names} aktualisiert."
    if takeover is not None:
        message = takeover_message(path.name, takeover, planning.plan)
    return Outcome(path, WRITTEN, message, result, _overview(planning, checked_at, result))


def takeover_message(name: str, takeover: Takeover, plan: Plan) -> str:
    active = {e.key for e in plan.entries if e.active}
    matched = len(active & takeover.old_keys)
    new = len(active - takeover.old_keys)
    left = len(takeover.old_keys - active)
    side = (
        f"; {takeover.conflicts} abweichende Einträge stehen in Spalten „… (Vorjahr)“"
        if takeover.conflicts
        else ""
    )
    return (
        f"{name}: Gesprächsplanung übernommen – {matched} Personen zugeordnet, {new} neu, "
        f"{left} nicht mehr in der Meldung (ausgegraut); {takeover.taken} Einträge übernommen{side}."
    )


def _overview(planning: Planning, checked_at: datetime, result: Result) -> dict[str, Any]:
    return planning_data(planning.plan, planning.projection, checked_at.date(), result.settings.params)


def put_sheets(package: Package, sheets: list[SheetSpec]) -> None:
    styles = package.part_of_type("styles")
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
    wanted = {s.key for s in sheets}
    # Decided once, before any change: positions shift as sheets go, relationship ids stay.
    chosen = primary_sheets(package)
    for stale in (o for o in chosen.values() if o.key not in wanted):
        package.remove_sheet(_current(package, stale))
    for sheet in sheets:
        data = worksheet_xml(sheet, index, dxfs)
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
        package.set_print_titles(rel_id, sheet.print_rows)


def _current(package: Package, sheet: OurSheet) -> SheetEntry:
    return next(e for e in package.sheets() if e.rel_id == sheet.entry.rel_id)


def previous_check_time(package: Package) -> datetime | None:
    """The "Geprüft am" of the Prüfbericht kitameldung wrote, if it is there."""
    entry = next((e for e in package.sheets() if e.our_key == pruefbericht.KEY), None)
    data = package.get(entry.part) if entry and entry.part else None
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
    return EPOCH + timedelta(seconds=round(serial * 86400))
