"""The Gesprächsplanung never loses what people typed and never hands it to the wrong person.

100 randomized cycles on one real workbook: the form's staff table changes (persons added,
removed, reordered, edited, renamed), people type into the planning sheet and delete rows of
colleagues who left, the workbook is saved by another program (openpyxl renames our parts, turns
our inline strings into shared strings), then kitameldung refreshes. After every refresh the
sheet is read back and compared with an independent model of who typed what for whom.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl

from kitameldung.form import read_meldung
from kitameldung.form.workbook import read_sheet
from kitameldung.pipeline import Settings
from kitameldung.refresh import FAILED, refresh_file
from kitameldung.replica import make_facility, write_form
from kitameldung.sheets import SHEET_NAMES

from conftest import cycles

PLAN = SHEET_NAMES["gespraechsplanung"]
KEY = "Kennung (nicht ändern)"
IN_FORM = "In der Meldung"
TYPED = {
    "letztes Jahresgespräch": lambda rng: date(2025, 1, 1) + timedelta(days=rng.randint(0, 600)),
    "geplanter Termin (Datum Uhrzeit)": lambda rng: (
        datetime(2026, 12, 1, rng.choice([8, 10, 14]), 0) + timedelta(days=rng.randint(0, 300))
    ),
    "Status": lambda rng: rng.choice(["geplant", "eingeladen", "geführt", "Protokoll abgestimmt"]),
    "vereinbarte Ziele": lambda rng: f"Ziel {rng.randint(1, 10**6)}",
    "Fortbildung fachlich": lambda rng: "ja",
    "Entwicklungsperspektive": lambda rng: rng.choice(["Interesse an Leitung", "Potenzialträger*in (FOKUS)"]),
    "Mentor*in": lambda rng: rng.choice(["Frau Kern", "Herr Lange", "Frau Sommer"]),
    "Bemerkungen": lambda rng: f"Notiz {rng.randint(1, 10**6)}; mit Komma, und =Gleichheitszeichen",
    "Notiz Träger": lambda rng: f"eigene Spalte {rng.randint(1, 10**6)}",  # a column people added
}
CYCLES = cycles(100)


Row = dict[str, Any]  # form column letter -> value


def _staff_rows(path: Path) -> tuple[list[Row], dict[str, str], tuple[int, int]]:
    meldung = read_meldung(path)
    columns = dict(meldung.layout.staff_columns)
    columns.pop("lfd_nr", None)
    first, last = meldung.layout.staff_rows or (0, 0)
    sheet = openpyxl.load_workbook(path)[meldung.sheet]
    rows = []
    for r in range(first, last + 1):
        row = {letter: sheet[f"{letter}{r}"].value for letter in columns.values()}
        if row[columns["name"]] is not None:
            rows.append(row)
    return rows, columns, (first, last)


def _identity(row: Row, columns: dict[str, str]) -> str:
    return f"{row[columns['name']]}, {row[columns['vorname']]}"


class Model:
    """Who is in the form now, and what was typed for whom (by name; names are unique here)."""

    def __init__(self) -> None:
        self.typed: dict[str, dict[str, Any]] = {}
        self.present: set[str] = set()


def _write_form_rows(
    book: Any, sheet_name: str, rows: list[Row], columns: dict[str, str], span: tuple[int, int]
) -> None:
    sheet = book[sheet_name]
    first, last = span
    assert len(rows) <= last - first + 1
    for offset, r in enumerate(range(first, last + 1)):
        row = rows[offset] if offset < len(rows) else {}
        for letter in columns.values():
            sheet[f"{letter}{r}"].value = row.get(letter)


def _planning_rows(sheet: Any) -> tuple[int, dict[str, int]]:
    for row in sheet.iter_rows():
        headers = {c.value: c.column for c in row if isinstance(c.value, str)}
        if KEY in headers:
            return row[0].row, headers
    raise AssertionError("header row not found")


def _type_into_plan(book: Any, model: Model, rng: random.Random) -> None:
    sheet = book[PLAN]
    top, headers = _planning_rows(sheet)
    if "Notiz Träger" not in headers:
        column = sheet.max_column + 1
        sheet.cell(top, column, "Notiz Träger")
        headers["Notiz Träger"] = column
    names = {sheet.cell(r, headers["Name"]).value: r for r in range(top + 1, sheet.max_row + 1)}
    for name, r in names.items():
        if name is None or rng.random() > 0.3:
            continue
        for header in rng.sample(sorted(TYPED), rng.randint(1, 3)):
            if rng.random() < 0.15:  # people also delete what they typed
                sheet.cell(r, headers[header]).value = None
                model.typed.get(name, {}).pop(header, None)
            else:
                value = TYPED[header](rng)
                sheet.cell(r, headers[header]).value = value
                model.typed.setdefault(name, {})[header] = value
    left = [(name, r) for name, r in names.items() if name is not None and name not in model.present]
    if left and rng.random() < 0.2:  # someone removes the row of a colleague who left
        name, r = rng.choice(left)
        sheet.delete_rows(r)
        model.typed.pop(name, None)


def _mutate_form(
    rows: list[Row], pool: list[Row], columns: dict[str, str], rng: random.Random, room: int
) -> None:
    hours = columns["wochenstunden"]
    for _ in range(rng.randint(1, 3)):
        action = rng.choice(["add", "remove", "reorder", "edit", "rename"])
        if action == "add" and pool and len(rows) < room:
            rows.insert(rng.randint(0, len(rows)), pool.pop())
        elif action == "remove" and len(rows) > 3:
            rows.pop(rng.randrange(len(rows)))
        elif action == "reorder":
            rng.shuffle(rows)
        elif action == "edit" and rows:
            rows[rng.randrange(len(rows))][hours] = rng.choice([20.0, 30.0, 38.5, 40.0])
        elif action == "rename" and rows and pool:
            # A corrected name is another key: the old row stays as "left", a new row appears.
            victim = rows[rng.randrange(len(rows))]
            victim[columns["name"]] = pool.pop()[columns["name"]] + "-Neu"


def _read_back(path: Path) -> list[dict[str, Any]]:
    rows = read_sheet(path, PLAN)
    assert rows is not None
    top = next(i for i, row in enumerate(rows) if KEY in row)
    header = rows[top]
    return [
        {h: v for h, v in zip(header, row) if isinstance(h, str) and h and v not in ("", None)}
        for row in rows[top + 1 :]
        if any(v not in ("", None) for v in row)
    ]


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, datetime) and isinstance(actual, datetime):
        return abs((expected - actual).total_seconds()) < 1
    if isinstance(expected, date) and not isinstance(expected, datetime) and isinstance(actual, datetime):
        return actual.date() == expected and actual.time() == datetime.min.time()
    return expected == actual


def test_hundred_cycles_lose_no_entry_and_never_mix_up_persons(tmp_path: Path) -> None:
    rng = random.Random(20261122)
    path = write_form(make_facility(11, persons=10), tmp_path / "kita.xlsx", variant="v2023-37")
    rows, columns, span = _staff_rows(path)
    extra = write_form(make_facility(12, persons=36), tmp_path / "pool.xlsx", variant="v2023-37")
    known = {_identity(r, columns) for r in rows}
    pool = [r for r in _staff_rows(extra)[0] if _identity(r, columns) not in known]
    for number, row in enumerate(pool):  # unique names: the check below matches by name
        row[columns["name"]] = f"{row[columns['name']]}{number}"
    sheet_name = read_meldung(path).sheet
    settings = Settings()
    model = Model()
    model.present = {_identity(r, columns) for r in rows}
    assert refresh_file(path, settings, datetime(2026, 11, 1, 8, 0)).status != FAILED

    for cycle in range(CYCLES):
        book = openpyxl.load_workbook(path)
        _type_into_plan(book, model, rng)
        _mutate_form(rows, pool, columns, rng, span[1] - span[0] + 1)
        _write_form_rows(book, sheet_name, rows, columns, span)
        book.save(path)
        model.present = {_identity(r, columns) for r in rows}

        outcome = refresh_file(path, settings, datetime(2026, 11, 1, 8, 0) + timedelta(days=cycle))
        assert outcome.status != FAILED, outcome.message

        sheet = _read_back(path)
        names = [r["Name"] for r in sheet]
        assert len(names) == len(set(names)), f"cycle {cycle}: a person appears twice"
        assert model.present <= set(names), f"cycle {cycle}: someone in the form has no row"
        for row in sheet:
            name = row["Name"]
            assert (row[IN_FORM] == "ja") == (name in model.present), f"cycle {cycle}: {name}"
            expected = model.typed.get(name, {})
            typed = {h: v for h, v in row.items() if h in TYPED}
            assert typed.keys() == expected.keys(), f"cycle {cycle}: {name}: {typed} != {expected}"
            for header, value in expected.items():
                assert _same(value, typed[header]), f"cycle {cycle}: {name}: {header}"
        for name in model.typed:
            assert name in names, f"cycle {cycle}: the entries for {name} were lost"
