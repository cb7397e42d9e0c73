"""Soll, Ist, Deckungsgrad and Fachkraftquote (regeln-brandenburg.md sections 1 to 4).

Arithmetic is exact (fractions): the law's keys like 4.65 are decimals, and a facility at
exactly 100 % coverage or 80 % quota must come out compliant, not a hair below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from kitameldung.model import AGE_GROUPS, Gruppe, Meldung, Person
from kitameldung.rules import Parameters, RuleBook
from kitameldung.rules.rulebook import KeyRow, LeitungRow

# Comparisons against the legal thresholds allow this much slack for values that arrive as
# binary floats (hours typed as 7.8, say).
TOLERANCE = Fraction(1, 10**9)


@dataclass(frozen=True)
class Staffing:
    stichtag: date
    key: KeyRow | None  # None: Stichtag outside the rule table
    soll_betreuung_vzae: Fraction | None
    soll_leitung_vzae: Fraction | None
    ist_betreuung_vzae: Fraction
    ist_fachkraft_vzae: Fraction
    ist_ergaenzung_vzae: Fraction
    ist_leitung_vzae: Fraction
    deckungsgrad: Fraction | None
    fachkraftquote: Fraction | None
    fachkraftquote_soll: Fraction | None
    fachkraftquote_min: Fraction | None
    personen_gezaehlt: int

    @property
    def rule_version(self) -> date | None:
        return self.key.valid_from if self.key else None

    def coverage_ok(self, params: Parameters) -> bool | None:
        if self.deckungsgrad is None:
            return None
        limit = 1 - exact_float(params.dispositionsspielraum)
        return self.deckungsgrad >= limit - TOLERANCE

    def quota_ok(self) -> bool | None:
        if self.fachkraftquote is None or self.fachkraftquote_min is None:
            return None
        return self.fachkraftquote >= self.fachkraftquote_min - TOLERANCE


def exact_float(value: float | int) -> Fraction:
    """The decimal a person typed: 7.8 becomes 39/5, not 7.79999…"""
    return Fraction(repr(float(value))) if isinstance(value, float) else Fraction(value)


def factors(group: str, key: KeyRow | None, rules: RuleBook) -> tuple[Fraction, Fraction] | None:
    """VZÄ per child (short, long) of one age group; None when no key applies on the Stichtag."""
    care = rules.care
    if group == "hort":
        return care.hort_short / care.hort_children, care.hort_long / care.hort_children
    if key is None:
        return None
    divisor = key.krippe if group == "krippe" else key.kindergarten
    return care.short / divisor, care.long / divisor


def soll_betreuung(places: Mapping[str, tuple[float, float]], key: KeyRow, rules: RuleBook) -> Fraction:
    """Σ n_short·f_short + n_long·f_long over the age groups; `places` maps group → (short, long)."""
    total = Fraction(0)
    for group in AGE_GROUPS:
        short, long = places.get(group, (0, 0))
        f_short, f_long = factors(group, key, rules)  # type: ignore[misc]
        total += exact_float(short) * f_short + exact_float(long) * f_long
    return total


def leitung_share(basis: Fraction, row: LeitungRow) -> Fraction:
    """Grundanteil plus the band that `basis` (VZÄ) falls into; band edges are inclusive."""
    for band in row.bands:
        if band.up_to is None or basis <= band.up_to:
            return row.base_share + band.share
    raise ValueError("Leitung bands must end with an open band")


def evaluate(meldung: Meldung, stichtag: date, rules: RuleBook, params: Parameters) -> Staffing:
    key = rules.key_for(stichtag)
    places = {group: (p.short.value or 0, p.long.value or 0) for group, p in (meldung.places or {}).items()}
    soll = soll_betreuung(places, key, rules) if key else None
    counted = [p for p in (meldung.persons or ()) if _counts(p, stichtag)]
    full_time = exact_float(params.vollzeit_stunden)
    fach = _hours(p for p in counted if p.zuordnung.value.gruppe is Gruppe.FACHKRAFT) / full_time  # type: ignore[union-attr]
    erg = _hours(p for p in counted if p.zuordnung.value.gruppe is Gruppe.ERGAENZUNG) / full_time  # type: ignore[union-attr]
    ist = fach + erg
    leitung_ist = sum((exact_float(p.leitungsstunden.value or 0) for p in counted), Fraction(0))
    leitung_ist /= full_time

    leitung_row = rules.leitung_for(stichtag)
    basis = soll if params.leitung_basis == "soll" else ist
    soll_leitung = leitung_share(basis, leitung_row) if leitung_row and basis is not None else None

    quota_row = rules.quota_for(stichtag)
    minimum = (
        exact_float(params.fachkraftquote_min)
        if params.fachkraftquote_min is not None
        else (quota_row.minimum if quota_row else None)
    )
    return Staffing(
        stichtag=stichtag,
        key=key,
        soll_betreuung_vzae=soll,
        soll_leitung_vzae=soll_leitung,
        ist_betreuung_vzae=ist,
        ist_fachkraft_vzae=fach,
        ist_ergaenzung_vzae=erg,
        ist_leitung_vzae=leitung_ist,
        deckungsgrad=ist / soll if soll else None,
        fachkraftquote=fach / ist if ist else None,
        fachkraftquote_soll=fach / soll if soll else None,
        fachkraftquote_min=minimum,
        personen_gezaehlt=len(counted),
    )


def _counts(person: Person, stichtag: date) -> bool:
    """A Betreuungskraft counts when employed on the Stichtag and assigned to a group."""
    return person.zuordnung.value is not None and person.counts_on(stichtag)


def _hours(persons: Iterable[Person]) -> Fraction:
    return sum((exact_float(p.paed_stunden.value or 0) for p in persons), Fraction(0))


def quota_of(hours: Iterable[tuple[Gruppe, float]]) -> Fraction | None:
    """Fachkraftquote of (group, pedagogical hours) pairs: Fachkraft hours over all hours."""
    fach = total = Fraction(0)
    for gruppe, value in hours:
        amount = exact_float(value)
        total += amount
        if gruppe is Gruppe.FACHKRAFT:
            fach += amount
    return fach / total if total else None
