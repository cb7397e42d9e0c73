"""Hostile, broken and huge input: a German message naming the file, the run goes on with the
next file, nothing is lost, and nothing a user typed becomes live code in anything we write."""

from __future__ import annotations

import csv
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import hostile
import openpyxl
import pytest
from roundtrip import ooxml_errors, planning_values, type_planning

from kitameldung.batch import runner
from kitameldung.batch.exports import write_csv
from kitameldung.batch.overview import write_overview
from kitameldung.batch.runner import refresh_many
from kitameldung.form.workbook import FormError, check_package
from kitameldung.pipeline import Settings, check_file
from kitameldung.planning.ics import calendar, escape
from kitameldung.refresh import FAILED, UNCHANGED, WRITTEN, refresh_file
from kitameldung.render.json_out import result_json
from kitameldung.replica import make_facility, write_form
from kitameldung.workbook.atomic import TEMP_SUFFIX
from kitameldung.workbook.package import Package


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_form(make_facility(21), tmp_path / "gut.xlsx", "v2025-84")


def refresh(path: Path):  # type: ignore[no-untyped-def]
    return refresh_file(path, Settings(), datetime(2026, 11, 22, 9, 0))


# ---------------------------------------------------------------------- packages


@pytest.mark.parametrize(
    ("builder", "reason"),
    [
        (hostile.zip_bomb, "Zip-Bombe"),
        (hostile.duplicate_member, "doppelt"),
        (hostile.encrypted_flag, "verschlüsselt"),
        (hostile.bzip2_member, "unbekannten Verfahren"),
    ],
)
def test_packages_no_form_looks_like_are_refused_before_reading(builder, reason: str, good: Path) -> None:
    bad = builder(good, good.with_name("boese.xlsx"))
    before = bad.read_bytes()
    with pytest.raises(FormError, match=reason):
        check_package(bad)
    result = check_file(bad, Settings())
    assert not result.ok and "boese.xlsx" in (result.error or "")
    outcome = refresh(bad)
    assert outcome.status == FAILED and reason in outcome.message
    assert bad.read_bytes() == before


def test_a_comment_around_sheets_never_receives_our_sheets(good: Path) -> None:
    tricky = hostile.comment_around_sheets(good, good.with_name("kommentar.xlsx"))
    # The validator counts the comment's decoy as a sheet (it iterates comment nodes); we must
    # add no error of our own to what it says about the input.
    before = [e.split(" :: ", 1)[1] for e in ooxml_errors(tricky)]
    assert refresh(tricky).status == WRITTEN
    assert [e.split(" :: ", 1)[1] for e in ooxml_errors(tricky)] == before
    names = [e.name for e in Package.read(tricky).sheets()]  # openpyxl cannot read such a file
    assert "Prüfbericht" in names and "Köder" not in names
    book = dict(hostile.parts(tricky))
    xml = next(d for i, d in book.items() if i.filename == "xl/workbook.xml").decode("utf-8")
    assert xml.index("Prüfbericht") > xml.rindex("-->", 0, xml.index("Prüfbericht")) > 0


def test_a_workbook_with_utf16_parts_is_read_and_refreshed(good: Path) -> None:
    """UTF-16 is legal XML (LibreOffice opens such a file): read, and our edits write UTF-8."""
    odd = hostile.utf16_workbook(good, good.with_name("utf16.xlsx"))
    result = check_file(odd, Settings())
    assert result.ok and result.staffing is not None, result.error
    outcome = refresh(odd)
    assert outcome.status != FAILED, outcome.message
    assert ooxml_errors(odd) == []


@pytest.mark.parametrize("builder", [hostile.doctype_workbook])
def test_odd_workbook_parts_are_refused_with_a_german_reason(builder, good: Path) -> None:
    odd = builder(good, good.with_name("seltsam.xlsx"))
    before = odd.read_bytes()
    outcome = refresh(odd)
    assert outcome.status == FAILED and "seltsam.xlsx" in outcome.message
    assert "Traceback" not in outcome.message
    assert odd.read_bytes() == before


# ---------------------------------------------------------------------- values


def test_values_the_law_cannot_hold_are_findings_and_not_counted(good: Path) -> None:
    clean = result_json(check_file(good, Settings()))
    hostile.with_cells(
        good,
        {
            "krippe.long": -40,
            "kindergarten.short": 2.5,
            "paed_stunden@0": -20,
            "paed_stunden@1": 500,
            "leitungsstunden@2": "NaN",
            "wochenstunden@3": 1e300,
        },
    )
    doc = result_json(check_file(good, Settings()))
    cells = {(f["rule"], f["cell"]) for f in doc["findings"]}
    meldung_cells = {
        f["cell"] for f in doc["findings"] if f["rule"] in ("plaetze-ungueltig", "wert-ungueltig")
    }
    assert len(meldung_cells) >= 6, cells
    assert doc["places"]["krippe"]["long"] is None and doc["places"]["kindergarten"]["short"] is None
    staffing, before = doc["staffing"], clean["staffing"]
    assert staffing["soll_betreuung_vzae"] < before["soll_betreuung_vzae"]  # the bad places count 0
    assert staffing["ist_betreuung_vzae"] < before["ist_betreuung_vzae"]
    assert staffing["deckungsgrad"] is None or staffing["deckungsgrad"] < 3


def test_far_dates_are_understood_everywhere(good: Path) -> None:
    """ "31.12.9999" is how many offices write "unbefristet"."""
    hostile.with_cells(
        good,
        {
            "ende@0": "31.12.9999",
            "ende@1": date(9999, 12, 31),
            "beginn@2": "31.12.9999",
            "fuehrungszeugnis@3": "31.12.9999",
            "geburtsdatum@4": "01.01.0001",
        },
    )
    assert refresh(good).status == WRITTEN
    keys = list(planning_values(good))[:2]
    type_planning(good, {keys[0]: {"letztes Jahresgespräch": datetime(9999, 12, 31)}})
    outcome = refresh(good)
    assert outcome.status == WRITTEN, outcome.message
    assert ooxml_errors(good) == []


# ---------------------------------------------------------------------- nothing becomes code


def test_nothing_typed_becomes_live_code_in_the_overview_csv_or_calendar(tmp_path: Path) -> None:
    folder = tmp_path / "ordner"
    folder.mkdir()
    evil = write_form(make_facility(22), folder / "=cmd|' calc'!A0.xlsx", "v2025-84")
    hostile.with_cells(evil, {"einrichtung": '=HYPERLINK("http://x")_x0001_ Kita'})
    items = refresh_many([evil], Settings(), workers=1)
    assert items[0].status == WRITTEN, items[0].message
    overview, table = folder / "Traegeruebersicht.xlsx", folder / "uebersicht.csv"
    write_overview(items, overview)
    write_csv(items, table)
    sheet = openpyxl.load_workbook(overview)["Übersicht"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")
    assert sheet["B2"].data_type == "s" and sheet["B2"].value.startswith("=cmd")
    assert ooxml_errors(overview) == []
    rows = list(csv.reader(table.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    cells = [c for row in rows[1:] for c in row]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert any(c.startswith("'=") for c in cells)


def test_a_planning_cell_cannot_start_a_calendar_property() -> None:
    from icalendar import Calendar

    from kitameldung.planning.ics import Talk

    nasty = "Termin\rBEGIN:VEVENT\x0bSUMMARY:gefälscht\u2028ATTENDEE:x@y\r\nEND:VEVENT"
    talk = Talk("P-1@k", datetime(2027, 1, 5, 9), False, nasty, nasty, nasty, 14)
    text = calendar([talk], datetime(2026, 11, 22))
    assert escape(nasty).count("\\n") == 4
    events = Calendar.from_ical(text).walk("VEVENT")
    assert len(events) == 1 and "ATTENDEE" not in events[0]
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))


# ---------------------------------------------------------------------- the file system


def test_a_read_only_file_is_not_replaced(good: Path) -> None:
    good.chmod(0o444)
    before = good.read_bytes()
    outcome = refresh(good)
    assert outcome.status == FAILED and "schreibgeschützt" in outcome.message
    assert good.read_bytes() == before and stat.S_IMODE(good.stat().st_mode) == 0o444


def test_a_linked_workbook_is_updated_through_its_target(good: Path, tmp_path: Path) -> None:
    link = tmp_path / "verknuepfung.xlsx"
    link.symlink_to(good)
    assert refresh(link).status == WRITTEN
    assert link.is_symlink() and "Prüfbericht" in openpyxl.load_workbook(good, read_only=True).sheetnames


def test_mode_is_kept_and_new_files_follow_the_umask(good: Path, tmp_path: Path) -> None:
    good.chmod(0o640)
    assert refresh(good).status == WRITTEN
    assert stat.S_IMODE(good.stat().st_mode) == 0o640
    old = os.umask(0o022)
    try:
        write_overview(refresh_many([good], Settings(), workers=1), tmp_path / "neu.xlsx")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "neu.xlsx").stat().st_mode) == 0o644


def test_special_files_and_open_workbooks_are_skipped_without_blocking(good: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    libre = write_form(make_facility(23), tmp_path / "offen.xlsx", "v2025-84")
    (tmp_path / ".~lock.offen.xlsx#").write_text("ich,host,01.01.2027", encoding="utf-8")
    finished: list[list] = []
    worker = threading.Thread(
        target=lambda: finished.append(refresh_many([fifo, libre, good], Settings(), workers=1))
    )
    worker.start()
    worker.join(timeout=60)
    assert finished, "a FIFO blocked the run"
    fifo_item, libre_item, good_item = finished[0]
    assert fifo_item.status == FAILED and "keine gewöhnliche Datei" in fifo_item.message
    assert libre_item.status == runner.LOCKED and good_item.status == WRITTEN


def test_two_refreshes_of_one_folder_at_once_never_fail_each_other(tmp_path: Path) -> None:
    folder = tmp_path / "gleichzeitig"
    folder.mkdir()
    for seed in range(4):
        write_form(make_facility(seed), folder / f"kita[{seed}].xlsx", "v2025-84")
    command = [sys.executable, "-m", "kitameldung.cli", "refresh", str(folder), "--quiet", "--ohne-cache"]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (out, err) in zip(runs, outputs):
        # A file the other run wrote meanwhile is left to it (never replaced unseen): exit 2 with
        # that reason and no other.
        problems = [line for line in out.splitlines() if line.strip().startswith("✗")]
        assert all("während der Aktualisierung gespeichert" in line for line in problems), out + err
        assert run.returncode in (0, 1) or (run.returncode == 2 and problems), out + err
        assert "Traceback" not in err and "No such file" not in out + err
    assert not list(folder.glob(f"*{TEMP_SUFFIX}"))
    for path in folder.glob("kita*.xlsx"):
        assert "Prüfbericht" in openpyxl.load_workbook(path, read_only=True).sheetnames


def test_a_crashing_worker_costs_only_its_own_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Rust reader aborting on a hostile file kills its worker process (BrokenProcessPool)."""
    files = [write_form(make_facility(seed), tmp_path / f"kita-{seed}.xlsx", "v2025-84") for seed in range(5)]
    crash = tmp_path / "absturz.xlsx"
    crash.write_bytes(files[0].read_bytes())
    real = runner.refresh_file

    def dies_on_one(path: Path, settings: Settings):  # type: ignore[no-untyped-def]
        if path.name == "absturz.xlsx":
            os._exit(134)  # what an abort in native code looks like from outside
        return real(path, settings)

    monkeypatch.setattr(runner, "refresh_file", dies_on_one)  # workers are forked: they see it
    items = refresh_many([*files[:2], crash, *files[2:]], Settings(), workers=2)
    statuses = {Path(i.path).name: i.status for i in items}
    assert statuses.pop("absturz.xlsx") == FAILED
    # a file whose result was lost with the crashed worker was written already: "unverändert" then
    assert set(statuses.values()) <= {WRITTEN, UNCHANGED}
    for path in files:
        assert "Prüfbericht" in openpyxl.load_workbook(path, read_only=True).sheetnames
    assert "abgestürzt" in next(i.message for i in items if i.path.endswith("absturz.xlsx"))


def test_a_mixed_folder_is_processed_to_the_end(good: Path, tmp_path: Path) -> None:
    folder = tmp_path / "gemischt"
    folder.mkdir()
    good_files = [
        write_form(make_facility(seed), folder / f"kita-{seed}.xlsx", "v2025-84") for seed in (31, 32)
    ]
    hostile.zip_bomb(good, folder / "bombe.xlsx")
    hostile.duplicate_member(good, folder / "doppelt.xlsx")
    hostile.encrypted_flag(good, folder / "flag.xlsx")
    hostile.utf16_workbook(good, folder / "utf16.xlsx")
    hostile.doctype_workbook(good, folder / "dtd.xlsx")
    (folder / "kaputt.xlsx").write_bytes(good.read_bytes()[:3000])
    os.mkfifo(folder / "pipe.xlsx")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "kitameldung.cli",
            "refresh",
            str(folder),
            "--quiet",
            "--csv",
            str(tmp_path / "t.csv"),
            "--json",
            str(tmp_path / "t.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    for name in ("bombe", "doppelt", "flag", "dtd", "kaputt"):
        assert f"{name}.xlsx:" in run.stdout, name
    for path in good_files:
        assert "Prüfbericht" in openpyxl.load_workbook(path, read_only=True).sheetnames
    assert (folder / "Traegeruebersicht.xlsx").exists()
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert (tmp_path / "t.csv").exists()
    assert not list(folder.glob(f".*{TEMP_SUFFIX}"))
    with zipfile.ZipFile(folder / "Traegeruebersicht.xlsx") as archive:
        assert archive.testzip() is None


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc (Linux)")
def test_killing_the_main_process_leaves_no_worker_running(tmp_path: Path) -> None:
    folder = tmp_path / "viele"
    folder.mkdir()
    source = write_form(make_facility(40), folder / "kita-0.xlsx", "v2025-84")
    for i in range(1, 120):
        (folder / f"kita-{i}.xlsx").write_bytes(source.read_bytes())
    marker = f"kitameldung-killtest-{os.getpid()}"
    script = (
        "import sys; from pathlib import Path; from kitameldung.batch.runner import refresh_many; "
        "from kitameldung.pipeline import Settings; "
        f"refresh_many(sorted(Path({str(folder)!r}).glob('*.xlsx')), Settings(), workers=2)  # {marker}"
    )
    main = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(_processes(marker)) < 3:  # main and two workers
            time.sleep(0.1)
        assert len(_processes(marker)) >= 3, "the workers did not start"
    finally:
        os.kill(main.pid, signal.SIGKILL)
        main.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _processes(marker):
        time.sleep(0.1)
    assert _processes(marker) == []


def _processes(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
            except OSError:
                continue
            if marker in cmdline:
                found.append(int(entry.name))
    return found
