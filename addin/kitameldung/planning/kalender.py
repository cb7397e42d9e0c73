"""Days on which nobody is invited to an annual talk: weekends, Brandenburg's public holidays
(templates/kalender/feiertage-brandenburg.toml) and the days around Christmas."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from kitameldung.planning.table import Entry
from kitameldung.planning.termine import planned
from kitameldung.resources import load_toml, templates_dir

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def easter(year: int) -> date:
    """Easter Sunday (Gregorian calendar; Gauss's rule in the Meeus/Jones/Butcher form)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(year, month, day)


@lru_cache(maxsize=64)
def holidays(year: int) -> dict[date, str]:
    data = load_toml(templates_dir() / "kalender" / "feiertage-brandenburg.toml")
    found = {date(year, int(k[:2]), int(k[3:])): v for k, v in data.get("fest", {}).items()}
    sunday = easter(year)
    found.update({sunday + timedelta(days=int(k)): v for k, v in data.get("ostern", {}).items()})
    return found


def no_talk_day(day: date) -> str | None:
    """Why `day` is no day for a talk ("Sonntag", "Karfreitag"), or None for a working day."""
    holiday = holidays(day.year).get(day)
    if holiday is not None:
        return holiday
    return WEEKDAYS[day.weekday()] if day.weekday() >= 5 else None


def next_working_day(day: date) -> date:
    while no_talk_day(day) is not None:
        day += timedelta(days=1)
    return day


def odd_appointments(entries: list[Entry]) -> list[tuple[str, datetime, str]]:
    """(name, appointment, why) for planned talks on a weekend or holiday: worth a second look."""
    found = []
    for entry in entries:
        moment = planned(entry)
        if entry.active and moment is not None and (why := no_talk_day(moment.date())) is not None:
            found.append((str(entry.form.get("name") or entry.key), moment, why))
    return found
