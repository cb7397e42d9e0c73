"""Nothing of the user's is taken for ours or overwritten: same-named sheets and files, outputs
aimed at inputs, the demo in a folder that holds foreign files."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest
from roundtrip import parts

from kitameldung.cli import main
from kitameldung.pipeline import Settings
from kitameldung.refresh import FAILED, refresh_file
from kitameldung.refresh.behoerde import export_behoerde
from kitameldung.replica import make_facility, write_form
from kitameldung.sheets import SHEET_NAMES
from kitameldung.workbook.ours import our_sheets
from kitameldung.workbook.package import Package

USER_TABS = ("Prüfbericht", "Quote & Bedarf", "gesprächsplanung")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def names(path: Path) -> list[str]:
    return [e.name for e in Package.read(path).sheets()]


@pytest.fixture
def with_own_tabs(tmp_path: Path) -> Path:
    """A facility workbook in which the office keeps sheets of its own under our tab names."""
    path = write_form(make_facility(81, persons=10), tmp_path / "kita.xlsx")
    book = openpyxl.load_workbook(path)
    for index, name in enumerate(USER_TABS):
        sheet = book.create_sheet(name)
        sheet["A1"] = f"Unsere eigene Liste {index}"
        sheet["B3"] = "Ziel: Fortbildung Sprache"
    book.save(path)
    return path


def test_a_users_sheet_with_our_tab_name_keeps_its_name_and_part(with_own_tabs: Path, tmp_path: Path) -> None:
    before = parts(with_own_tabs)
    user_parts = {e.name: e.part for e in Package.read(with_own_tabs).sheets() if e.name in USER_TABS}
    assert our_sheets(Package.read(with_own_tabs)) == []
    for _ in range(2):
        assert refresh_file(with_own_tabs, Settings()).status != FAILED
        after = parts(with_own_tabs)
        for name, part in user_parts.items():
            assert after[part] == before[part], name
        tabs = names(with_own_tabs)
        assert all(name in tabs for name in USER_TABS)
        assert {o.key for o in our_sheets(Package.read(with_own_tabs))} == set(SHEET_NAMES)
    assert "Prüfbericht (2)" in tabs and "Quote & Bedarf (2)" in tabs and "Gesprächsplanung (2)" in tabs
    target = tmp_path / "abgabe.xlsx"
    assert export_behoerde(with_own_tabs, target).status != FAILED
    kept = names(target)
    assert all(name in kept for name in USER_TABS)
    assert not any(name.endswith("(2)") or name == SHEET_NAMES["leitfaden"] for name in kept)
    exported = parts(target)
    for name, part in user_parts.items():
        assert exported[part] == before[part], name


def test_outputs_aimed_at_inputs_or_foreign_files_are_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "traeger"
    folder.mkdir()
    kita = write_form(make_facility(82, persons=8), folder / "kita.xlsx")
    other = write_form(make_facility(83, persons=8), folder / "kita-2.xlsx")
    before = {p: digest(p) for p in (kita, other)}
    cases = [
        ["refresh", str(folder), "--csv", str(kita)],
        ["refresh", str(folder), "--json", str(other)],
        ["refresh", str(kita), "--uebersicht", str(other)],
        ["termine", str(folder), "--ics", str(kita)],
    ]
    for argv in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert ("gelesen werden" in err or "nicht von kitameldung" in err) and "Traceback" not in err, argv
        assert {p: digest(p) for p in before} == before, argv  # nothing ran

    foreign = folder / "Traegeruebersicht.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "Unsere eigene Übersicht mit Budget"
    book.save(foreign)
    mine = digest(foreign)
    assert main(["refresh", str(folder)]) == 2
    assert "stammt nicht von kitameldung" in capsys.readouterr().err
    assert digest(foreign) == mine and {p: digest(p) for p in before} == before
    notes = tmp_path / "notizen.csv"
    notes.write_text("Name;Telefon\nMüller;123\n", encoding="utf-8")
    assert main(["refresh", str(kita), "--uebersicht", str(tmp_path / "u.xlsx"), "--csv", str(notes)]) == 2
    assert notes.read_text(encoding="utf-8").startswith("Name;Telefon")

    foreign.unlink()
    assert main(
        ["refresh", str(folder), "--csv", str(tmp_path / "a.csv"), "--json", str(tmp_path / "a.json")]
    ) in (0, 1)
    capsys.readouterr()
    again = ["refresh", str(folder), "--csv", str(tmp_path / "a.csv"), "--json", str(tmp_path / "a.json")]
    assert main(again) in (0, 1), capsys.readouterr().err  # our own outputs are replaced
    assert main(["termine", str(folder), "--ics", str(tmp_path / "t.ics")]) == 0
    assert main(["termine", str(folder), "--ics", str(tmp_path / "t.ics")]) == 0


def test_the_behoerdenfassung_never_replaces_a_foreign_file(tmp_path: Path) -> None:
    kita = write_form(make_facility(84, persons=8), tmp_path / "kita.xlsx")
    assert refresh_file(kita, Settings()).status != FAILED
    other = write_form(make_facility(85, persons=8), tmp_path / "andere.xlsx")
    mine = digest(other)
    outcome = export_behoerde(kita, other)
    assert outcome.status == FAILED and "stammt nicht von kitameldung" in outcome.message
    assert digest(other) == mine
    target = tmp_path / "abgabe.xlsx"
    assert export_behoerde(kita, target).status != FAILED
    assert export_behoerde(kita, target).status != FAILED  # our own Behördenfassung: replaced


def test_demo_never_touches_a_file_it_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "demo"
    assert main(["demo", str(folder)]) == 0
    assert main(["demo", str(folder)]) == 0  # its own files: written again
    victim = next(folder.glob("kita-01-*.xlsx"))
    shutil.copy(write_form(make_facility(86, persons=8), tmp_path / "eigen.xlsx"), victim)
    mine = digest(victim)
    capsys.readouterr()
    assert main(["demo", str(folder)]) == 2
    assert "nicht von der Demo" in capsys.readouterr().err and digest(victim) == mine
    victim.unlink()
    overview = folder / "Traegeruebersicht.xlsx"
    book = openpyxl.Workbook()
    book.save(overview)
    assert main(["demo", str(folder)]) == 2
