"""An independent implementation of regeln-brandenburg.md sections 2–4, 8 and 9, written from the
text alone: its own numbers, its own dates, plain Fractions, no import from kitameldung's core.
It reads the replica's Facility (what was typed into the form), not the parsed Meldung."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

KEYS = [  # from, N Krippe, N Kindergarten (section 2)
    (date(2016, 8, 1), "5", "12"),
    (date(2017, 8, 1), "5", "11.5"),
    (date(2018, 8, 1), "5", "11"),
    (date(2020, 8, 1), "5", "10"),
    (date(2022, 8, 1), "4.65", "10"),
    (date(2024, 8, 1), "4.25", "10"),  # no end date: the step to 4 on 2025-08-01 was repealed (9.1)
]
PLANNED_KEYS = [(date(2027, 1, 1), "4", "10")]  # announced, not enacted (9.2): never applied
MARGINS = [  # sections 8 and 9.3
    (date(2016, 8, 1), "0.05"),
    (date(2020, 6, 17), "0.10"),  # Corona, until 2021-06-30
    (date(2021, 7, 1), "0.05"),
    (date(2022, 6, 10), "0.10"),
    (date(2023, 8, 1), "0"),
]
OPEN_MARGIN_FROM, OPEN_MARGIN = date(2023, 8, 1), Fraction(5, 100)  # 9.3: hint, verdict strict
KITAPERSV = date(2023, 10, 30)
LEITUNG_BASE_FROM = date(2017, 10, 1)
BANDS = [("4", "0.125"), ("10", "0.25"), ("15", "0.375"), (None, "0.5")]
TRAINEE_WORDS = ("auszubildend", "azubi", "praktikant", "in ausbildung", "praxisintegriert")
TOL = Fraction(1, 10**9)


def _in_force(rows: list, day: date):  # type: ignore[no-untyped-def]
    found = None
    for row in rows:
        if row[0] <= day:
            found = row
    return found


def _months_later(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Expected:
    soll: Fraction | None
    ist: Fraction
    fach: Fraction
    erg: Fraction
    leitung_soll: Fraction | None
    margin: Fraction
    coverage_ok: bool | None
    quota_min: Fraction | None
    quota_ok: bool | None
    verdict_ist: bool | None
    verdict_soll: bool | None


def expected(facility, full_time: Fraction = Fraction(40)) -> Expected:  # type: ignore[no-untyped-def]
    day: date = facility.stichtag
    key = _in_force(KEYS, day)
    soll = None
    if key is not None:
        n = {"krippe": Fraction(key[1]), "kindergarten": Fraction(key[2])}
        soll = Fraction(0)
        for group, (short, long, _) in facility.places.items():
            short, long = Fraction(str(short or 0)), Fraction(str(long or 0))
            if group == "hort":
                soll += short * Fraction(6, 10) / 15 + long * Fraction(8, 10) / 15
            else:
                soll += short * Fraction(8, 10) / n[group] + long / n[group]
    fach = erg = Fraction(0)
    for member in facility.staff:
        begin, end = member.beginn, member.ende
        if not isinstance(begin, date) or begin > day or (isinstance(end, date) and end < day):
            continue
        text = f"{member.funktion} {member.qualifikation}".lower()
        if any(word in text for word in TRAINEE_WORDS):
            continue
        hours = Fraction(str(member.paed_stunden or 0))
        if member.paragraph == 12:
            erg += hours / full_time
        else:
            fach += hours / full_time
    ist = fach + erg
    leitung_soll = None
    if soll is not None and day >= date(2016, 8, 1):
        band = next(Fraction(share) for limit, share in BANDS if limit is None or soll <= Fraction(limit))
        leitung_soll = band + (Fraction(1, 16) if day >= LEITUNG_BASE_FROM else 0)
    margin_row = _in_force(MARGINS, day)
    margin = Fraction(margin_row[1]) if margin_row else Fraction(0)
    coverage_ok = None if not soll else ist / soll >= 1 - margin - TOL
    quota_min = Fraction(8, 10) if day >= KITAPERSV else None
    quota_ok = None if quota_min is None or not ist else fach / ist >= quota_min - TOL
    verdict_ist = None if coverage_ok is None else (coverage_ok and quota_ok is not False)
    if soll:
        credited = ist if quota_min is None else fach + min(erg, (1 - quota_min) * soll)
        verdict_soll: bool | None = credited >= soll * (1 - margin) - TOL * soll
    else:
        verdict_soll = coverage_ok
    return Expected(
        soll,
        ist,
        fach,
        erg,
        leitung_soll,
        margin,
        coverage_ok,
        quota_min,
        quota_ok,
        verdict_ist,
        verdict_soll,
    )


def needs_300ue(member, day: date) -> bool:  # type: ignore[no-untyped-def]
    """Whether qualifizierung-frist fires for this person (section 5 and 8)."""
    if (
        day < KITAPERSV
        or member.paragraph != 12
        or member.qualifizierung_300ue
        or not isinstance(member.beginn, date)
    ):
        return False
    if isinstance(member.ende, date) and member.ende < _months_later(member.beginn, 6):
        return False
    return day > _months_later(member.beginn, 24)
