"""The workbook's register survives any well-formed XML (issue: fragile registry edits).

workbook.xml, its relationships and the content types are rewritten at random into other, equally
well-formed spellings — other namespace prefixes, single quotes, ">" and entities in attribute
values, comments and processing instructions (some holding markup), white space inside tags — and
a refresh and an export must still work, keep every sheet and write valid packages."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from roundtrip import ooxml_errors, parts

from kitameldung.pipeline import Settings
from kitameldung.refresh import FAILED, refresh_file
from kitameldung.refresh.behoerde import export_behoerde
from kitameldung.replica import make_facility, write_form
from kitameldung.sheets import SHEET_NAMES

from conftest import cycles

USER_SHEETS = ["Gruppen >3 J.", "A & B 'Plan' 2", 'Zitat "x" <neu>']
REGISTRY_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml")
DECOYS = [
    '<!-- <sheet name="Falle" sheetId="99" r:id="rId99"/> -->',
    "<?kitameldung-test <sheets/> ?>",
    "<!-- > -->",
]


def _escape(value: str, quote: str, rng: random.Random) -> str:
    out = value.replace("&", "&amp;").replace("<", "&lt;")
    out = out.replace(quote, "&quot;" if quote == '"' else "&apos;")
    return out.replace(">", rng.choice([">", "&gt;", "&#62;", "&#x3E;"]))


def _serialise(root: ET.Element, rng: random.Random) -> bytes:
    """`root` in another, equally well-formed spelling."""
    uris = []
    for element in root.iter():
        for name in (element.tag, *element.attrib):
            if name.startswith("{") and name[1:].split("}")[0] not in uris:
                uris.append(name[1:].split("}")[0])
    on_attributes = {k[1:].split("}")[0] for e in root.iter() for k in e.attrib if k.startswith("{")}
    default = rng.choice([*(u for u in uris if u not in on_attributes), None])  # the default, or none
    prefixes = {
        uri: "" if uri == default else f"{rng.choice(['p', 'x', 'ns'])}{i}" for i, uri in enumerate(uris)
    }

    def qname(name: str, attribute: bool = False) -> str:
        if not name.startswith("{"):
            return name
        uri, local = name[1:].split("}")
        prefix = prefixes[uri]
        if attribute and not prefix:  # an unprefixed attribute has no namespace
            raise AssertionError("attribute in the default namespace")
        return f"{prefix}:{local}" if prefix else local

    def write(element: ET.Element, declarations: str) -> str:
        quote = rng.choice(['"', "'"])
        name = qname(element.tag)
        attrs = declarations + "".join(
            f"{rng.choice([' ', '  ', chr(10) + ' '])}{qname(k, True)}{rng.choice(['=', ' = '])}{quote}"
            f"{_escape(v, quote, rng)}{quote}"
            for k, v in element.attrib.items()
        )
        body = _escape(element.text, '"', rng) if element.text and element.text.strip() else ""
        for child in element:
            if rng.random() < 0.3:
                body += rng.choice(DECOYS)
            body += write(child, "")
        space = rng.choice(["", " "])
        if not body and rng.random() < 0.7:
            return f"<{name}{attrs}{space}/>"
        return f"<{name}{attrs}{space}>{body}</{name}{space}>"

    declarations = "".join(f' xmlns{":" + p if p else ""}="{uri}"' for uri, p in prefixes.items())
    prolog = rng.choice(["", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'])
    return (prolog + rng.choice(["", "<!-- kitameldung test -->"]) + write(root, declarations)).encode(
        "utf-8"
    )


def _variant(source: Path, target: Path, seed: int) -> Path:
    rng = random.Random(seed)
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename in REGISTRY_PARTS:
                data = _serialise(ET.fromstring(data), rng)
                ET.fromstring(data)  # still well-formed
            out.writestr(info, data)
    return target


def _errors(path: Path) -> set[str]:
    """Validator errors without the file name. The validator reads a <sheet> inside a comment
    as a sheet (a known false positive on the decoys): only errors we add count."""
    return {e.split(" :: ", 1)[1] for e in ooxml_errors(path)}


def _sheet_names(path: Path) -> list[str]:
    book = ET.fromstring(parts(path)["xl/workbook.xml"])
    return [e.get("name", "") for e in book.iter() if e.tag.rsplit("}", 1)[-1] == "sheet"]


@pytest.fixture(scope="module")
def with_user_sheets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("register")
    path = write_form(make_facility(71, persons=12), folder / "basis.xlsx")
    book = openpyxl.load_workbook(path)
    for name in USER_SHEETS:
        book.create_sheet(name)["A1"] = f"eigene Notizen: {name}"
    book.save(path)
    return path


@pytest.mark.parametrize("seed", range(cycles(25)))
def test_refresh_and_export_survive_any_wellformed_register(
    with_user_sheets: Path, tmp_path: Path, seed: int
) -> None:
    path = _variant(with_user_sheets, tmp_path / "kita.xlsx", seed)
    before, known = _sheet_names(path), _errors(path)
    assert set(USER_SHEETS) <= set(before)
    outcome = refresh_file(path, Settings())
    assert outcome.status != FAILED, outcome.message
    after = _sheet_names(path)
    assert after[: len(before)] == before
    assert set(after[len(before) :]) == set(SHEET_NAMES.values())
    assert _errors(path) <= known
    target = tmp_path / "abgabe.xlsx"
    exported = export_behoerde(path, target)
    assert exported.status != FAILED, exported.message
    assert _sheet_names(target) == before
    assert _errors(target) <= known
