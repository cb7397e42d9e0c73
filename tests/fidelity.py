"""A replica carrying what a re-save with openpyxl would destroy: x14 data validations,
conditional formats, a VBA project, comments, an image, defined names, sheet protection,
printer settings and cached formula values. Built by openpyxl, then completed as raw XML."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import xlwings
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from PIL import Image as PILImage

from kitameldung.replica import Variation, make_facility, write_form

FORM_PART = "xl/worksheets/sheet2.xml"
X14_VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showErrorMessage="1"><x14:formula1>'
    "<xm:f>Listen!$A$1:$A$4</xm:f></x14:formula1><xm:sqref>E22:E105</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext></extLst>"
)
PRINTER_SETTINGS = b"\x00kitameldung test printer DEVMODE\x00" * 8


def vba_project() -> bytes:
    """A real VBA project: the one in xlwings' own quickstart workbook."""
    template = Path(xlwings.__file__).parent / "quickstart.xlsm"
    with zipfile.ZipFile(template) as archive:
        return archive.read("xl/vbaProject.bin")


def write_fidelity_fixture(path: Path, seed: int = 7) -> Path:
    plain = path.with_name(path.stem + "-plain.xlsx")
    write_form(make_facility(seed, persons=20), plain, "v2025-84", Variation())
    book = openpyxl.load_workbook(plain)
    sheet = book["Personalmeldung"]
    sheet["D4"].comment = Comment("Bitte den Träger laut Betriebserlaubnis eintragen.", "Fachberatung")
    picture = io.BytesIO()
    PILImage.new("RGB", (40, 20), (31, 111, 178)).save(picture, format="PNG")
    sheet.add_image(Image(picture), "J2")
    sheet.conditional_formatting.add(
        "K22:K105",
        CellIsRule(operator="greaterThan", formula=["40"], fill=PatternFill("solid", fgColor="FFC7CE")),
    )
    book.defined_names["Kita_Stichtag"] = DefinedName("Kita_Stichtag", attr_text="Personalmeldung!$D$9")
    sheet.page_setup.orientation = "landscape"
    book.save(plain)

    with zipfile.ZipFile(plain) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    plain.unlink()
    form = parts[FORM_PART].decode("utf-8")
    form = _cache_formula_values(form)
    form = form.replace("<pageSetup ", f'<pageSetup xmlns:r="{_REL_NS}" r:id="rIdPrinter" ', 1)
    form = form.replace("</worksheet>", X14_VALIDATION + "</worksheet>")
    parts[FORM_PART] = form.encode("utf-8")
    rels_name = "xl/worksheets/_rels/sheet2.xml.rels"
    rels = parts[rels_name].decode("utf-8")
    rels = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdPrinter" Type="{_REL_NS}/printerSettings" '
        'Target="../printerSettings/printerSettings1.bin"/></Relationships>',
    )
    parts[rels_name] = rels.encode("utf-8")
    parts["xl/printerSettings/printerSettings1.bin"] = PRINTER_SETTINGS
    parts["xl/vbaProject.bin"] = vba_project()
    book_rels = (
        parts["xl/_rels/workbook.xml.rels"]
        .decode("utf-8")
        .replace(
            "</Relationships>",
            '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
            'Target="vbaProject.bin"/></Relationships>',
        )
    )
    parts["xl/_rels/workbook.xml.rels"] = book_rels.encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ).replace(
        "</Types>",
        '<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        '<Override PartName="/xl/printerSettings/printerSettings1.bin" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"/></Types>',
    )
    parts["[Content_Types].xml"] = types.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _cache_formula_values(xml: str) -> str:
    """openpyxl writes formulas without results; give each one a cached value as Excel would."""
    return re.sub(r"(<f>[^<]*</f>)(<v>\s*</v>|<v\s*/>)?", r"\1<v>0</v>", xml)


FEATURES = {
    "x14 data validation": lambda p: b"x14:dataValidation" in p[FORM_PART],
    "conditional format": lambda p: b"<conditionalFormatting" in p[FORM_PART],
    "VBA project": lambda p: p.get("xl/vbaProject.bin", b"")[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    "comments": lambda p: any(n.startswith("xl/comments") for n in p),
    "image": lambda p: any(n.startswith("xl/media/") for n in p),
    "defined names": lambda p: b"Kita_Stichtag" in p["xl/workbook.xml"],
    "sheet protection": lambda p: b"<sheetProtection" in p[FORM_PART],
    "printer settings": lambda p: "xl/printerSettings/printerSettings1.bin" in p,
    "cached formula values": lambda p: b"</f><v>0</v>" in p[FORM_PART],
}
