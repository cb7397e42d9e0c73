"""Next year's Meldung takes over last year's Gesprächsplanung: nothing typed on either side is
lost, every entry stays with its person; randomized cycles, then real workbooks (command line
and the ribbon action on xlwings' remote Book)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from livebook import remote_book, written_cells
from roundtrip import planning_values, type_planning

from kitameldung.cli import main
from kitameldung.excel.actions import ActionError, uebernehmen
from kitameldung.excel.live import LiveBook
from kitameldung.pipeline import Settings
from kitameldung.planning.table import BY_FIELD, MANUAL, Entry, Plan
from kitameldung.planning.takeover import PREVIOUS_YEAR, take_over
from kitameldung.refresh import FAILED, refresh_file
from kitameldung.refresh.behoerde import export_behoerde
from kitameldung.replica import make_facility, write_form

from conftest import cycles

MANUAL_FIELDS = [c.field for c in BY_FIELD.values() if c.kind == MANUAL]


def _random_plan(rng: random.Random, keys: list[str], headers: list[str], tag: str) -> Plan:
    plan = Plan(extra_headers=list(headers))
    for key in keys:
        manual = {f: f"{tag} {key} {f}" for f in rng.sample(MANUAL_FIELDS, rng.randint(0, 5))}
        extra = {i: f"{tag} {key} x{i}" for i in range(len(headers)) if rng.random() < 0.4}
        plan.entries.append(Entry(key, {"name": key}, manual, extra))
    return plan


def _values(plan: Plan, key: str) -> dict[str, object]:
    """header -> value of one person's row (built-in manual columns and added ones)."""
    entry = next(e for e in plan.entries if e.key == key)
    shown: dict[str, object] = {BY_FIELD[f].header: v for f, v in entry.manual.items()}
    shown |= {plan.extra_headers[i]: v for i, v in entry.extra.items()}
    return shown


@pytest.mark.parametrize("seed", range(cycles(100)))
def test_no_entry_is_lost_on_either_side(seed: int) -> None:
    rng = random.Random(seed)
    people = [f"P-{i:03d}" for i in range(rng.randint(3, 12))]
    old_keys = rng.sample(people, rng.randint(1, len(people)))
    new_keys = rng.sample(people, rng.randint(0, len(people)))
    shared_header = rng.choice(["Notiz", "Bemerkung Träger"])
    old = _random_plan(rng, old_keys, [shared_header, "nur alt"], "alt")
    new = _random_plan(rng, new_keys, ["nur neu", shared_header], "neu")
    merged = take_over(old, new).plan
    assert len({e.key for e in merged.entries}) == len(merged.entries) == len(set(old_keys) | set(new_keys))
    for key in new_keys:  # the new sheet's entries stay exactly as they were
        expected = _values(new, key)
        assert {h: v for h, v in _values(merged, key).items() if h in expected} == expected
    for key in old_keys:  # every old entry is there, in its column or in "(Vorjahr)"
        shown = _values(merged, key)
        for header, value in _values(old, key).items():
            assert shown.get(header) == value or shown.get(header + PREVIOUS_YEAR) == value, (key, header)


def test_next_years_workbook_takes_over_the_planning(tmp_path: Path, capsys) -> None:
    old_facility = make_facility(70, date(2025, 10, 1))
    old = write_form(old_facility, tmp_path / "meldung-2025.xlsx", "v2025-84")
    assert refresh_file(old, Settings(), datetime(2025, 10, 15, 9)).status != FAILED
    keys = list(planning_values(old))
    typed = {
        keys[0]: {"vereinbarte Ziele": "Sprachförderung vertiefen", "Mentor*in": "Frau Kern"},
        keys[1]: {"letztes Jahresgespräch": datetime(2025, 3, 3), "Notiz Träger": "eigene Spalte"},
        keys[2]: {"Bemerkungen": "alt: Elternzeit"},
    }
    type_planning(old, typed)
    new_facility = old_facility.copy()
    new_facility.stichtag = date(2026, 10, 1)
    leaving = new_facility.staff.pop(3)
    new_facility.staff.append(make_facility(71).staff[0])
    new = write_form(new_facility, tmp_path / "meldung-2026.xlsx", "v2025-84")
    assert refresh_file(new, Settings()).status != FAILED
    type_planning(new, {keys[2]: {"Bemerkungen": "neu: zurück aus Elternzeit"}})
    assert main(["planung", "uebernehmen", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "1 neu" in out and "1 nicht mehr in der Meldung" in out
    values = planning_values(new)
    assert values[keys[0]]["vereinbarte Ziele"] == "Sprachförderung vertiefen"
    assert values[keys[0]]["Mentor*in"] == "Frau Kern"
    assert values[keys[1]]["letztes Jahresgespräch"] == datetime(2025, 3, 3)
    assert values[keys[1]]["Notiz Träger"] == "eigene Spalte"
    assert values[keys[2]]["Bemerkungen"] == "neu: zurück aus Elternzeit"
    assert values[keys[2]]["Bemerkungen" + PREVIOUS_YEAR] == "alt: Elternzeit"
    gone = next(k for k, v in values.items() if v["Name"] == leaving.name)
    assert str(values[gone]["In der Meldung"]).startswith("nicht mehr in der Meldung seit")
    # taking over twice changes nothing more
    before = planning_values(new)
    assert main(["planung", "uebernehmen", str(old), str(new)]) == 0
    assert planning_values(new) == before


def test_the_ribbon_takes_over_into_the_open_book(tmp_path: Path) -> None:
    facility = make_facility(72, date(2025, 10, 1))
    old = write_form(facility, tmp_path / "alt.xlsx", "v2025-84")
    assert refresh_file(old, Settings()).status != FAILED
    key = list(planning_values(old))[0]
    type_planning(old, {key: {"Bemerkungen": "aus dem Vorjahr"}})
    later = facility.copy()
    later.stichtag = date(2026, 10, 1)
    new = write_form(later, tmp_path / "neu.xlsx", "v2025-84")
    book = remote_book(new)
    message = uebernehmen(LiveBook(book), Settings(), datetime(2026, 11, 1, 9), old)
    assert "übernommen" in message and "0 neu" in message
    cells = written_cells(book, "Gesprächsplanung")
    assert "aus dem Vorjahr" in cells.values()
    header = next(r for (r, c), v in cells.items() if v == "Kennung (nicht ändern)")
    row = next(r for (r, c), v in cells.items() if v == key and r > header)
    from kitameldung.sheets import gespraechsplanung as gp

    assert cells[(row, gp.COL["bemerkungen"])] == "aus dem Vorjahr"
    assert openpyxl.load_workbook(old)  # the old workbook is only read


def _with_planning(path: Path) -> str:
    assert refresh_file(path, Settings()).status != FAILED
    key = list(planning_values(path))[0]
    type_planning(path, {key: {"vereinbarte Ziele": "vertraulich: Gespräch zur Belastung"}})
    return key


def test_planning_never_goes_to_another_facility_unasked(tmp_path: Path, capsys) -> None:
    old = write_form(make_facility(73, date(2025, 10, 1)), tmp_path / "sonnenschein-2025.xlsx")
    _with_planning(old)
    other = make_facility(74, date(2026, 10, 1))
    other.staff = [replace(m) for m in make_facility(73).staff]  # even with the same staff names
    new = write_form(other, tmp_path / "regenbogen-2026.xlsx")
    before = new.read_bytes()
    assert main(["planung", "uebernehmen", str(old), str(new)]) == 2
    err = capsys.readouterr().err
    assert "verschiedener Einrichtungen" in err and "--andere-einrichtung" in err
    assert str(make_facility(73).einrichtung) in err and str(other.einrichtung) in err
    assert new.read_bytes() == before
    with pytest.raises(ActionError, match="anderen Einrichtung"):
        uebernehmen(LiveBook(remote_book(new)), Settings(), datetime(2026, 11, 1, 9), old)
    assert main(["planung", "uebernehmen", str(old), str(new), "--andere-einrichtung"]) == 0
    assert any("vertraulich" in str(v) for row in planning_values(new).values() for v in row.values())


def test_a_renamed_facility_with_its_number_is_the_same_facility(tmp_path: Path) -> None:
    facility = make_facility(75, date(2025, 10, 1))
    old = write_form(facility, tmp_path / "alt.xlsx")
    _with_planning(old)
    renamed = facility.copy()
    renamed.stichtag, renamed.einrichtung = date(2026, 10, 1), "Kita „Neuer Name“"
    new = write_form(renamed, tmp_path / "neu.xlsx")
    assert main(["planung", "uebernehmen", str(old), str(new)]) == 0


def test_a_behoerdenfassung_is_never_a_target(tmp_path: Path, capsys) -> None:
    facility = make_facility(76, date(2025, 10, 1))
    old = write_form(facility, tmp_path / "alt.xlsx")
    _with_planning(old)
    later = facility.copy()
    later.stichtag = date(2026, 10, 1)
    new = write_form(later, tmp_path / "neu.xlsx")
    assert refresh_file(new, Settings()).status != FAILED
    abgabe = tmp_path / "abgabe.xlsx"
    assert export_behoerde(new, abgabe).status != FAILED
    before = abgabe.read_bytes()
    assert main(["planung", "uebernehmen", str(old), str(abgabe), "--andere-einrichtung"]) == 2
    assert "Behördenfassung" in capsys.readouterr().err and abgabe.read_bytes() == before
