"""Defined names in xl/workbook.xml that belong to our sheets: the print titles (rows repeated
on every printed page). Edited as text like the other registry parts; a name is local to its
sheet by position (localSheetId), so removing a sheet removes its names (see package)."""

from __future__ import annotations

from kitameldung.sheets.spec import quote_sheet
from kitameldung.workbook.xmltext import Edit, apply_edits, find_all, find_one, splice, text

PRINT_TITLES = "_xlnm.Print_Titles"


def print_titles_xml(p: str, index: int, sheet: str, rows: tuple[int, int]) -> str:
    value = f"{quote_sheet(sheet)}!${rows[0]}:${rows[1]}"
    return f'<{p}definedName name="{PRINT_TITLES}" localSheetId="{index}">{text(value)}</{p}definedName>'


def set_print_titles(book: str, p: str, index: int, sheet: str, rows: tuple[int, int] | None) -> str:
    """The workbook part with the print titles of sheet `index` as asked (None: none)."""
    wanted = print_titles_xml(p, index, sheet, rows) if rows else ""
    current = [
        e
        for e in find_all(book, "definedName")
        if e.attrs.get("name") == PRINT_TITLES and e.attrs.get("localSheetId") == str(index)
    ]
    if current:
        if current[0].text == wanted:
            return book
        edits: list[Edit] = [(current[0].start, current[0].end, wanted)]
        return drop_empty_names(apply_edits(book, edits))
    if not wanted:
        return book
    names = find_one(book, "definedNames")
    if names is not None and names.body_end is not None:
        return splice(book, names.body_end, names.body_end, wanted)
    block = f"<{p}definedNames>{wanted}</{p}definedNames>"
    if names is not None:  # <definedNames/>: opened with a space, so that it closes again the same
        return splice(book, names.start, names.end, f"<{p}definedNames >{wanted}</{p}definedNames>")
    # Schema order: sheets, functionGroups, externalReferences, definedNames, calcPr …
    anchor = max(
        (e for e in (find_one(book, n) for n in ("sheets", "functionGroups", "externalReferences")) if e),
        key=lambda e: e.end,
    )
    return splice(book, anchor.end, anchor.end, block)


def drop_empty_names(book: str) -> str:
    """An empty <definedNames> left after removing names goes too (Excel never writes one)."""
    names = find_one(book, "definedNames")
    if names is None or names.body_start is None:
        return book
    if book[names.body_start : names.body_end].strip():
        return book
    tag = book[names.start : names.body_start]
    # "<definedNames >" is how set_print_titles opened a "<definedNames/>" the workbook had: back to it.
    restored = tag[:-2] + "/>" if tag.endswith(" >") else ""
    return splice(book, names.start, names.end, restored)
