"""Knowing that a workbook is unchanged since our last refresh without reading it.

The fingerprint covers what our sheets are computed from: every part of the authority (by the
CRC and size the zip directory already holds), the tab names, the settings and our version.
A small cache per user maps it to the last result and to the CRCs of the sheets we wrote; a
second run over an unchanged folder then opens no more than each file's zip directory.
The cache only accelerates: a miss or a damaged entry means the normal, full refresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from kitameldung import __version__
from kitameldung.workbook.package import OUR_PREFIX
from kitameldung.workbook.xmlparse import XmlRefused, is_date1904, parse

# Parts our refresh edits: not part of what the sheets are computed from.
REGISTRY = (
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "docProps/app.xml",
    "xl/styles.xml",
)
FORMAT = 4  # 2: JSON gained readings, Dispositionsspielraum, trainees; 3, 4: the Verlauf's keys


def settings_key(settings: object) -> str:
    """Results depend on the settings and on the check date (a report becomes due, the rule data
    stale): a cached result is reused on the day it was made, never later."""
    day = getattr(settings, "today", None) or date.today()
    return hashlib.sha256(f"{__version__}/{FORMAT}/{settings!r}/{day.isoformat()}".encode()).hexdigest()


def is_ours(name: str) -> bool:
    return name.rsplit("/", 1)[-1].startswith(OUR_PREFIX)


def fingerprint(archive: zipfile.ZipFile, key: str, path: Path) -> str:
    digest = hashlib.sha256(f"{key}\0{os.path.realpath(path)}".encode())
    for info in sorted(archive.infolist(), key=lambda i: i.filename):
        if info.filename in REGISTRY or is_ours(info.filename):
            continue
        digest.update(f"{info.filename}\0{info.CRC}\0{info.file_size}\n".encode())
    with contextlib.suppress(KeyError):
        book = archive.read("xl/workbook.xml")
        digest.update("\0".join(_sheet_names(book)).encode())
        digest.update(b"\0date1904" if is_date1904(book) else b"\0date1900")  # the same days, other numbers
    return digest.hexdigest()


def _sheet_names(book: bytes) -> list[str]:
    """The tab names (a renamed sheet changes the fingerprint); unreadable XML gives none."""
    names: list[str] = []

    def start(_ns: str, local: str, attrs: dict[str, str]) -> None:
        if local == "sheet":
            names.append(attrs.get("name", ""))

    with contextlib.suppress(XmlRefused):
        parse(book, start)
    return names


def our_crcs(archive: zipfile.ZipFile) -> dict[str, int]:
    return {i.filename: i.CRC for i in archive.infolist() if is_ours(i.filename)}


class ResultCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def default(cls) -> ResultCache:
        base = (
            os.environ.get("KITAMELDUNG_CACHE")
            or os.environ.get("XDG_CACHE_HOME")
            or os.environ.get("LOCALAPPDATA")
        )
        root = Path(base) if base else Path.home() / ".cache"
        return cls(root / "kitameldung" if not os.environ.get("KITAMELDUNG_CACHE") else root)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def lookup(self, path: Path, settings: str) -> dict[str, Any] | None:
        """The cached result if `path` holds exactly what our last refresh left there."""
        try:
            with zipfile.ZipFile(path) as archive:
                key = fingerprint(archive, settings, path)
                crcs = our_crcs(archive)
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError, zipfile.BadZipFile, EOFError):
            return None
        if not crcs or entry.get("ours") != crcs:
            return None
        result = entry.get("result")
        return result if isinstance(result, dict) else None

    def store(self, path: Path, settings: str, result: dict[str, Any]) -> None:
        with contextlib.suppress(OSError, ValueError, zipfile.BadZipFile, EOFError):
            with zipfile.ZipFile(path) as archive:
                key = fingerprint(archive, settings, path)
                entry = {"ours": our_crcs(archive), "result": result}
            target = self._path(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_suffix(f".{os.getpid()}.tmp")
            temp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
            os.replace(temp, target)
