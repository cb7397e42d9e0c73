"""`refresh` of one facility workbook, in explicit steps: plan (check the form, read what our
sheets hold) → render (our sheets into a copy of the package) → diff (nothing changed: leave the
file alone, date included) → write (atomically). `behoerde` takes our sheets out again.

Both go through `Package`, so the authority's parts are copied byte for byte, and through
`write_atomic`, so the user's file is replaced in one step or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kitameldung.form import FormError
from kitameldung.form.workbook import take_snapshot
from kitameldung.pipeline import Result, Settings, check_file
from kitameldung.planning import Plan
from kitameldung.planning.overview import planning_data
from kitameldung.planning.takeover import Takeover, take_over
from kitameldung.refresh.steps import Planning, build_sheets, plan_for
from kitameldung.sheets.gespraechsplanung import odd_days_note, unreadable_note
from kitameldung.workbook.atomic import WriteError, refuse_if_open
from kitameldung.workbook.ourbook import PackageBook, previous_check_time, previous_plan
from kitameldung.workbook.package import Package
from kitameldung.workbook.xmlparse import XmlRefused

WRITTEN, UNCHANGED, FAILED = "aktualisiert", "unverändert", "fehler"


@dataclass(frozen=True)
class Outcome:
    path: Path
    status: str
    message: str
    result: Result | None = None
    planning: dict[str, Any] | None = None  # planning.overview.planning_data, for the provider overview


def refresh_file(
    path: Path, settings: Settings, now: datetime | None = None, carry: Plan | None = None
) -> Outcome:
    """Check the form and write or update our sheets; an unchanged workbook is not rewritten.
    `carry`: last year's Gesprächsplanung to take over (see planning.takeover)."""
    takeover = None
    try:
        refuse_if_open(path)
        try:
            snapshot = take_snapshot(path)  # one read: the check and the package see the same bytes
        except FormError as err:
            return Outcome(path, FAILED, str(err), Result(path, settings, error=str(err)))
        result = check_file(path, settings, snapshot)
        if not result.ok:
            return Outcome(path, FAILED, result.error or "", result)
        if snapshot.links > 1:
            return Outcome(path, FAILED, hard_link_note(path, snapshot.links), result)
        original = Package.read(path, snapshot)
        previous = previous_plan(path, original)
        if carry is not None:
            takeover = take_over(carry, previous)
            previous = takeover.plan
        stamp = previous_check_time(original) if carry is None else None
        if stamp is not None:
            planning = plan_for(result, previous, stamp)
            trial = original.copy()
            PackageBook(path, trial).write_sheets(build_sheets(result, stamp, planning))
            if trial.parts() == original.parts():
                message = f"{path.name}: unverändert (Prüfung vom {stamp:%d.%m.%Y %H:%M})."
                return Outcome(path, UNCHANGED, message, result, _overview(planning, stamp, result))
        checked_at = now or datetime.now().replace(microsecond=0)
        planning = plan_for(result, previous, checked_at)
        sheets = build_sheets(result, checked_at, planning)
        PackageBook(path, original).write_sheets(sheets)
        original.write(path, expect=snapshot.signature)
    except (FormError, WriteError) as err:
        return Outcome(path, FAILED, str(err))
    except XmlRefused as err:
        return Outcome(
            path,
            FAILED,
            f"{path.name}: Ein Teil der Arbeitsmappe ist kein gültiges XML ({err}); die Datei wurde nicht "
            "verändert. Bitte in Excel öffnen und als „Excel-Arbeitsmappe (*.xlsx)“ neu speichern.",
        )
    names = ", ".join(f"„{s.name}“" for s in sheets)
    message = f"{path.name}: {names} aktualisiert."
    if takeover is not None:
        message = takeover_message(path.name, takeover, planning.plan)
    message += moved_note(planning.plan)
    if planning.plan.unreadable:
        message += f" Gesprächsplanung: {unreadable_note(planning.plan)}"
    if odd := odd_days_note(planning.plan):
        message += f" Gesprächsplanung: {odd}"
    return Outcome(path, WRITTEN, message, result, _overview(planning, checked_at, result))


def hard_link_note(path: Path, links: int) -> str:
    return (
        f"{path.name}: Die Datei hat {links} Namen im Dateisystem (harter Link, etwa von einer "
        "Sicherung); beim Schreiben würde die Verbindung zu den anderen Namen getrennt. Sie wurde nicht "
        "verändert, ihre Zahlen stehen in der Übersicht. Bitte eine eigenständige Kopie aktualisieren."
    )


def moved_note(plan: Plan) -> str:
    """What people typed over grey or computed planning columns, and where it went."""
    if not plan.moved:
        return ""
    listed = "; ".join(f"{name}: „{column}“" for name, column, _ in plan.moved[:5])
    more = f" und {len(plan.moved) - 5} weitere" if len(plan.moved) > 5 else ""
    return (
        f" In der Gesprächsplanung standen {len(plan.moved)} Einträge in grauen oder berechneten Spalten "
        f"({listed}{more}); sie stehen jetzt mit Datum in „Bemerkungen“ der Zeile."
    )


def takeover_message(name: str, takeover: Takeover, plan: Plan) -> str:
    active = {e.key for e in plan.entries if e.active}
    matched = len(active & takeover.old_keys)
    new = len(active - takeover.old_keys)
    left = len(takeover.old_keys - active)
    side = (
        f"; {takeover.conflicts} abweichende Einträge stehen in Spalten „… (Vorjahr)“"
        if takeover.conflicts
        else ""
    )
    return (
        f"{name}: Gesprächsplanung übernommen – {matched} Personen zugeordnet, {new} neu, "
        f"{left} nicht mehr in der Meldung (ausgegraut); {takeover.taken} Einträge übernommen{side}."
    )


def _overview(planning: Planning, checked_at: datetime, result: Result) -> dict[str, Any]:
    return planning_data(planning.plan, planning.projection, checked_at.date(), result.settings.params)
