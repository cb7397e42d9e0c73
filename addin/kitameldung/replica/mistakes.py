"""Typical mistakes planted into a lawful facility, for the demo and for tests.

Each function changes a copy and returns it with the rule id the mistake must trigger and the
index of the affected staff member (None for facility-level mistakes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kitameldung.replica.facility import QUALIFICATIONS, Facility


@dataclass(frozen=True)
class Planted:
    facility: Facility
    rule: str
    person: int | None  # index into facility.staff
    field: str | None  # staff field or header/places key


def understaffed(f: Facility) -> Planted:
    g = f.copy()
    keep = max(2, len(g.staff) * 2 // 3)
    g.staff = g.staff[:keep]
    return Planted(g, "personalbemessung", None, None)


def low_quota(f: Facility) -> Planted:
    g = f.copy()
    for member in g.staff[1:]:
        if member.paragraph != 12 and len([m for m in g.staff if m.paragraph == 12]) < len(g.staff) // 2:
            member.paragraph = 12
            member.qualifikation = QUALIFICATIONS[12][0]
            member.funktion = "Ergänzungskraft"
            member.qualifizierung_300ue = member.beginn
    return Planted(g, "fachkraftquote", None, None)


def bad_date(f: Facility) -> Planted:
    g = f.copy()
    g.staff[1].beginn = "31.02.2024"
    return Planted(g, "wert-ungueltig", 1, "beginn")


def over_capacity(f: Facility) -> Planted:
    g = f.copy()
    short, long, _approved = g.places["kindergarten"]
    g.places["kindergarten"] = (short, long, int(short) + int(long) - 3)
    return Planted(g, "plaetze-kapazitaet", None, "kindergarten")


def unknown_zuordnung(f: Facility) -> Planted:
    g = f.copy()
    g.staff[2].paragraph = "Praktikantin"
    return Planted(g, "zuordnung-unbekannt", 2, "zuordnung")


def missing_stichtag(f: Facility) -> Planted:
    g = f.copy()
    g.stichtag = None
    return Planted(g, "pflichtfeld", None, "stichtag")


def missing_hours(f: Facility) -> Planted:
    g = f.copy()
    g.staff[1].paed_stunden = None
    return Planted(g, "pflichtfeld", 1, "paed_stunden")


STRUCTURAL: dict[str, Callable[[Facility], Planted]] = {
    "understaffed": understaffed,
    "low_quota": low_quota,
    "bad_date": bad_date,
    "over_capacity": over_capacity,
    "unknown_zuordnung": unknown_zuordnung,
    "missing_stichtag": missing_stichtag,
    "missing_hours": missing_hours,
}
