"""Facilities built to sit exactly on the edges of section 8 of the rules: coverage at exactly
95 % / 90 % / 100 % of the Soll on the first and last day of each Dispositionsspielraum period,
quotas where the two readings of § 15 KitaPersV disagree, people in training."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction

from kitameldung.replica import make_facility
from kitameldung.replica.facility import Facility

HORT_ONLY = {"krippe": (0, 0, 0), "kindergarten": (0, 0, 0), "hort": (0, 75, 80)}  # Soll = 75 × 0.8/15 = 4


def with_coverage(seed: int, stichtag: date, ratio: Fraction, fach_share: Fraction = Fraction(1)) -> Facility:
    """Soll exactly 4 VZÄ (Hort only, independent of the key); Ist = ratio × Soll, of which
    `fach_share` in Fachkräfte (the rest § 12 with the 300 UE done). No Leitung hours."""
    facility = make_facility(seed, stichtag, persons=8).copy()
    facility.places = dict(HORT_ONLY)
    total = ratio * 4 * 40  # hours
    fach, erg = total * fach_share, total * (1 - fach_share)
    staff = []
    for index, member in enumerate(facility.staff):
        is_fach = index < 4
        hours = (fach if is_fach else erg) / 4
        paragraph = 9 if is_fach else 12
        staff.append(
            replace(
                member,
                paragraph=paragraph,
                qualifikation="staatlich anerkannte Erzieherin" if is_fach else "Kinderpflegerin",
                funktion="Gruppenerzieher*in" if is_fach else "Ergänzungskraft",
                paed_stunden=float(hours),
                wochenstunden=float(max(hours, 1)),
                leitungsstunden=0.0,
                qualifizierung_300ue=None if is_fach else member.beginn,
                ende=None,
            )
        )
    facility.staff = staff
    return facility


def with_trainee(seed: int, stichtag: date) -> Facility:
    """A lawful facility with one Praktikantin among the staff."""
    facility = make_facility(seed, stichtag).copy()
    member = facility.staff[-1]
    facility.staff[-1] = replace(member, funktion="Praktikantin", qualifikation="Erzieherin in Ausbildung")
    return facility
