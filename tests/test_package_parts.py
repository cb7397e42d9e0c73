"""Text surgery on registry parts written by other producers: namespace prefixes, missing
collections, Excel's list of tab names. Each edit must be undone byte for byte."""

from __future__ import annotations

import zipfile
from pathlib import Path

from kitameldung.workbook.appxml import add_titles, remove_titles
from kitameldung.workbook.package import Package
from kitameldung.workbook.styles import DXFS, STYLES, ensure_dxfs, ensure_styles, remove_styles

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

PREFIXED_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<x:styleSheet xmlns:x="{MAIN}">'
    '<x:fonts count="1"><x:font><x:sz val="11"/><x:name val="Arial"/></x:font></x:fonts>'
    '<x:fills count="2"><x:fill><x:patternFill patternType="none"/></x:fill>'
    '<x:fill><x:patternFill patternType="gray125"/></x:fill></x:fills>'
    '<x:borders count="1"><x:border><x:left/><x:right/><x:top/><x:bottom/><x:diagonal/></x:border></x:borders>'
    '<x:cellXfs count="1"><x:xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></x:cellXfs>'
    "</x:styleSheet>"
)


def test_styles_with_a_namespace_prefix_and_no_number_formats_round_trip() -> None:
    extended, index = ensure_styles(PREFIXED_STYLES)
    assert "<x:numFmts count=" in extended and "<xf " not in extended
    assert index["text"] == 1 and len(index) == len(STYLES)
    assert f'<x:cellXfs count="{len(STYLES) + 1}">' in extended
    assert ensure_styles(extended) == (extended, index)
    assert remove_styles(extended, used_indices={0}) == PREFIXED_STYLES


def test_conditional_formats_go_where_dxfs_was_missing_empty_or_filled_and_come_out_again() -> None:
    own = '<x:dxfs count="1"><x:dxf><x:font><x:b/></x:font></x:dxf></x:dxfs>'
    variants = {
        "missing": PREFIXED_STYLES,
        "empty": PREFIXED_STYLES.replace("</x:cellXfs>", '</x:cellXfs><x:dxfs count="0"/>'),
        "filled": PREFIXED_STYLES.replace("</x:cellXfs>", "</x:cellXfs>" + own),
    }
    for kind, original in variants.items():
        extended, index = ensure_dxfs(original)
        first = 1 if kind == "filled" else 0
        assert sorted(index.values()) == list(range(first, first + len(DXFS))), kind
        assert f'count="{first + len(DXFS)}"' in extended and extended.count("<x:dxfs") == 1, kind
        assert extended.index("<x:dxfs") > extended.index("</x:cellXfs>"), kind
        assert ensure_dxfs(extended) == (extended, index), kind  # recognised, not appended twice
        assert remove_styles(extended, used_indices={0}) == original, kind


def _package(tmp_path: Path, parts: dict[str, str]) -> Package:
    entries = []
    for name, text in parts.items():
        entries.append((zipfile.ZipInfo(name), text.encode("utf-8")))
    return Package(tmp_path / "book.xlsx", entries)


def test_a_sheet_is_registered_with_the_workbooks_own_prefixes(tmp_path: Path) -> None:
    book = (
        f'<x:workbook xmlns:x="{MAIN}" xmlns:rel="{RELS}"><x:sheets>'
        '<x:sheet name="Meldung" sheetId="4" rel:id="R1"/></x:sheets></x:workbook>'
    )
    package = _package(
        tmp_path,
        {
            "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>',
            "xl/workbook.xml": book,
            "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="R1" Type="{RELS}/worksheet" Target="/xl/worksheets/a.xml"/></Relationships>',
            "xl/worksheets/a.xml": "<worksheet/>",
        },
    )
    package.add_sheet("Quote & Bedarf", "quote", b"<worksheet/>")
    text = package.text("xl/workbook.xml")
    assert '<x:sheet name="Quote &amp; Bedarf" sheetId="5" rel:id="rIdKitameldung_quote"/></x:sheets>' in text
    sheets = package.sheets()
    assert [(s.name, s.part, s.our_key) for s in sheets] == [
        ("Meldung", "xl/worksheets/a.xml", None),
        ("Quote & Bedarf", "xl/worksheets/kitameldung-quote.xml", "quote"),
    ]
    package.remove_sheet(sheets[1])
    assert package.text("xl/workbook.xml") == book


EXCEL_APP = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><HeadingPairs>'
    '<vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Arbeitsblätter</vt:lpstr></vt:variant>'
    "<vt:variant><vt:i4>{count}</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts>"
    '<vt:vector size="{count}" baseType="lpstr"><vt:lpstr>Hinweise</vt:lpstr><vt:lpstr>Personalmeldung</vt:lpstr>'
    "{ours}</vt:vector></TitlesOfParts></Properties>"
)


def test_our_tab_names_join_and_leave_excels_list_of_titles() -> None:
    listed = EXCEL_APP.format(
        count=4, ours="<vt:lpstr>Prüfbericht</vt:lpstr><vt:lpstr>Quote &amp; Bedarf</vt:lpstr>"
    )
    original = EXCEL_APP.format(count=2, ours="")
    assert add_titles(original, ["Prüfbericht", "Quote & Bedarf"]) == listed
    assert remove_titles(listed, ["Prüfbericht", "Quote & Bedarf"]) == original
    assert remove_titles(listed, ["Gesprächsplanung"]) == listed
