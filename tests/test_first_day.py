"""A provider office's first day: no false results from a form we misread, a complete overview,
German throughout, pages that print, an outlook that says why it changes."""

from __future__ import annotations

import contextlib
import json
import random
import re
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from kitameldung.address import a1_parts
from kitameldung.cli import main
from kitameldung.pipeline import Settings, check_file
from kitameldung.planning.projection import project
from kitameldung.refresh import FAILED, refresh_file
from kitameldung.replica import make_facility, write_form
from kitameldung.rules import load_rulebook
from kitameldung.rules.catalogue import load_catalogue
from kitameldung.workbook.package import Package

from conftest import cycles

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ENGLISH = re.compile(
    r"\b(usage|error|invalid|required|arguments?|No such file|Permission denied|Traceback|not found|"
    r"choose from|show this help)\b"
)


def _relabel(path: Path, old: str, new: str) -> Path:
    book = openpyxl.load_workbook(path)
    sheet = book["Personalmeldung"]
    for row in sheet.iter_rows(max_row=25):
        for cell in row:
            if cell.value == old:
                cell.value = new
    book.save(path)
    return path


def test_a_relabelled_hours_column_is_formular_unbekannt_not_a_shortage(tmp_path: Path, capsys) -> None:
    path = _relabel(
        write_form(make_facility(80), tmp_path / "k.xlsx"), "davon pädagogisch tätig", "Std. Gruppe"
    )
    assert main(["check", "--json", str(path)]) == 1
    doc = json.loads(capsys.readouterr().out)
    rules = {f["rule"] for f in doc["findings"]}
    assert "formular-unbekannt" in rules and not {"personalbemessung", "fachkraftquote"} & rules
    assert doc["staffing"] is None
    message = next(f["message"] for f in doc["findings"] if f["rule"] == "formular-unbekannt")
    assert "davon pädagogisch tätig" in message and "inspect" in message and "--profil" in message
    main(["check", str(path)])
    text = capsys.readouterr().out
    assert "0,00 VZÄ" not in text and "nicht berechnet" in text
    assert refresh_file(path, Settings()).status != FAILED
    assert "Quote & Bedarf" not in openpyxl.load_workbook(path, read_only=True).sheetnames


def test_refreshing_one_file_keeps_the_folders_overview_complete(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "traeger"
    folder.mkdir()
    files = [write_form(make_facility(81 + i), folder / f"kita-{i}.xlsx") for i in range(3)]
    assert main(["refresh", str(folder), "--quiet"]) in (0, 1)
    assert main(["refresh", str(files[0]), "--quiet"]) in (0, 1)
    capsys.readouterr()
    sheet = openpyxl.load_workbook(folder / "Traegeruebersicht.xlsx")["Übersicht"]
    listed = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1]}
    assert {p.name for p in files} <= listed
    # a mistyped file name writes no overview over the folder's
    before = (folder / "Traegeruebersicht.xlsx").read_bytes()
    assert main(["refresh", str(folder / "kita-9.xlsx"), "--quiet"]) == 2
    assert (folder / "Traegeruebersicht.xlsx").read_bytes() == before
    # a file open in Excel stays in the overview with its last figures, and the run says so
    (folder / "~$kita-1.xlsx").write_bytes(b"")
    assert main(["refresh", str(folder), "--quiet"]) == 2
    out = capsys.readouterr().out
    assert "1 gesperrt" in out and "kita-1.xlsx: in Excel oder LibreOffice geöffnet" in out
    sheet = openpyxl.load_workbook(folder / "Traegeruebersicht.xlsx")["Übersicht"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True) if row[1]}
    state = [c.value for c in sheet[1]].index("Stand dieser Zeile")
    assert rows["kita-1.xlsx"][3] is not None and str(rows["kita-1.xlsx"][state]).startswith(
        "geöffnet – nicht aktualisiert"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["check", "--help"],
        ["refresh", "--help"],
        ["check"],
        ["frobnicate"],
        ["check", "--schwere", "kaum", "x.xlsx"],
        ["check", "fehlt.xlsx"],
        ["refresh", "fehlt.xlsx", "--quiet"],
        ["inspect", "fehlt.xlsx"],
        ["export", "fehlt.xlsx", "--behoerde", "b.xlsx"],
        ["--version"],
    ],
)
def test_no_english_on_the_common_paths(argv: list[str], capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with contextlib.suppress(SystemExit):
        main(argv)
    out, err = capsys.readouterr()
    assert not ENGLISH.search(out + err), out + err
    if argv == ["--version"]:
        assert out.startswith("kitameldung ")


def test_singular_and_plural_in_german(tmp_path: Path, capsys) -> None:
    path = write_form(make_facility(85), tmp_path / "k.xlsx")
    main(["check", str(path)])
    out = capsys.readouterr().out
    assert "1 Datei geprüft" in out and "1 Dateien" not in out


def test_our_sheets_print_landscape_fit_to_width_with_repeated_headers(tmp_path: Path) -> None:
    path = write_form(make_facility(86), tmp_path / "k.xlsx")
    assert refresh_file(path, Settings()).status != FAILED
    package = Package.read(path)
    book = ET.fromstring(package.get(package.workbook) or b"")
    titles = {
        int(e.get("localSheetId", -1)): e.text
        for e in book.iter(f"{MAIN}definedName")
        if e.get("name") == "_xlnm.Print_Titles"
    }
    sheets = package.sheets()
    by_name = {s.name: s for s in sheets}
    assert titles[by_name["Gesprächsplanung"].index] == "'Gesprächsplanung'!$A:$A,'Gesprächsplanung'!$22:$22"
    assert by_name["Prüfbericht"].index in titles
    for entry in sheets[3:]:
        root = ET.fromstring(package.get(entry.part or "") or b"")
        setup = root.find(f"{MAIN}pageSetup")
        assert setup is not None and setup.get("orientation") == "landscape"
        if setup.get("fitToWidth") == "1":  # fits the page width at a legible size
            assert root.find(f"{MAIN}sheetPr/{MAIN}pageSetUpPr").get("fitToPage") == "1"
        else:  # too wide for that: printed at a legible scale, the names repeated on every page
            assert int(setup.get("scale", "0")) >= 65 and entry.name == "Gesprächsplanung"
        widths = {int(c.get("min")): float(c.get("width")) for c in root.iter(f"{MAIN}col")}
        for cell in root.iter(f"{MAIN}c"):
            style_text = "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
            if style_text == "Deckungsgrad":
                column = a1_parts(cell.get("r", ""))[1]
                assert widths.get(column, 8.43) >= len("Deckungsgrad")


@pytest.mark.parametrize("seed", range(cycles(20)))
def test_every_change_in_the_outlook_has_its_reason(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    stichtag = date(2022, 1, 1) + (date(2026, 10, 1) - date(2022, 1, 1)) * rng.random()
    path = write_form(make_facility(900 + seed, stichtag), tmp_path / "k.xlsx")
    result = check_file(path)
    assert result.meldung is not None
    points = project(result.meldung, stichtag, load_rulebook(), Settings().params, load_catalogue())
    for before, after in zip(points, points[1:]):
        changed = (before.fachkraftquote, before.deckungsgrad, before.quota_ok, before.coverage_ok) != (
            after.fachkraftquote,
            after.deckungsgrad,
            after.quota_ok,
            after.coverage_ok,
        )
        if changed:
            assert after.changes, (before.day, after.day)


def test_planning_knows_ended_contracts_and_first_use(tmp_path: Path) -> None:
    facility = make_facility(87, date(2025, 10, 1)).copy()
    facility.staff[0].ende = date.today().replace(day=1)  # ended this month (or today)
    path = write_form(facility, tmp_path / "k.xlsx")
    assert refresh_file(path, Settings()).status != FAILED
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
    plan = openpyxl.load_workbook(path, data_only=True)["Gesprächsplanung"]
    lights = [c.value for row in plan.iter_rows(min_row=23) for c in row if isinstance(c.value, str)]
    assert "überfällig" not in lights  # nobody has a talk on record yet
    assert "kein Gespräch erfasst" in lights
