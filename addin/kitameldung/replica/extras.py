"""The replica's side sheets (Hinweise, the hidden Listen) and turning a workbook into .xlsm."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from openpyxl.worksheet.worksheet import Worksheet

from kitameldung.replica.captions import FUNKTIONEN, ZUORDNUNG_2023, ZUORDNUNG_2025


def write_hinweise(ws: Worksheet) -> None:
    lines = [
        "Hinweise zum Ausfüllen",
        "Bitte füllen Sie nur die gelb hinterlegten Felder aus. Die Zuordnung der Betreuungskräfte "
        "erfolgt nach §§ 9 bis 12 KitaPersV; pädagogisch tätige Stunden sind ohne Leitungsanteil anzugeben.",
        "Die Meldung ist jährlich sowie bei wesentlichen Änderungen der obersten Landesjugendbehörde zu übersenden.",
    ]
    for i, line in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=line)
    ws.column_dimensions["A"].width = 120


def write_listen(ws: Worksheet, variant: str) -> None:
    zuordnungen = list(
        dict.fromkeys((ZUORDNUNG_2025 if variant.startswith("v2025") else ZUORDNUNG_2023).values())
    )
    columns = [zuordnungen, FUNKTIONEN, ["ja", "nein"], ["ja", "nein", "entfällt"]]
    for c, values in enumerate(columns, start=1):
        ws.cell(row=1, column=c, value="Werte")
        for r, value in enumerate(values, start=2):
            ws.cell(row=r, column=c, value=value)


def make_macro_enabled(path: Path) -> None:
    """Rewrite the workbook content type so the package is a real .xlsm (macro-enabled)."""
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            dst.writestr(item, data)
    tmp.replace(path)


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def store_results(path: Path, sheet_name: str, results: dict[str, float | str]) -> None:
    """Give formula cells the results Excel would have stored with them (openpyxl writes
    formulas without results): the form's own summary block as the ministry's workbook holds it
    after Excel saved it."""
    if not results:
        return
    with zipfile.ZipFile(path) as src:
        book = ET.fromstring(src.read("xl/workbook.xml"))
        rels = ET.fromstring(src.read("xl/_rels/workbook.xml.rels"))
        rel_id = next(
            s.get(f"{{{REL_NS}}}id") for s in book.iter(f"{{{MAIN_NS}}}sheet") if s.get("name") == sheet_name
        )
        target = next(
            r.get("Target") for r in rels.iter(f"{{{PKG_REL_NS}}}Relationship") if r.get("Id") == rel_id
        )
        part = "xl/" + str(target).lstrip("/").removeprefix("xl/")
        ET.register_namespace("", MAIN_NS)
        ET.register_namespace("r", REL_NS)
        root = ET.fromstring(src.read(part))
        for cell in root.iter(f"{{{MAIN_NS}}}c"):
            value = results.get(cell.get("r", ""))
            if value is None or cell.find(f"{{{MAIN_NS}}}f") is None:
                continue
            stored = cell.find(f"{{{MAIN_NS}}}v")  # openpyxl writes an empty one
            if stored is None:
                stored = ET.SubElement(cell, f"{{{MAIN_NS}}}v")
            if isinstance(value, str):
                cell.set("t", "str")
                stored.text = value
            else:
                stored.text = repr(float(value))
        data = ET.tostring(root, xml_declaration=True, encoding="UTF-8")
        tmp = path.with_name(path.name + ".tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                dst.writestr(item, data if item.filename == part else src.read(item.filename))
    tmp.replace(path)
