"""Which sheets of a package are kitameldung's, and what our own output files are.

A sheet is ours when its part carries our name (`kitameldung-<key>.xml`, as we write it), or,
after Excel or LibreOffice re-saved the workbook (they rename every part), when one of its first
rows holds our marker cell (`sheets.spec.marker_text`) — that survives renaming and copying the
tab. Files written before the marker existed are recognised by the exact tab name we gave.

Files we write that are not facility reports (the Behördenfassung, the provider overview) carry
a mark in the zip archive comment, outside every part, so the Behördenfassung stays part for
part the authority's workbook.
"""

from __future__ import annotations

import io
import os
import stat
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from kitameldung.sheets import SHEET_NAMES
from kitameldung.sheets.spec import MARKER_ROWS, marker_key
from kitameldung.workbook.cells import shared_strings, sheet_cells
from kitameldung.workbook.package import Package, SheetEntry
from kitameldung.workbook.xmlparse import XmlRefused, parse

OWN_FILE_MARK = "kitameldung:"
OWN_FILES = {
    "behoerdenfassung": "Behördenfassung",
    "traegeruebersicht": "Trägerübersicht",
    "aenderungen": "Änderungsliste",
}
CUSTOM_PROPERTY = "kitameldung"
EXCEL_NAME_LIMIT = 31
# The title in A1 of each of our sheets, as written before the marker cell existed.
LEGACY_TITLES = {
    "pruefbericht": "Prüfbericht – ",
    "quote": "Quote & Bedarf – ",
    "gespraechsplanung": "Gesprächsplanung – ",
    "leitfaden": "Leitfaden",
}


@dataclass(frozen=True)
class OurSheet:
    entry: SheetEntry
    key: str
    by: str  # "part" | "marker" | "name"


def sheet_name_key(name: str) -> str:
    """Sheet names as Excel compares them: case-insensitive, Unicode."""
    return unicodedata.normalize("NFC", name).casefold()


def our_sheets(package: Package, everywhere: bool = True) -> list[OurSheet]:
    """Our sheets in workbook order. With `everywhere` False, a package whose parts still carry
    our names (last written by us, so nobody can have copied a sheet since) is not searched for
    markers — the fast path of a refresh."""
    entries = package.sheets()
    found = [OurSheet(e, e.our_key, "part") for e in entries if e.our_key]
    if found and not everywhere:
        return found
    strings: list[str] | None = None
    by_part = {o.entry.rel_id for o in found}
    first_cells: dict[str, str] = {}  # rel id -> text of A1, for sheets of the legacy tab names
    for entry in entries:
        if entry.rel_id in by_part or entry.part is None:
            continue
        data = package.get(entry.part)
        if data is None:
            continue
        try:
            cells = sheet_cells(data, max_row=MARKER_ROWS).cells
        except XmlRefused:
            continue
        for cell in cells:
            text = cell.value
            if cell.shared_index is not None:
                if strings is None:
                    part = package.part_of_type("sharedStrings")
                    strings = shared_strings(package.get(part) if part else None)
                text = strings[cell.shared_index] if cell.shared_index < len(strings) else None
            if (cell.row, cell.col) == (1, 1) and isinstance(text, str):
                first_cells[entry.rel_id] = text
            key = marker_key(text)
            if key is not None:
                found.append(OurSheet(entry, key, "marker"))
                break
    keys = {o.key for o in found}
    marked = {o.entry.rel_id for o in found}
    for entry in entries:
        key = next((k for k, title in SHEET_NAMES.items() if title == entry.name), None)
        if key is None or key in keys or entry.rel_id in marked:
            continue
        # A tab of our old name is ours only with our layout: a user's own "Prüfbericht" is not.
        if first_cells.get(entry.rel_id, "").startswith(LEGACY_TITLES[key]):
            found.append(OurSheet(entry, key, "name"))
    return sorted(found, key=lambda o: o.entry.index)


def unique_sheet_name(wanted: str, existing: list[str]) -> str:
    """`wanted`, or "wanted (2)" … when a sheet of that name (as Excel compares) exists."""
    taken = {sheet_name_key(n) for n in existing}
    if sheet_name_key(wanted) not in taken:
        return wanted
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = wanted[: EXCEL_NAME_LIMIT - len(suffix)] + suffix
        if sheet_name_key(candidate) not in taken:
            return candidate
        number += 1


def own_file_kind(path: Path) -> str | None:
    """'behoerdenfassung' / 'traegeruebersicht' for files kitameldung wrote that are not facility
    reports; None for everything else (also for files that are no zip package, and for pipes
    and devices, which are never opened)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        with zipfile.ZipFile(path) as archive:
            comment = archive.comment.decode("utf-8", "replace")
            if comment.startswith(OWN_FILE_MARK):
                kind = comment[len(OWN_FILE_MARK) :].strip()
                return kind if kind in OWN_FILES else None
            if "docProps/custom.xml" in archive.namelist():
                info = archive.getinfo("docProps/custom.xml")
                if info.file_size < 1 << 20:
                    return _custom_property_kind(archive.read(info))
    except (OSError, zipfile.BadZipFile, EOFError, ValueError, XmlRefused, KeyError):
        return None
    return None


def _custom_property_kind(data: bytes) -> str | None:
    """The overview keeps a custom document property, which Excel keeps when it re-saves."""
    found: list[str] = []
    inside = {"ours": False}

    def start(_ns: str, local: str, attrs: dict[str, str]) -> None:
        if local == "property":
            inside["ours"] = attrs.get("name") == CUSTOM_PROPERTY

    def text(value: str) -> None:
        if inside["ours"]:
            found.append(value)

    parse(data, start, text=text)
    kind = "".join(found).strip()
    return kind if kind in OWN_FILES else None


def save_own_file(book: Any, kind: str, out: BinaryIO) -> None:
    """Save a workbook we made with openpyxl, marked as our `kind` of output: a custom document
    property (Excel keeps it when it re-saves) and the zip archive comment."""
    from openpyxl.packaging.custom import StringProperty

    book.custom_doc_props.append(StringProperty(name=CUSTOM_PROPERTY, value=kind))
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.comment = (OWN_FILE_MARK + kind).encode("ascii")
    out.write(buffer.getvalue())


def not_two_reports(old: Path, new: Path, consequence: str = "") -> str | None:
    """Why ALT and NEU are not two facility reports (German), or None: the same file twice, or
    one of kitameldung's own outputs. `consequence` ends the second message ("; … nicht …")."""
    if old.exists() and new.exists() and os.path.samefile(old, new):
        return "ALT und NEU sind dieselbe Datei."
    for path in (old, new):
        kind = own_file_kind(path) if path.exists() else None
        if kind is not None:
            return f"{path.name} ist eine {OWN_FILES[kind]} von kitameldung, keine Meldung einer Einrichtung{consequence}."
    return None


def own_file_note(path: Path, kind: str) -> str:
    return (
        f"{path.name}: {OWN_FILES[kind]} von kitameldung – keine Meldung einer Einrichtung, "
        "wird nicht geprüft und nicht verändert."
    )
