"""Opening a workbook file for reading: every sheet as a grid of cached values.

python-calamine reads .xlsx and .xlsm fast and never writes. Old .xls files are refused with a
hint to save them as .xlsx: the lossless writer cannot add sheets to them. Everything that can go wrong
with a file (missing, empty, encrypted, corrupt, not Excel) becomes one FormError with a German
message that names the file and says what to do.
"""

from __future__ import annotations

import errno
import functools
import io
import os
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import python_calamine

from kitameldung.errors import german_reason
from kitameldung.workbook.xmlparse import (
    XmlRefused,
    is_date1904,
    parse,
    stop,
    xml_text,
)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

Cell = Any  # what calamine returns: str, float, int, bool, date, datetime, time, timedelta
Range = tuple[tuple[int, int], tuple[int, int]]
Signature = tuple[int, int, int, int]  # size, modified (ns), status changed (ns), inode


def signature(info: os.stat_result) -> Signature:
    """What tells that a file is still the one that was read: any save changes one of these."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


class FormError(Exception):
    """The file cannot be read as a Personalmeldung. `str()` is the German message."""


@dataclass(frozen=True)
class Unread:
    """What an empty-looking cell holds: an error value ("#REF!") or a formula (without "=")
    whose result was never stored."""

    error: str | None = None
    formula: str | None = None


@dataclass(frozen=True)
class Sheet:
    name: str
    visible: bool
    rows: list[list[Cell]]
    merged: tuple[Range, ...]
    # (row, col) 0-based → formula without "=", where the reader could see formulas (a live
    # Gesprächsplanung in Excel); calamine gives values only.
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    # Cells calamine shows empty although they hold something (an error value, a formula saved
    # without its result): read from the sheet's XML only when the reader asks.
    unread_loader: Callable[[], dict[tuple[int, int], Unread]] | None = field(
        default=None, repr=False, compare=False
    )
    date1904: bool = False  # the workbook counts days from 1904 (Mac Excel)

    @cached_property
    def unread(self) -> dict[tuple[int, int], Unread]:
        return self.unread_loader() if self.unread_loader is not None else {}

    def value(self, row: int, col: int) -> Cell:
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    @cached_property
    def height(self) -> int:
        return len(self.rows)

    @cached_property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


# Limits for a Personalmeldung (a few hundred kB; the largest real ones a few MB): far above what
# a form needs, far below what hurts a machine. Checked from the zip directory before reading.
MAX_FILE_BYTES = 100 * 2**20
MAX_MEMBERS = 5_000
MAX_PART_BYTES = 128 * 2**20
MAX_TOTAL_BYTES = 256 * 2**20
MAX_RATIO = 500  # uncompressed / compressed of a part larger than 1 MiB
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}


def check_package(path: Path, data: bytes | None = None) -> None:
    """Refuse, with a German reason, what no Personalmeldung looks like: packages too large or
    that inflate far beyond their size, duplicate or encrypted members, other compression."""
    name = path.name
    if (len(data) if data is not None else path.stat().st_size) > MAX_FILE_BYTES:
        raise FormError(
            f"{name}: Die Datei ist größer als {MAX_FILE_BYTES // 2**20} MB – keine Personalmeldung."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
        raise FormError(
            f"{name}: Die Datei ist beschädigt ({german_reason(err)}). Bitte in Excel öffnen und reparieren lassen."
        ) from err
    reason = _package_problem(infos)
    if reason:
        raise FormError(f"{name}: {reason} Die Datei wurde nicht gelesen und nicht verändert.")
    other = _other_document(infos, data)
    if other:
        raise FormError(f"{name}: {other}")


# Zip packages that are no Excel workbook: what they are, and what to do.
_OTHER_KINDS = (
    (
        "word/document.xml",
        "Das ist ein Word-Dokument, keine Excel-Arbeitsmappe (nur umbenannt?). Bitte die Personalmeldung als Excel-Datei (.xlsx) verwenden.",
    ),
    (
        "ppt/presentation.xml",
        "Das ist eine PowerPoint-Präsentation, keine Excel-Arbeitsmappe. Bitte die Personalmeldung als Excel-Datei (.xlsx) verwenden.",
    ),
    (
        "xl/workbook.bin",
        "Das ist eine Excel-Binärarbeitsmappe (.xlsb). Bitte in Excel unter Datei › Speichern unter als „Excel-Arbeitsmappe (*.xlsx)“ speichern und diese Datei verwenden.",
    ),
)
_ODS = "Das ist eine OpenDocument-Tabelle (.ods), keine Excel-Arbeitsmappe. Bitte in Excel oder LibreOffice öffnen und als „Excel 2007-365 (.xlsx)“ speichern, dann diese Datei verwenden."


def _content_types(data: bytes) -> list[str]:
    found: list[str] = []

    def start(_ns: str, local: str, attrs: dict[str, str]) -> None:
        if local in ("Override", "Default") and "ContentType" in attrs:
            found.append(attrs["ContentType"])

    try:
        parse(data, start)
    except XmlRefused:
        return []
    return found


def _other_document(infos: list[zipfile.ZipInfo], data: bytes | None) -> str | None:
    names = {i.filename.lower(): i for i in infos}
    if "xl/workbook.xml" in names:
        return None
    for part, message in _OTHER_KINDS:
        if part in names:
            return message
    types = names.get("[content_types].xml")
    if types is not None and data is not None and types.file_size < MAX_PART_BYTES:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            declared = _content_types(archive.read(types))
        if any(
            kind.endswith((".sheet.main+xml", ".sheet.macroEnabled.main+xml", ".template.main+xml"))
            for kind in declared
        ):
            return None  # a workbook whose main part has another name: Package finds it
    if "mimetype" in names and data is not None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            kind = archive.read(names["mimetype"])[:100].decode("ascii", "replace")
        if "opendocument.spreadsheet" in kind:
            return _ODS
        return "Das ist ein OpenDocument-Dokument, keine Excel-Arbeitsmappe. Bitte die Personalmeldung als Excel-Datei (.xlsx) verwenden."
    return "Das ist keine Excel-Arbeitsmappe (ihr Arbeitsmappen-Teil fehlt). Bitte die Personalmeldung in Excel öffnen und als .xlsx speichern."


def _package_problem(infos: list[zipfile.ZipInfo]) -> str | None:
    if len(infos) > MAX_MEMBERS:
        return f"Die Arbeitsmappe besteht aus {len(infos)} Teilen (erlaubt: {MAX_MEMBERS})."
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        return "Die Arbeitsmappe enthält Teile doppelt (manipulierte oder defekte Datei)."
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            return f"Der Teil {info.filename} ist verschlüsselt; so speichert Excel keine Arbeitsmappe."
        if info.compress_type not in ZIP_METHODS:
            return f"Der Teil {info.filename} ist mit einem unbekannten Verfahren gepackt."
        if info.file_size > MAX_PART_BYTES:
            return f"Der Teil {info.filename} wäre entpackt {info.file_size // 2**20} MB groß (erlaubt: {MAX_PART_BYTES // 2**20} MB)."
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return f"Der Teil {info.filename} entpackt sich auf das {info.file_size // max(info.compress_size, 1)}-Fache (Zip-Bombe?)."
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        return f"Die Arbeitsmappe wäre entpackt {total // 2**20} MB groß (erlaubt: {MAX_TOTAL_BYTES // 2**20} MB)."
    return None


def file_kind(path: Path, data: bytes | None = None) -> str:
    """'xlsx' (a zip package), 'encrypted', 'xls' (old binary format), 'empty', 'special' (no
    regular file: a pipe, device or socket, never opened) or 'unknown'. With `data` (the file's
    bytes, already read) the file is not opened again."""
    if data is None:
        if not stat.S_ISREG(path.stat().st_mode):
            return "special"
        with path.open("rb") as handle:
            head = handle.read(8)
    else:
        head = data[:8]
    if not head:
        return "empty"
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head == OLE_MAGIC:
        import olefile

        try:
            with olefile.OleFileIO(data if data is not None else str(path)) as ole:
                if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                    return "encrypted"
        except OSError:
            return "unknown"
        return "xls"
    return "unknown"


def readable_kind(path: Path) -> str:
    """'xlsx' or 'xls' for a file worth opening; everything else a FormError in German
    (missing, a folder, a pipe or device, empty, encrypted, no Excel file, a package no form
    looks like)."""
    return take_snapshot(path).kind


@dataclass(frozen=True, eq=False)
class Snapshot:
    """A workbook file read once: the reader and the package writer work on these same bytes,
    and the file is replaced only while it still has this `signature` (nobody saved it since)."""

    path: Path
    data: bytes
    kind: str  # "xlsx" | "xls"
    signature: Signature
    links: int = 1  # names the file has in the file system (more than 1: a hard link)

    @cached_property
    def date1904(self) -> bool:
        """Whether the workbook counts days from 1904 (Mac Excel)."""
        if self.kind != "xlsx":
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                name = next((n for n in archive.namelist() if n.lower() == "xl/workbook.xml"), None)
                return is_date1904(archive.read(name)) if name else False
        except (zipfile.BadZipFile, OSError, ValueError):
            return False


def take_snapshot(path: Path) -> Snapshot:
    """Read a workbook once, checked as `readable_kind` describes; FormError (German) if it is
    no file worth opening. A file that changes while it is read is read again."""
    name = path.name
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FormError(f"{name}: Die Datei wurde nicht gefunden.") from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise FormError(
                f"{name}: Das ist eine Verknüpfung (symbolischer Link), die im Kreis auf sich selbst zeigt; "
                "es gibt keine Arbeitsmappe dahinter. Bitte die Verknüpfung löschen oder richtig setzen."
            ) from None
        raise FormError(f"{name}: Die Datei kann nicht gelesen werden ({german_reason(err)}).") from err
    if stat.S_ISDIR(info.st_mode):
        raise FormError(f"{name}: Das ist ein Ordner, keine Excel-Datei.")
    if not stat.S_ISREG(info.st_mode):
        raise FormError(f"{name}: Das ist keine gewöhnliche Datei (Gerät, Pipe oder Socket) – übersprungen.")
    if info.st_size > MAX_FILE_BYTES:
        raise FormError(
            f"{name}: Die Datei ist größer als {MAX_FILE_BYTES // 2**20} MB – keine Personalmeldung."
        )
    try:
        for _ in range(3):
            before = signature(path.stat())
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
            if signature(path.stat()) == before:
                break
    except OSError as err:
        raise FormError(f"{name}: Die Datei kann nicht gelesen werden ({german_reason(err)}).") from err
    kind = file_kind(path, data)
    if kind == "empty":
        raise FormError(
            f"{name}: Die Datei ist leer (0 Byte). Bitte die Meldung erneut aus Excel speichern "
            "oder aus der Sicherung holen."
        )
    if kind == "encrypted":
        raise FormError(
            f"{name}: Die Datei ist mit einem Kennwort verschlüsselt. Bitte in Excel öffnen, unter "
            "Datei › Informationen › Arbeitsmappe schützen das Kennwort entfernen und speichern."
        )
    if kind == "unknown":
        raise FormError(
            f"{name}: Das ist keine Excel-Arbeitsmappe (.xlsx, .xlsm oder .xls). Bitte die "
            "Personalmeldung als Excel-Datei speichern."
        )
    if kind == "xlsx":
        check_package(path, data)
    return Snapshot(path, data, kind, before, info.st_nlink)


def open_sheets(path: Path, snapshot: Snapshot | None = None) -> list[Sheet]:
    name = path.name
    snapshot = snapshot or take_snapshot(path)
    if snapshot.kind == "xls":
        raise FormError(
            f"{name}: Das ist eine Arbeitsmappe im alten Excel-Format (.xls). Bitte in Excel öffnen, "
            "unter Datei › Speichern unter als „Excel-Arbeitsmappe (*.xlsx)“ speichern und diese "
            "Datei verwenden."
        )
    try:
        try:
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(snapshot.data))
        except Exception:
            readable = _readable_copy(snapshot.data)
            if readable is None:
                raise
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(readable))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = tuple(sheet.merged_cell_ranges or ())
            visible = meta.visible == python_calamine.SheetVisibleEnum.Visible
            loader = functools.partial(_unread_cells, snapshot.data, meta.name)
            sheets.append(
                Sheet(meta.name, visible, rows, merged, unread_loader=loader, date1904=snapshot.date1904)
            )
        book.close()
        _restore_rich_text(sheets, snapshot.data)
    except Exception as err:  # calamine raises several error types for damaged packages
        raise FormError(
            f"{name}: Die Datei ist beschädigt und kann nicht gelesen werden ({german_reason(err)}). "
            "Bitte in Excel öffnen und reparieren lassen oder aus der Sicherung holen."
        ) from err
    except BaseException as err:  # a panic in the Rust reader surfaces as BaseException
        if isinstance(err, (KeyboardInterrupt, SystemExit)):
            raise
        raise FormError(
            f"{name}: Die Datei ist beschädigt und kann nicht gelesen werden. Bitte in Excel "
            "öffnen und reparieren lassen oder aus der Sicherung holen."
        ) from err
    if not sheets:
        raise FormError(f"{name}: Die Arbeitsmappe enthält kein Tabellenblatt.")
    return sheets


def _unread_cells(data: bytes, sheet_name: str) -> dict[tuple[int, int], Unread]:
    """Error values and formulas without a stored result in one sheet, from its XML (0-based)."""
    from kitameldung.workbook.cells import sheet_cells
    from kitameldung.workbook.paths import resolve

    found: dict[tuple[int, int], Unread] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {n.lower(): n for n in archive.namelist()}
            book_name = names.get("xl/workbook.xml")
            if book_name is None:
                return found
            rel_id = _sheet_rel_id(archive.read(book_name), sheet_name)
            rels = names.get("xl/_rels/workbook.xml.rels")
            target = _rel_target(archive.read(rels), rel_id) if rels and rel_id else None
            part = names.get(resolve(book_name, target).lower()) if target else None
            if part is None or archive.getinfo(part).file_size > MAX_PART_BYTES:
                return found
            xml = archive.read(part)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, XmlRefused):
        return found
    quick = _quick_unread(xml)
    if quick is not None:
        return quick
    try:  # shared formulas or cells without addresses: the full reader translates them
        cells = sheet_cells(xml).cells
    except XmlRefused:
        return found
    for cell in cells:
        position = (cell.row - 1, cell.col - 1)
        if cell.kind == "e" and cell.value:
            found[position] = Unread(error=cell.value.strip())
        elif cell.formula and (cell.value is None or cell.value == ""):
            found[position] = Unread(formula=cell.formula)
    return found


def _quick_unread(xml: bytes) -> dict[tuple[int, int], Unread] | None:
    """The same as the full cell reader, in one light pass (every check reads the form sheet):
    the sheet parsed into a tree in C, then only cells with children looked at. None where it
    cannot be sure (a shared formula's dependent, a cell without address) or where the part
    declares a DTD (the full, DTD-refusing reader decides then)."""
    from xml.etree import ElementTree

    from kitameldung.address import a1_parts

    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:  # entities need a DTD; without one nothing expands
        return None
    try:
        root = ElementTree.fromstring(xml)
    except (ElementTree.ParseError, ValueError):
        return None
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    cell_tag, formula_tag, value_tag = f"{ns}c", f"{ns}f", f"{ns}v"
    found: dict[tuple[int, int], Unread] = {}
    for cell in root.iter(cell_tag):
        if not len(cell):
            continue  # a cell without value or formula (formatting only)
        formula, value = cell.find(formula_tag), cell.find(value_tag)
        stored = "".join(value.itertext()) if value is not None else ""
        if cell.get("t") == "e" and stored:
            kind = Unread(error=stored.strip())
        elif formula is not None and not stored:
            text = "".join(formula.itertext())
            if not text:  # a shared formula's dependent: the full reader translates it
                return None
            kind = Unread(formula=text)
        else:
            continue
        ref = cell.get("r")
        try:
            row, col = a1_parts(ref or "")
        except ValueError:
            return None  # a cell without (readable) address: the full reader places it
        if row < 1 or col < 1:
            return None
        found[(row - 1, col - 1)] = kind
    return found


def _sheet_rel_id(book: bytes, sheet_name: str) -> str | None:
    found: dict[str, str] = {}

    def start(_ns: str, local: str, attrs: dict[str, str]) -> None:
        if local == "sheet" and attrs.get("name") == sheet_name:
            found["id"] = next((v for k, v in attrs.items() if k.endswith("\x1fid")), "")
            stop()

    parse(book, start)
    return found.get("id") or None


def _rel_target(rels: bytes, rel_id: str) -> str | None:
    found: dict[str, str] = {}

    def start(_ns: str, local: str, attrs: dict[str, str]) -> None:
        if local == "Relationship" and attrs.get("Id") == rel_id:
            found["target"] = attrs.get("Target", "")
            stop()

    parse(rels, start)
    return found.get("target") or None


def _restore_rich_text(sheets: list[Sheet], data: bytes) -> None:
    """calamine drops the spaces at the edges of rich-text runs written without
    xml:space="preserve" ("Braun, " + "Ines" becomes "Braun,Ines"): put the text back as written."""
    fixes = _rich_text_fixes(data)
    if not fixes:
        return
    for sheet in sheets:
        for row in sheet.rows:
            for index, value in enumerate(row):
                if isinstance(value, str) and value in fixes:
                    row[index] = fixes[value]


def _rich_text_fixes(data: bytes) -> dict[str, str]:
    """calamine's reading → the written text, for shared strings in runs that differ."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            name = next((n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml")), None)
            if name is None or archive.getinfo(name).file_size > MAX_PART_BYTES:
                return {}
            xml = archive.read(name)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return {}
    if b"<r>" not in xml and b":r>" not in xml:
        return {}
    fixes: dict[str, str] = {}
    runs: list[tuple[str, bool]] = []
    state: dict[str, Any] = {"in_run": False, "in_t": False, "preserve": False, "text": []}

    def start(_ns: str, local: str, attrs: dict[str, str]) -> None:
        if local == "si":
            runs.clear()
        elif local == "r":
            state["in_run"] = True
        elif local == "t" and state["in_run"]:
            state["in_t"], state["text"] = True, []
            state["preserve"] = any(k.endswith("space") and v == "preserve" for k, v in attrs.items())

    def end(_ns: str, local: str) -> None:
        if local == "t" and state["in_t"]:
            runs.append(("".join(state["text"]), state["preserve"]))
            state["in_t"] = False
        elif local == "r":
            state["in_run"] = False
        elif local == "si" and runs:
            written = "".join(text for text, _ in runs)
            read = "".join(text if keep else text.strip() for text, keep in runs)
            if read != written:
                fixes.setdefault(read, written)

    def text(value: str) -> None:
        if state["in_t"]:
            state["text"].append(value)

    try:
        parse(xml, start, end, text)
    except XmlRefused:
        return {}
    return fixes


def _readable_copy(data: bytes) -> bytes | None:
    """A copy for reading only, in a shape calamine reads: XML parts written in UTF-16 as UTF-8,
    and without the `<sheet r:id="">` entries Excel leaves for old module sheets. None when there
    is nothing to change. The file itself is never changed."""
    from xml.etree import ElementTree as ET

    try:
        changed = False
        buffer = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(data)) as archive,
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out,
        ):
            for info in archive.infolist():
                content = archive.read(info)
                if info.filename.lower().endswith((".xml", ".rels")) and content.startswith(
                    (b"\xff\xfe", b"\xfe\xff")
                ):
                    content, changed = xml_text(content).encode("utf-8"), True
                if info.filename.lower() == "xl/workbook.xml":
                    root = ET.fromstring(content)
                    for sheets in root.iter():
                        for sheet in list(sheets):
                            if sheet.tag.endswith("}sheet") and any(
                                key.endswith("}id") and not value.strip()
                                for key, value in sheet.attrib.items()
                            ):
                                sheets.remove(sheet)
                                changed = True
                    content = ET.tostring(root, xml_declaration=True, encoding="UTF-8")
                out.writestr(info, content)
        return buffer.getvalue() if changed else None
    except (zipfile.BadZipFile, ET.ParseError, OSError, ValueError, UnicodeDecodeError):
        return None


def read_sheet(path: Path, name: str) -> list[list[Cell]] | None:
    """One sheet's cached values (our own sheets, read back before a refresh); None if absent."""
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        if name not in book.sheet_names:
            return None
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        book.close()
        return rows
    except Exception as err:
        raise FormError(
            f"{path.name}: Das Blatt „{name}“ kann nicht gelesen werden ({german_reason(err)}). Die Datei "
            "wurde nicht verändert; bitte in Excel öffnen und erneut speichern."
        ) from err
