"""What the provider overview needs of a facility's planning, as JSON-ready data.

Due and planned dates are kept as dates, not as counts, so an overview built weeks later from
the result cache still counts what is overdue on the day it is built.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kitameldung.planning.projection import Point
from kitameldung.planning.table import Plan
from kitameldung.planning.termine import (
    BALD,
    GEPLANT,
    UEBERFAELLIG,
    as_day,
    light,
    next_due,
    planned,
    summarize,
)
from kitameldung.rules import Parameters


def planning_data(plan: Plan, projection: list[Point], today: date, params: Parameters) -> dict[str, Any]:
    summary = summarize(plan.entries, today, params)
    termine = []
    for entry in plan.entries:
        if not entry.active:
            continue
        due, moment, ended = next_due(entry, params), planned(entry), as_day(entry.form.get("ende"))
        termine.append(
            {
                "faellig": due.isoformat() if due else None,
                "geplant": moment.date().isoformat() if moment else None,
                "beendet": ended.isoformat() if ended else None,
                "gespraech_erfasst": as_day(entry.manual.get("letztes")) is not None,
            }
        )
    quotas = [(p.fachkraftquote, p.day) for p in projection if p.fachkraftquote is not None]
    low = min(quotas, default=None)  # the lowest quota, the earliest day among equals
    return {
        "stand": today.isoformat(),
        "termine": termine,
        "fortbildung": summary.fortbildung,
        "potenzial": summary.potenzial,
        "neue_leitung_ohne_mentor": summary.neue_leitung_ohne_mentor,
        "projektion": [
            {
                "datum": p.day.isoformat(),
                "fachkraftquote": float(p.fachkraftquote) if p.fachkraftquote is not None else None,
                "deckungsgrad": float(p.deckungsgrad) if p.deckungsgrad is not None else None,
                "quote_erfuellt": p.quota_ok,
                "deckung_erfuellt": p.coverage_ok,
            }
            for p in projection
        ],
        "quote_tiefstwert": float(low[0]) if low else None,
        "quote_tiefstwert_datum": low[1].isoformat() if low else None,
    }


def talk_counts(data: dict[str, Any], today: date) -> dict[str, int]:
    """Overdue / due within 30 days / planned, counted on `today` like the sheet's Ampel."""
    counts = {UEBERFAELLIG: 0, BALD: 0, GEPLANT: 0}
    for termin in data.get("termine", []):
        state = light(
            _day(termin.get("faellig")),
            _day(termin.get("geplant")),
            today,
            ended=_day(termin.get("beendet")),
            talk_on_record=termin.get("gespraech_erfasst", True),
        )
        if state in counts:
            counts[state] += 1
    return counts


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# The planning figures of the provider overview (sheet, CSV, JSON) and of `kitameldung.read`.
PLANNING_KEYS = (
    "quote_tiefstwert",
    "quote_tiefstwert_datum",
    "gespraeche_ueberfaellig",
    "gespraeche_bald",
    "fortbildungsbedarf",
    "potenzialtraeger",
    "neue_leitung_ohne_mentor",
)


def planning_figures(data: dict[str, Any] | None, today: date) -> dict[str, Any]:
    """The planning figures of one facility; talks are counted on `today`."""
    if not data:
        return dict.fromkeys(PLANNING_KEYS)
    counts = talk_counts(data, today)
    return {
        "quote_tiefstwert": data.get("quote_tiefstwert"),
        "quote_tiefstwert_datum": data.get("quote_tiefstwert_datum"),
        "gespraeche_ueberfaellig": counts[UEBERFAELLIG],
        "gespraeche_bald": counts[BALD],
        "fortbildungsbedarf": sum(data.get("fortbildung", {}).values()),
        "potenzialtraeger": data.get("potenzial"),
        "neue_leitung_ohne_mentor": data.get("neue_leitung_ohne_mentor"),
    }
