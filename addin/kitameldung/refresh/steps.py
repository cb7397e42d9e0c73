"""The steps of a refresh that decide what to write: the Gesprächsplanung merged with the form
(and its 12-month outlook), then our sheets as plain data (`SheetSpec`). No file is touched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kitameldung.pipeline import Result
from kitameldung.planning import Plan, merge
from kitameldung.planning.leitfaden import load_leitfaden
from kitameldung.planning.projection import Point, project
from kitameldung.sheets import (
    SHEET_NAMES,
    SheetSpec,
    gespraechsplanung,
    leitfaden,
    pruefbericht,
    quote_bedarf,
)


@dataclass(frozen=True)
class Planning:
    """The Gesprächsplanung after the merge with the form, and the 12-month outlook."""

    plan: Plan
    projection: list[Point]


def plan_for(result: Result, previous: Plan, checked_at: datetime) -> Planning:
    """Merge the sheet's rows with the form's persons. Without a staff table nothing is marked
    as gone: an unreadable table must not look like a team that left."""
    meldung = result.meldung
    assert meldung is not None
    today = checked_at.date()
    settings = result.settings
    if meldung.persons is None:
        return Planning(previous, [])
    plan = merge(previous, meldung.persons, today, settings.params)
    start = max(meldung.stichtag, today) if meldung.stichtag else None
    projection = (
        project(meldung, start, settings.rules, settings.params, settings.qualifications) if start else []
    )
    return Planning(plan, projection)


def build_sheets(result: Result, checked_at: datetime, planning: Planning | None = None) -> list[SheetSpec]:
    meldung = result.meldung
    assert meldung is not None
    sheets = [pruefbericht.build(result, SHEET_NAMES["pruefbericht"], checked_at)]
    if meldung.persons is not None and not meldung.layout.missing_required:
        # Live formulas on a table without its hours or Zuordnung would show false figures.
        sheets.append(quote_bedarf.build(result, SHEET_NAMES["quote"]))
    planning = planning or plan_for(result, Plan(), checked_at)
    if planning.plan.entries or planning.plan.loose_rows or meldung.persons:
        einrichtung = meldung.header.get("einrichtung")
        ctx = gespraechsplanung.Context(
            str(einrichtung.value) if einrichtung and einrichtung.value else result.path.name,
            meldung.stichtag,
            checked_at,
            result.settings.params,
        )
        sheets.append(
            gespraechsplanung.build(
                planning.plan, planning.projection, ctx, SHEET_NAMES[gespraechsplanung.KEY]
            )
        )
        sheets.append(leitfaden.build(load_leitfaden(), SHEET_NAMES[leitfaden.KEY]))
    facility = meldung.header.get("einrichtung")
    for sheet in sheets:  # every printed page says whose it is
        sheet.footer = str(facility.value) if facility and facility.value else result.path.name
    return sheets
