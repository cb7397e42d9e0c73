"""What the ribbon buttons do, on any workbook port (a live Excel book in production, xlwings'
remote Book in the tests). Each action returns the German message shown to the user.

The sheets come from the same builders as `kitameldung refresh`; only the port differs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from kitameldung.checks import Severity
from kitameldung.checks.formatting import COLORS, SEVERITY_COLOR, datum
from kitameldung.excel.live import LiveBook
from kitameldung.form import FormError, meldung_from_sheets, read_meldung
from kitameldung.form.workbook import Sheet
from kitameldung.identity import facility_title, same_facility
from kitameldung.pipeline import Result, Settings, check_meldung
from kitameldung.planning import Plan
from kitameldung.planning.reader import missing_header, plan_from_rows
from kitameldung.planning.takeover import take_over
from kitameldung.refresh import build_sheets, plan_for, takeover_message
from kitameldung.sheets import SHEET_NAMES, SheetSpec, gespraechsplanung
from kitameldung.sheets.common import assumptions, not_in_force_line, pruefstand, regelstand
from kitameldung.sheets.spec import MARKER_ROWS, marker_key
from kitameldung.workbook.ourbook import planning_to_take_over
from kitameldung.workbook.port import WorkbookPort

MARKER = "kitameldung"  # in the formula of every mark we put on the form, to find them again
MARK_COLORS = {s: COLORS[SEVERITY_COLOR[s.value]] for s in Severity}


class ActionError(Exception):
    """German message: what went wrong and what to do."""


@dataclass(frozen=True)
class Checked:
    result: Result
    previous: Plan
    sheets: list[Sheet]


def live_key(sheet: Sheet) -> str | None:
    """The key of a sheet of ours: its marker cell in the first rows, else our tab name."""
    for row in sheet.rows[:MARKER_ROWS]:
        for value in row:
            if (key := marker_key(value)) is not None:
                return key
    return next((key for key, title in SHEET_NAMES.items() if title == sheet.name), None)


def check_live(book: WorkbookPort, settings: Settings) -> Checked:
    """Read the book as it is in Excel now (also unsaved entries) and check it."""
    sheets = book.read_sheets()
    form_sheets = [s for s in sheets if live_key(s) is None]
    try:
        meldung = meldung_from_sheets(Path(book.name), form_sheets, settings.profile)
    except FormError as err:
        raise ActionError(str(err)) from err
    planning = next((s for s in sheets if live_key(s) == gespraechsplanung.KEY), None)
    previous = plan_from_rows(planning.rows, planning.formulas) if planning is not None else Plan()
    if previous is None:
        assert planning is not None
        raise ActionError(missing_header(book.name, planning.name))
    return Checked(check_meldung(Path(book.name), meldung, settings), previous, sheets)


def our_sheets(checked: Checked, keys: tuple[str, ...], now: datetime) -> list[SheetSpec]:
    """Our sheets for `keys`; one that people renamed keeps its name (found by its marker)."""
    planning = plan_for(checked.result, checked.previous, now)
    names = {}
    for sheet in checked.sheets:
        key = live_key(sheet)
        if key is not None and key not in names:
            names[key] = sheet.name
    return [
        replace(s, name=names.get(s.key, s.name))
        for s in build_sheets(checked.result, now, planning)
        if s.key in keys
    ]


def write(book: WorkbookPort, settings: Settings, keys: tuple[str, ...], now: datetime) -> Checked:
    checked = check_live(book, settings)
    book.write_sheets(our_sheets(checked, keys, now))
    return checked


# ---------------------------------------------------------------------- the actions


def pruefen(book: LiveBook, settings: Settings, now: datetime) -> str:
    checked = write(book, settings, ("pruefbericht",), now)
    result = checked.result
    marked = mark_findings(book, result)
    counts = ", ".join(s.counted(result.count(s)) for s in Severity)
    return f"Geprüft: {counts}. Details im Blatt „{SHEET_NAMES['pruefbericht']}“; {marked} Zellen markiert."


def mark_findings(book: LiveBook, result: Result) -> int:
    """Colour the cells of the findings in the form through conditional formats: the cells'
    own formats stay untouched, so removing the marks restores them exactly."""
    meldung = result.meldung
    if meldung is None:
        return 0
    remove_marks(book, meldung.sheet)
    cells: dict[Severity, list[str]] = {}
    for finding in result.findings:
        if finding.cell and finding.sheet == meldung.sheet:
            cells.setdefault(finding.severity, [])
            if finding.cell not in cells[finding.severity]:
                cells[finding.severity].append(finding.cell)
    for severity in sorted(cells, key=lambda s: s.rank):
        font, fill = MARK_COLORS[severity]
        book.mark(meldung.sheet, cells[severity], f'=ISTEXT("{MARKER}-{severity.value}")', font, fill)
    return sum(len(c) for c in cells.values())


def remove_marks(book: LiveBook, sheet: str) -> int:
    return book.unmark(sheet, MARKER)


def markierungen(book: LiveBook, settings: Settings, now: datetime) -> str:
    sheets = book.read_sheets()
    removed = sum(remove_marks(book, s.name) for s in sheets if live_key(s) is None)
    return f"{removed} Markierungen entfernt; die Formate des Formulars sind wie vorher."


def quote(book: WorkbookPort, settings: Settings, now: datetime) -> str:
    checked = write(book, settings, ("quote",), now)
    staffing = checked.result.staffing
    if staffing is None or staffing.fachkraftquote is None:
        return f"Blatt „{SHEET_NAMES['quote']}“ aktualisiert."
    return (
        f"Blatt „{SHEET_NAMES['quote']}“ aktualisiert: Fachkraftquote "
        f"{float(staffing.fachkraftquote) * 100:.1f} %".replace(".", ",")
        + "."
    )


def uebernehmen(book: WorkbookPort, settings: Settings, now: datetime, source: Path) -> str:
    """Last year's Gesprächsplanung (file `source`) into the planning of the open book, only
    from a report of the same facility."""
    checked = check_live(book, settings)
    try:
        old = planning_to_take_over(source)
        earlier = read_meldung(source, settings.profile)
    except FormError as err:
        raise ActionError(str(err)) from err
    current = checked.result.meldung
    if current is not None and same_facility(earlier, current) is False:
        raise ActionError(
            f"{source.name} ({facility_title(earlier)}) ist die Meldung einer anderen Einrichtung als "
            f"{book.name} ({facility_title(current)}); die vertrauliche Gesprächsplanung wird nicht "
            "übertragen. Bitte die Meldung derselben Einrichtung wählen."
        )
    takeover = take_over(old, checked.previous)
    checked = replace(checked, previous=takeover.plan)
    book.write_sheets(our_sheets(checked, ("gespraechsplanung", "leitfaden"), now))
    merged = plan_for(checked.result, takeover.plan, now).plan
    return takeover_message(book.name, takeover, merged)


def planung(book: WorkbookPort, settings: Settings, now: datetime) -> str:
    checked = write(book, settings, ("gespraechsplanung", "leitfaden"), now)
    return (
        f"Gesprächsplanung aktualisiert ({len(checked.result.meldung.persons or ())} Personen in der "  # type: ignore[union-attr]
        "Meldung). Ihre Einträge sind erhalten geblieben."
    )


def regelstand_text(book: WorkbookPort, settings: Settings, now: datetime) -> str:
    checked = check_live(book, settings)
    staffing, rules = checked.result.staffing, settings.rules
    lines = [
        f"Stichtag: {datum(checked.result.meldung.stichtag if checked.result.meldung else None)}",
        f"Regelstand: {regelstand(staffing, rules)}",
        f"Regeldaten: {pruefstand(rules)}",
    ]
    stale = [f for f in checked.result.findings if f.rule == "regelstand-pruefen"]
    lines += [f"Bitte prüfen: {f.message}" for f in stale]
    if rules.not_in_force:
        lines += ["", "Nicht angewandt (geplant oder aufgehoben):"]
        lines += [f"– {not_in_force_line(row)}" for row in rules.not_in_force]
    lines += ["", "Annahmen:"]
    lines += [f"– {title}: {shown}" for title, shown in assumptions(settings.params, staffing)]
    lines += ["", "Quellen:"]
    sources = {
        rules.care.source,
        *(k.source for k in rules.keys),
        *(r.source for r in rules.leitung),
        *(q.source for q in rules.quota),
        *(m.source for m in rules.margins),
    }
    lines += [f"– {s}" for s in sorted(sources)]
    return "\n".join(lines)


Action = Callable[[Any, Settings, datetime], str]
BOOK_ACTIONS: dict[str, Action] = {
    "pruefen": pruefen,
    "markierungen": markierungen,
    "quote": quote,
    "planung": planung,
    "regelstand": regelstand_text,
}
