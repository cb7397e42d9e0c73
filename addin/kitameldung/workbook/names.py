"""Defined names in xl/workbook.xml that belong to our sheets: the print titles (rows repeated
on every printed page). Edited as text like the other registry parts; a name is local to its
sheet by position (localSheetId), so removing a sheet removes its names (see package)."""

from __future__ import annotations

from kitameldung.sheets.spec import quote_sheet
from kitameldung.workbook.xmltext import Edit, apply_edits, find_all, find_one, splice, text

PRINT_TITLES = "_xlnm.Print_Titles"
PRINT_AREA = "_xlnm.Print_Area"


def print_titles_value(
    sheet: str, rows: tuple[int, int] | None, columns: tuple[str, str] | None = None
) -> str:
    """ "'S'!$A:$A,'S'!$22:$22": columns and rows repeated on every printed page."""
    parts = []
    if columns:
        parts.append(f"{quote_sheet(sheet)}!${columns[0]}:${columns[1]}")
    if rows:
        parts.append(f"{quote_sheet(sheet)}!${rows[0]}:${rows[1]}")
    return ",".join(parts)


def set_print_titles(book: str, p: str, index: int, sheet: str, rows: tuple[int, int] | None) -> str:
    """The workbook part with the print titles of sheet `index` as asked (None: none)."""
    return set_sheet_name(book, p, index, PRINT_TITLES, print_titles_value(sheet, rows))


def set_sheet_name(book: str, p: str, index: int, name: str, value: str) -> str:
    """The workbook part with the built-in name `name` of sheet `index` set to `value` ("": none)."""
    wanted = (
        f'<{p}definedName name="{name}" localSheetId="{index}">{text(value)}</{p}definedName>'
        if value
        else ""
    )
    current = [
        e
        for e in find_all(book, "definedName")
        if e.attrs.get("name", "").casefold() == name.casefold() and e.attrs.get("localSheetId") == str(index)
    ]
    if current:
        if len(current) == 1 and current[0].text == wanted:
            return book
        # One name of its kind per sheet (LibreOffice splits print titles of rows and columns
        # into two when it saves; Excel then reports the file as damaged): ours replaces them all.
        edits: list[Edit] = [(current[0].start, current[0].end, wanted)]
        edits += [(extra.start, extra.end, "") for extra in current[1:]]
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
