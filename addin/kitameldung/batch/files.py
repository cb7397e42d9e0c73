"""Which files a run works on: the ones named, and the Excel workbooks in the folders named."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
OVERVIEW_NAME = "Traegeruebersicht.xlsx"


def expand(paths: Sequence[Path], recursive: bool = False) -> list[Path]:
    """Files as given; folders contribute their Excel files (Office lock files `~$…` and our
    own provider overview skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = path.rglob("*") if recursive else path.iterdir()
            files.extend(sorted(p for p in found if _is_facility_file(p)))
        else:
            files.append(path)
    return files


def _is_facility_file(path: Path) -> bool:
    return (
        path.suffix.lower() in EXCEL_SUFFIXES
        and not path.name.startswith("~$")
        and path.name != OVERVIEW_NAME
        and path.is_file()
    )


def own_outputs(files: list[Path], named: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Files found in folders that kitameldung wrote itself (Behördenfassung, overview under any
    name) are no facility reports: left out, with a note each. Files named one by one stay."""
    from kitameldung.workbook.ours import own_file_kind, own_file_note

    explicit = {p.resolve() for p in named if not p.is_dir()}
    kept: list[Path] = []
    notes: list[str] = []
    for path in files:
        kind = None if path.resolve() in explicit else own_file_kind(path)
        if kind is None:
            kept.append(path)
        else:
            notes.append(own_file_note(path, kind))
    return kept, notes
