"""Which files a run works on: the ones named, and the Excel workbooks in the folders named."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
OVERVIEW_NAME = "Traegeruebersicht.xlsx"


def resolved(path: Path) -> Path:
    """The real path, also for a link that loops (Python raises RuntimeError there)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def identity(path: Path) -> tuple[int, int] | None:
    """Device and inode of the file a path reaches (through links): one workbook, one identity."""
    try:
        info = path.stat()
    except (OSError, RuntimeError):
        return None
    return (info.st_dev, info.st_ino)


def expand(paths: Sequence[Path], recursive: bool = False) -> list[Path]:
    """Files as given; folders contribute their Excel files (Office lock files `~$…` and our
    own provider overview skipped). A workbook reached twice — named twice, through a link or a
    hard link — is taken once, by the first name that is no link."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = path.rglob("*") if recursive else path.iterdir()
            files.extend(sorted(p for p in found if _is_facility_file(p)))
        else:
            files.append(path)
    return _once(files)


def _once(files: list[Path]) -> list[Path]:
    chosen: dict[tuple[int, int], Path] = {}
    order: list[tuple[int, int] | Path] = []
    for path in files:
        key = identity(path)
        if key is None:  # missing or unreadable: reported for itself later
            order.append(path)
            continue
        if key not in chosen:
            chosen[key] = path
            order.append(key)
        elif chosen[key].is_symlink() and not path.is_symlink():
            chosen[key] = path
    return [chosen[item] if isinstance(item, tuple) else item for item in order]


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

    explicit = {resolved(p) for p in named if not p.is_dir()}
    kept: list[Path] = []
    notes: list[str] = []
    for path in files:
        kind = None if resolved(path) in explicit else own_file_kind(path)
        if kind is None:
            kept.append(path)
        else:
            notes.append(own_file_note(path, kind))
    return kept, notes
