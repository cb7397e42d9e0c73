"""The Behördenfassung has no side doors: planning entries that reached kept parts through a
formula, a pasted copy, a chart, a validation list, a pivot cache or an external reference stop
the export, and the message names each place."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.datavalidation import DataValidation
from roundtrip import planning_values, type_planning

from kitameldung.pipeline import Settings
from kitameldung.refresh import FAILED, WRITTEN, refresh_file
from kitameldung.refresh.behoerde import export_behoerde
from kitameldung.replica import make_facility, write_form
from kitameldung.sheets import SHEET_NAMES

GOAL = "Sprachförderung im Team vertiefen (Frau Kern)"
PLAN = SHEET_NAMES["gespraechsplanung"]


@pytest.fixture
def planned(tmp_path: Path) -> Path:
    path = write_form(make_facility(61, persons=8), tmp_path / "kita.xlsx")
    assert refresh_file(path, Settings()).status != FAILED
    key = next(iter(planning_values(path)))
    type_planning(path, {key: {"vereinbarte Ziele": GOAL}})
    return path


def _goal_cell(path: Path) -> str:
    sheet = openpyxl.load_workbook(path)[PLAN]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == GOAL:
                return cell.coordinate
    raise AssertionError("goal not found")


def _own_sheet(
    path: Path, fill: Callable[[openpyxl.Workbook, openpyxl.worksheet.worksheet.Worksheet, str], None]
) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("Auswertung")
    sheet["A1"] = "Eigene Auswertung"
    fill(book, sheet, _goal_cell(path))
    book.save(path)


def _refused(path: Path, tmp_path: Path, *expected: str) -> str:
    target = tmp_path / "abgabe.xlsx"
    outcome = export_behoerde(path, target)
    assert outcome.status == FAILED, outcome.message
    assert not target.exists()
    for text in expected:
        assert text in outcome.message, outcome.message
    return outcome.message


def test_a_formula_on_the_planning_stops_the_export(planned: Path, tmp_path: Path) -> None:
    def fill(book, sheet, goal):  # type: ignore[no-untyped-def]
        sheet["B3"] = f"=CONCATENATE(\"Ziel: \",'{PLAN}'!{goal})"

    _own_sheet(planned, fill)
    _refused(planned, tmp_path, "Blatt „Auswertung“, Zelle B3", "Formel", f"„{PLAN}“")


def test_a_pasted_copy_of_a_goal_stops_the_export(planned: Path, tmp_path: Path) -> None:
    def fill(book, sheet, goal):  # type: ignore[no-untyped-def]
        sheet["C7"] = f"Ziele 2027: {GOAL}; weitere folgen"

    _own_sheet(planned, fill)
    _refused(planned, tmp_path, "Zelle C7", "Text aus der Gesprächsplanung")


def test_a_chart_and_a_validation_list_on_the_planning_stop_the_export(planned: Path, tmp_path: Path) -> None:
    def fill(book, sheet, goal):  # type: ignore[no-untyped-def]
        chart = BarChart()
        chart.add_data(Reference(book[PLAN], min_col=6, min_row=22, max_row=30), titles_from_data=True)
        sheet.add_chart(chart, "D2")
        rule = DataValidation(type="list", formula1=f"'{PLAN}'!$A$23:$A$30")
        rule.add("B10")
        sheet.add_data_validation(rule)

    _own_sheet(planned, fill)
    _refused(planned, tmp_path, "Diagramm", "Gültigkeitsregel")


def test_a_pivot_cache_on_the_planning_stops_the_export(planned: Path, tmp_path: Path) -> None:
    _add_pivot_cache(planned, PLAN, GOAL)
    _refused(planned, tmp_path, "Pivot", f"„{PLAN}“")


def test_an_external_reference_to_a_planning_stops_the_export(planned: Path, tmp_path: Path) -> None:
    _add_external_link(planned, PLAN, GOAL)
    _refused(planned, tmp_path, "externer Bezug")


def test_without_side_doors_the_export_goes_through(planned: Path, tmp_path: Path) -> None:
    def fill(book, sheet, goal):  # type: ignore[no-untyped-def]
        sheet["B3"] = "=Personalmeldung!D6"
        sheet["B4"] = "Frau Kern"  # short texts alone are no trace

    _own_sheet(planned, fill)
    outcome = export_behoerde(planned, tmp_path / "abgabe.xlsx")
    assert outcome.status == WRITTEN, outcome.message


# ---------------------------------------------------------------------- packages as Excel writes them

CT = "http://schemas.openxmlformats.org/package/2006/content-types"
PIVOT_DEF = "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition+xml"
PIVOT_REC = "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheRecords+xml"
EXTERNAL = "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _rewrite(path: Path, edit: Callable[[dict[str, bytes]], None]) -> None:
    with zipfile.ZipFile(path) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    edit(files)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def _register(files: dict[str, bytes], part: str, content_type: str, rel_type: str, rel_id: str) -> None:
    types = files["[Content_Types].xml"].decode()
    types = types.replace("</Types>", f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>')
    files["[Content_Types].xml"] = types.encode()
    rels = files["xl/_rels/workbook.xml.rels"].decode()
    target = part.removeprefix("xl/")
    rels = rels.replace(
        "</Relationships>",
        f'<Relationship Id="{rel_id}" Type="{REL}/{rel_type}" Target="{target}"/></Relationships>',
    )
    files["xl/_rels/workbook.xml.rels"] = rels.encode()


def _add_pivot_cache(path: Path, sheet: str, goal: str) -> None:
    def edit(files: dict[str, bytes]) -> None:
        definition = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<pivotCacheDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="{REL}" r:id="rId1" recordCount="1"><cacheSource type="worksheet">'
            f'<worksheetSource ref="A22:R30" sheet="{sheet}"/></cacheSource><cacheFields count="1">'
            f'<cacheField name="vereinbarte Ziele" numFmtId="0"><sharedItems><s v="{goal}"/></sharedItems>'
            "</cacheField></cacheFields></pivotCacheDefinition>"
        )
        records = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<pivotCacheRecords xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="1"><r><s v="{goal}"/></r></pivotCacheRecords>'
        )
        files["xl/pivotCache/pivotCacheDefinition1.xml"] = definition.encode()
        files["xl/pivotCache/pivotCacheRecords1.xml"] = records.encode()
        files["xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/pivotCacheRecords" Target="pivotCacheRecords1.xml"/>'
            "</Relationships>"
        ).encode()
        _register(
            files, "xl/pivotCache/pivotCacheDefinition1.xml", PIVOT_DEF, "pivotCacheDefinition", "rIdPivot1"
        )
        types = (
            files["[Content_Types].xml"]
            .decode()
            .replace(
                "</Types>",
                f'<Override PartName="/xl/pivotCache/pivotCacheRecords1.xml" ContentType="{PIVOT_REC}"/></Types>',
            )
        )
        files["[Content_Types].xml"] = types.encode()
        book = files["xl/workbook.xml"].decode()
        pivots = f'<pivotCaches><pivotCache xmlns:r="{REL}" cacheId="1" r:id="rIdPivot1"/></pivotCaches>'
        if "<calcPr" in book:
            book = book.replace("<calcPr", pivots + "<calcPr", 1)
        else:
            book = book.replace("</workbook>", pivots + "</workbook>")
        files["xl/workbook.xml"] = book.encode()

    _rewrite(path, edit)


def _add_external_link(path: Path, sheet: str, goal: str) -> None:
    def edit(files: dict[str, bytes]) -> None:
        link = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="{REL}"><externalBook r:id="rId1"><sheetNames><sheetName val="{sheet}"/></sheetNames>'
            f'<sheetDataSet><sheetData sheetId="0"><row r="23"><cell r="R23" t="str"><v>{goal}</v></cell></row>'
            "</sheetData></sheetDataSet></externalBook></externalLink>"
        )
        files["xl/externalLinks/externalLink1.xml"] = link.encode()
        files["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/externalLinkPath" Target="kita-vorjahr.xlsx" TargetMode="External"/>'
            "</Relationships>"
        ).encode()
        _register(files, "xl/externalLinks/externalLink1.xml", EXTERNAL, "externalLink", "rIdExt1")

    _rewrite(path, edit)
