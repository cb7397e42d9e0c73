"""The Excel add-in without Excel: the built .xlam is read back (package, ribbon, VBA), and every
ribbon action runs against xlwings' own remote Book made from generated replica workbooks. What an
action writes must equal what the file writer writes for the same workbook."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
from livebook import actions, remote_book, sheet_position, written_cells
from oletools.olevba import VBA_Parser
from pyopenvba import ExcelFile
from roundtrip import ooxml_errors

from kitameldung.evaluation.staffing import leitung_share, soll_betreuung
from kitameldung.excel import TAGS, run
from kitameldung.excel.actions import MARKER, ActionError, check_live, pruefen
from kitameldung.excel.build import (
    ADDIN_NAME,
    RIBBON_REL_2006,
    RIBBON_REL_2009,
    VBA_PROJECT_NAME,
    build,
    macros_dir,
    ribbon_module_source,
)
from kitameldung.excel.live import LiveBook
from kitameldung.excel.udfs import KITA_FACHKRAFTQUOTE, KITA_LEITUNGSANTEIL, KITA_PERSONALBEDARF
from kitameldung.pipeline import Settings, check_file
from kitameldung.refresh import FAILED, refresh_file
from kitameldung.replica import Variation, make_facility, write_form
from kitameldung.replica.mistakes import bad_date, plant_person
from kitameldung.rules import load_rulebook
from kitameldung.sheets import SHEET_NAMES
from kitameldung.sheets import gespraechsplanung as gp
from kitameldung.workbook.sheetxml import serial

UI = "{http://schemas.microsoft.com/office/2006/01/customui}"
NOW = datetime(2026, 11, 22, 9, 30)


# ---------------------------------------------------------------------- the built add-in


@pytest.fixture(scope="module")
def addin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("addin") / ADDIN_NAME)


def _modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_the_built_addin_is_a_valid_macro_package(addin: Path) -> None:
    with zipfile.ZipFile(addin) as package:
        assert package.testzip() is None
        types = {e.get("ContentType") for e in ET.fromstring(package.read("[Content_Types].xml"))}
        assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in types
        assert "application/vnd.ms-office.vbaProject" in types
        rels = {e.get("Target"): e.get("Type") for e in ET.fromstring(package.read("_rels/.rels"))}
        ribbon = ET.fromstring(package.read("customUI/customUI.xml"))
        # Excel loads a 2006/01 customUI only through the 2006 relationship type, 2009/07 through 2007's
        expected = {
            "{http://schemas.microsoft.com/office/2006/01/customui}customUI": RIBBON_REL_2006,
            "{http://schemas.microsoft.com/office/2009/07/customui}customUI": RIBBON_REL_2009,
        }[ribbon.tag]
        assert rels["customUI/customUI.xml"] == expected
        assert package.read("customUI/customUI.xml") == (macros_dir() / "customUI.xml").read_bytes()
        names = [
            e.get("name")
            for e in ET.fromstring(package.read("xl/workbook.xml")).iter()
            if e.tag.endswith("}sheet")
        ]
        assert names == ["_kitameldung.conf"]
    with ExcelFile(addin) as book:
        assert book.vba_project().name == VBA_PROJECT_NAME
    assert ooxml_errors(addin) == []
    # a spreadsheet reader opens it as a workbook (it refuses broken packages)
    assert python_calamine.CalamineWorkbook.from_path(str(addin)).sheet_names == ["_kitameldung.conf"]


def test_every_button_resolves_to_a_vba_procedure_and_a_python_action(addin: Path) -> None:
    ui = ET.fromstring((macros_dir() / "customUI.xml").read_bytes())
    buttons = list(ui.iter(f"{UI}button"))
    assert len(buttons) == len(TAGS) == len({b.get("tag") for b in buttons})
    code = "\n".join(_modules(addin).values())
    procedures = set(re.findall(r"^(?:Public |Private )?Sub (\w+)\(", code, re.MULTILINE))
    for button in buttons:
        assert button.get("onAction") in procedures, button.get("id")
        assert button.get("tag") in TAGS, button.get("id")
        assert button.get("label") and button.get("screentip") and button.get("imageMso")
    assert {b.get("tag") for b in buttons} == set(TAGS)
    assert ui.find(f".//{UI}tab").get("label") == "Kita-Meldung"  # type: ignore[union-attr]


def test_olevba_reads_our_vba_back_unchanged(addin: Path) -> None:
    modules = _modules(addin)
    assert modules["KitaRibbon"].splitlines() == ribbon_module_source().splitlines()
    assert "RibbonMyAddin" not in modules  # the template's sample callback is gone
    assert 'Public Const PROJECT_NAME As String = "kitameldung"' in modules["xlwings"]
    assert "Function RunPython" in modules["xlwings"] or "Sub RunPython" in modules["xlwings"]


# ---------------------------------------------------------------------- actions on a remote Book


def _file_sheet(path: Path, name: str) -> dict[tuple[int, int], Any]:
    """What the file writer put into sheet `name`, as Excel's Range.Formula would show it."""
    sheet = openpyxl.load_workbook(path)[name]
    cells: dict[tuple[int, int], Any] = {}
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value
            if value is None:
                continue
            if isinstance(value, (datetime, date)):
                value = serial(value)
            formula = cell.data_type == "f"
            if cell.hyperlink is not None and cell.hyperlink.location:
                location = cell.hyperlink.location.replace('"', '""')
                shown = (
                    value[1:]
                    if formula
                    else (repr(value) if isinstance(value, (int, float)) else f'"{value}"')
                )
                value = f'=HYPERLINK("#{location}",{shown})'
            elif isinstance(value, str) and not formula and value.startswith(("=", "+", "-", "@")):
                value = "'" + value  # text that looks like a formula: Excel's apostrophe prefix
            cells[(cell.row, cell.column)] = value
    return cells


def _same_cells(live: dict[tuple[int, int], Any], written: dict[tuple[int, int], Any]) -> list[str]:
    wrong = []
    for key in sorted(set(live) | set(written)):
        a, b = live.get(key), written.get(key)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) < 1e-9:
            continue
        if a != b:
            wrong.append(f"{key}: live {a!r} ≠ file {b!r}")
    return wrong


def _twins(tmp_path: Path, facility_seed: int = 4, persons: int = 20) -> tuple[Path, Path]:
    """The same workbook twice: one for the remote Book, one for the file writer."""
    (tmp_path / "live").mkdir()
    (tmp_path / "file").mkdir()
    live = write_form(make_facility(facility_seed, persons=persons), tmp_path / "live" / "kita.xlsx")
    file = tmp_path / "file" / "kita.xlsx"
    shutil.copy(live, file)
    return live, file


@pytest.mark.parametrize(
    "tag, keys",
    [("pruefen", ("pruefbericht",)), ("quote", ("quote",)), ("planung", ("gespraechsplanung", "leitfaden"))],
)
def test_each_action_writes_what_the_file_writer_writes(
    tmp_path: Path, tag: str, keys: tuple[str, ...]
) -> None:
    live, file = _twins(tmp_path)
    book = remote_book(live)
    message = run(tag, book, Settings(), NOW)
    assert message
    assert refresh_file(file, Settings(), NOW).status != FAILED
    for key in keys:
        name = SHEET_NAMES[key]
        cells = written_cells(book, name)
        assert cells, name
        assert _same_cells(cells, _file_sheet(file, name)) == []


def test_planning_in_excel_keeps_what_people_typed(tmp_path: Path) -> None:
    live, file = _twins(tmp_path)
    assert refresh_file(live, Settings(), NOW).status != FAILED
    book = openpyxl.load_workbook(live)
    plan = book[SHEET_NAMES["gespraechsplanung"]]
    at = {f: gp.letter(f) for f in ("letztes", "status", "bemerkungen")}
    plan[f"{at['letztes']}23"], plan[f"{at['status']}24"] = date(2026, 2, 3), "eingeladen"
    plan[f"{at['bemerkungen']}25"] = "bitte Mentorin suchen"
    book.save(live)
    shutil.copy(live, file)
    remote = remote_book(live)
    run("planung", remote, Settings(), NOW)
    assert refresh_file(file, Settings(), NOW).status != FAILED
    cells = written_cells(remote, SHEET_NAMES["gespraechsplanung"])
    col = {f: gp.COL[f] for f in ("letztes", "status", "bemerkungen")}
    assert (
        cells[(23, col["letztes"])] == serial(date(2026, 2, 3)) and cells[(24, col["status"])] == "eingeladen"
    )
    assert cells[(25, col["bemerkungen"])] == "bitte Mentorin suchen"
    assert _same_cells(cells, _file_sheet(file, SHEET_NAMES["gespraechsplanung"])) == []


def _operations(tmp_path: Path, persons: int) -> tuple[int, int, int, int]:
    path = write_form(make_facility(9, persons=persons), tmp_path / f"p{persons}.xlsx")
    book = remote_book(path)
    sheets = len(book.sheets)
    live = LiveBook(book)
    pruefen(live, Settings(), NOW)
    return sheets, live.ops.reads, live.ops.writes, len(actions(book))


def test_a_renamed_planning_sheet_is_updated_live_under_its_name(tmp_path: Path) -> None:
    live, _ = _twins(tmp_path)
    assert refresh_file(live, Settings(), NOW).status != FAILED
    book = openpyxl.load_workbook(live)
    plan = book[SHEET_NAMES["gespraechsplanung"]]
    plan.title = "GP 2026"
    plan[f"{gp.letter('bemerkungen')}25"] = "bitte Mentorin suchen"
    book.save(live)
    remote = remote_book(live)
    run("planung", remote, Settings(), NOW)
    names = [s.name for s in remote.sheets]
    assert "GP 2026" in names and SHEET_NAMES["gespraechsplanung"] not in names
    assert written_cells(remote, "GP 2026")[(25, gp.COL["bemerkungen"])] == "bitte Mentorin suchen"


def test_pruefen_on_an_84_person_form_uses_a_bounded_number_of_bulk_operations(tmp_path: Path) -> None:
    sheets, reads, writes, recorded = _operations(tmp_path, 84)
    _, small_reads, small_writes, _ = _operations(tmp_path, 6)
    assert reads == small_reads == sheets + 1  # one bulk read per sheet, one of the form's old marks
    assert recorded == writes <= 60  # every write is one recorded range operation
    assert writes - small_writes <= 4  # 14 times the persons, (almost) the same operations


def test_pruefen_marks_the_offending_cells_without_touching_the_forms_formats(tmp_path: Path) -> None:
    facility = make_facility(6, persons=15)
    for rule, index in (("fuehrungszeugnis-fehlt", 2), ("fuehrungszeugnis-fehlt", 3), ("alter", 5)):
        facility = plant_person(facility, rule, index).facility
    facility = bad_date(facility).facility
    path = write_form(facility, tmp_path / "fehler.xlsx")
    result = check_file(path)
    book = remote_book(path)
    run("pruefen", book, Settings(), NOW)
    form = result.meldung.sheet  # type: ignore[union-attr]
    position = sheet_position(book, form)
    on_form = [a for a in actions(book) if a["sheet_position"] == position]
    assert on_form and {a["func"] for a in on_form} == {"addConditionalFormat"}  # nothing else
    marked = set()
    for action in on_form:
        assert MARKER in action["args"][0]["formula"]
        for r in range(action["row_count"]):
            marked.add((action["start_row"] + r + 1, action["start_column"] + 1))
    expected = {
        (int(re.sub(r"\D", "", f.cell)), openpyxl.utils.column_index_from_string(re.sub(r"\d", "", f.cell)))
        for f in result.findings
        if f.cell and f.sheet == form
    }
    assert marked == expected and len(expected) >= 4
    assert len(on_form) < len(expected)  # the two Führungszeugnis cells below each other: one run


def test_markierungen_entfernen_leaves_the_form_alone_where_rules_cannot_be_listed(tmp_path: Path) -> None:
    path = write_form(make_facility(6, persons=8), tmp_path / "k.xlsx")
    book = remote_book(path)
    message = run("markierungen", book, Settings(), NOW)
    assert message.startswith("0 Markierungen entfernt") and actions(book) == []


def test_regelstand_names_rule_version_assumptions_and_sources(tmp_path: Path) -> None:
    path = write_form(make_facility(6, persons=8), tmp_path / "k.xlsx")
    text = run("regelstand", remote_book(path), Settings(), NOW)
    assert (
        "Betreuungsschlüssel ab 01.08.2024: Krippe 1 : 4,25" in text
        and "Vollzeit (Std./Woche) für VZÄ" in text
    )
    assert "eingebaute Regeldaten 2026-12, geprüft am 03.12.2026" in text
    assert "Krippe 1 : 4, Kindergarten 1 : 10 ab 01.01.2027 – geplant, nicht in Kraft" in text
    assert "Quellen:" in text and "KitaG" in text


def test_behoerde_from_a_remote_book_without_a_file_asks_to_save_first(tmp_path: Path) -> None:
    book = remote_book(write_form(make_facility(6, persons=8), tmp_path / "k.xlsx"))
    with pytest.raises(ActionError, match="zuerst speichern"):
        run("behoerde", book)


def test_folder_refresh_writes_every_file_and_the_overview(tmp_path: Path) -> None:
    from kitameldung.excel import refresh_folder

    for seed in (1, 2):
        write_form(make_facility(seed, persons=8), tmp_path / f"kita-{seed}.xlsx")
    overview = refresh_folder(tmp_path, Settings())
    assert overview.name == "Traegeruebersicht.xlsx" and overview.exists()
    for seed in (1, 2):
        names = openpyxl.load_workbook(tmp_path / f"kita-{seed}.xlsx", read_only=True).sheetnames
        assert SHEET_NAMES["pruefbericht"] in names


# ---------------------------------------------------------------------- worksheet functions


def test_udfs_give_the_cores_numbers() -> None:
    rules = load_rulebook()
    day = date(2025, 10, 1)
    assert KITA_FACHKRAFTQUOTE(
        [["§ 9 Fachkraft"], ["§ 12 Ergänzungskraft"], ["Fachkraft (§§ 9-11)"], [None]],
        [[30.0], [20.0], [50.0], [None]],
    ) == pytest.approx(0.8)
    assert KITA_FACHKRAFTQUOTE([["§ 12"]], [[0]]) == ""
    assert KITA_FACHKRAFTQUOTE([["Praktikant"]], [[10]]).startswith("Fehler")
    places = [[2, 10], [6, 34], [15, 5]]
    expected = soll_betreuung(
        {"krippe": (2, 10), "kindergarten": (6, 34), "hort": (15, 5)}, rules.key_for(day), rules
    )  # type: ignore[arg-type]
    assert KITA_PERSONALBEDARF(places, datetime(2025, 10, 1)) == pytest.approx(float(expected))
    assert KITA_PERSONALBEDARF(places, 45931.0) == pytest.approx(7.476078, abs=1e-6)  # Excel's day number
    assert KITA_PERSONALBEDARF(places, "01.10.2024") == pytest.approx(7.476078, abs=1e-6)
    assert KITA_PERSONALBEDARF([[1, 2]], day).startswith("Fehler")
    share = leitung_share(expected, rules.leitung_for(day))  # type: ignore[arg-type]
    assert KITA_LEITUNGSANTEIL(float(expected), day) == pytest.approx(float(share))
    assert KITA_LEITUNGSANTEIL(4.0, day) == pytest.approx(0.0625 + 0.125)  # band edge inclusive
    assert KITA_LEITUNGSANTEIL("x", day).startswith("Fehler")


def test_variations_of_the_form_are_read_live_as_from_the_file(tmp_path: Path) -> None:
    path = write_form(
        make_facility(7, persons=12), tmp_path / "v.xlsx", "v2023-68", Variation(wording=True, seed=2)
    )
    file_result = check_file(path)
    book = remote_book(path)
    live_result = check_live(LiveBook(book), Settings()).result
    assert [f.as_json() for f in live_result.findings] == [f.as_json() for f in file_result.findings]
    assert live_result.staffing == file_result.staffing


# ---------------------------------------------------------------------- install


def test_install_on_windows_puts_the_addin_into_xlstart_and_names_the_interpreter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from kitameldung.excel.build import install, places, status

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    message = install()
    where = places()
    assert where.xlstart == tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    assert (where.xlstart / ADDIN_NAME).is_file() and "Excel neu starten" in message
    config = where.config.read_text(encoding="utf-8")
    assert config.splitlines() == [
        f'"INTERPRETER_WIN","{sys.executable}"',
        '"UDF MODULES","kitameldung.excel"',
    ]
    assert where.config == tmp_path / "home" / ".kitameldung" / "kitameldung.conf"  # where xlwings' VBA looks
    assert "Add-in: installiert" in status()


def test_install_on_linux_explains_in_german(capsys) -> None:
    from kitameldung.cli import main

    assert main(["addin", "install"]) == 2
    assert "nur unter Windows oder macOS" in capsys.readouterr().err


def test_formulas_typed_into_the_planning_stay_formulas_in_excel(tmp_path: Path) -> None:
    """Excel gives the planning sheet's formulas with one more bulk read (the remote Book cannot,
    see LiveBook._formulas); from there they travel like in the file refresh."""
    from kitameldung.excel.actions import check_live
    from kitameldung.excel.actions import our_sheets as live_sheets
    from kitameldung.excel.live import formulas_of
    from kitameldung.form.workbook import Sheet, open_sheets
    from kitameldung.sheets.spec import Formula, SheetSpec

    path = write_form(make_facility(61), tmp_path / "kita.xlsx")
    assert refresh_file(path, Settings(), NOW).status != FAILED
    sheets = open_sheets(path)
    planning = next(s for s in sheets if s.name == SHEET_NAMES["gespraechsplanung"])
    column = gp.COL["bemerkungen"] - 1
    grid = [["" for _ in row] for row in planning.rows]
    grid[22][column] = '="siehe "&A23'  # what Excel's Range.Formula gives for the first person
    assert formulas_of(grid) == {(22, column): '"siehe "&A23'}
    with_formulas = [
        Sheet(s.name, s.visible, s.rows, s.merged, formulas_of(grid) if s is planning else {}) for s in sheets
    ]

    class SheetsPort:  # the workbook port, serving what Excel's bulk reads would give
        name = path.name

        def read_sheets(self) -> list[Sheet]:
            return with_formulas

        def write_sheets(self, specs: list[SheetSpec]) -> None:
            raise AssertionError("not written here")

    checked = check_live(SheetsPort(), Settings())
    spec = next(s for s in live_sheets(checked, ("gespraechsplanung",), NOW) if s.key == "gespraechsplanung")
    cell = spec.cells[(23, gp.COL["bemerkungen"])].value
    assert isinstance(cell, Formula) and cell.text == '"siehe "&A23'


def test_the_addin_reaches_a_providers_rule_file_through_its_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = tmp_path / "regeln-2027.toml"
    rules.write_text('[[schluessel]]\nab = 2027-01-01\nkrippe = "4"\nquelle = "Novelle"\n', encoding="utf-8")
    config = tmp_path / "kitameldung.toml"
    config.write_text('[regeln]\ndatei = "regeln-2027.toml"\n', encoding="utf-8")
    monkeypatch.setenv("KITAMELDUNG_CONFIG", str(config))
    path = write_form(make_facility(6, date(2027, 2, 1), persons=8), tmp_path / "k.xlsx")
    text = run("regelstand", remote_book(path), None, NOW)
    assert "Betreuungsschlüssel ab 01.01.2027: Krippe 1 : 4," in text
    assert f"Regeldatei {rules}" in text
    config.write_text('[regeln]\ndatei = "fehlt.toml"\n', encoding="utf-8")
    with pytest.raises(ActionError, match="fehlt.toml wurde nicht gefunden"):
        run("regelstand", remote_book(path), None, NOW)
