"""Typical mistakes planted into a lawful facility, for the demo and for tests.

Each function changes a copy and returns it with the rule id the mistake must trigger and the
index of the affected staff member (None for facility-level mistakes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from kitameldung.dates import add_years
from kitameldung.replica.facility import QUALIFICATIONS, Facility, StaffMember


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


def form_repealed_key(f: Facility) -> Planted:
    """The form's own Personalbedarf still computed with Krippe 1 : 4, the step to 2025-08-01
    that was repealed before it took effect (regeln-brandenburg.md 9.1)."""
    g = f.copy()
    g.form_key = ("4", "10")
    return Planted(g, "abweichung-formular", None, "personalbedarf")


def bad_date(f: Facility) -> Planted:
    g = f.copy()
    g.staff[1].beginn = "31.02.2024"
    return Planted(g, "wert-ungueltig", 1, "beginn")


def over_capacity(f: Facility) -> Planted:
    g = f.copy()
    short, long, _approved = g.places["kindergarten"]
    g.places["kindergarten"] = (short, long, int(str(short)) + int(str(long)) - 3)
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


# ---------------------------------------------------------------- person-level mistakes
# Each sets one staff member so that exactly the named rule fires for that person.


def _stichtag(f: Facility) -> date:
    assert isinstance(f.stichtag, date)
    return f.stichtag


def _too_young(f: Facility, m: StaffMember) -> None:
    m.geburtsdatum = add_years(_stichtag(f), -18) + timedelta(days=20)
    m.beginn = _stichtag(f) - timedelta(days=10)


def _no_fz(f: Facility, m: StaffMember) -> None:
    m.fuehrungszeugnis = None


def _old_fz(f: Facility, m: StaffMember) -> None:
    m.fuehrungszeugnis = add_years(_stichtag(f), -6)


def _no_measles(f: Facility, m: StaffMember) -> None:
    m.geburtsdatum = date(1990, 5, 17)
    m.masernschutz = "nein"


def _no_language(f: Facility, m: StaffMember) -> None:
    m.sprachnachweis = "nein"


def _overdue_300ue(f: Facility, m: StaffMember) -> None:
    assert m.paragraph == 12, "plant on an Ergänzungskraft"
    m.beginn, m.qualifizierung_300ue, m.ende = add_years(_stichtag(f), -3), None, None


# The pedagogical hours stay as they were, so coverage and quota do not move.


def _leading_assistant(f: Facility, m: StaffMember) -> None:
    assert m.paragraph == 12, "plant on an Ergänzungskraft"
    m.leitungsstunden = 5.0
    m.wochenstunden = float(m.paed_stunden) + 5.0  # type: ignore[arg-type]


def _too_many_hours(f: Facility, m: StaffMember) -> None:
    m.wochenstunden = float(m.paed_stunden) + float(m.leitungsstunden) - 2.0  # type: ignore[arg-type]


def _over_48(f: Facility, m: StaffMember) -> None:
    m.wochenstunden = 50.0


PERSON: dict[str, Callable[[Facility, StaffMember], None]] = {
    "alter": _too_young,
    "fuehrungszeugnis-fehlt": _no_fz,
    "fuehrungszeugnis-veraltet": _old_fz,
    "masernschutz-fehlt": _no_measles,
    "sprachnachweis-fehlt": _no_language,
    "qualifizierung-frist": _overdue_300ue,
    "leitung-keine-fachkraft": _leading_assistant,
    "stunden-summe": _too_many_hours,
    "stunden-hoechstgrenze": _over_48,
}
# Rules to plant on an Ergänzungskraft (§ 12) only.
NEEDS_ERGAENZUNG = {"qualifizierung-frist", "leitung-keine-fachkraft"}
# Rules that need columns the 2023 forms do not have.
NEEDS_2025_FORM = {"masernschutz-fehlt", "sprachnachweis-fehlt"}


def plant_person(f: Facility, rule_id: str, index: int) -> Planted:
    g = f.copy()
    PERSON[rule_id](g, g.staff[index])
    return Planted(g, rule_id, index, None)
