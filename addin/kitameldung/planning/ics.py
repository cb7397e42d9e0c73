"""The planned talks as an iCalendar file (RFC 5545) with the invitation text as description.

Times are floating local times: the provider's calendar shows them as typed in the sheet. A talk
without a time of day becomes an all-day entry. Each talk carries a reminder on the day the
invitation must go out at the latest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kitameldung.dates import shift_days
from kitameldung.planning.leitfaden import Leitfaden
from kitameldung.planning.table import Entry
from kitameldung.planning.termine import planned
from kitameldung.rules import Parameters

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
DURATION = timedelta(hours=1)


@dataclass(frozen=True)
class Talk:
    uid: str
    start: datetime
    all_day: bool
    summary: str
    description: str
    location: str
    remind_days: int


def talks(
    entries: list[Entry],
    einrichtung: str,
    leitfaden: Leitfaden,
    params: Parameters,
    von: date,
    bis: date | None,
) -> list[Talk]:
    """Planned talks of persons still in the form, from `von` up to `bis` (inclusive)."""
    found = []
    for entry in entries:
        moment = planned(entry)
        if not entry.active or moment is None or moment.date() < von or (bis and moment.date() > bis):
            continue
        name = str(entry.form.get("name") or entry.key)
        all_day = moment.time() == time(0, 0)
        deadline = shift_days(moment.date(), -params.einladung_tage)
        text = leitfaden.einladung.format(
            name=name,
            einrichtung=einrichtung,
            datum=f"{WEEKDAYS[moment.weekday()]}, {moment:%d.%m.%Y}",
            uhrzeit="" if all_day else f" um {moment:%H:%M} Uhr",
            themen="\n".join(f"- {t}" for t in leitfaden.themen),
            einladung_bis=f"{deadline:%d.%m.%Y}",
        )
        found.append(
            Talk(
                uid=f"{entry.key}-{moment:%Y%m%dT%H%M}@kitameldung",
                start=moment,
                all_day=all_day,
                summary=leitfaden.betreff.format(name=name, einrichtung=einrichtung),
                description=text,
                location=einrichtung,
                remind_days=params.einladung_tage,
            )
        )
    return sorted(found, key=lambda t: (t.start, t.summary))


def calendar(items: list[Talk], stamp: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//kitameldung//Gesprächsplanung//DE",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Jahresgespräche",
    ]
    for talk in items:
        if talk.all_day:
            start = f"DTSTART;VALUE=DATE:{talk.start:%Y%m%d}"
            end = f"DTEND;VALUE=DATE:{shift_days(talk.start, 1):%Y%m%d}"
        else:
            start = f"DTSTART:{talk.start:%Y%m%dT%H%M%S}"
            end = f"DTEND:{talk.start + DURATION:%Y%m%dT%H%M%S}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape(talk.uid)}",
            f"DTSTAMP:{stamp:%Y%m%dT%H%M%S}Z",
            start,
            end,
            f"SUMMARY:{escape(talk.summary)}",
            f"LOCATION:{escape(talk.location)}",
            f"DESCRIPTION:{escape(talk.description)}",
            "CATEGORIES:Jahresgespräch",
            "CLASS:CONFIDENTIAL",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"TRIGGER:-P{talk.remind_days}D",
            f"DESCRIPTION:{escape('Einladung versenden: ' + talk.summary)}",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def escape(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): every kind of line break becomes "\\n", other control
    characters go, so nothing typed into a cell can start a property of its own."""
    value = _CONTROL.sub("", value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,"))
    return _LINE_BREAKS.sub("\\\\n", value)


def fold(line: str, limit: int = 75) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1),
    never splitting a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)
