"""`kitameldung export --behoerde`: the authority gets its form back without any trace of
kitameldung — part for part the original, when only kitameldung changed the workbook."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl

from kitameldung.pipeline import Settings
from kitameldung.refresh import FAILED, WRITTEN, refresh_file
from kitameldung.refresh.behoerde import export_behoerde
from kitameldung.rules import Parameters
from kitameldung.sheets import SHEET_NAMES

from fidelity import write_fidelity_fixture


def parts(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def refresh(path: Path, hours: float = 40.0) -> None:
    outcome = refresh_file(path, Settings(params=Parameters(vollzeit_stunden=hours)), datetime(2026, 11, 22))
    assert outcome.status != FAILED, outcome.message


def test_behoerdenfassung_of_a_workbook_refreshed_several_times_is_the_original(tmp_path: Path) -> None:
    work = write_fidelity_fixture(tmp_path / "kita.xlsm")
    original = parts(work)
    for hours in (40.0, 39.0, 40.0, 38.5):
        refresh(work, hours)
    assert len(parts(work)) == len(original) + len(SHEET_NAMES)
    outcome = export_behoerde(work, tmp_path / "kita-behoerde.xlsm")
    assert outcome.status == WRITTEN, outcome.message
    assert parts(tmp_path / "kita-behoerde.xlsm") == original


def test_a_workbook_without_our_sheets_is_copied_part_for_part(form, tmp_path: Path) -> None:
    path = form(name="kita.xlsx")
    outcome = export_behoerde(path, tmp_path / "copy.xlsx")
    assert "keine kitameldung-Blätter" in outcome.message
    assert parts(tmp_path / "copy.xlsx") == parts(path)


def test_sheets_of_a_workbook_resaved_by_another_program_are_found_by_name(
    form, libreoffice, tmp_path: Path
) -> None:
    """Excel (here: LibreOffice) renames every part on saving; our sheets are still ours."""
    path = form(name="kita.xlsx")
    refresh(path)
    resaved = libreoffice.convert(path, tmp_path / "resaved")
    assert not any("kitameldung" in name for name, _ in parts(resaved))
    refresh(resaved, 39.0)  # replaces them instead of adding a second pair
    sheets = openpyxl.load_workbook(resaved, read_only=True).sheetnames
    assert sheets.count(SHEET_NAMES["pruefbericht"]) == 1 and sheets.count(SHEET_NAMES["quote"]) == 1

    clean = tmp_path / "kita-behoerde.xlsx"
    assert export_behoerde(resaved, clean).status == WRITTEN
    exported = parts(clean)
    assert not any(b"kitameldung" in data or "kitameldung" in name for name, data in exported)
    for name in SHEET_NAMES.values():
        assert not any(name.encode() in data for _, data in exported)
    reopened = libreoffice.convert(clean, tmp_path / "reopened")
    assert openpyxl.load_workbook(reopened, read_only=True).sheetnames == [
        "Hinweise",
        "Personalmeldung",
        "Listen",
    ]


def test_the_behoerdenfassung_never_overwrites_the_working_file(form) -> None:
    path = form(name="kita.xlsx")
    refresh(path)
    before = path.read_bytes()
    outcome = export_behoerde(path, path)
    assert outcome.status == FAILED and "eigenen Dateinamen" in outcome.message
    assert path.read_bytes() == before


def test_an_open_target_is_refused(form, tmp_path: Path) -> None:
    path = form(name="kita.xlsx")
    target = tmp_path / "abgabe.xlsx"
    target.write_bytes(b"old")
    (tmp_path / "~$abgabe.xlsx").write_bytes(b"owner")
    outcome = export_behoerde(path, target)
    assert outcome.status == FAILED and "gerade in Excel oder LibreOffice geöffnet" in outcome.message
    assert target.read_bytes() == b"old"


def test_words_our_sheets_share_with_the_form_do_not_block_the_behoerdenfassung(tmp_path: Path) -> None:
    """Only what people typed into the planning is confidential; a label such as "Status" or
    "Krippe" in the authority's own parts (here the document title) is no leak."""
    from kitameldung.replica import make_facility, write_form

    path = write_form(make_facility(33), tmp_path / "kita.xlsx")
    refresh(path)
    files = dict(parts(path))
    core = files["docProps/core.xml"].decode("utf-8")
    title = '<dc:title xmlns:dc="http://purl.org/dc/elements/1.1/">Status</dc:title>'
    files["docProps/core.xml"] = core.replace("</cp:coreProperties>", title + "</cp:coreProperties>").encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    outcome = export_behoerde(path, tmp_path / "abgabe.xlsx")
    assert outcome.status == WRITTEN, outcome.message
