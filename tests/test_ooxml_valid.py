"""Every package kitameldung writes passes the OOXML validator (ECMA-376 schemas and the rules
Excel enforces), and is shaped where Excel is picky the way Excel itself writes it.

The validator (tests/ooxml, calibrated on about a thousand workbooks Excel wrote) needs lxml; the
test command runs this module a second time with openpyxl's lxml switch off.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import pytest
from roundtrip import ooxml_errors, parts
from test_round_trips import VARIANTS

from kitameldung.batch.overview import write_overview
from kitameldung.batch.runner import refresh_many
from kitameldung.pipeline import Settings
from kitameldung.refresh import FAILED, WRITTEN, refresh_file
from kitameldung.refresh.behoerde import export_behoerde
from kitameldung.replica import Variation, make_facility, write_form
from kitameldung.workbook.ourbook import put_sheets
from kitameldung.workbook.package import Package
from kitameldung.workbook.xmltext import CELL_LIMIT

from fidelity import write_fidelity_fixture

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def refresh(path: Path) -> None:
    outcome = refresh_file(path, Settings(), datetime(2026, 11, 22, 9, 0))
    assert outcome.status != FAILED, outcome.message


@pytest.mark.parametrize("variant", VARIANTS)
def test_refreshed_forms_and_their_behoerdenfassung_are_valid(variant: str, tmp_path: Path) -> None:
    path = write_form(make_facility(11), tmp_path / "kita.xlsx", variant, Variation(wording=True))
    refresh(path)
    refresh(path)  # a second run replaces, and must stay valid too
    target = tmp_path / "abgabe.xlsx"
    assert export_behoerde(path, target).status == WRITTEN
    assert ooxml_errors(path, target) == []


def test_a_macro_workbook_with_everything_excel_keeps_stays_valid(tmp_path: Path) -> None:
    """The fidelity fixture: VBA, x14 validations, comments, drawings, calcChain, printer settings."""
    path = write_fidelity_fixture(tmp_path / "kita.xlsm")
    refresh(path)
    target = tmp_path / "abgabe.xlsm"
    assert export_behoerde(path, target).status == WRITTEN
    assert ooxml_errors(path, target) == []


def test_app_properties_list_the_sheets_the_workbook_has(tmp_path: Path) -> None:
    from test_package_parts import EXCEL_APP

    path = write_form(make_facility(12), tmp_path / "kita.xlsx", "v2025-84")
    files = parts(path)
    files["docProps/app.xml"] = EXCEL_APP.format(count=2, ours="").encode("utf-8")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    refresh(path)
    app = ET.fromstring(parts(path)["docProps/app.xml"])
    titles = [e.text for e in app.iter() if e.tag.endswith("}lpstr")][1:]  # after "Arbeitsblätter"
    sheets = [e.get("name") for e in ET.fromstring(parts(path)["xl/workbook.xml"]).iter(f"{MAIN}sheet")]
    # the replica has three sheets; the Excel-style app.xml above listed two of them
    assert titles[2:] == sheets[3:]
    count = next(e.text for e in app.iter() if e.tag.endswith("}i4"))
    assert int(count or 0) == len(titles)
    assert ooxml_errors(path) == []


def test_a_text_with_control_characters_escapes_and_an_overlong_text_is_cut(tmp_path: Path) -> None:
    from kitameldung.sheets.spec import SheetSpec

    path = write_form(make_facility(13), tmp_path / "kita.xlsx", "v2025-84")
    package = Package.read(path)
    spec = SheetSpec("pruefbericht", "Prüfbericht")
    spec.put(1, 1, "Name mit \x01 Steuerzeichen und _x0041_ wörtlich")
    spec.put(2, 1, "x" * (CELL_LIMIT + 10))
    put_sheets(package, [spec])
    package.write(path)
    assert ooxml_errors(path) == []
    import openpyxl

    sheet = openpyxl.load_workbook(path)["Prüfbericht"]
    assert len(sheet["A2"].value) == CELL_LIMIT and sheet["A2"].value.endswith("Zelle]")
    from kitameldung.workbook.grid import read_grid

    package = Package.read(path)
    entry = next(e for e in package.sheets() if e.name == "Prüfbericht")
    stored = read_grid(package, entry.part or "").rows[0][0]
    assert stored == "Name mit _x0001_ Steuerzeichen und _x005F_x0041_ wörtlich"


def test_the_provider_overview_is_valid_and_excel_shaped(tmp_path: Path) -> None:
    folder = tmp_path / "träger"
    folder.mkdir()
    files = [
        write_form(make_facility(seed), folder / name, "v2025-84")
        for seed, name in ((1, "kita-märchenland.xlsx"), (2, "kita zwei.xlsx"))
    ]
    items = refresh_many(files, Settings(), workers=1)
    overview = folder / "Traegeruebersicht.xlsx"
    write_overview(items, overview)
    assert ooxml_errors(overview, *files) == []
    package = parts(overview)
    chart = ET.fromstring(next(d for n, d in package.items() if n.startswith("xl/charts/chart")))
    assert chart.findall(f".//{C}cat/{C}strRef") and not chart.findall(f".//{C}cat/{C}numRef")
    for axis in (*chart.iter(f"{C}catAx"), *chart.iter(f"{C}valAx")):
        assert axis.find(f"{C}delete").get("val") == "0"
    assert next(chart.iter(f"{C}catAx")).find(f"{C}axPos").get("val") == "b"
    # links to other workbooks: the file (%-encoded) as target, the cell as location
    targets = {
        unquote(rel.get("Target", ""))
        for name, data in package.items()
        if name.startswith("xl/worksheets/_rels/")
        for rel in ET.fromstring(data).iter(f"{RELS}Relationship")
        if rel.get("TargetMode") == "External"
    }
    assert targets == {p.name for p in files}
    raw = {
        rel.get("Target", "")
        for name, data in package.items()
        if name.startswith("xl/worksheets/_rels/")
        for rel in ET.fromstring(data).iter(f"{RELS}Relationship")
    }
    assert all(t.isascii() and " " not in t for t in raw)


def test_a_strict_ooxml_workbook_is_refused_in_german(tmp_path: Path) -> None:
    path = write_form(make_facility(14), tmp_path / "kita.xlsx", "v2025-84")
    files = parts(path)
    files["xl/workbook.xml"] = files["xl/workbook.xml"].replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    )
    strict = tmp_path / "strict.xlsx"
    with zipfile.ZipFile(strict, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    before = strict.read_bytes()
    outcome = refresh_file(strict, Settings())
    assert outcome.status == FAILED and "Strict Open XML" in outcome.message
    assert strict.read_bytes() == before
