"""Links, hard links, protected structure and leftover module sheets: each gets a clear answer,
never a traceback, a double count or a silently broken link."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from roundtrip import ooxml_errors, parts

from kitameldung.batch.files import expand
from kitameldung.batch.overview import facility_rows
from kitameldung.batch.runner import refresh_many
from kitameldung.cli import main
from kitameldung.pipeline import Settings, check_file
from kitameldung.refresh import FAILED, refresh_file
from kitameldung.replica import make_facility, write_form
from kitameldung.rules import Parameters

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _edit_workbook_xml(path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    files["xl/workbook.xml"] = edit(files["xl/workbook.xml"].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_a_symlink_loop_gets_a_german_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.xlsx").symlink_to(tmp_path / "b.xlsx")
    (tmp_path / "b.xlsx").symlink_to(tmp_path / "a.xlsx")
    for argv in (
        ["check", str(tmp_path / "a.xlsx")],
        ["refresh", str(tmp_path / "a.xlsx"), "--quiet"],
        ["inspect", str(tmp_path / "a.xlsx")],
        ["termine", str(tmp_path / "a.xlsx"), "--ics", str(tmp_path / "t.ics")],
    ):
        assert main(argv) == 2, argv
        captured = capsys.readouterr()
        assert "im Kreis" in captured.out + captured.err and "Traceback" not in captured.err, argv


def test_a_workbook_reached_twice_is_counted_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "traeger"
    folder.mkdir()
    real = write_form(make_facility(91, persons=8), folder / "kita.xlsx")
    (folder / "verknuepfung.xlsx").symlink_to(real)
    other = write_form(make_facility(92, persons=8), tmp_path / "andere.xlsx")
    (folder / "andere-link.xlsx").symlink_to(other)
    assert main(["refresh", str(folder), str(real), "--quiet"]) in (0, 1)
    out = capsys.readouterr().out
    assert out.startswith("2 Dateien:"), out
    files = expand([folder, real])
    assert sorted(p.name for p in files) == ["andere-link.xlsx", "kita.xlsx"]
    assert len(facility_rows(refresh_many(files, Settings(), workers=1))) == 2


def test_a_hard_link_is_never_broken(tmp_path: Path) -> None:
    real = write_form(make_facility(93, persons=8), tmp_path / "kita.xlsx")
    twin = tmp_path / "sicherung.xlsx"
    os.link(real, twin)
    before = real.read_bytes()
    outcome = refresh_file(real, Settings())
    assert outcome.status == FAILED and "harter Link" in outcome.message
    assert os.path.samefile(real, twin) and real.read_bytes() == before
    assert outcome.result is not None and outcome.result.staffing is not None  # figures for the overview


def test_a_workbook_with_a_protected_structure_gets_no_new_tabs(tmp_path: Path) -> None:
    path = write_form(make_facility(94, persons=8), tmp_path / "kita.xlsx")
    protect = lambda xml: xml.replace("<workbookProtection/>", '<workbookProtection lockStructure="1"/>')  # noqa: E731
    _edit_workbook_xml(path, protect)
    before = path.read_bytes()
    outcome = refresh_file(path, Settings())
    assert outcome.status == FAILED and "Struktur geschützt" in outcome.message
    assert path.read_bytes() == before
    _edit_workbook_xml(path, lambda xml: xml.replace(' lockStructure="1"', ""))
    assert refresh_file(path, Settings()).status != FAILED
    _edit_workbook_xml(path, protect)
    # Our sheets are there: updating their contents adds no tab, so it goes on under the protection.
    outcome = refresh_file(path, Settings(params=Parameters(vollzeit_stunden=39)))
    assert outcome.status == "aktualisiert", outcome.message
    book = ET.fromstring(parts(path)["xl/workbook.xml"])
    protection = next(e for e in book.iter() if e.tag.endswith("}workbookProtection"))
    assert protection.get("lockStructure") == "1"


def test_a_leftover_module_sheet_without_relationship_is_read_and_refreshed(tmp_path: Path) -> None:
    path = write_form(make_facility(95, persons=8), tmp_path / "kita.xlsx")
    module = f'<sheet xmlns:r="{REL}" name="Modul1" sheetId="9" state="veryHidden" r:id=""/>'
    _edit_workbook_xml(path, lambda xml: xml.replace("</sheets>", module + "</sheets>"))
    known = set(e.split(" :: ", 1)[1] for e in ooxml_errors(path))
    result = check_file(path)
    assert result.ok and result.staffing is not None, result.error
    assert refresh_file(path, Settings()).status != FAILED
    assert {e.split(" :: ", 1)[1] for e in ooxml_errors(path)} <= known
