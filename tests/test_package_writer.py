"""The lossless package writer: the authority's parts stay byte-identical, writes are atomic,
open and old-format files are refused, and texts from the form never become formulas."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from kitameldung.pipeline import Settings
from kitameldung.refresh import FAILED, UNCHANGED, WRITTEN, refresh_file
from kitameldung.replica import Variation, make_facility
from kitameldung.rules import Parameters
from kitameldung.sheets import SHEET_NAMES
from kitameldung.workbook.ourbook import previous_check_time
from kitameldung.workbook.package import Package
from kitameldung.workbook.styles import ensure_styles, remove_styles

from fidelity import FEATURES, write_fidelity_fixture

REGISTRY = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "docProps/app.xml"}
STYLES = "xl/styles.xml"
OURS = "xl/worksheets/kitameldung-"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def refresh(path: Path, params: Parameters = Parameters(), minute: int = 0) -> str:
    outcome = refresh_file(path, Settings(params=params), datetime(2026, 11, 22, 10, minute))
    assert outcome.status != FAILED, outcome.message
    return outcome.status


@pytest.fixture
def fidelity(tmp_path: Path) -> Path:
    return write_fidelity_fixture(tmp_path / "kita-fidelity.xlsm")


def test_fidelity_fixture_carries_what_openpyxl_would_destroy(fidelity: Path) -> None:
    found = parts(fidelity)
    assert {name: check(found) for name, check in FEATURES.items()} == dict.fromkeys(FEATURES, True)


def test_three_refreshes_keep_every_untouched_part_byte_identical(fidelity: Path) -> None:
    original = parts(fidelity)
    # Three refreshes that each really rewrite the file (other assumptions each time).
    for minute, hours in enumerate((40.0, 39.0, 38.5)):
        assert refresh(fidelity, Parameters(vollzeit_stunden=hours), minute) == WRITTEN
    after = parts(fidelity)
    untouched = set(original) - REGISTRY - {STYLES}
    changed = sorted(name for name in untouched if after.get(name) != original[name])
    assert changed == []
    added = sorted(set(after) - set(original))
    assert added == sorted(f"{OURS}{key}.xml" for key in SHEET_NAMES)
    assert list(after)[: len(original)] == list(original)  # entry order kept, ours appended


def test_styles_are_only_appended_and_reused(fidelity: Path) -> None:
    before = parts(fidelity)[STYLES].decode()
    refresh(fidelity)
    once = parts(fidelity)[STYLES].decode()
    refresh(fidelity, Parameters(vollzeit_stunden=39.0), 1)
    assert parts(fidelity)[STYLES].decode() == once  # recognised at the tail, not appended twice
    for collection in ("<fonts", "<fills", "<cellXfs"):
        head = before[before.index(collection) :]
        body = head[head.index(">") + 1 : head.index("</" + collection[1:])]
        assert body in once  # every original entry still there, in order, at the same index
    assert remove_styles(once, used_indices=set()) == before


def test_styles_stay_when_a_cell_of_the_form_uses_them(fidelity: Path) -> None:
    styles = parts(fidelity)[STYLES].decode()
    extended, index = ensure_styles(styles)
    assert remove_styles(extended, used_indices={index["fehler"]}) == extended


def test_refresh_of_an_unchanged_workbook_does_not_rewrite_it(form) -> None:
    path = form(name="kita.xlsx")
    assert refresh(path) == WRITTEN
    written = path.read_bytes()
    stat = path.stat()
    assert refresh(path, minute=30) == UNCHANGED
    assert path.read_bytes() == written
    assert path.stat().st_mtime_ns == stat.st_mtime_ns


def _set_form_number(path: Path, cell: str, value: float) -> None:
    """Someone changes one number in the form and saves: only the form's sheet part changes."""
    entries = list(parts(path).items())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if name == "xl/worksheets/sheet2.xml":
                data, count = re.subn(
                    rf'(<c r="{cell}"[^>]*>)<v>[^<]*</v>'.encode(),
                    rb"\g<1><v>%s</v>" % str(value).encode(),
                    data,
                )
                assert count == 1
            archive.writestr(name, data)


def test_a_changed_form_is_rewritten_with_a_new_check_time(form) -> None:
    path = form(name="kita.xlsx")
    assert refresh(path) == WRITTEN
    assert previous_check_time(Package.read(path)) == datetime(2026, 11, 22, 10, 0)
    _set_form_number(path, "K22", 3.0)  # päd. Stunden of the first person
    assert refresh(path, minute=5) == WRITTEN
    assert previous_check_time(Package.read(path)) == datetime(2026, 11, 22, 10, 5)
    assert refresh(path, minute=9) == UNCHANGED


def test_a_workbook_open_in_excel_is_refused(form) -> None:
    path = form(name="kita.xlsx")
    before = path.read_bytes()
    (path.parent / "~$kita.xlsx").write_bytes(b"owner")
    outcome = refresh_file(path, Settings())
    assert outcome.status == FAILED
    assert "gerade in Excel oder LibreOffice geöffnet" in outcome.message and "kita.xlsx" in outcome.message
    assert path.read_bytes() == before


def test_an_old_xls_is_refused_with_a_hint_to_save_as_xlsx(libreoffice, form, tmp_path: Path) -> None:
    xls = libreoffice.convert(form(name="alt.xlsx"), tmp_path / "xls", "xls:MS Excel 97")
    before = xls.read_bytes()
    outcome = refresh_file(xls, Settings())
    assert outcome.status == FAILED
    assert ".xls" in outcome.message and ".xlsx" in outcome.message
    assert xls.read_bytes() == before


KILLER = textwrap.dedent(
    """
    import sys, time, zipfile
    from datetime import datetime
    from pathlib import Path
    from kitameldung.pipeline import Settings
    from kitameldung.refresh import refresh_file

    write = zipfile.ZipFile.writestr
    done = 0

    def slow(self, *args, **kwargs):
        global done
        write(self, *args, **kwargs)
        done += 1
        if done == 4:  # part of the new package is on disk
            print("MIDWAY", flush=True)
            time.sleep(120)

    zipfile.ZipFile.writestr = slow
    refresh_file(Path(sys.argv[1]), Settings(), datetime(2026, 11, 22))
    """
)


def test_killing_the_process_mid_write_leaves_the_original_intact(form, tmp_path: Path) -> None:
    path = form(name="kita.xlsx")
    before = path.read_bytes()
    process = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(path)], stdout=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "MIDWAY"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert path.read_bytes() == before
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".kitameldung.tmp")]
    assert len(leftovers) == 1  # the half-written temp file, beside and apart from the original
    assert refresh(path) == WRITTEN  # the next run works and clears the leftover
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".kitameldung.tmp")]


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+49 331 123", "-5 Std", "@Hoffmann"])
def test_texts_from_the_form_stay_text(form, libreoffice, tmp_path: Path, text: str) -> None:
    facility = make_facility(1)
    facility.einrichtung = text
    facility.traeger = text
    facility.staff[0].nachname = text
    path = form(facility, variation=Variation(), name="kita.xlsx")
    refresh(path)
    for name, data in parts(path).items():
        if name.startswith(OURS):
            formulas = data.decode().split("<f>")[1:]
            assert not any(f.startswith(text.lstrip("=")[:5]) for f in formulas)
    recalculated = openpyxl.load_workbook(libreoffice.convert(path, tmp_path / "lo"), data_only=True)
    report = recalculated["Prüfbericht"]
    shown = {report.cell(r, 2).value for r in range(4, 8)}
    assert text in shown
    quote = recalculated["Quote & Bedarf"]
    names = [row[0].value for row in quote.iter_rows(min_col=1, max_col=1)]
    assert any(isinstance(n, str) and n.startswith(text + ",") for n in names)
