"""Where a run may write: every output path is checked before anything runs.

An output never lands on a workbook the run reads, and never replaces a file that kitameldung did
not write: an overview, a Behördenfassung, a CSV, JSON or calendar file is replaced only when it
carries our mark (or holds our layout, for the text formats). A provider's own
`Traegeruebersicht.xlsx` or a facility workbook named by mistake stays as it is.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from kitameldung.workbook.atomic import WriteError
from kitameldung.workbook.ours import OWN_FILES, own_file_kind

TITLES = {
    "traegeruebersicht": "die Trägerübersicht",
    "behoerdenfassung": "die Behördenfassung",
    "csv": "die CSV-Datei",
    "json": "die JSON-Datei",
    "ics": "die Kalenderdatei",
    "aenderungen": "die Änderungsliste",
}
SNIFF_BYTES = 64 * 1024
JSON_LIMIT = 64 * 1024 * 1024
JSON_KEYS = {"path", "status", "message", "uebersicht", "result"}


def check_outputs(
    outputs: Sequence[tuple[Path | None, str]], inputs: Sequence[Path], csv_header: str = ""
) -> None:
    """Refuse (WriteError, German) any output that is an input workbook or a foreign file.
    `csv_header`: the first line of the CSV we write, by which an old one is recognised."""
    for path, kind in outputs:
        if path is not None:
            check_output(path, kind, inputs, csv_header)


def check_output(path: Path, kind: str, inputs: Sequence[Path], csv_header: str = "") -> None:
    what = TITLES[kind]
    if path.is_dir():
        raise WriteError(f"{path}: ist ein Ordner; für {what} bitte einen Dateinamen angeben.")
    if not path.exists():
        return
    for source in inputs:
        if _same_file(path, source):
            raise WriteError(
                f"{path.name}: ist eine der Meldungen, die gelesen werden; {what} würde sie überschreiben. "
                "Bitte einen anderen Dateinamen angeben."
            )
    if not _is_ours(path, kind, csv_header):
        raise WriteError(
            f"{path}: Diese Datei gibt es schon, und sie stammt nicht von kitameldung; sie wird nicht "
            f"überschrieben. Bitte für {what} einen anderen Dateinamen angeben oder die Datei umbenennen."
        )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _is_ours(path: Path, kind: str, csv_header: str) -> bool:
    """Written by kitameldung as this kind of output (an empty file holds nothing to lose)."""
    try:
        info = path.stat()
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False
    if info.st_size == 0:
        return True
    if kind in OWN_FILES:
        return own_file_kind(path) == kind
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES if kind != "json" else JSON_LIMIT + 1)
    except OSError:
        return False
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    if kind == "csv":
        return bool(text and csv_header) and text.splitlines()[0] == csv_header
    if kind == "ics":
        return text.startswith("BEGIN:VCALENDAR") and "PRODID:-//kitameldung//" in text
    if len(head) > JSON_LIMIT:
        return False
    try:
        documents = json.loads(text)
    except ValueError:
        return False
    return isinstance(documents, list) and all(isinstance(d, dict) and set(d) >= JSON_KEYS for d in documents)
