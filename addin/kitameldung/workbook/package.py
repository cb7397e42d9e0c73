"""An .xlsx/.xlsm as a zip of parts, edited by "OPC surgery": parts we do not mean to change are
copied byte for byte; registry parts are edited as text (see `xmltext`).

Our sheets live in parts named `xl/worksheets/kitameldung-<key>.xml`; that name is how a later
run (and the Behördenfassung) knows them. A workbook re-saved by Excel renames every part; then
our sheets are known by their tab names.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kitameldung.errors import german_reason
from kitameldung.form.workbook import MAX_PART_BYTES, FormError, Signature, Snapshot, take_snapshot
from kitameldung.workbook import registry, usage
from kitameldung.workbook.atomic import write_atomic
from kitameldung.workbook.paths import rels_path, resolve
from kitameldung.workbook.xmlparse import (
    STRICT_MAIN_NS,
    XmlRefused,
    check_well_formed,
    parse,
    root_info,
    split_name,
    xml_text,
)

CONTENT_TYPES = "[Content_Types].xml"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
REL_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OUR_PREFIX = "kitameldung-"


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str  # the part name, or the URI of an external target
    external: bool


@dataclass(frozen=True)
class SheetEntry:
    name: str
    sheet_id: int
    rel_id: str
    part: str | None  # the worksheet part, resolved from the workbook's relationships
    index: int  # position among the workbook's sheets

    @property
    def our_key(self) -> str | None:
        base = posixpath.basename(self.part or "")
        if base.startswith(OUR_PREFIX) and base.endswith(".xml"):
            return re.sub(r"-\d+$", "", base[len(OUR_PREFIX) : -4])
        return None


class Package:
    def __init__(
        self, path: Path, entries: list[tuple[zipfile.ZipInfo, bytes]], comment: bytes = b""
    ) -> None:
        self.path = path
        self._infos = [info for info, _ in entries]
        self._data = {info.filename: data for info, data in entries}
        self.comment = comment  # the zip archive comment, outside every part
        self.workbook = self._workbook_part()

    # ------------------------------------------------------------------ reading and writing

    @classmethod
    def read(cls, path: Path, snapshot: Snapshot | None = None) -> Package:
        """The package of `path`, from `snapshot` when the file was read already (the same
        bytes the form reader saw)."""
        name = path.name
        snapshot = snapshot or take_snapshot(path)
        if snapshot.kind == "xls":
            raise FormError(
                f"{name}: Arbeitsmappen im alten Format (.xls) kann kitameldung nicht ergänzen. Bitte in "
                "Excel unter Datei › Speichern unter als „Excel-Arbeitsmappe (*.xlsx)“ speichern."
            )
        try:
            with zipfile.ZipFile(io.BytesIO(snapshot.data)) as archive:
                entries = [(info, _read_member(archive, info)) for info in archive.infolist()]
                comment = archive.comment
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as err:
            raise FormError(
                f"{name}: Die Datei ist beschädigt ({german_reason(err)}). Bitte in Excel öffnen und reparieren lassen."
            ) from err
        try:
            package = cls(path, entries, comment)
            if package.workbook not in package._data:
                raise FormError(f"{name}: Die Arbeitsmappe hat keinen Arbeitsmappen-Teil (xl/workbook.xml).")
            for part in (CONTENT_TYPES, package.workbook, package.workbook_rels):
                if part not in package._data:
                    raise FormError(f"{name}: Der Arbeitsmappe fehlt der Teil {part}.")
                xml_text(package._data[part])
                check_well_formed(package._data[part])
            root = root_info(package._data[package.workbook])
        except (XmlRefused, UnicodeDecodeError) as err:
            raise FormError(
                f"{name}: Ein Verwaltungsteil der Arbeitsmappe ist kein lesbares XML ({err}); kitameldung "
                "ändert die Datei darum nicht. Bitte in Excel öffnen und als „Excel-Arbeitsmappe (*.xlsx)“ "
                "neu speichern."
            ) from err
        if root.namespace == STRICT_MAIN_NS:
            raise FormError(
                f"{name}: Die Arbeitsmappe ist im Format „Strict Open XML“ gespeichert, das kitameldung nicht "
                "ergänzen kann. Bitte in Excel unter Datei › Speichern unter als „Excel-Arbeitsmappe (*.xlsx)“ "
                "speichern und diese Datei verwenden."
            )
        return package

    def copy(self) -> Package:
        """An independent package sharing the (immutable) part bytes."""
        return Package(self.path, [(info, self._data[info.filename]) for info in self._infos], self.comment)

    def write(self, target: Path, expect: Signature | None = None) -> None:
        """Atomically; with `expect`, only while the file is still the one that was read."""
        write_atomic(target, self._write_zip, expect)

    def _write_zip(self, out: BinaryIO) -> None:
        with zipfile.ZipFile(out, "w") as archive:
            for info in self._infos:
                archive.writestr(info, self._data[info.filename])
            archive.comment = self.comment

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._write_zip(buffer)
        return buffer.getvalue()

    def parts(self) -> dict[str, bytes]:
        return {info.filename: self._data[info.filename] for info in self._infos}

    # ------------------------------------------------------------------ parts

    def get(self, name: str) -> bytes | None:
        return self._data.get(name)

    def has(self, name: str) -> bool:
        return name in self._data

    def names(self) -> list[str]:
        return [info.filename for info in self._infos]

    def text(self, name: str) -> str:
        return xml_text(self._data[name])

    def put(self, name: str, data: bytes) -> None:
        if name not in self._data:
            reference = next(i for i in self._infos if i.filename == self.workbook)
            info = zipfile.ZipInfo(name, date_time=reference.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            self._infos.append(info)
        self._data[name] = data

    def put_text(self, name: str, xml: str) -> None:
        """Store an edited part; an edit that would leave it malformed XML is refused."""
        data = xml.encode("utf-8")
        if data != self._data.get(name):
            try:
                check_well_formed(data)
            except XmlRefused as err:
                raise FormError(
                    f"{self.path.name}: Der Teil {name} ließe sich nicht fehlerfrei ergänzen ({err}); die "
                    "Datei wurde nicht verändert. Bitte in Excel öffnen und erneut speichern."
                ) from err
            self.put(name, data)

    def drop(self, name: str) -> None:
        if name in self._data:
            del self._data[name]
            self._infos = [i for i in self._infos if i.filename != name]

    def _workbook_part(self) -> str:
        found: list[str] = []

        def start(_ns: str, local: str, attrs: dict[str, str]) -> None:
            if local == "Relationship" and attrs.get("Type", "").endswith("/officeDocument") and not found:
                found.append(resolve("", attrs.get("Target", "")))

        root_rels = self._data.get("_rels/.rels")
        if root_rels:
            parse(root_rels, start)
        return found[0] if found else "xl/workbook.xml"

    @property
    def workbook_rels(self) -> str:
        return rels_path(self.workbook)

    # ------------------------------------------------------------------ sheets

    def sheets(self) -> list[SheetEntry]:
        rels = self.targets(self.workbook)
        entries: list[SheetEntry] = []

        def start(_ns: str, local: str, attrs: dict[str, str]) -> None:
            if local != "sheet":
                return
            rel_id = next((v for k, v in attrs.items() if split_name(k) == (REL_NS, "id")), "")
            sheet_id = attrs.get("sheetId", "0")
            entries.append(
                SheetEntry(
                    name=attrs.get("name", ""),
                    sheet_id=int(sheet_id) if sheet_id.isdigit() else 0,
                    rel_id=rel_id,
                    part=rels.get(rel_id),
                    index=len(entries),
                )
            )

        parse(self._data[self.workbook], start)
        return entries

    def targets(self, part: str) -> dict[str, str]:
        """Internal relationships of `part`: id -> target part."""
        return {rel.id: rel.target for rel in self.relationships(part) if not rel.external}

    def relationships(self, part: str) -> list[Relationship]:
        """All relationships of `part`, internal targets resolved to part names."""
        data = self._data.get(rels_path(part))
        found: list[Relationship] = []

        def start(_ns: str, local: str, attrs: dict[str, str]) -> None:
            if local == "Relationship":
                external = attrs.get("TargetMode") == "External"
                target = attrs.get("Target", "")
                found.append(
                    Relationship(
                        attrs.get("Id", ""),
                        attrs.get("Type", ""),
                        target if external else resolve(part, target),
                        external,
                    )
                )

        if data is not None:
            parse(data, start)
        return found

    def part_of_type(self, kind: str) -> str | None:
        """The workbook-level part with relationship type ending in `kind` ("styles", …)."""
        for rel in self.relationships(self.workbook):
            if rel.type.endswith("/" + kind) and not rel.external:
                return rel.target if rel.target in self._data else None
        return None

    # ---------------------------------------------------------------- the sheet registry (see registry)

    def add_sheet(self, name: str, key: str, data: bytes) -> None:
        registry.add_sheet(self, name, key, data)

    def adopt_sheet(self, entry: SheetEntry, key: str, data: bytes) -> None:
        registry.adopt_sheet(self, entry, key, data)

    def replace_sheet(self, entry: SheetEntry, data: bytes) -> None:
        registry.replace_sheet(self, entry, data)

    def remove_sheet(self, entry: SheetEntry) -> None:
        registry.remove_sheet(self, entry)

    def set_print_titles(
        self,
        rel_id: str,
        rows: tuple[int, int] | None,
        columns: tuple[str, str] | None = None,
        area: str | None = None,
    ) -> None:
        registry.set_print_titles(self, rel_id, rows, columns, area)

    def shared_strings_in_use(self, parts: list[str]) -> set[int]:
        return usage.shared_strings_in_use(self, parts)

    def blank_shared_strings(self, indices: set[int]) -> None:
        usage.blank_shared_strings(self, indices)

    def cell_styles_in_use(self, parts: list[str]) -> set[int]:
        return usage.cell_styles_in_use(self, parts)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than the limit whatever its header claims."""
    with archive.open(info) as member:
        data = member.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise ValueError(f"Teil {info.filename} zu groß")
    return data
