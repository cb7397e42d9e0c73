"""Values as real files hold them: the 1904 date system, error values, formulas without stored
results, implausible dates, rich text, and who is not counted."""

from __future__ import annotations

import os
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from lawcases import with_trainee
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from kitameldung.form.workbook import open_sheets
from kitameldung.pipeline import Settings, check_file
from kitameldung.planning.overview import talk_counts
from kitameldung.refresh import FAILED, refresh_file
from kitameldung.render.json_out import result_json
from kitameldung.render.text import summary
from kitameldung.replica import make_facility, write_form
from kitameldung.sheets import SHEET_NAMES
from kitameldung.workbook.fingerprint import ResultCache, settings_key
from kitameldung.workbook.grid import read_grid
from kitameldung.workbook.package import Package

FIXTURES = Path(__file__).parent / "fixtures" / "excel"
NOW = datetime(2026, 11, 2, 9)


def rules_at(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in check_file(path, Settings(today=NOW.date())).findings:
        found.setdefault(finding.rule, []).append(finding.cell or "")
    return found


# ---------------------------------------------------------------------- the 1904 date system


def test_a_workbook_excel_saved_in_1904_reads_its_dates() -> None:
    """date_1904_02.xlsx was written by Excel (XlsxWriter's comparison files, BSD-2-Clause)."""
    path = FIXTURES / "date_1904_02.xlsx"
    package = Package.read(path)
    sheet = next(e for e in package.sheets())
    grid = read_grid(package, sheet.part or "")
    expected = [date(1906, 9, 27), date(1917, 9, 9), date(1931, 5, 19), date(2177, 10, 15)]
    assert [row[0].date() if isinstance(row[0], datetime) else row[0] for row in grid.rows[1:5]] == expected
    assert open_sheets(path)[0].date1904


def _as_1904(path: Path) -> Path:
    """The replica as Mac Excel keeps it: the same days, counted from 1904."""
    book = openpyxl.load_workbook(path)
    book.epoch = CALENDAR_MAC_1904
    book.save(path)
    return path


def test_our_sheets_write_dates_in_the_workbooks_date_system(tmp_path: Path, libreoffice) -> None:
    facility = make_facility(71, date(2026, 10, 1), persons=8)
    path = _as_1904(write_form(facility, tmp_path / "mac.xlsx"))
    result = check_file(path, Settings(today=NOW.date()))
    assert result.meldung is not None and result.meldung.stichtag == date(2026, 10, 1)
    assert refresh_file(path, Settings(), NOW).status != FAILED
    shown = openpyxl.load_workbook(path)  # openpyxl reads day numbers in the file's system
    report = shown[SHEET_NAMES["pruefbericht"]]
    assert report["B7"].value.date() == date(2026, 10, 1)  # Stichtag
    assert report["B8"].value.replace(microsecond=0) == NOW  # Geprüft am
    planning = shown[SHEET_NAMES["gespraechsplanung"]]
    begins = [c.value for c in planning["D"][22:30] if isinstance(c.value, datetime)]
    assert begins and all(b.date() in {m.beginn for m in facility.staff} for b in begins)
    # a second refresh finds its own "Geprüft am" and the file unchanged
    assert refresh_file(path, Settings(), datetime(2026, 11, 3, 9)).status == "unverändert"
    # the live formulas (Ampel against TODAY()) agree in LibreOffice
    (recalculated,) = libreoffice.convert_many([path], tmp_path / "lo")
    live = openpyxl.load_workbook(recalculated, data_only=True)[SHEET_NAMES["gespraechsplanung"]]
    lights = [c.value for c in live["N"][22:30] if c.value]
    assert lights and "überfällig" not in lights  # no talk on record: "kein Gespräch erfasst" or future


def test_typed_planning_dates_are_read_in_the_1904_system(tmp_path: Path) -> None:
    path = _as_1904(write_form(make_facility(72, date(2026, 10, 1), persons=8), tmp_path / "mac.xlsx"))
    assert refresh_file(path, Settings(), NOW).status != FAILED
    book = openpyxl.load_workbook(path)
    planning = book[SHEET_NAMES["gespraechsplanung"]]
    planning["J23"] = datetime(2026, 3, 3)  # letztes Jahresgespräch, typed in Excel
    book.save(path)
    outcome = refresh_file(path, Settings(), NOW)
    assert outcome.status != FAILED
    due = openpyxl.load_workbook(path, data_only=True)[SHEET_NAMES["gespraechsplanung"]]["K23"].value
    assert due is not None and due.date() == date(2027, 3, 3)
    assert talk_counts(outcome.planning or {}, NOW.date()).get("überfällig", 0) == 0


def test_the_result_cache_tells_the_date_systems_apart(tmp_path: Path) -> None:
    path = write_form(make_facility(73, persons=8), tmp_path / "k.xlsx")
    assert refresh_file(path, Settings(), NOW).status != FAILED  # the cache keeps refreshed files
    cache = ResultCache(tmp_path / "cache")
    key = settings_key(Settings())
    cache.store(path, key, {"ok": True})
    assert cache.lookup(path, key) == {"ok": True}
    with zipfile.ZipFile(path) as archive:
        files = {i.filename: archive.read(i) for i in archive.infolist()}
    book = files["xl/workbook.xml"].decode()
    files["xl/workbook.xml"] = book.replace("<workbookPr", '<workbookPr date1904="1"', 1).encode()
    assert files["xl/workbook.xml"] != book.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    assert cache.lookup(path, key) is None


# ---------------------------------------------------------------------- errors and formulas


def _edit_form(path: Path, cells: dict[str, object]) -> Path:
    book = openpyxl.load_workbook(path)
    sheet = book["Personalmeldung"]
    for ref, value in cells.items():
        sheet[ref] = value
    book.save(path)  # openpyxl writes formulas without results, as non-calculating programs do
    return path


def test_error_values_are_findings_that_name_them(tmp_path: Path) -> None:
    path = _edit_form(
        write_form(make_facility(74, persons=8), tmp_path / "k.xlsx"), {"K24": "#REF!", "E23": "#N/A"}
    )
    found = check_file(path, Settings(today=NOW.date()))
    errors = {f.cell: f.message for f in found.findings if f.rule == "wert-fehlerhaft"}
    assert set(errors) == {"K24", "E23"}
    assert "„#REF!“ in K24" in errors["K24"] and "„#N/A“ in E23" in errors["E23"]
    document = result_json(found)
    assert document["staffing"]["personen_gezaehlt"] == 7  # the #N/A Zuordnung is not counted


def test_formulas_without_results_are_computed_where_plain_and_flagged_otherwise(tmp_path: Path) -> None:
    facility = make_facility(75, persons=8)
    path = write_form(facility, tmp_path / "k.xlsx")
    plain = {"D9": "=DATE(2025,10,1)", "E14": "=1+1", "F15": "=SUM(F14,3)*2"}
    _edit_form(path, plain | {"F16": "=Listen!A1*2"})
    result = check_file(path, Settings(today=NOW.date()))
    assert result.meldung is not None
    assert result.meldung.stichtag == date(2025, 10, 1)
    places = result.meldung.places or {}
    long_krippe = facility.places["krippe"][1]
    assert places["krippe"].short.value == 2
    assert places["kindergarten"].long.value == (long_krippe + 3) * 2
    flagged = [f for f in result.findings if f.rule == "formel-ohne-ergebnis"]
    assert [f.cell for f in flagged] == ["F16"] and "in Excel öffnen und speichern" in flagged[0].message
    assert places["hort"].long.value is None and places["hort"].long.invalid


def test_a_year_alone_or_an_ancient_date_is_invalid(tmp_path: Path) -> None:
    path = _edit_form(
        write_form(make_facility(76, persons=8), tmp_path / "k.xlsx"),
        {"P22": 2024, "P23": "2024", "M24": datetime(1905, 7, 16), "C25": date(1899, 3, 1)},
    )
    found = rules_at(path)
    assert {"P22", "P23", "M24", "C25"} <= set(found["wert-ungueltig"])


def test_rich_text_keeps_the_space_between_runs(tmp_path: Path) -> None:
    """rich_string01.xlsx (Excel-written, XlsxWriter, BSD-2-Clause) with runs written without
    xml:space="preserve", as several programs write them."""
    target = tmp_path / "runs.xlsx"
    with zipfile.ZipFile(FIXTURES / "rich_string01.xlsx") as archive:
        files = {i.filename: archive.read(i) for i in archive.infolist()}
    strings = files["xl/sharedStrings.xml"].decode()
    strings = strings.replace("<r><t>a</t></r>", "<r><t>Braun, </t></r>").replace("<t>bc</t>", "<t>Ines</t>")
    files["xl/sharedStrings.xml"] = strings.encode()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    rows = open_sheets(target)[0].rows
    assert rows[2][0] == "Braun, Inesdefg"


def test_json_and_text_agree_on_who_is_not_counted(tmp_path: Path) -> None:
    facility = with_trainee(77, date(2026, 10, 1))
    facility.staff[-1].paragraph = None  # a Praktikantin without Zuordnung
    path = write_form(facility, tmp_path / "k.xlsx")
    result = check_file(path, Settings(today=NOW.date()))
    document = result_json(result)
    assert "auszubildende-nicht-gezaehlt" in {f["rule"] for f in document["findings"]}
    assert document["staffing"]["in_ausbildung_nicht_gezaehlt"] == 1
    assert document["staffing"]["nicht_gezaehlt"]["in_ausbildung"] == 1
    assert "Nicht gezählt: 1 Person in Ausbildung bzw. im Praktikum" in summary(result)


@pytest.fixture(autouse=True, scope="module")
def _fixtures_present() -> None:
    assert (FIXTURES / "date_1904_02.xlsx").is_file() and (FIXTURES / "LICENSE-XlsxWriter.txt").is_file()


# ---------------------------------------------------------------------- what a file is


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_files_that_are_no_excel_workbook_are_named_for_what_they_are(tmp_path: Path, libreoffice) -> None:
    word = _zip(
        tmp_path / "brief.xlsx",
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "word/document.xml": b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'/>",
        },
    )
    binary = _zip(
        tmp_path / "binaer.xlsx", {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01"}
    )
    ods = libreoffice.convert(
        write_form(make_facility(78, persons=8), tmp_path / "k.xlsx"), tmp_path / "ods", "ods"
    )
    renamed = tmp_path / "tabelle.xlsx"
    shutil.copy(ods, renamed)
    expected = {
        word: "Word-Dokument",
        binary: "Excel-Binärarbeitsmappe (.xlsb)",
        renamed: "OpenDocument-Tabelle (.ods)",
    }
    for path, what in expected.items():
        result = check_file(path)
        assert not result.ok and what in (result.error or ""), result.error
        assert "beschädigt" not in (result.error or "") and "nicht gefunden" not in (result.error or "")


def test_a_file_name_in_old_windows_bytes_is_processed_and_shown_readably(tmp_path: Path) -> None:
    import subprocess
    import sys

    folder = tmp_path / "alt"
    folder.mkdir()
    source = write_form(make_facility(79, persons=8), tmp_path / "k.xlsx")
    odd = Path(os.fsdecode(os.fsencode(folder) + b"/M\xfcller.xlsx"))
    shutil.copy(source, odd)
    run = subprocess.run(
        [sys.executable, "-m", "kitameldung.cli", "refresh", str(folder), "--quiet"],
        capture_output=True,
        timeout=300,
    )
    out = run.stdout.decode("utf-8")  # readable: valid UTF-8 throughout
    assert run.returncode in (0, 1), out + run.stderr.decode("utf-8", "replace")
    assert "1 aktualisiert" in out
    check = subprocess.run(
        [sys.executable, "-m", "kitameldung.cli", "check", str(folder), "--json"],
        capture_output=True,
        timeout=300,
    )
    assert '"file": "Müller.xlsx"' in check.stdout.decode("utf-8")
    overview = openpyxl.load_workbook(folder / "Traegeruebersicht.xlsx")["Übersicht"]
    assert any(c.value == "Müller.xlsx" for row in overview.iter_rows() for c in row)


def test_a_workbook_without_styles_gets_our_dates_formatted_and_back_without(tmp_path: Path) -> None:
    from roundtrip import ooxml_errors, parts

    from kitameldung.refresh.behoerde import export_behoerde

    path = write_form(make_facility(80, persons=8), tmp_path / "k.xlsx")
    files = parts(path)
    del files["xl/styles.xml"]
    rels = files["xl/_rels/workbook.xml.rels"].decode()
    files["xl/_rels/workbook.xml.rels"] = "".join(
        part + ">" for part in rels.split(">")[:-1] if "relationships/styles" not in part
    ).encode()
    types = files["[Content_Types].xml"].decode()
    files["[Content_Types].xml"] = "".join(
        part + ">" for part in types.split(">")[:-1] if "styles+xml" not in part
    ).encode()
    _zip(path, files)
    original = parts(path)
    assert refresh_file(path, Settings(), NOW).status != FAILED
    assert ooxml_errors(path) == []
    report = openpyxl.load_workbook(path)[SHEET_NAMES["pruefbericht"]]
    assert isinstance(report["B8"].value, datetime)  # a date, not the day number
    target = tmp_path / "abgabe.xlsx"
    assert export_behoerde(path, target).status != FAILED
    assert parts(target) == original


def test_text_dates_in_the_planning_are_read_and_what_is_no_date_is_said(tmp_path: Path) -> None:
    from roundtrip import planning_values, type_planning

    from kitameldung.cli import main

    path = write_form(make_facility(81, date(2026, 10, 1), persons=8), tmp_path / "k.xlsx")
    assert refresh_file(path, Settings(), NOW).status != FAILED
    keys = list(planning_values(path))
    type_planning(
        path,
        {
            keys[0]: {"geplanter Termin (Datum Uhrzeit)": "15.01.2027 10:00"},  # pasted from a calendar
            keys[1]: {"letztes Jahresgespräch": "03.03.2026"},
            keys[2]: {"letztes Jahresgespräch": "nächste Woche"},
        },
    )
    book = openpyxl.load_workbook(path)  # a copy of the header row pasted into the table
    sheet = book[SHEET_NAMES["gespraechsplanung"]]
    header = [c.value for c in sheet[22]]
    sheet.insert_rows(25)
    for col, value in enumerate(header, start=1):
        sheet.cell(25, col, value)
    book.save(path)
    outcome = refresh_file(path, Settings(), NOW)
    assert outcome.status != FAILED
    assert "Kein Datum erkannt in 1 Einträgen" in outcome.message and "nächste Woche" in outcome.message
    values = planning_values(path)
    assert values[keys[0]]["geplanter Termin (Datum Uhrzeit)"] == datetime(2027, 1, 15, 10, 0)
    assert values[keys[1]]["letztes Jahresgespräch"] == datetime(2026, 3, 3)
    assert values[keys[1]]["Ampel"] != "kein Gespräch erfasst"
    assert values[keys[2]]["letztes Jahresgespräch"] == "nächste Woche"
    assert len([k for k in values if k.startswith("P-")]) == 8  # the pasted header is no person …
    assert "Kennung (nicht ändern)" in values  # … and is left where it was
    shown = openpyxl.load_workbook(path)[SHEET_NAMES["gespraechsplanung"]]
    assert any("Kein Datum erkannt" in str(c.value) for row in shown.iter_rows(max_row=21) for c in row)
    assert main(["termine", str(path), "--ics", str(tmp_path / "t.ics"), "--von", "01.01.2027"]) == 0
    assert "DTSTART:20270115T100000" in (tmp_path / "t.ics").read_text(encoding="utf-8")
