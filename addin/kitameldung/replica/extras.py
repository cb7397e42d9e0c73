"""The replica's side sheets (Hinweise, the hidden Listen) and turning a workbook into .xlsm."""

from __future__ import annotations

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
