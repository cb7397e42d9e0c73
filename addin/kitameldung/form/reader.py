"""The label-driven reader: finds header fields, places block and staff table by their captions.

Cell addresses are never assumed. Each sheet is scanned once; its short texts are normalised and
classified against the profile; the sheet with the most recognised parts is the form. The
result is a `Meldung` whose every value remembers its cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kitameldung.address import a1, column_letter
from kitameldung.form.profile import Matcher, Profile, builtin_profiles
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
from kitameldung.form.variants import detect_variant
from kitameldung.form.workbook import FormError, Sheet, open_sheets
from kitameldung.model import AGE_GROUPS, Layout, Meldung, Person, Places, Value
from kitameldung.text import normalize

MAX_LABEL_LENGTH = 90  # longer texts are notes, not labels
VALUE_SEARCH_WIDTH = 12  # columns right of a label searched for its value

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


@dataclass
class _Scan:
    """One sheet, its texts normalised once."""

    sheet: Sheet
    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    merge_end: dict[tuple[int, int], int] = field(default_factory=dict)
    row_fields: dict[tuple[int, int], dict[str, int]] = field(default_factory=dict)  # memo of _row_fields

    @classmethod
    def of(cls, sheet: Sheet, cache: dict[str, str]) -> _Scan:
        scan = cls(sheet)
        for r, row in enumerate(sheet.rows):
            for c, raw in enumerate(row):
                if isinstance(raw, str) and raw.strip() and len(raw) <= MAX_LABEL_LENGTH:
                    text = cache.get(raw)
                    if text is None:
                        text = cache[raw] = normalize(raw)
                    if text:
                        scan.texts[(r, c)] = text
        for (r0, c0), (_r1, c1) in sheet.merged:
            scan.merge_end[(r0, c0)] = c1
        return scan

    def text(self, r: int, c: int) -> str:
        return self.texts.get((r, c), "")


@dataclass
class _Staff:
    header_rows: tuple[int, int]
    columns: dict[str, int]
    first: int
    last: int


@dataclass
class _Places:
    columns: dict[str, int]
    rows: dict[str, int]


@dataclass
class _Located:
    scan: _Scan
    staff: _Staff | None
    places: _Places | None
    header: dict[str, tuple[int, int]]

    @property
    def score(self) -> int:
        staff = 3 * len(self.staff.columns) if self.staff else 0
        places = 2 * len(self.places.rows) + len(self.places.columns) if self.places else 0
        visible = 1 if self.scan.sheet.visible else 0
        return staff + places + len(self.header) + visible


def read_meldung(path: Path, profile: Profile | None = None) -> Meldung:
    """Read a Personalmeldung. Raises FormError (German) when it is none or cannot be read."""
    return meldung_from_sheets(path, open_sheets(path), profile)


def meldung_from_sheets(path: Path, sheets: list[Sheet], profile: Profile | None = None) -> Meldung:
    """The same from sheets already read (a workbook open in Excel: `path` names it)."""
    chosen = profile or builtin_profiles()[0]
    cache: dict[str, str] = {}
    located = [_locate(_Scan.of(sheet, cache), chosen) for sheet in sheets]
    best = max(located, key=lambda item: item.score)
    if best.staff is None and best.places is None:
        raise FormError(
            f"{path.name}: Das ist keine Personalmeldung – weder die Tabelle der "
            "Betreuungskräfte noch die Meldung der belegten Plätze wurde gefunden. Bitte die "
            "Datei prüfen oder mit „kitameldung inspect“ ein eigenes Profil (--profil) anlegen."
        )
    return _build(path, best, chosen, sheets)


def _locate(scan: _Scan, profile: Profile) -> _Located:
    staff = _find_staff(scan, profile)
    places = _find_places(scan, profile)
    skip_rows: set[int] = set()
    if staff:
        skip_rows.update(range(staff.header_rows[0], staff.last + 1))
    if places:
        skip_rows.update(places.rows.values())
    return _Located(scan, staff, places, _find_header(scan, profile, skip_rows))


# ---------------------------------------------------------------- header block


def _find_header(scan: _Scan, profile: Profile, skip_rows: set[int]) -> dict[str, tuple[int, int]]:
    labels: dict[tuple[int, int], str] = {}
    for (r, c), text in sorted(scan.texts.items()):
        if r in skip_rows:
            continue
        for key, spec in profile.header.items():
            if key not in labels.values() and spec.match(text):
                labels[(r, c)] = key
                break
    found: dict[str, tuple[int, int]] = {}
    for (r, c), key in labels.items():
        found[key] = _value_position(scan, r, c, labels, profile)
    return found


def _value_position(
    scan: _Scan, r: int, c: int, labels: dict[tuple[int, int], str], profile: Profile
) -> tuple[int, int]:
    """Right of the label (after its merged cells), else directly below it."""
    start = scan.merge_end.get((r, c), c) + 1
    sheet = scan.sheet
    for col in range(start, start + VALUE_SEARCH_WIDTH):
        if (r, col) in labels:
            break
        if not is_blank(sheet.value(r, col)):
            return (r, col)
    below = sheet.value(r + 1, c)
    below_text = scan.text(r + 1, c)
    is_label = any(spec.match(below_text) for spec in profile.header.values())
    if not is_blank(below) and not is_label:
        return (r + 1, c)
    return (r, start)


# ---------------------------------------------------------------- staff table


def _classify(text: str, matchers: dict[str, Matcher], taken: set[str]) -> str | None:
    for key, match in matchers.items():
        if key not in taken and match(text):
            return key
    return None


def _row_fields(
    scan: _Scan, r: int, matchers: dict[str, Matcher], candidate: re.Pattern[str] | None = None
) -> dict[str, int]:
    key = (r, id(matchers))
    if key in scan.row_fields:
        return scan.row_fields[key]
    fields: dict[str, int] = {}
    for c in range(scan.sheet.width):
        text = scan.text(r, c)
        if text and (candidate is None or _could_be_caption(candidate, text)):
            found = _classify(text, matchers, set(fields))
            if found:
                fields[found] = c
    scan.row_fields[key] = fields
    return fields


@lru_cache(maxsize=65536)
def _could_be_caption(candidate: re.Pattern[str], text: str) -> bool:
    """Cached across the files of a batch, where the same entries recur."""
    return candidate.search(text) is not None


def _find_staff(scan: _Scan, profile: Profile) -> _Staff | None:
    matchers = profile.staff_columns
    best_row, best = -1, dict[str, int]()
    rows_with_text = sorted({r for r, _ in scan.texts})
    for r in rows_with_text:
        fields = _row_fields(scan, r, matchers, profile.any_staff_caption)
        if ("name" in fields or "vorname" in fields) and len(fields) >= 3 and len(fields) > len(best):
            best_row, best = r, fields
    if best_row < 0:
        return None
    below = best_row + 1 if _is_caption_row(scan, best_row + 1, best_row, matchers, best) else None
    above = best_row - 1 if _is_caption_row(scan, best_row - 1, best_row, matchers, best) else None
    columns = _columns(scan, best_row, above, below, matchers)
    first = (below if below is not None else best_row) + 1
    last = _table_end(scan, profile, columns, first)
    top = above if above is not None else best_row
    return _Staff((top, first - 1), columns, first, last)


def _is_caption_row(
    scan: _Scan, r: int, main: int, matchers: dict[str, Matcher], taken: dict[str, int]
) -> bool:
    """A neighbour of the main caption row that continues the captions (split headers)."""
    if r < 0 or r >= scan.sheet.height:
        return False
    values = [v for v in scan.sheet.rows[r] if not is_blank(v)]
    if not values or any(not isinstance(v, str) for v in values):
        return False
    for c in range(scan.sheet.width):
        own = scan.text(r, c)
        if not own:
            continue
        joined = f"{scan.text(min(r, main), c)} {scan.text(max(r, main), c)}".strip()
        for text in (own, joined):
            if _classify(text, matchers, set(taken)):
                return True
    return False


def _columns(
    scan: _Scan, main: int, above: int | None, below: int | None, matchers: dict[str, Matcher]
) -> dict[str, int]:
    columns: dict[str, int] = {}
    for c in range(scan.sheet.width):
        parts = [scan.text(r, c) for r in (above, main, below) if r is not None]
        candidates = [scan.text(main, c)]
        if below is not None:
            candidates.append(scan.text(below, c))
        candidates.append(" ".join(p for p in parts if p))
        if above is not None:
            candidates.append(scan.text(above, c))
        for text in candidates:
            key = _classify(text, matchers, set(columns)) if text else None
            if key:
                columns[key] = c
                break
    return columns


def _table_end(scan: _Scan, profile: Profile, columns: dict[str, int], first: int) -> int:
    """Last row of the staff table: before a summary label or a second table, else sheet end."""
    label_limit = max(columns.get("name", 0), columns.get("vorname", 0), columns.get("lfd_nr", 0))
    last = first - 1
    for r in range(first, scan.sheet.height):
        if any(profile.staff_end(scan.text(r, c)) for c in range(label_limit + 1)):
            break
        if len(_row_fields(scan, r, profile.staff_columns, profile.any_staff_caption)) >= 3:
            break
        if any(not is_blank(v) for v in scan.sheet.rows[r]):
            last = r
    return max(last, first - 1)


# ---------------------------------------------------------------- places block


def _find_places(scan: _Scan, profile: Profile) -> _Places | None:
    kinds = profile.places_columns
    for r in sorted({r for r, _ in scan.texts}):
        columns: dict[str, int] = {}
        for c in range(scan.sheet.width):
            for candidate in (scan.text(r, c), f"{scan.text(r - 1, c)} {scan.text(r, c)}".strip()):
                key = _classify(candidate, kinds, set(columns)) if candidate else None
                if key:
                    columns[key] = c
                    break
        if "kurz" not in columns or "lang" not in columns:
            continue
        label_limit = min(columns.values())
        rows: dict[str, int] = {}
        for rr in range(r + 1, min(r + 10, scan.sheet.height)):
            for c in range(label_limit):
                key = _classify(scan.text(rr, c), profile.places_groups, set(rows))
                if key:
                    rows[key] = rr
                    break
        if rows:
            return _Places(columns, rows)
    return None


# ---------------------------------------------------------------- building the Meldung


def _value(sheet: Sheet, pos: tuple[int, int] | None, parser: Parser) -> Value[Any]:
    if pos is None:
        return Value()
    raw = sheet.value(*pos)
    value, invalid = parser(raw)
    return Value(value, a1(*pos), None if is_blank(raw) else raw, invalid)


def _build(path: Path, found: _Located, profile: Profile, sheets: list[Sheet]) -> Meldung:
    sheet = found.scan.sheet
    header = {
        key: _value(sheet, pos, HEADER_PARSERS.get(key, parse_text)) for key, pos in found.header.items()
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
    persons, nameless, capacity = _persons(sheet, found.staff)
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
    )


def _persons(sheet: Sheet, staff: _Staff | None) -> tuple[tuple[Person, ...] | None, tuple[int, ...], int]:
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
        values = {k: _value(sheet, (r, cols[k]), p) for k, p in STAFF_PARSERS.items() if k in cols}
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
