"""The workbook's register of sheets, edited as text so untouched bytes stay: adding, adopting,
replacing and removing a sheet of ours touches xl/workbook.xml, its relationships, the content
types, docProps/app.xml, the calculation chain and the defined names — nothing else."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from kitameldung.sheets.spec import quote_sheet
from kitameldung.workbook.appxml import APP, add_titles, remove_titles
from kitameldung.workbook.names import (
    PRINT_AREA,
    PRINT_TITLES,
    drop_empty_names,
    print_titles_value,
    set_sheet_name,
)
from kitameldung.workbook.paths import rels_owner, rels_path, resolve
from kitameldung.workbook.xmlparse import parse, root_info
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

if TYPE_CHECKING:
    from kitameldung.workbook.package import Package, SheetEntry

CONTENT_TYPES = "[Content_Types].xml"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
REL_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OUR_PREFIX = "kitameldung-"


def add_sheet(package: Package, name: str, key: str, data: bytes) -> None:
    """Register a new worksheet part of ours after the existing sheets."""
    part = _our_part(package, key)
    rel_id = f"rIdKitameldung_{key}"
    taken = {rel.id for rel in package.relationships(package.workbook)}
    number = 2
    while rel_id in taken:
        rel_id = f"rIdKitameldung_{key}_{number}"
        number += 1
    package.put(part, data)
    types = package.text(CONTENT_TYPES)
    p = root_prefix(types)
    override = f'<{p}Override PartName="/{part}" ContentType="{WORKSHEET_TYPE}"/>'
    package.put_text(CONTENT_TYPES, _insert_before_close(types, "Types", override))

    rels = package.text(package.workbook_rels)
    p = root_prefix(rels)
    target = posixpath.relpath(part, posixpath.dirname(package.workbook))
    relationship = f'<{p}Relationship Id="{rel_id}" Type="{REL_WORKSHEET}" Target="{target}"/>'
    package.put_text(package.workbook_rels, _insert_before_close(rels, "Relationships", relationship))

    book = package.text(package.workbook)
    p = root_prefix(book)
    sheet_id = max((s.sheet_id for s in package.sheets()), default=0) + 1
    r, declare = _rel_prefix(package.get(package.workbook) or b"")
    element = f'<{p}sheet name="{attr(name)}" sheetId="{sheet_id}" {r}:id="{rel_id}"{declare}/>'
    package.put_text(package.workbook, _insert_before_close(book, "sheets", element))
    _edit_app(package, lambda xml: add_titles(xml, [name]))


STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
# The least styles part Excel accepts: its default font, the two fills it reserves, no border,
# the "Normal" cell style. kitameldung's formats are appended to it like to any other.
MINIMAL_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
    '<scheme val="minor"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>'
    "</styleSheet>"
)


def add_styles(package: Package) -> str:
    """A styles part for a workbook that has none (written by a program that keeps no formats):
    without it our dates would show as day numbers."""
    part = posixpath.join(posixpath.dirname(package.workbook), "styles.xml")
    number = 2
    while package.has(part):
        part = posixpath.join(posixpath.dirname(package.workbook), f"styles{number}.xml")
        number += 1
    package.put(part, MINIMAL_STYLES.encode("utf-8"))
    types = package.text(CONTENT_TYPES)
    override = f'<{root_prefix(types)}Override PartName="/{part}" ContentType="{STYLES_TYPE}"/>'
    package.put_text(CONTENT_TYPES, _insert_before_close(types, "Types", override))
    rels = package.text(package.workbook_rels)
    taken = {rel.id for rel in package.relationships(package.workbook)}
    rel_id = next(
        f"rIdKitameldungStyles{n or ''}" for n in range(1000) if f"rIdKitameldungStyles{n or ''}" not in taken
    )
    target = posixpath.relpath(part, posixpath.dirname(package.workbook))
    relationship = f'<{root_prefix(rels)}Relationship Id="{rel_id}" Type="{REL_STYLES}" Target="{target}"/>'
    package.put_text(package.workbook_rels, _insert_before_close(rels, "Relationships", relationship))
    return part


def remove_added_styles(package: Package) -> None:
    """Take out again a styles part `add_styles` created. Its relationship id marks it as long as
    only kitameldung wrote the registry (Excel renumbers the ids when it saves: then it stays)."""
    for rel in package.relationships(package.workbook):
        if rel.id.startswith("rIdKitameldungStyles") and not rel.external:
            _drop_part(package, rel.target)
            rels = package.text(package.workbook_rels)
            for element in find_all(rels, "Relationship"):
                if element.attrs.get("Id") == rel.id:
                    package.put_text(package.workbook_rels, splice(rels, element.start, element.end, ""))
                    break
            return


def set_print_titles(
    package: Package,
    rel_id: str,
    rows: tuple[int, int] | None,
    columns: tuple[str, str] | None = None,
    area: str | None = None,
) -> None:
    """Rows and columns repeated on every printed page of the sheet with relationship `rel_id`,
    and its print area (what is printed: never the marker cell)."""
    entry = next(e for e in package.sheets() if e.rel_id == rel_id)
    book = package.text(package.workbook)
    p = root_prefix(book)
    book = set_sheet_name(book, p, entry.index, PRINT_TITLES, print_titles_value(entry.name, rows, columns))
    area_value = f"{quote_sheet(entry.name)}!{area}" if area else ""
    package.put_text(package.workbook, set_sheet_name(book, p, entry.index, PRINT_AREA, area_value))


def _edit_app(package: Package, edit: Callable[[str], str]) -> None:
    if package.get(APP) is not None:
        package.put_text(APP, edit(package.text(APP)))


def adopt_sheet(package: Package, entry: SheetEntry, key: str, data: bytes) -> None:
    """Put `data` in the place of a sheet of ours that another program saved (and renamed
    the part of): same tab, same position, our part name again. What only the old part
    used (its relationships, its texts in the shared string table) goes with it."""
    assert entry.part is not None
    strings = package.shared_strings_in_use([entry.part])
    _drop_calc_chain_for(package, entry.sheet_id)
    for part in _exclusive_tree(package, entry.part):
        _drop_part(package, part)
    part = _our_part(package, key)
    package.put(part, data)
    types = package.text(CONTENT_TYPES)
    override = f'<{root_prefix(types)}Override PartName="/{part}" ContentType="{WORKSHEET_TYPE}"/>'
    package.put_text(CONTENT_TYPES, _insert_before_close(types, "Types", override))
    rels = package.text(package.workbook_rels)
    target = posixpath.relpath(part, posixpath.dirname(package.workbook))
    for rel in find_all(rels, "Relationship"):
        if rel.attrs.get("Id") == entry.rel_id:
            tag = set_attribute(start_tag(rel), "Target", attr(target))
            rels = splice(rels, rel.start, rel.start + len(start_tag(rel)), tag)
            break
    package.put_text(package.workbook_rels, rels)
    if strings:
        remaining = [e.part for e in package.sheets() if e.part]
        package.blank_shared_strings(strings - package.shared_strings_in_use(remaining))


def _our_part(package: Package, key: str) -> str:
    part = posixpath.join(posixpath.dirname(package.workbook), "worksheets", f"{OUR_PREFIX}{key}.xml")
    number = 2
    while package.has(part):  # a second sheet of the same key (a copy people made)
        part = posixpath.join(
            posixpath.dirname(package.workbook), "worksheets", f"{OUR_PREFIX}{key}-{number}.xml"
        )
        number += 1
    return part


def replace_sheet(package: Package, entry: SheetEntry, data: bytes) -> None:
    assert entry.part is not None
    if package.get(entry.part) != data:
        package.put(entry.part, data)
    _drop_calc_chain_for(package, entry.sheet_id)


def remove_sheet(package: Package, entry: SheetEntry) -> None:
    """Unregister a sheet and remove its part with everything only it refers to, including
    the texts only it used in the shared string table (where Excel puts them on saving)."""
    strings = package.shared_strings_in_use([entry.part] if entry.part else [])
    book = package.text(package.workbook)
    element = find_all(book, "sheet")[entry.index]
    book = splice(book, element.start, element.end, "")
    book = drop_empty_names(_renumber_after_removal(book, entry.index, entry.name))
    package.put_text(package.workbook, book)
    _edit_app(package, lambda xml: remove_titles(xml, [entry.name]))

    rels = package.text(package.workbook_rels)
    for rel in find_all(rels, "Relationship"):
        if rel.attrs.get("Id") == entry.rel_id:
            rels = splice(rels, rel.start, rel.end, "")
            break
    package.put_text(package.workbook_rels, rels)
    if entry.part:
        _drop_calc_chain_for(package, entry.sheet_id)
        for part in _exclusive_tree(package, entry.part):
            _drop_part(package, part)
    if strings:
        remaining = [e.part for e in package.sheets() if e.part]
        package.blank_shared_strings(strings - package.shared_strings_in_use(remaining))


def _exclusive_tree(package: Package, part: str) -> list[str]:
    """`part`, its relationship part, and the parts reachable only through it."""
    reachable = [part]
    queue = [part]
    while queue:
        current = queue.pop()
        for target in package.targets(current).values():
            if target not in reachable and package.has(target):
                reachable.append(target)
                queue.append(target)
    referenced_elsewhere = {
        target
        for name in package.names()
        if name.endswith(".rels") and name not in {rels_path(p) for p in reachable}
        for target in package.targets(rels_owner(name)).values()
    }
    ours = [p for p in reachable if p == part or p not in referenced_elsewhere]
    return ours + [rels_path(p) for p in ours if package.has(rels_path(p))]


def _drop_part(package: Package, part: str) -> None:
    package.drop(part)
    types = package.text(CONTENT_TYPES)
    for override in find_all(types, "Override"):
        if override.attrs.get("PartName", "").lstrip("/") == part:
            package.put_text(CONTENT_TYPES, splice(types, override.start, override.end, ""))
            break


def _drop_calc_chain_for(package: Package, sheet_id: int) -> None:
    """Excel reports a damaged file when its calculation chain names cells that no longer
    hold formulas; without the chain it simply rebuilds it."""
    rels = package.targets(package.workbook)
    chain = next((t for t in rels.values() if t.endswith("calcChain.xml")), None)
    if chain is None or not package.has(chain):
        return
    if sheet_id not in _calc_chain_sheets(package.get(chain) or b""):
        return
    _drop_part(package, chain)
    text = package.text(package.workbook_rels)
    for rel in find_all(text, "Relationship"):
        if resolve(package.workbook, rel.attrs.get("Target", "")) == chain:
            package.put_text(package.workbook_rels, splice(text, rel.start, rel.end, ""))
            break


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
