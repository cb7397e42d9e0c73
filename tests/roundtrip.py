"""Helpers for round-trip tests: files that other programs saved, and what must hold after them.

Re-saves by openpyxl run in a child process, so that its lxml switch (OPENPYXL_LXML) can be set
both ways whatever this process imported. Packages "in the shape Excel writes" are made from our
own output by rewriting every worksheet the way Excel's writer does: a namespace prefix, shared
strings with rich-text runs, self-closing styled empty cells, cells without `r`, shared formulas
and an x14 extension list. Every check parses XML; nothing greps it.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import openpyxl

from kitameldung.address import a1_parts, column_letter
from kitameldung.pipeline import Settings, check_file
from kitameldung.render.json_out import result_json

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
KEY_HEADER = "Kennung (nicht ändern)"
VALIDATOR = Path(__file__).parent / "ooxml" / "validate.py"
REGISTRY = {
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "docProps/app.xml",
    "xl/styles.xml",
    "xl/sharedStrings.xml",
    "xl/calcChain.xml",
}


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def form_reading(path: Path) -> dict[str, Any]:
    """What `check --json` says of a file, without the file name and without the form's own
    formula results: a program that does not calculate (openpyxl) saves formulas without them,
    one that does (LibreOffice) stores them at 15 digits. They are compared, never used."""
    doc = result_json(check_file(path, Settings()))
    doc.pop("file", None)
    doc.pop("formular_werte", None)
    return doc


def xml_texts(path: Path) -> set[str]:
    """Every text node and attribute value of every XML part (parsed)."""
    found: set[str] = set()
    for name, data in parts(path).items():
        if not name.endswith((".xml", ".rels", ".vml")):
            continue
        for element in ET.fromstring(data).iter():
            found.update(v.strip() for v in element.attrib.values())
            if element.text and element.text.strip():
                found.add(element.text.strip())
    return found


def ooxml_errors(*paths: Path) -> list[str]:
    """Errors of the OOXML validator (schemas and Excel's rules) for the parts we write."""
    run = subprocess.run(
        [sys.executable, str(VALIDATOR), "--ours", "--errors-only", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return [line for line in run.stdout.splitlines() if ":: ERROR" in line]


_RESAVE = """
import sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1], keep_vba=sys.argv[1].endswith('.xlsm'))
book.save(sys.argv[2])
import openpyxl.xml
print(openpyxl.xml.LXML)
"""


def resave_openpyxl(source: Path, target: Path, lxml: bool) -> Path:
    env = dict(os.environ, OPENPYXL_LXML="True" if lxml else "False")
    run = subprocess.run(
        [sys.executable, "-c", _RESAVE, str(source), str(target)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert run.stdout.strip() == str(lxml), "openpyxl did not use the lxml setting asked for"
    return target


# ---------------------------------------------------------------------- the planning sheet


def planning_sheets(path: Path) -> list[str]:
    """Tab names of sheets holding a Gesprächsplanung (found by its key header)."""
    book = openpyxl.load_workbook(path)
    return [ws.title for ws in book.worksheets if _header_row(ws) is not None]


def _header_row(ws: Any) -> int | None:
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 40)):
        for cell in row:
            if cell.value == KEY_HEADER:
                return int(cell.row)
    return None


def _columns(ws: Any, row: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for cell in ws[row]:
        if isinstance(cell.value, str) and cell.value not in found:
            found[cell.value] = int(cell.column)
    return found


def type_planning(path: Path, typed: dict[str, dict[str, Any]], sheet: str | None = None) -> None:
    """Type values per person key into columns (by header) of the planning sheet; saved by
    openpyxl, which is itself another program re-saving the workbook."""
    book = openpyxl.load_workbook(path)
    ws = book[sheet] if sheet else next(w for w in book.worksheets if _header_row(w) is not None)
    top = _header_row(ws)
    assert top is not None
    columns = _columns(ws, top)
    key_col = columns[KEY_HEADER]
    for row in range(top + 1, ws.max_row + 1):
        key = ws.cell(row, key_col).value
        for header, value in typed.get(str(key), {}).items():
            if header not in columns:
                columns[header] = ws.max_column + 1
                ws.cell(top, columns[header], header)
            ws.cell(row, columns[header], value)
    book.save(path)


def planning_values(
    path: Path, sheet: str | None = None, formulas: bool = False
) -> dict[str, dict[str, Any]]:
    """Person key -> header -> value of the planning sheet (first header of a name wins;
    repeated headers get "#2", "#3")."""
    book = openpyxl.load_workbook(path, data_only=not formulas)
    ws = book[sheet] if sheet else next(w for w in book.worksheets if _header_row(w) is not None)
    top = _header_row(ws)
    assert top is not None
    headers: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for cell in ws[top]:
        if isinstance(cell.value, str):
            seen[cell.value] = seen.get(cell.value, 0) + 1
            name = cell.value if seen[cell.value] == 1 else f"{cell.value}#{seen[cell.value]}"
            headers.append((int(cell.column), name))
    key_col = next(c for c, h in headers if h == KEY_HEADER)
    values: dict[str, dict[str, Any]] = {}
    for row in range(top + 1, ws.max_row + 1):
        key = ws.cell(row, key_col).value
        if key:
            values[str(key)] = {h: ws.cell(row, c).value for c, h in headers}
    return values


# ---------------------------------------------------------------------- Excel's shape


def excel_shape(source: Path, target: Path) -> Path:
    """The workbook as Excel's writer shapes it (see module docstring)."""
    files = parts(source)
    strings: list[ET.Element] = []
    if "xl/sharedStrings.xml" in files:
        strings = list(ET.fromstring(files["xl/sharedStrings.xml"]))
    ET.register_namespace("x", MAIN)
    ET.register_namespace("r", REL)
    ET.register_namespace("x14", "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main")
    for name in sorted(files):
        if posixpath.dirname(name) == "xl/worksheets" and name.endswith(".xml"):
            files[name] = _shape_sheet(files[name], strings)
    sst = ET.Element(f"{{{MAIN}}}sst", {"count": str(len(strings)), "uniqueCount": str(len(strings))})
    sst.extend(strings)
    files["xl/sharedStrings.xml"] = ET.tostring(sst, xml_declaration=True, encoding="UTF-8")
    files = _register_shared_strings(files)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


def _q(local: str) -> str:
    return f"{{{MAIN}}}{local}"


def _shape_sheet(data: bytes, strings: list[ET.Element]) -> bytes:
    root = ET.fromstring(data)
    shared_formulas: dict[tuple[int, str], tuple[str, str]] = {}
    for row in root.iter(_q("row")):
        cells = list(row)
        last_ref = cells[-1].get("r", "") if cells else ""
        for position, cell in enumerate(cells):
            if cell.tag != _q("c"):
                continue
            kind = cell.get("t")
            inline = cell.find(_q("is"))
            if kind == "inlineStr" and inline is not None:
                text = "".join(t.text or "" for t in inline.iter(_q("t")))
                cell.remove(inline)
                cell.set("t", "s")
                value = ET.SubElement(cell, _q("v"))
                value.text = str(len(strings))
                strings.append(_rich(text, len(strings)))
            formula = cell.find(_q("f"))
            if formula is not None and formula.text and formula.get("t") is None:
                _share(cell, formula, shared_formulas)
            plain = cell.find(_q("f")) is None  # openpyxl, our test reader, needs r on formulas
            if plain and position and "r" in cell.attrib and _next_to(cells[position - 1], cell):
                del cell.attrib["r"]  # Excel may leave out r for the cell right of the previous
        # an empty styled cell closing each row, as Excel writes formatted blanks
        if last_ref and row.get("r"):
            letters = "".join(ch for ch in last_ref if ch.isalpha())
            ET.SubElement(row, _q("c"), {"r": f"{_next_col(letters)}{row.get('r')}", "s": "0"})
    if root.find(_q("extLst")) is not None:
        return ET.tostring(root, xml_declaration=True, encoding="UTF-8")
    ext_list = ET.SubElement(root, _q("extLst"))
    ext = ET.SubElement(ext_list, _q("ext"), {"uri": "{78C0D931-6437-407d-A8EE-F0AAD7539E65}"})
    ET.SubElement(
        ext, "{http://schemas.microsoft.com/office/spreadsheetml/2009/9/main}conditionalFormattings"
    )
    return ET.tostring(root, xml_declaration=True, encoding="UTF-8")


def _rich(text: str, index: int) -> ET.Element:
    """Every third string as two rich-text runs, the rest plain."""
    item = ET.Element(_q("si"))
    if index % 3 == 0 and len(text) > 1:
        for piece in (text[: len(text) // 2], text[len(text) // 2 :]):
            run = ET.SubElement(item, _q("r"))
            props = ET.SubElement(run, _q("rPr"))
            ET.SubElement(props, _q("b"))
            t = ET.SubElement(run, _q("t"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
            t.text = piece
    else:
        t = ET.SubElement(item, _q("t"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
        t.text = text
    return item


def _share(cell: ET.Element, formula: ET.Element, shared: dict[tuple[int, str], tuple[str, str]]) -> None:
    """Formulas like =K22/40 down a column become one shared formula, as Excel stores fills."""
    ref = cell.get("r", "")
    letters = "".join(ch for ch in ref if ch.isalpha())
    number = int("".join(ch for ch in ref if ch.isdigit()) or 0)
    text = formula.text or ""
    references = re.findall(r"\$?[A-Z]{1,3}\$?(\d+)", text)
    if not references or any(int(r) != number for r in references) or "$" in text:
        return  # only simple fills down a column, whose translation is unambiguous
    pattern = re.sub(r"(?<=[A-Z])" + str(number) + r"\b", "#", text)
    previous = shared.get((number - 1, letters))
    if previous is not None and previous[0] == pattern:
        formula.text = None
        formula.set("t", "shared")
        formula.set("si", previous[1])
        shared[(number, letters)] = previous
        return
    index = str(len({v[1] for v in shared.values()}))
    shared[(number, letters)] = (pattern, index)
    formula.set("t", "shared")
    formula.set("si", index)
    formula.set("ref", f"{letters}{number}")


def _next_to(before: ET.Element, cell: ET.Element) -> bool:
    a, b = before.get("r", ""), cell.get("r", "")
    return (
        bool(a)
        and bool(b)
        and _next_col("".join(c for c in a if c.isalpha())) == "".join(c for c in b if c.isalpha())
    )


def _next_col(letters: str) -> str:
    return column_letter(a1_parts(letters)[1])  # 0-based letter of the next 1-based column


def _register_shared_strings(files: dict[str, bytes]) -> dict[str, bytes]:
    """Make sure the shared string table is a registered part of the workbook."""
    rels = ET.fromstring(files["xl/_rels/workbook.xml.rels"])
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    if not any(r.get("Type") == kind for r in rels):
        ET.register_namespace("", pkg)
        ET.SubElement(
            rels, f"{{{pkg}}}Relationship", {"Id": "rIdSst", "Type": kind, "Target": "sharedStrings.xml"}
        )
        files["xl/_rels/workbook.xml.rels"] = ET.tostring(rels, xml_declaration=True, encoding="UTF-8")
        ct_ns = "http://schemas.openxmlformats.org/package/2006/content-types"
        types = ET.fromstring(files["[Content_Types].xml"])
        ET.register_namespace("", ct_ns)
        ET.SubElement(
            types,
            f"{{{ct_ns}}}Override",
            {
                "PartName": "/xl/sharedStrings.xml",
                "ContentType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
            },
        )
        files["[Content_Types].xml"] = ET.tostring(types, xml_declaration=True, encoding="UTF-8")
    return files
