"""Finding the parts of the form in a sheet by their labels: the header fields, the places
block and the staff table (caption rows, columns, where the table ends). Positions only; the
reader turns them into values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kitameldung.form.profile import Matcher, Profile
from kitameldung.form.values import is_blank
from kitameldung.form.workbook import Sheet
from kitameldung.text import normalize

MAX_LABEL_LENGTH = 90  # longer texts are notes, not labels
VALUE_SEARCH_WIDTH = 12  # columns right of a label searched for its value


@dataclass
class Scan:
    """One sheet, its texts normalised once."""

    sheet: Sheet
    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    merge_end: dict[tuple[int, int], int] = field(default_factory=dict)
    row_fields: dict[tuple[int, int], dict[str, int]] = field(default_factory=dict)  # memo of _row_fields

    @classmethod
    def of(cls, sheet: Sheet, cache: dict[str, str]) -> Scan:
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
class StaffTable:
    header_rows: tuple[int, int]
    columns: dict[str, int]
    first: int
    last: int


@dataclass
class PlacesBlock:
    columns: dict[str, int]
    rows: dict[str, int]


@dataclass
class Located:
    scan: Scan
    staff: StaffTable | None
    places: PlacesBlock | None
    header: dict[str, tuple[int, int]]
    summary: dict[str, tuple[int, int]] = field(default_factory=dict)  # the form's own results

    @property
    def score(self) -> int:
        staff = 3 * len(self.staff.columns) if self.staff else 0
        places = 2 * len(self.places.rows) + len(self.places.columns) if self.places else 0
        visible = 1 if self.scan.sheet.visible else 0
        return staff + places + len(self.header) + visible


def locate(scan: Scan, profile: Profile) -> Located:
    staff = _find_staff(scan, profile)
    places = _find_places(scan, profile)
    skip_rows: set[int] = set()
    if staff:
        skip_rows.update(range(staff.header_rows[0], staff.last + 1))
    if places:
        skip_rows.update(places.rows.values())
    header = _find_header(scan, profile, skip_rows)
    return Located(scan, staff, places, header, _find_summary(scan, profile, skip_rows))


def _find_summary(scan: Scan, profile: Profile, skip_rows: set[int]) -> dict[str, tuple[int, int]]:
    """The form's own result cells: a label of the summary block and the first number right of
    it. Only numbers count: a caption or an empty formula cell is no second opinion."""
    found: dict[str, tuple[int, int]] = {}
    for (r, c), text in sorted(scan.texts.items()):
        if r in skip_rows:
            continue
        key = _classify(text, profile.summary, set(found))
        if key is None:
            continue
        start = scan.merge_end.get((r, c), c) + 1
        for col in range(start, min(start + VALUE_SEARCH_WIDTH, scan.sheet.width)):
            value = scan.sheet.value(r, col)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                found[key] = (r, col)
                break
            if not is_blank(value):
                break
    return found


# ---------------------------------------------------------------- header block


def _find_header(scan: Scan, profile: Profile, skip_rows: set[int]) -> dict[str, tuple[int, int]]:
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
    scan: Scan, r: int, c: int, labels: dict[tuple[int, int], str], profile: Profile
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
    scan: Scan, r: int, matchers: dict[str, Matcher], candidate: re.Pattern[str] | None = None
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


def _find_staff(scan: Scan, profile: Profile) -> StaffTable | None:
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
    return StaffTable((top, first - 1), columns, first, last)


def _is_caption_row(
    scan: Scan, r: int, main: int, matchers: dict[str, Matcher], taken: dict[str, int]
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
    scan: Scan, main: int, above: int | None, below: int | None, matchers: dict[str, Matcher]
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


def _table_end(scan: Scan, profile: Profile, columns: dict[str, int], first: int) -> int:
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


def _find_places(scan: Scan, profile: Profile) -> PlacesBlock | None:
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
            return PlacesBlock(columns, rows)
    return None


# ---------------------------------------------------------------- building the Meldung
