"""The Gesprächsplanung as it is now in the workbook (grid of cell values) → `Plan`.

Columns are found by their header text, so a sheet whose columns people moved, or to which
they added columns of their own, reads back completely. Rows are identified by the key column.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from kitameldung.address import a1
from kitameldung.form.values import parse_moment
from kitameldung.planning.table import (
    BY_FIELD,
    COLUMNS,
    FORM,
    FORMULA,
    KEY_HEADER,
    MANUAL,
    Entry,
    Plan,
    Scalar,
    Slot,
    TypedFormula,
    left_since,
    typed_over,
)
from kitameldung.text import normalize

DATE_FIELDS = tuple(c.field for c in COLUMNS if c.kind == MANUAL and c.style in ("date", "datetime"))

_FIELD_BY_HEADER = {normalize(c.header): c.field for c in COLUMNS}


def _clean(value: Any, style: str) -> Scalar:
    """Empty cells as None; a date-time at midnight in a date column as the date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime) and style == "date" and value.time() == datetime.min.time():
        return value.date()
    if isinstance(value, (str, float, int, bool, date)):
        return value
    return str(value)  # times and durations: kept as people see them


PERSON_KEY = re.compile(r"^P-[0-9A-F]{10}(#\d+)?$")


def header_row(rows: list[list[Any]]) -> int | None:
    """The row with the column headers. A copy of it pasted elsewhere is no header: the header is
    the one right above the persons' keys (else the last one)."""
    wanted = normalize(KEY_HEADER)
    found: list[tuple[int, int]] = []
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, str) and normalize(v) == wanted:
                found.append((r, c))
                break
    for r, c in found:
        below = rows[r + 1][c] if r + 1 < len(rows) and c < len(rows[r + 1]) else None
        if isinstance(below, str) and PERSON_KEY.match(below.strip()):
            return r
    return found[-1][0] if found else None


def missing_header(file: str, sheet: str) -> str:
    """German message when the key column's header is gone: rewriting the sheet then would lose
    every entry, so nothing is written."""
    return (
        f"{file}: Im Blatt „{sheet}“ fehlt die Kopfzeile mit „{KEY_HEADER}“ (Zeile 22). Ohne sie "
        "lassen sich Ihre Einträge den Personen nicht zuordnen; die Datei wurde nicht verändert. "
        "Bitte die Kopfzeile wiederherstellen (Rückgängig oder aus der Sicherung)."
    )


def plan_from_rows(rows: list[list[Any]], formulas: dict[tuple[int, int], str] | None = None) -> Plan | None:
    """Rows of a Gesprächsplanung sheet (as calamine returns them) → the plan they hold; an
    empty sheet holds an empty plan, a sheet with content but no key header None. `formulas`
    (0-based (row, col) → text) are the formulas people typed; they stay formulas."""
    formulas = formulas or {}
    top = header_row(rows)
    if top is None:
        has_content = any(_clean(v, "text") is not None for row in rows for v in row)
        return None if has_content else Plan()
    fields: dict[int, str] = {}
    extras: dict[int, int] = {}  # column -> position among the added columns
    headers: list[str] = []
    for c, value in enumerate(rows[top]):
        if not isinstance(value, str) or not value.strip():
            continue
        name = _FIELD_BY_HEADER.get(normalize(value))
        if name is not None and name not in fields.values():
            fields[c] = name
        else:  # a column people added, also one repeating a header
            extras[c] = len(headers)
            headers.append(value.strip())
    key_col = next(c for c, f in fields.items() if f == "kennung")
    plan = Plan(extra_headers=headers)
    body = range(top + 1, len(rows))
    # Computed columns hold formulas: a plain value there was typed by a person (sheets read
    # without their formulas are not judged). Grey columns carry a fingerprint per row.
    computed = [c for c, f in fields.items() if BY_FIELD[f].kind == FORMULA]
    judge_computed = any((r, c) in formulas for r in body for c in computed)
    checksum_col = next((c for c, f in fields.items() if f == "pruefwert"), None)
    seen: set[str] = set()
    for r in range(top + 1, len(rows)):
        row = rows[r]
        cells = {c: _clean(row[c], BY_FIELD[f].style) for c, f in fields.items() if c < len(row)}
        overrides: dict[str, Scalar] = {}
        if checksum_col is not None:
            grey = {fields[c]: v for c, v in cells.items()}
            for name in typed_over(grey, cells.get(checksum_col)):
                if grey.get(name) is not None:
                    overrides[name] = grey[name]
                    cells.pop(next(c for c, f in fields.items() if f == name))
        for c in computed:
            if judge_computed and (r, c) not in formulas and cells.get(c) is not None:
                overrides[fields[c]] = cells.pop(c)
        typed = {i: _clean(row[c], "text") for c, i in extras.items() if c < len(row)}
        key = str(cells.get(key_col) or "").strip()
        if normalize(key) == normalize(KEY_HEADER):
            key = ""  # a copy of the header row: kept where it is, never a person
        values = {fields[c]: v for c, v in cells.items() if v is not None}
        for name in DATE_FIELDS:
            text = values.get(name)
            if isinstance(text, str):
                moment, invalid = parse_moment(text)
                if moment is not None and not invalid:
                    values[name] = moment  # written back as a real date: Excel's formulas read it
                elif key:
                    plan.unreadable.append((key, BY_FIELD[name].header, text))
        added: dict[Slot, Scalar] = {i: v for i, v in typed.items() if v is not None}
        if key and key not in seen:
            seen.add(key)
            typed_formulas: dict[Slot, TypedFormula] = {}
            for c, text in ((c, formulas.get((r, c))) for c in (*fields, *extras)):
                slot: Slot = extras[c] if c in extras else fields[c]
                if text and (c in extras or BY_FIELD[fields[c]].kind == MANUAL):
                    typed_formulas[slot] = TypedFormula(text, a1(r, c))
            plan.entries.append(
                Entry(
                    key,
                    {
                        f: v
                        for f, v in values.items()
                        if BY_FIELD[f].kind == FORM and f not in ("kennung", "pruefwert")
                    },
                    {f: v for f, v in values.items() if BY_FIELD[f].kind == MANUAL},
                    {i: v for i, v in added.items() if isinstance(i, int)},
                    left_since(values.get("meldung")),
                    typed_formulas,
                    overrides,
                )
            )
        elif any(BY_FIELD[f].kind != FORMULA for f in values) or added or overrides:
            # Typed by hand without a key, or a copied row: kept as it is, never dropped.
            loose: dict[Slot, Scalar] = {
                BY_FIELD[f].header: v for f, v in (values | overrides).items() if BY_FIELD[f].kind != FORMULA
            }
            plan.loose_rows.append(loose | added)
    return plan
