"""Writing a user's file so that it is never half-written: a temp file in the same folder, then
one rename. Killing the process at any moment leaves either the old file or the new one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".kitameldung.tmp"


class WriteError(Exception):
    """The file could not be written; `str()` is a German message naming the file."""


def lock_file(path: Path) -> Path | None:
    """Excel's owner file `~$name` beside a workbook that is open right now."""
    for candidate in (f"~${path.name}", f"~${path.name[2:]}"):
        lock = path.with_name(candidate)
        if lock.exists():
            return lock
    return None


def refuse_if_open(path: Path) -> None:
    if lock_file(path) is not None:
        raise WriteError(
            f"{path.name}: Die Datei ist gerade in Excel geöffnet. Bitte dort speichern und schließen, "
            "dann erneut versuchen. Die Datei wurde nicht verändert."
        )


def write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Call `write` on a temp file beside `path`, then put it in place with one rename."""
    folder = path.parent
    _remove_stale_temps(path)
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as err:
        raise WriteError(
            f"{path.name}: Im Ordner {folder} kann nicht geschrieben werden ({err.strerror})."
        ) from err
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except PermissionError as err:
        temp.unlink(missing_ok=True)
        raise WriteError(
            f"{path.name}: Keine Berechtigung zum Schreiben (Datei schreibgeschützt oder in einem anderen "
            "Programm geöffnet?). Die Datei wurde nicht verändert."
        ) from err
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise WriteError(
            f"{path.name}: Die Datei konnte nicht geschrieben werden ({err.strerror or err}). "
            "Die Originaldatei ist unverändert."
        ) from err
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(folder)


def _remove_stale_temps(path: Path) -> None:
    """Temp files an earlier, killed run left beside this file."""
    for stale in path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
