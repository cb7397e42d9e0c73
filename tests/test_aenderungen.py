"""`kitameldung aenderungen ALT NEU`: exactly the persons who came and went, the changes of hours,
Zuordnung and qualification, matched by the person key (not the row), refused for two
facilities; the CSV and the workbook to hand on."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from roundtrip import ooxml_errors

from kitameldung.aenderungen import compare_files
from kitameldung.cli import main
from kitameldung.evaluation.changes import ABGANG, AENDERUNG, ZUGANG
from kitameldung.pipeline import Settings
from kitameldung.replica import StaffMember, make_facility, write_form
from kitameldung.workbook.ours import own_file_kind

ALT_DAY, NEU_DAY = date(2025, 3, 1), date(2026, 3, 1)


def facility(seed: int):  # type: ignore[no-untyped-def]
    """A facility whose staff has no fixed-term contracts: every leaving is planted."""
    base = make_facility(seed, ALT_DAY)
    for member in base.staff:
        member.ende = None
    return base


def newcomer() -> StaffMember:
    return StaffMember(
        "Neumann", "Nora", date(1995, 5, 5), "staatlich anerkannte Erzieherin", 9,
        "Gruppenerzieher*in", date(2025, 9, 1), wochenstunden=30.0, paed_stunden=30.0,
        fuehrungszeugnis=date(2025, 8, 1),
    )  # fmt: skip


@pytest.fixture()
def pair(tmp_path: Path) -> tuple[Path, Path, dict[str, object]]:
    """ALT and NEU of one facility with known changes; NEU's rows shuffled."""
    base = facility(31)
    alt = base.copy()
    future = replace(newcomer(), nachname="Früh", vorname="Frieda", beginn=date(2025, 6, 1))
    alt.staff.append(future)  # listed in ALT before starting: not staff on ALT's Stichtag
    neu = base.copy()
    neu.stichtag = NEU_DAY
    gone = neu.staff.pop(3)  # left, not listed any more
    leaving = neu.staff[4]
    leaving.ende = date(2026, 1, 31)  # still listed, left before NEU's Stichtag
    hours = neu.staff[5]
    hours.wochenstunden = hours.paed_stunden = float(str(hours.wochenstunden)) - 5
    switched = next(m for m in neu.staff if m.paragraph == 12)
    switched.paragraph, switched.qualifikation = 9, "staatlich anerkannte Erzieherin"
    neu.staff.append(newcomer())
    neu.staff.append(replace(future))
    random.Random(4).shuffle(neu.staff)  # matching must not depend on rows
    expected = {
        "zugang": {"Neumann, Nora", "Früh, Frieda"},
        "abgang": {gone.name, leaving.name},
        "hours": hours.name,
        "switched": switched.name,
    }
    return (
        write_form(alt, tmp_path / "alt.xlsx", "v2025-84"),
        write_form(neu, tmp_path / "neu.xlsx", "v2025-84"),
        expected,
    )


def test_exactly_the_persons_who_came_and_went(pair) -> None:
    alt, neu, expected = pair
    found = compare_files(alt, neu, Settings()).changes
    assert {c.name for c in found.of_kind(ZUGANG)} == expected["zugang"]
    assert {c.name for c in found.of_kind(ABGANG)} == expected["abgang"]
    changed = {(c.name, c.field) for c in found.of_kind(AENDERUNG)}
    assert changed == {
        (expected["hours"], "wochenstunden"),
        (expected["hours"], "paed_stunden"),
        (expected["switched"], "zuordnung"),
        (expected["switched"], "qualifikation"),
    }
    staff_alt = len([p for p in found.alt.persons or () if p.counts_on(ALT_DAY)])
    assert found.unchanged == staff_alt - len(expected["abgang"]) - 2


def test_dates_and_cells_in_both_files(pair) -> None:
    alt, neu, expected = pair
    found = compare_files(alt, neu, Settings()).changes
    by_name = {c.name: c for c in found.changes if c.kind != AENDERUNG}
    nora = by_name["Neumann, Nora"]
    assert nora.day == date(2025, 9, 1) and nora.cell_alt is None
    row = next(p.row for p in found.neu.persons or () if p.name.value == "Neumann, Nora")
    assert nora.cell_neu == f"B{row}"
    frieda = by_name["Früh, Frieda"]  # listed in ALT, started after its Stichtag
    assert frieda.cell_alt is not None and frieda.cell_neu is not None
    left = [c for c in found.of_kind(ABGANG) if c.day == date(2026, 1, 31)]
    assert len(left) == 1 and left[0].cell_neu is not None and left[0].cell_neu.startswith("H")
    hours = next(c for c in found.of_kind(AENDERUNG) if c.field == "wochenstunden")
    assert float(hours.after) == float(hours.before) - 5  # type: ignore[arg-type]
    assert hours.cell_alt != hours.cell_neu  # the rows differ: matched by key


def test_printed_in_german_with_csv_and_workbook(pair, tmp_path: Path, capsys) -> None:
    alt, neu, expected = pair
    table, book = tmp_path / "aenderungen.csv", tmp_path / "aenderungen.xlsx"
    status = main(["aenderungen", str(alt), str(neu), "--csv", str(table), "--xlsx", str(book)])
    out = capsys.readouterr().out
    assert status == 0
    assert "Zugänge (2):" in out and "Abgänge (2):" in out and "Änderungen (4):" in out
    for name in (*expected["zugang"], *expected["abgang"]):
        assert name in out
    assert "Personaleinzelmeldung" in out
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert {r["name"] for r in rows if r["art"] == ZUGANG} == expected["zugang"]
    assert {r["name"] for r in rows if r["art"] == ABGANG} == expected["abgang"]
    assert all(r["datum"] == "" or len(r["datum"].split(".")) == 3 for r in rows)
    assert own_file_kind(book) == "aenderungen"
    assert ooxml_errors(book) == []
    sheet = openpyxl.load_workbook(book)["Änderungen"]
    listed = [
        row for row in sheet.iter_rows(min_row=7, values_only=True) if row[0] in (ZUGANG, ABGANG, AENDERUNG)
    ]
    assert len(listed) == len(rows)
    # run again: our own outputs are replaced
    assert main(["aenderungen", str(alt), str(neu), "--csv", str(table), "--xlsx", str(book)]) == 0


def test_two_facilities_are_refused(tmp_path: Path, capsys) -> None:
    a = write_form(make_facility(1, ALT_DAY), tmp_path / "a.xlsx", "v2025-84")
    b = write_form(make_facility(2, NEU_DAY), tmp_path / "b.xlsx", "v2025-84")
    assert main(["aenderungen", str(a), str(b)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "verschiedener Einrichtungen" in captured.err and "a.xlsx" in captured.err


def test_newer_first_is_refused_and_outputs_never_hit_a_report(pair, capsys) -> None:
    alt, neu, _ = pair
    assert main(["aenderungen", str(neu), str(alt)]) == 2
    assert "zuerst die ältere" in capsys.readouterr().err
    before = alt.read_bytes()
    assert main(["aenderungen", str(alt), str(neu), "--xlsx", str(alt)]) == 2
    assert "würde sie überschreiben" in capsys.readouterr().err
    assert alt.read_bytes() == before


def test_the_older_form_telling_only_fachkraft_is_no_change(tmp_path: Path) -> None:
    base = facility(32)
    neu = base.copy()
    neu.stichtag = NEU_DAY
    alt = write_form(base, tmp_path / "alt.xlsx", "v2023-68")  # "Fachkraft (§§ 9-11)"
    new = write_form(neu, tmp_path / "neu.xlsx", "v2025-84")  # "§ 9 Fachkraft"
    found = compare_files(alt, new, Settings()).changes
    assert found.changes == ()
    assert found.unchanged == len([m for m in base.staff if m.beginn <= ALT_DAY])  # type: ignore[operator]


def test_facility_without_number_is_matched_by_name(tmp_path: Path) -> None:
    base = facility(33)
    base.nummer = None
    neu = base.copy()
    neu.stichtag = NEU_DAY
    neu.einrichtung = str(base.einrichtung).replace("Kita", "Kindertagesstätte")
    found = compare_files(
        write_form(base, tmp_path / "a.xlsx", "v2025-84"),
        write_form(neu, tmp_path / "b.xlsx", "v2025-84"),
        Settings(),
    )
    assert found.changes.changes == ()


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 1), "lassen sich mit dem Formular „Personaleinzelmeldung“"),
        (date(2026, 3, 2), "genügt nicht"),
    ],
)
def test_single_changes_only_within_the_period(pair, today: date, expected: str) -> None:
    """ALT (the last full report, 01.03.2025) is exactly twelve months old on 01.03.2026."""
    from kitameldung.aenderungen import text

    alt, neu, _ = pair
    settings = Settings(today=today)
    assert expected in text(compare_files(alt, neu, settings), settings, today)
