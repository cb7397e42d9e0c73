"""Files that real spreadsheet programs saved: refresh → another program saves → refresh again.

After every round trip the form reads exactly as before (`check --json`), what people typed into
the Gesprächsplanung stays with their person, every package we write passes the OOXML validator,
and the Behördenfassung holds no planning text and carries the authority's parts unchanged.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from roundtrip import (
    REGISTRY,
    excel_shape,
    form_reading,
    ooxml_errors,
    parts,
    planning_sheets,
    planning_values,
    resave_openpyxl,
    type_planning,
    xml_texts,
)

from kitameldung.batch.runner import SKIPPED, refresh_many
from kitameldung.pipeline import Settings
from kitameldung.refresh import FAILED, WRITTEN, refresh_file
from kitameldung.refresh.behoerde import export_behoerde
from kitameldung.replica import make_facility, write_form
from kitameldung.sheets import SHEET_NAMES
from kitameldung.workbook.ours import own_file_kind, sheet_name_key

pytestmark = pytest.mark.slow

VARIANTS = ("v2025-84", "v2023-68", "v2023-37")
PLAN = SHEET_NAMES["gespraechsplanung"]


def refresh(path: Path) -> None:
    outcome = refresh_file(path, Settings(), datetime(2026, 11, 22, 9, 0))
    assert outcome.status != FAILED, outcome.message


def typed_texts(path: Path, tag: str) -> dict[str, dict[str, str]]:
    """A confidential remark and a goal for the first three persons of the planning sheet."""
    keys = list(planning_values(path))[:3]
    return {
        key: {
            "Bemerkungen": f"vertraulich {tag} {n} Gesundheit",
            "vereinbarte Ziele": f"Ziel {tag} {n} Leitung",
        }
        for n, key in enumerate(keys)
    }


def assert_typed_kept(path: Path, typed: dict[str, dict[str, str]], sheet: str | None = None) -> None:
    values = planning_values(path, sheet)
    for key, entries in typed.items():
        for header, text in entries.items():
            assert values[key][header] == text, (key, header)


def assert_behoerde_clean(work: Path, target: Path, typed: dict[str, dict[str, str]]) -> None:
    outcome = export_behoerde(work, target)
    assert outcome.status == WRITTEN, outcome.message
    texts = xml_texts(target)
    for entries in typed.values():
        assert not set(entries.values()) & texts
    names = {sheet_name_key(n) for n in openpyxl.load_workbook(target, read_only=True).sheetnames}
    assert not names & {sheet_name_key(n) for n in SHEET_NAMES.values()}
    assert planning_sheets(target) == []
    assert own_file_kind(target) == "behoerdenfassung"
    assert ooxml_errors(target) == []


def assert_authority_parts_unchanged(saved: dict[str, bytes], target: Path) -> None:
    """Every part the other program wrote for the authority's sheets is in the Behördenfassung
    byte for byte (only registry parts may differ)."""
    ours = set(xml_texts_parts_of_ours(saved))
    after = parts(target)
    for name, data in saved.items():
        if name in REGISTRY or name in ours:
            continue
        assert after.get(name) == data, name


def xml_texts_parts_of_ours(saved: dict[str, bytes]) -> list[str]:
    """Worksheet parts holding our marker cell (found by parsing them, shared strings resolved)."""
    from kitameldung.sheets.spec import marker_key
    from kitameldung.workbook.cells import shared_strings, sheet_cells

    strings = shared_strings(saved.get("xl/sharedStrings.xml"))
    found = []
    for name, data in saved.items():
        if not name.startswith("xl/worksheets/") or not name.endswith(".xml"):
            continue
        for cell in sheet_cells(data, max_row=3).cells:
            text = strings[cell.shared_index] if cell.shared_index is not None else cell.value
            if marker_key(text):
                found.append(name)
                found.append(name.replace("worksheets/", "worksheets/_rels/") + ".rels")
                break
    return found


@pytest.mark.parametrize("variant", VARIANTS)
def test_libreoffice_resave_keeps_the_form_and_what_people_typed(
    variant, libreoffice, tmp_path: Path
) -> None:
    path = write_form(make_facility(3), tmp_path / "kita.xlsx", variant)
    before = form_reading(path)
    refresh(path)
    typed = typed_texts(path, variant)
    type_planning(path, typed)
    resaved = libreoffice.convert(path, tmp_path / "lo")
    saved = parts(resaved)
    refresh(resaved)
    assert form_reading(resaved) == before
    assert_typed_kept(resaved, typed)
    assert planning_sheets(resaved) == [PLAN]
    assert ooxml_errors(resaved) == []
    target = tmp_path / "abgabe.xlsx"
    assert_behoerde_clean(resaved, target, typed)
    assert_authority_parts_unchanged(saved, target)


def test_the_demo_survives_a_libreoffice_resave(libreoffice, tmp_path: Path) -> None:
    from kitameldung.demo import write_demo

    folder = tmp_path / "demo"
    write_demo(folder)
    files = [p for p in sorted(folder.glob("*.xlsx")) if "beschaedigt" not in p.name]
    before = {p.name: form_reading(p) for p in files}
    for path in files:
        refresh(path)
    resaved = libreoffice.convert_many(files, tmp_path / "lo")
    for path in resaved:
        refresh(path)
        assert form_reading(path) == before[path.name], path.name
    assert ooxml_errors(*resaved) == []


@pytest.mark.parametrize("lxml", [True, False], ids=["openpyxl-lxml", "openpyxl-etree"])
def test_openpyxl_resave_with_and_without_lxml(lxml: bool, tmp_path: Path) -> None:
    path = write_form(make_facility(5), tmp_path / "kita.xlsx", "v2025-84")
    before = form_reading(path)
    refresh(path)
    typed = typed_texts(path, "opx")
    type_planning(path, typed)
    resaved = resave_openpyxl(path, tmp_path / "resaved.xlsx", lxml)
    refresh(resaved)
    assert ooxml_errors(resaved) == []  # the <sheet r:id> of a refresh needs a declared prefix
    assert form_reading(resaved) == before
    assert_typed_kept(resaved, typed)
    assert planning_sheets(resaved) == [PLAN]
    assert_behoerde_clean(resaved, tmp_path / "abgabe.xlsx", typed)


def test_a_package_in_the_shape_excel_writes(tmp_path: Path) -> None:
    path = write_form(make_facility(8), tmp_path / "kita.xlsx", "v2025-84")
    before = form_reading(path)
    refresh(path)
    typed = typed_texts(path, "excel")
    type_planning(path, typed)
    shaped = excel_shape(path, tmp_path / "excel.xlsx")
    assert form_reading(shaped) == before
    saved = parts(shaped)
    refresh(shaped)
    assert form_reading(shaped) == before
    assert_typed_kept(shaped, typed)
    assert ooxml_errors(shaped) == []
    target = tmp_path / "abgabe.xlsx"
    assert_behoerde_clean(shaped, target, typed)
    assert_authority_parts_unchanged(saved, target)


def test_a_renamed_planning_sheet_is_updated_in_place_and_never_exported(libreoffice, tmp_path: Path) -> None:
    path = write_form(make_facility(4), tmp_path / "kita.xlsx", "v2025-84")
    refresh(path)
    typed = typed_texts(path, "umbenannt")
    type_planning(path, typed)
    book = openpyxl.load_workbook(path)
    book[PLAN].title = "GP 2026"
    book.save(path)
    resaved = libreoffice.convert(path, tmp_path / "lo")
    refresh(resaved)
    assert planning_sheets(resaved) == ["GP 2026"]  # updated, not a second empty one beside it
    assert_typed_kept(resaved, typed, "GP 2026")
    target = tmp_path / "abgabe.xlsx"
    assert_behoerde_clean(resaved, target, typed)
    assert "GP 2026" not in xml_texts(target)


def test_a_copied_planning_sheet_never_reaches_the_behoerdenfassung(libreoffice, tmp_path: Path) -> None:
    path = write_form(make_facility(6), tmp_path / "kita.xlsx", "v2025-84")
    refresh(path)
    typed = typed_texts(path, "kopie")
    type_planning(path, typed)
    book = openpyxl.load_workbook(path)
    book.copy_worksheet(book[PLAN]).title = "Planung Archiv"
    book.save(path)
    refresh(path)
    assert sorted(planning_sheets(path)) == sorted([PLAN, "Planung Archiv"])
    assert_typed_kept(path, typed, PLAN)
    assert_behoerde_clean(path, tmp_path / "abgabe.xlsx", typed)
    # the same after LibreOffice saved the workbook with both sheets (every part renamed)
    resaved = libreoffice.convert(path, tmp_path / "lo")
    refresh(resaved)
    assert sorted(planning_sheets(resaved)) == sorted([PLAN, "Planung Archiv"])
    assert_typed_kept(resaved, typed, PLAN)
    assert_behoerde_clean(resaved, tmp_path / "abgabe-lo.xlsx", typed)


def test_a_folder_run_skips_our_own_outputs(tmp_path: Path) -> None:
    folder = tmp_path / "traeger"
    folder.mkdir()
    files = [write_form(make_facility(seed), folder / f"kita-{seed}.xlsx", "v2025-84") for seed in (1, 2)]
    for path in files:
        refresh(path)
    abgabe = folder / "kita-1 - Behördenfassung.xlsx"
    assert export_behoerde(files[0], abgabe).status == WRITTEN
    from kitameldung.batch.overview import write_overview

    overview = folder / "Übersicht 2026.xlsx"
    write_overview(refresh_many(files, Settings(), workers=1), overview)
    kept = {p: p.read_bytes() for p in (abgabe, overview)}
    items = refresh_many(sorted(folder.glob("*.xlsx")), Settings(), workers=1)
    skipped = {Path(i.path) for i in items if i.status == SKIPPED}
    assert skipped == {abgabe, overview}
    assert all("kitameldung" in i.message for i in items if i.status == SKIPPED)
    assert {p: p.read_bytes() for p in kept} == kept
    assert sum(1 for i in items if i.data is not None) == len(files)


def test_a_sheet_named_like_ours_in_other_case_gets_no_duplicate_name(tmp_path: Path) -> None:
    path = write_form(make_facility(2), tmp_path / "kita.xlsx", "v2025-84")
    book = openpyxl.load_workbook(path)
    book.create_sheet("PRÜFBERICHT")["A1"] = "eigene Notizen"
    book.save(path)
    refresh(path)
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert len({sheet_name_key(n) for n in names}) == len(names)
    assert "PRÜFBERICHT" in names and "Prüfbericht (2)" in names
    assert openpyxl.load_workbook(path)["PRÜFBERICHT"]["A1"].value == "eigene Notizen"
    assert ooxml_errors(path) == []


def test_added_columns_with_repeated_headers_and_typed_formulas_survive(libreoffice, tmp_path: Path) -> None:
    path = write_form(make_facility(7), tmp_path / "kita.xlsx", "v2025-84")
    refresh(path)
    book = openpyxl.load_workbook(path)
    ws = book[PLAN]
    top = next(c.row for row in ws.iter_rows(max_row=40) for c in row if c.value == "Kennung (nicht ändern)")
    width = ws.max_column
    for offset, header in enumerate(("Notiz", "Notiz", "Bemerkungen")):
        ws.cell(top, width + 1 + offset, header)
    headers = {c.value: c.column for c in ws[top] if isinstance(c.value, str)}
    first, second = top + 1, top + 2
    for n, row in enumerate((first, second)):
        ws.cell(row, width + 1, f"erste Notiz {n}")
        ws.cell(row, width + 2, f"zweite Notiz {n}")
        ws.cell(row, width + 3, f"zweite Bemerkung {n}")
    letztes = openpyxl.utils.get_column_letter(headers["letztes Jahresgespräch"])
    ws.cell(first, headers["letztes Jahresgespräch"], "=DATE(2026,3,1)")
    ws.cell(first, width + 1, f'="am "&TEXT({letztes}{first},"TT.MM.JJJJ")')
    keys = [ws.cell(r, headers["Kennung (nicht ändern)"]).value for r in (first, second)]
    book.save(path)
    resaved = libreoffice.convert(path, tmp_path / "lo")
    # the form is re-sorted: our rows keep their persons, formulas move with them
    refresh(resaved)
    values = planning_values(resaved, formulas=True)
    assert values[keys[0]]["letztes Jahresgespräch"] == "=DATE(2026,3,1)"
    assert str(values[keys[0]]["Notiz"]).startswith('="am "&TEXT(')
    assert values[keys[1]]["Notiz"] == "erste Notiz 1"
    assert values[keys[0]]["Notiz#2"] == "zweite Notiz 0" and values[keys[1]]["Notiz#2"] == "zweite Notiz 1"
    assert values[keys[1]]["Bemerkungen#2"] == "zweite Bemerkung 1"
    cached = planning_values(resaved)
    assert cached[keys[0]]["letztes Jahresgespräch"] == datetime(2026, 3, 1)
    assert ooxml_errors(resaved) == []
