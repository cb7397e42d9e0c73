"""Excel's limits and formats: our formats are reused rather than added again, a workbook near
the cell-format limit is never pushed past it, and the Behördenfassung keeps the macro status."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
from roundtrip import parts

from kitameldung.cli import main
from kitameldung.pipeline import Settings
from kitameldung.refresh import FAILED, refresh_file
from kitameldung.refresh.behoerde import export_behoerde
from kitameldung.replica import make_facility, write_form

from fidelity import write_fidelity_fixture

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def cell_formats(path: Path) -> int:
    styles = ET.fromstring(parts(path)["xl/styles.xml"])
    found = styles.find(f"{MAIN}cellXfs")
    assert found is not None
    return len(found.findall(f"{MAIN}xf"))


def test_refreshes_after_resaves_add_no_formats_again(tmp_path: Path) -> None:
    path = write_form(make_facility(51, persons=8), tmp_path / "kita.xlsx")
    counts = []
    for round_ in range(4):
        assert refresh_file(path, Settings()).status != FAILED
        counts.append(cell_formats(path))
        book = openpyxl.load_workbook(path)  # another program re-saves (and rewrites styles.xml)
        book["Personalmeldung"]["Q22"] = f"Runde {round_}"
        book.save(path)
    assert counts[1] == counts[2] == counts[3], counts


def _near_the_limit(path: Path, count: int) -> None:
    with zipfile.ZipFile(path) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    styles = files["xl/styles.xml"].decode()
    match = re.search(r"<cellXfs count=\"(\d+)\">(.*?)</cellXfs>", styles, re.DOTALL)
    assert match is not None
    filler = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' * (count - int(match.group(1)))
    styles = styles.replace(match.group(0), f'<cellXfs count="{count}">{match.group(2)}{filler}</cellXfs>')
    files["xl/styles.xml"] = styles.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_a_workbook_near_the_format_limit_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = write_form(make_facility(52, persons=8), tmp_path / "voll.xlsx")
    _near_the_limit(path, 63_990)
    before = path.read_bytes()
    outcome = refresh_file(path, Settings())
    assert outcome.status == FAILED
    assert "63990 Einträge" in outcome.message and "64000" in outcome.message
    assert path.read_bytes() == before
    roomy = write_form(make_facility(53, persons=8), tmp_path / "platz.xlsx")
    _near_the_limit(roomy, 63_900)
    assert refresh_file(roomy, Settings()).status != FAILED
    assert cell_formats(roomy) <= 64_000


def test_the_behoerdenfassung_keeps_the_macro_status_and_its_extension(tmp_path: Path, capsys) -> None:
    work = write_fidelity_fixture(tmp_path / "makro.xlsm")
    assert refresh_file(work, Settings()).status != FAILED
    assert main(["export", str(work), "--behoerde", str(tmp_path / "abgabe.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "enthält Makros" in err and "abgabe.xlsm" in err
    assert not (tmp_path / "abgabe.xlsx").exists()
    assert main(["export", str(work), "--behoerde", str(tmp_path / "abgabe.xlsm")]) == 0
    plain = write_form(make_facility(54, persons=8), tmp_path / "kita.xlsx")
    outcome = export_behoerde(plain, tmp_path / "kita-abgabe.xlsm")
    assert outcome.status == FAILED and "kita-abgabe.xlsx" in outcome.message
