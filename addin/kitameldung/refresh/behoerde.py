"""The Behördenfassung: the workbook without any sheet or trace of kitameldung.

Our sheets are found by part name, marker cell or tab name (`ours`), under any tab name and in
any number of copies. Before the copy is written it is checked: no sheet of ours, no text only
our sheets held (the confidential Gesprächsplanung above all), no defined name or document
property pointing at them. If anything is left, nothing is written and the user is told why.
The zip archive comment marks the file as ours, so a folder run does not take it for a
facility report; every part stays as it was.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from kitameldung.form import FormError
from kitameldung.planning.reader import plan_from_rows
from kitameldung.planning.table import COLUMNS
from kitameldung.refresh import FAILED, WRITTEN, Outcome
from kitameldung.refresh.traces import describe, find_traces
from kitameldung.sheets import gespraechsplanung
from kitameldung.sheets.spec import MARKER_PREFIX
from kitameldung.workbook.atomic import WriteError, refuse_if_open
from kitameldung.workbook.grid import read_grid, read_grids
from kitameldung.workbook.ours import OWN_FILE_MARK, OurSheet, our_sheets
from kitameldung.workbook.outputs import check_output
from kitameldung.workbook.package import Package
from kitameldung.workbook.registry import refers_to_sheet, remove_added_styles
from kitameldung.workbook.styles import remove_styles
from kitameldung.workbook.xmlparse import XmlRefused, text_nodes
from kitameldung.workbook.xmltext import find_all, inner

BEHOERDE_MARK = (OWN_FILE_MARK + "behoerdenfassung").encode("ascii")
_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)
# Numbers, dates and cell addresses (the Prüfbericht lists cells) say nothing about a person.
# The planning's dropdown values ("geplant", "Interesse an Leitung") are no one's secret.
OPTIONS = {option for column in COLUMNS for option in column.options}
_NOT_TELLING = re.compile(r"[\d\s.,:;%/+-]*|\$?[A-Z]{1,3}\$?\d+(:\$?[A-Z]{1,3}\$?\d+)?")


def export_behoerde(source: Path, target: Path) -> Outcome:
    """A copy without any sheet or trace of kitameldung; every other part byte-identical."""
    try:
        if os.path.realpath(target) == os.path.realpath(source) or (
            target.exists() and os.path.samefile(target, source)
        ):
            raise WriteError(
                f"{target.name}: Die Behördenfassung braucht einen eigenen Dateinamen, damit die "
                "Arbeitsdatei mit Prüfbericht erhalten bleibt."
            )
        if target.suffix.lower() not in (".xlsx", ".xlsm"):
            raise WriteError(f"{target.name}: Bitte als .xlsx (oder .xlsm) speichern.")
        refuse_if_open(target)
        check_output(target, "behoerdenfassung", [source])
        package = Package.read(source)
        _check_extension(package, target)
        removed = behoerde_package(package)
        package.write(target)
    except (FormError, WriteError) as err:
        return Outcome(source, FAILED, str(err))
    gone = (
        f"{len(removed)} kitameldung-Blätter entfernt" if removed else "keine kitameldung-Blätter enthalten"
    )
    return Outcome(source, WRITTEN, f"Behördenfassung {target.name} geschrieben ({gone}).")


MACRO_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def _check_extension(package: Package, target: Path) -> None:
    """The Behördenfassung keeps the workbook's macro status, so its extension must match: Excel
    refuses an .xlsx holding a macro-enabled workbook, and an .xlsm holding a plain one."""
    types = package.text("[Content_Types].xml")
    workbook = "/" + package.workbook
    macro = any(
        o.attrs.get("PartName") == workbook and o.attrs.get("ContentType") == MACRO_TYPE
        for o in find_all(types, "Override")
    )
    wanted = ".xlsm" if macro else ".xlsx"
    if target.suffix.lower() != wanted:
        kind = "enthält Makros (.xlsm)" if macro else "enthält keine Makros (.xlsx)"
        raise WriteError(
            f"{target.name}: Die Arbeitsmappe {kind}; die Behördenfassung behält das bei und braucht darum "
            f"die Endung {wanted} – bitte als „{target.stem}{wanted}“ speichern (Excel öffnet sie sonst nicht)."
        )


def behoerde_package(package: Package) -> list[str]:
    """Turn `package` into the Behördenfassung and verify it; returns the removed tab names.
    Raises WriteError (German) when a trace of our sheets would remain."""
    name = package.path.name
    try:
        ours = our_sheets(package)
        removed_names = [o.entry.name for o in ours]
        typed = _typed_texts(package, [o for o in ours if o.key == gespraechsplanung.KEY])
        for sheet in ours:
            package.remove_sheet(next(e for e in package.sheets() if e.rel_id == sheet.entry.rel_id))
        styles = package.part_of_type("styles")
        if styles is not None:
            used = package.cell_styles_in_use([e.part for e in package.sheets() if e.part])
            package.put_text(styles, remove_styles(package.text(styles), used))
            remove_added_styles(package)
        secret = {t for t in typed - OPTIONS if not _NOT_TELLING.fullmatch(t)}
        _verify(package, secret, removed_names)
    except XmlRefused as err:
        raise WriteError(
            f"{name}: Die Arbeitsmappe enthält einen Teil, der kein gültiges XML ist ({err}); die "
            "Behördenfassung wurde nicht geschrieben. Bitte in Excel öffnen und erneut speichern."
        ) from err
    package.comment = BEHOERDE_MARK
    return removed_names


def _typed_texts(package: Package, planning: list[OurSheet]) -> set[str]:
    """What people typed into the Gesprächsplanung (any copy of it) and the person keys: the
    confidential content that must not leave with the authority's copy. Our sheets' own labels
    ("Krippe", "Status" …) are no secret and may well be words of the authority's form."""
    found: set[str] = set()
    for sheet in planning:
        if sheet.entry.part is None:
            continue
        grid = read_grid(package, sheet.entry.part)
        plan = plan_from_rows(grid.rows, grid.formulas)
        if plan is None:  # no key header: every text of the sheet counts as typed
            found |= _sheet_texts(package, [sheet.entry.part])
            continue
        for entry in plan.entries:
            found.add(entry.key)
            found |= {
                str(v).strip() for v in (*entry.manual.values(), *entry.extra.values()) if isinstance(v, str)
            }
        found |= {str(v).strip() for row in plan.loose_rows for v in row.values() if isinstance(v, str)}
    return {t for t in found if t}


def _sheet_texts(package: Package, parts: list[str | None]) -> set[str]:
    present = [part for part in parts if part and package.get(part) is not None]
    return {
        v.strip()
        for grid in read_grids(package, present)
        for row in grid.rows
        for v in row
        if isinstance(v, str) and v.strip()
    }


def _verify(package: Package, secret: set[str], removed_names: list[str]) -> None:
    """Refuse unless the package is free of our sheets, their texts and names pointing at them."""
    name = package.path.name
    left = our_sheets(package)
    if left:
        raise WriteError(
            f"{name}: Das Blatt „{left[0].entry.name}“ von kitameldung ließ sich nicht entfernen; die "
            "Behördenfassung wurde nicht geschrieben. Bitte das Blatt in Excel löschen und erneut versuchen."
        )
    book = package.text(package.workbook)
    for defined in find_all(book, "definedName"):
        if any(refers_to_sheet(inner(book, defined), sheet) for sheet in removed_names):
            raise WriteError(
                f"{name}: Der Name „{defined.attrs.get('name', '')}“ verweist noch auf ein Blatt von "
                "kitameldung; die Behördenfassung wurde nicht geschrieben. Bitte den Namen in Excel "
                "(Formeln › Namens-Manager) löschen und erneut versuchen."
            )
    for part, data in package.parts().items():
        if _XML_PART.search(part) and any(v.strip().startswith(MARKER_PREFIX) for v in text_nodes(data)):
            raise WriteError(
                f"{name}: Im Teil {part} steht noch eine Markierung eines Blatts von kitameldung; die "
                "Behördenfassung wurde nicht geschrieben. Bitte die Datei an die IT geben."
            )
    traces = find_traces(
        package, [n for n in removed_names if n not in {e.name for e in package.sheets()}], secret
    )
    if traces:
        raise WriteError(describe(traces, name))
