"""`refresh` writes our sheets into a facility workbook; `export_behoerde` takes them out again.

Both go through `Package`, so the authority's parts are copied byte for byte, and through
`write_atomic`, so the user's file is replaced in one step or not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from kitameldung.dates import EPOCH
from kitameldung.form import FormError
from kitameldung.form.workbook import Sheet, open_sheets, read_sheet
from kitameldung.pipeline import Result, Settings, check_file
from kitameldung.planning import Plan, merge
from kitameldung.planning.leitfaden import load_leitfaden
from kitameldung.planning.overview import planning_data
from kitameldung.planning.projection import Point, project
from kitameldung.planning.reader import missing_header, plan_from_rows
from kitameldung.sheets import (
    SHEET_NAMES,
    SheetSpec,
    gespraechsplanung,
    leitfaden,
    pruefbericht,
    quote_bedarf,
)
from kitameldung.workbook.atomic import WriteError, refuse_if_open
from kitameldung.workbook.package import Package, SheetEntry
from kitameldung.workbook.sheetxml import worksheet_xml
from kitameldung.workbook.styles import StylesUnavailable, ensure_dxfs, ensure_styles, remove_styles
from kitameldung.workbook.xmltext import Edit, apply_edits, count_edit, find_all, find_one, inner

WRITTEN, UNCHANGED, FAILED = "aktualisiert", "unverändert", "fehler"


@dataclass(frozen=True)
class Outcome:
    path: Path
    status: str
    message: str
    result: Result | None = None
    planning: dict | None = None  # planning.overview.planning_data, for the provider overview


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
    projection = project(meldung, start, settings.rules, settings.params) if start else []
    return Planning(plan, projection)


def build_sheets(result: Result, checked_at: datetime, planning: Planning | None = None) -> list[SheetSpec]:
    meldung = result.meldung
    assert meldung is not None
    sheets = [pruefbericht.build(result, SHEET_NAMES["pruefbericht"], checked_at)]
    if meldung.persons is not None:
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
    """What the Gesprächsplanung in the file holds now (empty when there is none)."""
    entry = next((e for e in our_sheets(package) if _key(e) == gespraechsplanung.KEY), None)
    if entry is None:
        return Plan()
    rows = read_sheet(path, entry.name)
    plan = plan_from_rows(rows) if rows is not None else Plan()
    if plan is None:
        raise FormError(missing_header(path.name, entry.name))
    return plan


def refresh_file(path: Path, settings: Settings, now: datetime | None = None) -> Outcome:
    """Check the form and write or update our sheets; an unchanged workbook is not rewritten."""
    try:
        refuse_if_open(path)
        result = check_file(path, settings)
        if not result.ok:
            return Outcome(path, FAILED, result.error or "", result)
        original = Package.read(path)
        before = original.parts()
        previous = previous_plan(path, original)
        stamp = previous_check_time(original)
        if stamp is not None:
            planning = plan_for(result, previous, stamp)
            sheets = build_sheets(result, stamp, planning)
            PackageBook(path, original).write_sheets(sheets)
            if original.parts() == before:
                message = f"{path.name}: unverändert (Prüfung vom {stamp:%d.%m.%Y %H:%M})."
                return Outcome(path, UNCHANGED, message, result, _overview(planning, stamp, result))
            original = Package.read(path)
        checked_at = now or datetime.now().replace(microsecond=0)
        planning = plan_for(result, previous, checked_at)
        sheets = build_sheets(result, checked_at, planning)
        PackageBook(path, original).write_sheets(sheets)
        original.write(path)
    except (FormError, WriteError) as err:
        return Outcome(path, FAILED, str(err))
    names = ", ".join(f"„{s.name}“" for s in sheets)
    return Outcome(
        path, WRITTEN, f"{path.name}: {names} aktualisiert.", result, _overview(planning, checked_at, result)
    )


def _overview(planning: Planning, checked_at: datetime, result: Result) -> dict:
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
    # Removing a sheet renumbers the others: look them up afresh after every change.
    while stale := [e for e in our_sheets(package) if _key(e) not in wanted]:
        package.remove_sheet(stale[0])
    for sheet in sheets:
        data = worksheet_xml(sheet, index, dxfs)
        entry = next((e for e in our_sheets(package) if _key(e) == sheet.key), None)
        if entry is not None and entry.our_key == sheet.key:
            package.replace_sheet(entry, data)
            continue
        if entry is not None:  # ours by its tab name, in a part Excel renamed: start afresh
            package.remove_sheet(entry)
        package.add_sheet(sheet.name, sheet.key, data)


def our_sheets(package: Package) -> list[SheetEntry]:
    return [e for e in package.sheets() if _key(e) is not None]


def _key(entry: SheetEntry) -> str | None:
    return entry.our_key or _key_by_name(entry.name)


def _key_by_name(name: str) -> str | None:
    return next((key for key, title in SHEET_NAMES.items() if title == name), None)


def previous_check_time(package: Package) -> datetime | None:
    """The "Geprüft am" of the Prüfbericht kitameldung wrote, if it is there."""
    entry = next((e for e in package.sheets() if e.our_key == pruefbericht.KEY), None)
    data = package.get(entry.part) if entry and entry.part else None
    if data is None:
        return None
    match = re.search(rf'<c r="{pruefbericht.CHECKED_AT_CELL}"[^>]*><v>([0-9.]+)</v>', data.decode("utf-8"))
    if match is None:
        return None
    return EPOCH + timedelta(seconds=round(float(match.group(1)) * 86400))


# ---------------------------------------------------------------------- Behördenfassung


def export_behoerde(source: Path, target: Path) -> Outcome:
    """A copy without any sheet or trace of kitameldung; every other part byte-identical."""
    try:
        if target.resolve() == source.resolve():
            raise WriteError(
                f"{target.name}: Die Behördenfassung braucht einen eigenen Dateinamen, damit die "
                "Arbeitsdatei mit Prüfbericht erhalten bleibt."
            )
        if target.suffix.lower() not in (".xlsx", ".xlsm"):
            raise WriteError(f"{target.name}: Bitte als .xlsx (oder .xlsm) speichern.")
        refuse_if_open(target)
        package = Package.read(source)
        removed = our_sheets(package)
        for entry in removed:
            package.remove_sheet(next(e for e in package.sheets() if e.rel_id == entry.rel_id))
        styles = package.part_of_type("styles")
        if styles is not None:
            used = package.cell_styles_in_use([e.part for e in package.sheets() if e.part])
            package.put_text(styles, remove_styles(package.text(styles), used))
        _forget_titles(package, [e.name for e in removed])
        package.write(target)
    except (FormError, WriteError) as err:
        return Outcome(source, FAILED, str(err))
    gone = (
        f"{len(removed)} kitameldung-Blätter entfernt" if removed else "keine kitameldung-Blätter enthalten"
    )
    return Outcome(source, WRITTEN, f"Behördenfassung {target.name} geschrieben ({gone}).")


def _forget_titles(package: Package, names: list[str]) -> None:
    """docProps/app.xml as Excel writes it lists the tab names; drop ours from that list."""
    part = "docProps/app.xml"
    data = package.get(part)
    if data is None or not names:
        return
    xml = data.decode("utf-8")
    titles = find_one(xml, "TitlesOfParts")
    if titles is None or titles.body_start is None:
        return
    vector = next(iter(find_all(xml, "vector", titles.body_start, titles.body_end)), None)
    if vector is None or vector.body_start is None:
        return
    ours = [e for e in find_all(xml, "lpstr", vector.body_start, vector.body_end) if inner(xml, e) in names]
    if not ours:
        return
    edits: list[Edit] = [(e.start, e.end, "") for e in ours]
    edits += count_edit(vector, "size", -len(ours))
    pairs = find_one(xml, "HeadingPairs")
    if pairs is not None and pairs.body_start is not None:
        # The first heading pair counts the worksheets, which come first in the titles.
        first = next(iter(find_all(xml, "i4", pairs.body_start, pairs.body_end)), None)
        number = inner(xml, first).strip() if first else ""
        if first is not None and number.isdigit():
            edits.append((first.body_start or 0, first.body_end or 0, str(int(number) - len(ours))))
    package.put_text(part, apply_edits(xml, edits))
