"""The label-driven reader: finds header fields, places block and staff table by their captions.

Cell addresses are never assumed. Each sheet is scanned once; its short texts are normalised and
classified against the profile; the sheet with the most recognised parts is the form. The
result is a `Meldung` whose every value remembers its cell.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kitameldung.address import a1, column_letter
from kitameldung.form.formulas import evaluate
from kitameldung.form.locate import Located, Scan, StaffTable, locate
from kitameldung.form.profile import Profile, builtin_profiles
from kitameldung.form.values import (
    is_blank,
    parse_date,
    parse_hours,
    parse_number,
    parse_places,
    parse_text,
    parse_yes_no,
    parse_zuordnung,
)
from kitameldung.form.variants import detect_variant, form_stand
from kitameldung.form.workbook import FormError, Sheet, Snapshot, open_sheets, take_snapshot
from kitameldung.model import AGE_GROUPS, Layout, Meldung, Person, Places, Value

Parser = Callable[[object], tuple[object, bool]]
STAFF_PARSERS: dict[str, Parser] = {
    "name": parse_text,
    "vorname": parse_text,
    "geburtsdatum": parse_date,
    "qualifikation": parse_text,
    "zuordnung": parse_zuordnung,
    "funktion": parse_text,
    "beginn": parse_date,
    "ende": parse_date,
    "wochenstunden": parse_hours,
    "leitungsstunden": parse_hours,
    "paed_stunden": parse_hours,
    "fuehrungszeugnis": parse_date,
    "masernschutz": parse_yes_no,
    "sprachnachweis": parse_yes_no,
    "qualifizierung_300ue": parse_date,
    "bemerkungen": parse_text,
}
HEADER_PARSERS: dict[str, Parser] = {"stichtag": parse_date}
# The earliest year a date in each column can plausibly hold: "2024" typed into a date column is
# day 2024 (16.07.1905), and a Führungszeugnis from 1905 is a typing error, not a fact.
DATE_FLOORS = {
    "stichtag": 2010,
    "geburtsdatum": 1920,
    "beginn": 1950,
    "ende": 1950,
    "fuehrungszeugnis": 2000,
    "qualifizierung_300ue": 2000,
}


def _date_parsers(date1904: bool) -> dict[str, Parser]:
    """A date parser per date column: the workbook's date system, the column's plausible range."""

    def parser(floor: int) -> Parser:
        def parse(raw: object) -> tuple[object, bool]:
            value, invalid = parse_date(raw, date1904)
            if value is not None and value.year < floor:
                return None, True
            return value, invalid

        return parse

    return {key: parser(floor) for key, floor in DATE_FLOORS.items()}


# Columns whose content makes a row without a name worth reporting.
DATA_FIELDS = (
    "geburtsdatum",
    "qualifikation",
    "zuordnung",
    "beginn",
    "wochenstunden",
    "leitungsstunden",
    "paed_stunden",
    "fuehrungszeugnis",
)


def read_meldung(path: Path, profile: Profile | None = None, snapshot: Snapshot | None = None) -> Meldung:
    """Read a Personalmeldung (from `snapshot` when the file was read already). Raises FormError
    (German) when it is none or cannot be read."""
    snapshot = snapshot or take_snapshot(path)
    return meldung_from_sheets(path, open_sheets(path, snapshot), profile, snapshot.date1904)


def meldung_from_sheets(
    path: Path, sheets: list[Sheet], profile: Profile | None = None, date1904: bool = False
) -> Meldung:
    """The same from sheets already read (a workbook open in Excel: `path` names it). Day numbers
    in date columns count in the workbook's date system (`date1904`: Mac Excel)."""
    chosen = profile or builtin_profiles()[0]
    cache: dict[str, str] = {}
    located = [locate(Scan.of(sheet, cache), chosen) for sheet in sheets]
    best = max(located, key=lambda item: item.score)
    if best.staff is None and best.places is None:
        raise FormError(
            f"{path.name}: Das ist keine Personalmeldung – weder die Tabelle der "
            "Betreuungskräfte noch die Meldung der belegten Plätze wurde gefunden. Bitte die "
            "Datei prüfen oder mit „kitameldung inspect“ ein eigenes Profil (--profil) anlegen."
        )
    return _build(path, best, chosen, sheets, date1904)


def _value(sheet: Sheet, pos: tuple[int, int] | None, parser: Parser) -> Value[Any]:
    if pos is None:
        return Value()
    raw = sheet.value(*pos)
    cell = a1(*pos)
    if is_blank(raw) and (unread := sheet.unread.get(pos)) is not None:
        if unread.error is not None:  # "#REF!": an entry, but no value
            return Value(None, cell, unread.error, True, error=unread.error)
        assert unread.formula is not None
        result = evaluate(unread.formula, sheet.value, sheet.date1904)
        if result is None:  # never silently 0: a finding asks to let Excel calculate
            return Value(None, cell, f"={unread.formula}", True, formula=unread.formula)
        raw = result
    value, invalid = parser(raw)
    return Value(value, cell, None if is_blank(raw) else raw, invalid)


def _build(path: Path, found: Located, profile: Profile, sheets: list[Sheet], date1904: bool) -> Meldung:
    sheet = found.scan.sheet
    dates = _date_parsers(date1904)
    header = {
        key: _value(sheet, pos, dates.get(key) or HEADER_PARSERS.get(key, parse_text))
        for key, pos in found.header.items()
    }
    places = None
    places_cells: dict[str, dict[str, str]] = {}
    if found.places:
        places = {}
        cols = found.places.columns
        for group in AGE_GROUPS:
            row = found.places.rows.get(group)
            if row is None:
                places[group] = Places()
                continue
            cells = {
                "short": (row, cols["kurz"]),
                "long": (row, cols["lang"]),
                "genehmigt": (row, cols["genehmigt"]) if "genehmigt" in cols else None,
            }
            places[group] = Places(**{k: _value(sheet, pos, parse_places) for k, pos in cells.items()})
            places_cells[group] = {k: a1(*pos) for k, pos in cells.items() if pos}
    persons, nameless, capacity = _persons(sheet, found.staff, dates)
    staff = found.staff
    layout = Layout(
        header_cells={key: a1(*pos) for key, pos in found.header.items()},
        places_cells=places_cells,
        staff_columns={k: column_letter(c) for k, c in staff.columns.items()} if staff else {},
        staff_header_rows=(staff.header_rows[0] + 1, staff.header_rows[1] + 1) if staff else None,
        staff_rows=(staff.first + 1, staff.last + 1) if staff else None,
        capacity=capacity,
        missing_required=tuple(c for c in profile.staff_required if c not in staff.columns) if staff else (),
    )
    profile_name, variant = detect_variant(profile, sheet, sheets, capacity)
    return Meldung(
        file=path.name,
        sheet=sheet.name,
        profile=profile_name,
        variant=variant,
        header=header,
        places=places,
        persons=persons,
        layout=layout,
        nameless_rows=nameless,
        form_figures={key: _value(sheet, pos, parse_number) for key, pos in found.summary.items()},
        form_stand=form_stand(sheet, profile_name),
    )


def _persons(
    sheet: Sheet, staff: StaffTable | None, dates: dict[str, Parser]
) -> tuple[tuple[Person, ...] | None, tuple[int, ...], int]:
    if staff is None:
        return None, (), 0
    cols = staff.columns
    persons: list[Person] = []
    nameless: list[int] = []
    capacity = 0
    for r in range(staff.first, staff.last + 1):
        lfd, _ = parse_number(sheet.value(r, cols["lfd_nr"])) if "lfd_nr" in cols else (None, False)
        if lfd is not None:
            capacity = max(capacity, int(lfd))
        if all(is_blank(sheet.value(r, cols[k])) for k in STAFF_PARSERS if k in cols):
            continue  # an empty numbered row: nothing to read
        values = {
            k: _value(sheet, (r, cols[k]), dates.get(k, p)) for k, p in STAFF_PARSERS.items() if k in cols
        }
        name, vorname = values.pop("name", Value()), values.pop("vorname", Value())
        if name.raw is None and vorname.raw is None:
            if any(values[k].raw is not None for k in DATA_FIELDS if k in values):
                nameless.append(r + 1)
            continue
        persons.append(Person(row=r + 1, name=_full_name(name, vorname), **values))
    return tuple(persons), tuple(nameless), capacity


def _full_name(name: Value[Any], vorname: Value[Any]) -> Value[Any]:
    """One "Name, Vorname" text, whether the form has one column or two."""
    if vorname.raw is None:
        return name
    if name.raw is None:
        return Value(vorname.value, vorname.cell, vorname.raw)
    return Value(f"{name.value}, {vorname.value}", name.cell, name.raw)
