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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kitameldung.errors import german_reason
from kitameldung.form.workbook import MAX_PART_BYTES, FormError, readable_kind
from kitameldung.workbook.appxml import APP, add_titles, remove_titles
from kitameldung.workbook.atomic import write_atomic
from kitameldung.workbook.cells import shared_indices, sheet_cells
from kitameldung.workbook.names import drop_empty_names, set_print_titles
from kitameldung.workbook.xmlparse import (
    STRICT_MAIN_NS,
    XmlRefused,
    check_well_formed,
    parse,
    root_info,
    split_name,
)
from kitameldung.workbook.xmltext import (
    Edit,
    apply_edits,
    attr,
    find_all,
    find_one,
    inner,
    root_prefix,
    set_attribute,
    splice,
    start_tag,
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
    state: str = "visible"

    @property
    def our_key(self) -> str | None:
        base = posixpath.basename(self.part or "")
        if base.startswith(OUR_PREFIX) and base.endswith(".xml"):
            return re.sub(r"-\d+$", "", base[len(OUR_PREFIX) : -4])
        return None


def rels_path(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


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
    def read(cls, path: Path) -> Package:
        name = path.name
        if readable_kind(path) == "xls":
            raise FormError(
                f"{name}: Arbeitsmappen im alten Format (.xls) kann kitameldung nicht ergänzen. Bitte in "
                "Excel unter Datei › Speichern unter als „Excel-Arbeitsmappe (*.xlsx)“ speichern."
            )
        try:
            with zipfile.ZipFile(path) as archive:
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
                package._data[part].decode("utf-8")
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

    def write(self, target: Path) -> None:
        write_atomic(target, self._write_zip)

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

    def text(self, name: str) -> str:
        return self._data[name].decode("utf-8")

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
        rels = self._relationships(self.workbook)
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
                    state=attrs.get("state", "visible"),
                )
            )

        parse(self._data[self.workbook], start)
        return entries

    def _relationships(self, part: str) -> dict[str, str]:
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

    def add_sheet(self, name: str, key: str, data: bytes) -> None:
        """Register a new worksheet part of ours after the existing sheets."""
        part = self._our_part(key)
        rel_id = f"rIdKitameldung_{key}"
        taken = {rel.id for rel in self.relationships(self.workbook)}
        number = 2
        while rel_id in taken:
            rel_id = f"rIdKitameldung_{key}_{number}"
            number += 1
        self.put(part, data)
        types = self.text(CONTENT_TYPES)
        p = root_prefix(types)
        override = f'<{p}Override PartName="/{part}" ContentType="{WORKSHEET_TYPE}"/>'
        self.put_text(CONTENT_TYPES, _insert_before_close(types, "Types", override))

        rels = self.text(self.workbook_rels)
        p = root_prefix(rels)
        target = posixpath.relpath(part, posixpath.dirname(self.workbook))
        relationship = f'<{p}Relationship Id="{rel_id}" Type="{REL_WORKSHEET}" Target="{target}"/>'
        self.put_text(self.workbook_rels, _insert_before_close(rels, "Relationships", relationship))

        book = self.text(self.workbook)
        p = root_prefix(book)
        sheet_id = max((s.sheet_id for s in self.sheets()), default=0) + 1
        r, declare = _rel_prefix(self._data[self.workbook])
        element = f'<{p}sheet name="{attr(name)}" sheetId="{sheet_id}" {r}:id="{rel_id}"{declare}/>'
        self.put_text(self.workbook, _insert_before_close(book, "sheets", element))
        self._edit_app(lambda xml: add_titles(xml, [name]))

    def set_print_titles(self, rel_id: str, rows: tuple[int, int] | None) -> None:
        """Rows repeated on every printed page of the sheet with relationship `rel_id`."""
        entry = next(e for e in self.sheets() if e.rel_id == rel_id)
        book = self.text(self.workbook)
        self.put_text(self.workbook, set_print_titles(book, root_prefix(book), entry.index, entry.name, rows))

    def _edit_app(self, edit: Callable[[str], str]) -> None:
        if APP in self._data:
            self.put_text(APP, edit(self.text(APP)))

    def adopt_sheet(self, entry: SheetEntry, key: str, data: bytes) -> None:
        """Put `data` in the place of a sheet of ours that another program saved (and renamed
        the part of): same tab, same position, our part name again. What only the old part
        used (its relationships, its texts in the shared string table) goes with it."""
        assert entry.part is not None
        strings = self.shared_strings_in_use([entry.part])
        self._drop_calc_chain_for(entry.sheet_id)
        for part in self._exclusive_tree(entry.part):
            self._drop_part(part)
        part = self._our_part(key)
        self.put(part, data)
        types = self.text(CONTENT_TYPES)
        override = f'<{root_prefix(types)}Override PartName="/{part}" ContentType="{WORKSHEET_TYPE}"/>'
        self.put_text(CONTENT_TYPES, _insert_before_close(types, "Types", override))
        rels = self.text(self.workbook_rels)
        target = posixpath.relpath(part, posixpath.dirname(self.workbook))
        for rel in find_all(rels, "Relationship"):
            if rel.attrs.get("Id") == entry.rel_id:
                tag = set_attribute(start_tag(rel), "Target", attr(target))
                rels = splice(rels, rel.start, rel.start + len(start_tag(rel)), tag)
                break
        self.put_text(self.workbook_rels, rels)
        if strings:
            remaining = [e.part for e in self.sheets() if e.part]
            self.blank_shared_strings(strings - self.shared_strings_in_use(remaining))

    def _our_part(self, key: str) -> str:
        part = posixpath.join(posixpath.dirname(self.workbook), "worksheets", f"{OUR_PREFIX}{key}.xml")
        number = 2
        while part in self._data:  # a second sheet of the same key (a copy people made)
            part = posixpath.join(
                posixpath.dirname(self.workbook), "worksheets", f"{OUR_PREFIX}{key}-{number}.xml"
            )
            number += 1
        return part

    def replace_sheet(self, entry: SheetEntry, data: bytes) -> None:
        assert entry.part is not None
        if self._data.get(entry.part) != data:
            self.put(entry.part, data)
        self._drop_calc_chain_for(entry.sheet_id)

    def remove_sheet(self, entry: SheetEntry) -> None:
        """Unregister a sheet and remove its part with everything only it refers to, including
        the texts only it used in the shared string table (where Excel puts them on saving)."""
        strings = self.shared_strings_in_use([entry.part] if entry.part else [])
        book = self.text(self.workbook)
        element = find_all(book, "sheet")[entry.index]
        book = splice(book, element.start, element.end, "")
        book = drop_empty_names(_renumber_after_removal(book, entry.index, entry.name))
        self.put_text(self.workbook, book)
        self._edit_app(lambda xml: remove_titles(xml, [entry.name]))

        rels = self.text(self.workbook_rels)
        for rel in find_all(rels, "Relationship"):
            if rel.attrs.get("Id") == entry.rel_id:
                rels = splice(rels, rel.start, rel.end, "")
                break
        self.put_text(self.workbook_rels, rels)
        if entry.part:
            self._drop_calc_chain_for(entry.sheet_id)
            for part in self._exclusive_tree(entry.part):
                self._drop_part(part)
        if strings:
            remaining = [e.part for e in self.sheets() if e.part]
            self.blank_shared_strings(strings - self.shared_strings_in_use(remaining))

    def _exclusive_tree(self, part: str) -> list[str]:
        """`part`, its relationship part, and the parts reachable only through it."""
        reachable = [part]
        queue = [part]
        while queue:
            current = queue.pop()
            for target in self._relationships(current).values():
                if target not in reachable and target in self._data:
                    reachable.append(target)
                    queue.append(target)
        referenced_elsewhere = {
            target
            for name in self._data
            if name.endswith(".rels") and name not in {rels_path(p) for p in reachable}
            for target in self._relationships(_rels_owner(name)).values()
        }
        ours = [p for p in reachable if p == part or p not in referenced_elsewhere]
        return ours + [rels_path(p) for p in ours if rels_path(p) in self._data]

    def _drop_part(self, part: str) -> None:
        self.drop(part)
        types = self.text(CONTENT_TYPES)
        for override in find_all(types, "Override"):
            if override.attrs.get("PartName", "").lstrip("/") == part:
                self.put_text(CONTENT_TYPES, splice(types, override.start, override.end, ""))
                break

    def _drop_calc_chain_for(self, sheet_id: int) -> None:
        """Excel reports a damaged file when its calculation chain names cells that no longer
        hold formulas; without the chain it simply rebuilds it."""
        rels = self._relationships(self.workbook)
        chain = next((t for t in rels.values() if t.endswith("calcChain.xml")), None)
        if chain is None or chain not in self._data:
            return
        if sheet_id not in _calc_chain_sheets(self._data[chain]):
            return
        self._drop_part(chain)
        text = self.text(self.workbook_rels)
        for rel in find_all(text, "Relationship"):
            if resolve(self.workbook, rel.attrs.get("Target", "")) == chain:
                self.put_text(self.workbook_rels, splice(text, rel.start, rel.end, ""))
                break

    def part_of_type(self, kind: str) -> str | None:
        """The workbook-level part with relationship type ending in `kind` ("styles", …)."""
        for rel in self.relationships(self.workbook):
            if rel.type.endswith("/" + kind) and not rel.external:
                return rel.target if rel.target in self._data else None
        return None

    def shared_strings_in_use(self, parts: list[str]) -> set[int]:
        used: set[int] = set()
        for part in parts:
            data = self._data.get(part)
            if data:
                used |= shared_indices(data)
        return used

    def blank_shared_strings(self, indices: set[int]) -> None:
        """Empty these entries of the shared string table, keeping every index valid."""
        part = self.part_of_type("sharedStrings")
        if part is None or not indices:
            return
        xml = self.text(part)
        entries = find_all(xml, "si")
        p = root_prefix(xml)
        edits: list[Edit] = [
            (entries[i].start, entries[i].end, f"<{p}si><{p}t/></{p}si>") for i in indices if i < len(entries)
        ]
        self.put_text(part, apply_edits(xml, edits))

    def cell_styles_in_use(self, parts: list[str]) -> set[int]:
        """Cell format indices used by cells, formatted rows and column defaults of `parts`."""
        used: set[int] = set()
        for part in parts:
            data = self._data.get(part)
            if data:
                cells = sheet_cells(data)
                used.update(c.style for c in cells.cells)
                used |= cells.row_styles | cells.col_styles
        return used


def _calc_chain_sheets(data: bytes) -> set[int]:
    """Sheet ids the calculation chain names; a <c> without `i` belongs to the previous sheet."""
    ids: set[int] = set()
    current = {"i": 0}

    def start(_ns: str, local: str, attrs: dict[str, str]) -> None:
        if local == "c":
            value = attrs.get("i")
            if value and value.isdigit():
                current["i"] = int(value)
            ids.add(current["i"])

    parse(data, start)
    return ids


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than the limit whatever its header claims."""
    with archive.open(info) as member:
        data = member.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise ValueError(f"Teil {info.filename} zu groß")
    return data


def _rels_owner(rels_name: str) -> str:
    folder, base = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])


def _insert_before_close(xml: str, name: str, snippet: str) -> str:
    element = find_one(xml, name)
    if element is None:
        raise ValueError(f"<{name}> not found")
    if element.body_end is None:  # <sheets/>: open it up
        tag = start_tag(element)[:-2].rstrip() + ">"
        prefix = re.match(r"<([\w.-]+:)?", tag)
        p = prefix.group(1) or "" if prefix else ""
        return splice(xml, element.start, element.end, f"{tag}{snippet}</{p}{name}>")
    return splice(xml, element.body_end, element.body_end, snippet)


def _rel_prefix(book: bytes) -> tuple[str, str]:
    """The prefix the workbook's root declares for relationship ids, and a declaration for the
    new element if the root declares none (openpyxl with lxml declares it on each <sheet>)."""
    declared = root_info(book).declared
    prefix = next((p for p, uri in declared.items() if uri == REL_NS and p), None)
    if prefix is not None:
        return prefix, ""
    r = "r" if "r" not in declared else "kmr"
    return r, f' xmlns:{r}="{REL_NS}"'


def refers_to_sheet(formula: str, sheet: str) -> bool:
    """Whether a formula or defined name refers to cells of the sheet called `sheet`."""
    quoted = "'" + sheet.replace("'", "''") + "'!"
    if quoted.casefold() in formula.casefold():
        return True
    return re.search(rf"(?<![\w.']){re.escape(sheet)}!", formula, re.IGNORECASE) is not None


def _renumber_after_removal(book: str, index: int, sheet: str) -> str:
    """Sheet-local names and the active tab count sheets by position: shift those after `index`.
    Names that refer to the removed sheet go with it."""
    edits: list[Edit] = []
    for name in find_all(book, "definedName"):
        local = name.attrs.get("localSheetId")
        if refers_to_sheet(inner(book, name), sheet):
            edits.append((name.start, name.end, ""))
            continue
        if local is None or not local.isdigit():
            continue
        position = int(local)
        if position == index:
            edits.append((name.start, name.end, ""))
        elif position > index:
            tag = start_tag(name)
            edits.append(
                (name.start, name.start + len(tag), set_attribute(tag, "localSheetId", str(position - 1)))
            )
    for view in find_all(book, "workbookView"):
        tag = start_tag(view)
        for attribute in ("activeTab", "firstSheet"):
            value = view.attrs.get(attribute)
            if value is not None and value.isdigit() and int(value) >= index and int(value) > 0:
                tag = set_attribute(tag, attribute, str(int(value) - 1) if int(value) > index else "0")
        edits.append((view.start, view.start + len(start_tag(view)), tag))
    return apply_edits(book, edits)
