"""Soll, Ist, Deckungsgrad and Fachkraftquote (regeln-brandenburg.md sections 1 to 4).

Arithmetic is exact (fractions): the law's keys like 4.65 are decimals, and a facility at
exactly 100 % coverage or 80 % quota must come out compliant, not a hair below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache

from kitameldung.evaluation.kitapersv import in_training
from kitameldung.model import AGE_GROUPS, Gruppe, Meldung, Person
from kitameldung.rules import Parameters, RuleBook
from kitameldung.rules.catalogue import QualificationCatalogue
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
    fachkraftquote_min: Fraction | None  # None: no minimum on this Stichtag (before 30.10.2023)
    personen_gezaehlt: int
    dispositionsspielraum: Fraction = Fraction(0)  # applied: Ist may fall short of Soll by this share
    kitapersv: bool = True  # the 2023 rules apply on the Stichtag
    fachkraftquote_basis: str = "ist"  # the reading the findings follow
    in_ausbildung: int = 0  # people in training listed but not counted
    # A larger Dispositionsspielraum that may still apply (open reading, section 9.3): shown as
    # a hint, never used for the verdict. None where no reading is open or the user set one.
    dispositionsspielraum_offen: Fraction | None = None
    nicht_beschaeftigt: int = 0  # listed, but not employed on the Stichtag
    ohne_zuordnung: int = 0  # employed, but neither Fachkraft nor Ergänzungskraft (unreadable)

    @property
    def rule_version(self) -> date | None:
        return self.key.valid_from if self.key else None

    def coverage_ok(self) -> bool | None:
        """Ist covers the Soll, less the Dispositionsspielraum in force."""
        if self.deckungsgrad is None:
            return None
        return self.deckungsgrad >= 1 - self.dispositionsspielraum - TOLERANCE

    def coverage_open(self) -> bool:
        """Not met in the strict reading, met if the open larger Dispositionsspielraum applies."""
        if self.deckungsgrad is None or self.dispositionsspielraum_offen is None:
            return False
        return (
            self.coverage_ok() is False
            and self.deckungsgrad >= 1 - self.dispositionsspielraum_offen - TOLERANCE
        )

    def quota_ok(self) -> bool | None:
        if self.fachkraftquote is None or self.fachkraftquote_min is None:
            return None
        return self.fachkraftquote >= self.fachkraftquote_min - TOLERANCE

    @property
    def anrechenbar_vzae(self) -> Fraction | None:
        """Reading "soll_anrechnung": Ergänzungskräfte count towards the Soll only up to
        (1 − minimum quota) of it; without a minimum they count in full."""
        soll = self.soll_betreuung_vzae
        if soll is None:
            return None
        if self.fachkraftquote_min is None:
            return self.ist_betreuung_vzae
        cap = (1 - self.fachkraftquote_min) * soll
        return self.ist_fachkraft_vzae + min(self.ist_ergaenzung_vzae, cap)

    def verdict(self, basis: str) -> bool | None:
        """Personalbemessung and Fachkraftquote together, in one reading of § 15 KitaPersV."""
        if basis == "soll_anrechnung":
            soll, credited = self.soll_betreuung_vzae, self.anrechenbar_vzae
            if soll is None or credited is None or soll == 0:
                return self.coverage_ok()
            return credited >= soll * (1 - self.dispositionsspielraum) - TOLERANCE * soll
        coverage, quota = self.coverage_ok(), self.quota_ok()
        if coverage is None:
            return None
        return coverage and quota is not False

    @property
    def readings_differ(self) -> bool:
        return self.verdict("ist") != self.verdict("soll_anrechnung")


def exact_float(value: float | int) -> Fraction:
    """The decimal a person typed: 7.8 becomes 39/5, not 7.79999…"""
    return _exact(float(value)) if isinstance(value, float) else Fraction(value)


@lru_cache(maxsize=65536)
def _exact(value: float) -> Fraction:
    """Cached: hours and places repeat across persons, months and files."""
    return Fraction(repr(value))


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


def evaluate(
    meldung: Meldung,
    stichtag: date,
    rules: RuleBook,
    params: Parameters,
    catalogue: QualificationCatalogue | None = None,
) -> Staffing:
    """`catalogue` recognises people in training (not counted unless the parameter says so)."""
    key = rules.key_for(stichtag)
    places = {group: (p.short.value or 0, p.long.value or 0) for group, p in (meldung.places or {}).items()}
    soll = soll_betreuung(places, key, rules) if key else None
    persons = meldung.persons or ()
    # Who is not counted, and why; the same people the person checks name in their hints.
    reasons = [(p, not_counted_reason(p, stichtag, params, catalogue)) for p in persons]
    training = [p for p, why in reasons if why == IN_AUSBILDUNG]
    counted = [p for p, why in reasons if why is None]
    not_employed = sum(1 for _, why in reasons if why == NICHT_BESCHAEFTIGT)
    without_group = sum(1 for _, why in reasons if why == OHNE_ZUORDNUNG)
    full_time = exact_float(params.vollzeit_stunden)
    fach = _hours(p for p in counted if p.zuordnung.value.gruppe is Gruppe.FACHKRAFT) / full_time  # type: ignore[union-attr]
    erg = _hours(p for p in counted if p.zuordnung.value.gruppe is Gruppe.ERGAENZUNG) / full_time  # type: ignore[union-attr]
    ist = fach + erg
    leitung_ist = sum((exact_float(p.leitungsstunden.value or 0) for p in counted), Fraction(0))
    leitung_ist /= full_time

    leitung_row = rules.leitung_for(stichtag)
    basis = soll if params.leitung_basis == "soll" else ist
    soll_leitung = leitung_share(basis, leitung_row) if leitung_row and basis is not None else None

    kitapersv = rules.kitapersv_applies(stichtag)
    quota_row = rules.quota_for(stichtag)
    minimum = (
        exact_float(params.fachkraftquote_min)
        if params.fachkraftquote_min is not None
        else (quota_row.minimum if quota_row else None)
    )
    if not kitapersv:
        minimum = None  # the quota is a rule of the KitaPersV 2023
    margin_row = rules.margin_for(stichtag)
    margin = (
        exact_float(params.dispositionsspielraum)
        if params.dispositionsspielraum is not None
        else (margin_row.share if margin_row else Fraction(0))
    )
    open_share = margin_row.open_share if margin_row and params.dispositionsspielraum is None else None
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
        dispositionsspielraum=margin,
        kitapersv=kitapersv,
        fachkraftquote_basis=params.fachkraftquote_basis,
        in_ausbildung=len(training),
        dispositionsspielraum_offen=open_share,
        nicht_beschaeftigt=not_employed,
        ohne_zuordnung=without_group,
    )


NICHT_BESCHAEFTIGT = "nicht beschäftigt am Stichtag"
IN_AUSBILDUNG = "in Ausbildung bzw. im Praktikum"
OHNE_ZUORDNUNG = "ohne lesbare Zuordnung"


def not_counted_reason(
    person: Person, stichtag: date, params: Parameters, catalogue: QualificationCatalogue | None
) -> str | None:
    """Why a listed person is not counted (None: counted). A Betreuungskraft counts when
    employed on the Stichtag, not in training (unless the parameter says so) and assigned to a
    group."""
    if not person.counts_on(stichtag):
        return NICHT_BESCHAEFTIGT
    if catalogue is not None and not params.auszubildende_anrechnen and in_training(person, catalogue):
        return IN_AUSBILDUNG
    if person.zuordnung.value is None:
        return OHNE_ZUORDNUNG
    return None


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
