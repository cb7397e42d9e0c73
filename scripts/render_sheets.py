"""Print each sheet of a workbook as LibreOffice prints it: one PDF per sheet (the other sheets
hidden in a copy), and PNG pictures of its pages. Used for the README's pictures and by the render
check of the test suite.

    .venv/bin/python scripts/render_sheets.py WORKBOOK.xlsx OUT_DIR [SHEET …] [--png]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet_names(workbook: Path) -> list[str]:
    with zipfile.ZipFile(workbook) as archive:
        root = ET.fromstring(archive.read("xl/workbook.xml"))
    return [s.get("name", "") for s in root.iter(f"{{{MAIN}}}sheet")]


def only(workbook: Path, sheet: str, target: Path) -> Path:
    """A copy that holds just `sheet` in its register (LibreOffice prints every sheet it lists,
    hidden ones too), with its own defined names (print area, print titles) and the stored
    results as they are (no recalculation on load: the sheets it refers to are not listed)."""
    with zipfile.ZipFile(workbook) as archive:
        files = {i.filename: archive.read(i) for i in archive.infolist()}
    ET.register_namespace("", MAIN)
    ET.register_namespace("r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships")
    root = ET.fromstring(files["xl/workbook.xml"])
    sheets = root.find(f"{{{MAIN}}}sheets")
    assert sheets is not None
    chosen = None
    for index, element in enumerate(list(sheets)):
        if element.get("name") == sheet:
            element.attrib.pop("state", None)
            chosen = index
        else:
            sheets.remove(element)
    names = root.find(f"{{{MAIN}}}definedNames")
    if names is not None:
        for name in list(names):
            if name.get("localSheetId") == str(chosen):
                name.set("localSheetId", "0")
            else:
                names.remove(name)
    for view in root.iter(f"{{{MAIN}}}workbookView"):
        view.set("activeTab", "0")
        view.set("firstSheet", "0")
    for calc in root.iter(f"{{{MAIN}}}calcPr"):
        calc.attrib.pop("fullCalcOnLoad", None)
    files["xl/workbook.xml"] = ET.tostring(root, xml_declaration=True, encoding="UTF-8")
    files.pop("xl/calcChain.xml", None)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


def to_pdf(workbook: Path, out_dir: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) fehlt.")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(workbook),
            ],
            check=True,
            capture_output=True,
            timeout=240,
        )
    return out_dir / (workbook.stem + ".pdf")


def render(workbook: Path, out_dir: Path, sheets: list[str] | None = None, png: bool = False) -> dict[str, Path]:
    """One PDF per sheet (by name); with `png` also `<slug>-<page>.png` pictures."""
    out_dir.mkdir(parents=True, exist_ok=True)
    result = {}
    with tempfile.TemporaryDirectory() as work:
        for number, sheet in enumerate(sheets or sheet_names(workbook), start=1):
            slug = "".join(c if c.isalnum() else "-" for c in sheet.lower()).strip("-") or f"blatt-{number}"
            copy = only(workbook, sheet, Path(work) / f"{slug}.xlsx")
            pdf = to_pdf(copy, out_dir)
            result[sheet] = pdf
            if png and shutil.which("pdftoppm"):
                subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out_dir / slug)], check=True)
    return result


def main(argv: list[str]) -> int:
    png = "--png" in argv
    args = [a for a in argv if a != "--png"]
    if len(args) < 2:
        print(__doc__)
        return 2
    for sheet, pdf in render(Path(args[0]), Path(args[1]), args[2:] or None, png).items():
        print(f"{sheet}: {pdf}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("SAL_USE_VCLPLUGIN", "svp")
    sys.exit(main(sys.argv[1:]))
