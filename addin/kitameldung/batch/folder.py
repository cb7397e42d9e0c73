"""A refresh run as the provider office sees it: the files named, the complete overview of their
folder, and the German summary.

Refreshing one file of a folder must not shrink the folder's Trägerübersicht to one row: the
other facility files of the folder join the overview with their last figures (from the result
cache, else a read-only check), without being written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kitameldung.batch.files import OVERVIEW_NAME, expand, identity, own_outputs, resolved
from kitameldung.batch.runner import LOCKED, SKIPPED, BatchItem
from kitameldung.batch.verlauf import batch_data
from kitameldung.checks import Severity
from kitameldung.checks.formatting import counted
from kitameldung.pipeline import EXIT_FEHLER, EXIT_OK, EXIT_UNREADABLE, Settings, check_file
from kitameldung.refresh import FAILED, UNCHANGED, WRITTEN
from kitameldung.workbook.fingerprint import ResultCache, settings_key

FROM_FOLDER = "aus dem Ordner"  # status of files shown in the overview but not part of the run


def overview_target(named: Sequence[Path], files: list[Path], chosen: Path | None) -> Path | None:
    """Where the overview goes: as asked, else in the (first) folder named or of the first file
    that exists; None when nothing named exists (a mistyped path writes no overview)."""
    if chosen is not None:
        return chosen
    folder = next((p for p in named if p.is_dir()), None)
    if folder is not None:
        return folder / OVERVIEW_NAME
    existing = next((f for f in files if f.exists()), None)
    return existing.parent / OVERVIEW_NAME if existing else None


def folder_companions(
    named: Sequence[Path], items: list[BatchItem], settings: Settings, cache: ResultCache | None
) -> list[BatchItem]:
    """The other facility files of the folders of single files named, with their last figures."""
    folders = {resolved(p.parent) for p in named if not p.is_dir() and p.exists()}
    done = {identity(Path(i.path)) or resolved(Path(i.path)) for i in items}
    key = settings_key(settings)
    companions = []
    for folder in sorted(folders):
        files, _ = own_outputs(expand([folder]), [])
        for path in files:
            if (identity(path) or resolved(path)) in done:
                continue
            data = cache.lookup(path, key) if cache else None
            if data is None:
                result = check_file(path, settings)
                data = batch_data(result) if result.ok else None
            message = f"{path.name}: nicht Teil dieses Laufs, Zahlen aus der Datei."
            companions.append(BatchItem(str(path), FROM_FOLDER, message, data))
    return companions


def summary_lines(items: list[BatchItem]) -> list[str]:
    """The German summary of a run: counts, findings, and every file not written with its reason."""
    count = {
        status: sum(1 for i in items if i.status == status)
        for status in (WRITTEN, UNCHANGED, LOCKED, SKIPPED, FAILED)
    }
    findings = {
        s: sum(1 for i in items if i.data for f in i.data["findings"] if f["severity"] == s.value)
        for s in Severity
    }
    lines = [
        f"{counted(len(items), 'Datei', 'Dateien')}: {count[WRITTEN]} aktualisiert, {count[UNCHANGED]} unverändert, "
        f"{count[LOCKED]} gesperrt, {count[SKIPPED]} übersprungen, {count[FAILED]} nicht verarbeitet.",
        "Befunde: " + ", ".join(s.counted(n) for s, n in findings.items()) + ".",
    ]
    for status, title, mark in (
        (LOCKED, "Gesperrt (in Excel oder LibreOffice geöffnet)", "–"),
        (SKIPPED, "Übersprungen", "–"),
        (FAILED, "Nicht verarbeitet", "✗"),
    ):
        listed = [i for i in items if i.status == status]
        if listed:
            lines.append(f"{title}:")
            lines.extend(f"  {mark} {item.message}" for item in listed)
    return lines


def exit_status(items: list[BatchItem]) -> int:
    if any(i.status in (FAILED, LOCKED) for i in items):
        return EXIT_UNREADABLE
    fehler = any(f["severity"] == Severity.FEHLER.value for i in items if i.data for f in i.data["findings"])
    return EXIT_FEHLER if fehler else EXIT_OK
