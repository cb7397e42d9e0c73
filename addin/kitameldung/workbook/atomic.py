"""Writing a user's file so that it is never half-written: a temp file in the same folder, then
one rename. Killing the process at any moment leaves either the old file or the new one.

The file system is respected: a read-only file is not replaced; a symbolic link is followed and
its target updated; a rewritten file keeps its mode and owner, a new one gets the mode the umask
gives (colleagues on a shared drive can open it). Temp files carry the writer's process id, so
two runs in one folder never remove each other's; only those of dead processes are cleaned up.
"""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from kitameldung.errors import german_reason
from kitameldung.form.workbook import Signature, signature

TEMP_SUFFIX = ".kitameldung.tmp"
STALE_SECONDS = 24 * 3600  # a temp file this old is left over, whoever wrote it


class WriteError(Exception):
    """The file could not be written; `str()` is a German message naming the file."""


def lock_file(path: Path) -> Path | None:
    """The owner file of a program that has the workbook open right now: Excel's `~$name`
    (the first two characters of long names replaced), LibreOffice's `.~lock.name#`."""
    for candidate in (f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#"):
        lock = path.with_name(candidate)
        if lock.exists():
            return lock
    return None


def refuse_if_open(path: Path) -> None:
    if lock_file(path) is not None:
        raise WriteError(
            f"{path.name}: Die Datei ist gerade in Excel oder LibreOffice geöffnet. Bitte dort speichern "
            "und schließen, dann erneut versuchen. Die Datei wurde nicht verändert."
        )


def new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


class ChangedMeanwhile(WriteError):
    """The file was saved by someone else while we worked on it: nothing was written."""


def write_atomic(path: Path, write: Callable[[BinaryIO], None], expect: Signature | None = None) -> None:
    """Call `write` on a temp file beside `path` (beside the target of a link), then put it in
    place with one rename. With `expect` (the signature of the file as it was read), the rename
    happens only if the file is still that one: a colleague's save is never replaced."""
    path = Path(os.path.realpath(path))
    folder = path.parent
    before = _existing(path)
    _remove_stale_temps(path)
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=folder
        )
    except OSError as err:
        raise WriteError(
            f"{path.name}: Im Ordner {folder} kann nicht geschrieben werden ({german_reason(err)})."
        ) from err
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        _take_over(temp, before)
        if expect is not None and _current_signature(path) != expect:
            temp.unlink(missing_ok=True)
            raise ChangedMeanwhile(
                f"{path.name}: Die Datei wurde während der Aktualisierung gespeichert (von Excel oder "
                "jemand anderem). kitameldung hat nichts geschrieben, damit diese Änderung erhalten "
                "bleibt; bitte die Aktualisierung wiederholen."
            )
        os.replace(temp, path)
    except ChangedMeanwhile:
        raise
    except PermissionError as err:
        temp.unlink(missing_ok=True)
        raise WriteError(
            f"{path.name}: Keine Berechtigung zum Schreiben (Datei schreibgeschützt oder in einem anderen "
            "Programm geöffnet?). Die Datei wurde nicht verändert."
        ) from err
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise WriteError(
            f"{path.name}: Die Datei konnte nicht geschrieben werden ({german_reason(err)}). "
            "Die Originaldatei ist unverändert."
        ) from err
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(folder)


def _current_signature(path: Path) -> Signature | None:
    try:
        return signature(path.stat())
    except OSError:
        return None


def _existing(path: Path) -> os.stat_result | None:
    """The file's status if it exists; refuses what must not be replaced."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise WriteError(f"{path.name}: Die Datei kann nicht geprüft werden ({german_reason(err)}).") from err
    if not stat.S_ISREG(info.st_mode):
        raise WriteError(f"{path.name}: Das ist keine gewöhnliche Datei; kitameldung schreibt sie nicht.")
    if not info.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise WriteError(
            f"{path.name}: Die Datei ist schreibgeschützt und wurde nicht verändert. Bitte den "
            "Schreibschutz aufheben (Eigenschaften der Datei), wenn kitameldung sie ergänzen soll."
        )
    return info


def _take_over(temp: Path, before: os.stat_result | None) -> None:
    """Mode and owner of the file being replaced, or the umask's mode for a new file."""
    if before is None:
        os.chmod(temp, new_file_mode())
        return
    os.chmod(temp, stat.S_IMODE(before.st_mode))
    if hasattr(os, "chown") and (before.st_uid, before.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(OSError):  # only root may give a file away; then keep ours
            os.chown(temp, before.st_uid, before.st_gid)


def _remove_stale_temps(path: Path) -> None:
    """Temp files a killed run left beside this file: of processes that are gone, or old."""
    pattern = glob.escape(str(path.parent / f".{path.name}.")) + f"*{TEMP_SUFFIX}"
    for name in glob.glob(pattern):
        stale = Path(name)
        if _is_stale(stale, path.name):
            with contextlib.suppress(OSError):
                stale.unlink()


def _is_stale(temp: Path, name: str) -> bool:
    rest = temp.name[len(name) + 2 :]
    pid_text = rest.split(".", 1)[0]
    with contextlib.suppress(OSError):
        if time.time() - temp.stat().st_mtime > STALE_SECONDS:
            return True
    if not pid_text.isdigit() or os.name == "nt":  # Windows' os.kill would stop the process
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
