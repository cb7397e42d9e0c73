"""Due dates, invitation deadlines, the Ampel and the summary of the Gesprächsplanung.

The sheet computes the same with native formulas (sheets/gespraechsplanung.py); these functions
give the cached values, the provider overview and the calendar export, and the tests require
both to agree in LibreOffice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kitameldung.dates import EPOCH, add_months, shift_days
from kitameldung.planning.table import FORTBILDUNG, NEUE_LEITUNG, POTENZIAL, Entry, Scalar
from kitameldung.rules import Parameters

UEBERFAELLIG, BALD, GEPLANT, OK, AUSGESCHIEDEN = (
    "überfällig",
    "fällig in 30 Tagen",
    "geplant",
    "ok",
    "ausgeschieden",
)
BEENDET = "Vertrag beendet"  # still in the form, but the contract ended: no talk due
KEIN_GESPRAECH = "kein Gespräch erfasst"  # due, but no talk on record yet (first use)
SOON_DAYS = 30


def as_moment(value: Scalar) -> datetime | None:
    """A cell value as Excel's ISNUMBER sees a date: dates, date-times and day numbers."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    number = float(value)
    if not math.isfinite(number) or not 0 <= number < 2958466:  # Excel's last day: 31.12.9999
        return None
    return EPOCH + timedelta(days=number)


def as_day(value: Scalar) -> date | None:
    moment = as_moment(value)
    return moment.date() if moment else None


def next_due(entry: Entry, params: Parameters) -> date | None:
    """Last talk + 12 months; without a talk yet, beginning of employment + 6 months."""
    if not entry.active:
        return None
    last = as_day(entry.manual.get("letztes"))
    if last is not None:
        return add_months(last, params.gespraech_monate)
    begin = as_day(entry.form.get("beginn"))
    return add_months(begin, params.erstgespraech_monate) if begin else None


def planned(entry: Entry) -> datetime | None:
    return as_moment(entry.manual.get("termin"))


def invitation_deadline(entry: Entry, params: Parameters) -> date | None:
    """Planned date (else the due date) minus the invitation lead time."""
    if not entry.active:
        return None
    moment = planned(entry)
    base = moment.date() if moment else next_due(entry, params)
    return shift_days(base, -params.einladung_tage) if base else None


def ampel(entry: Entry, today: date, params: Parameters) -> str:
    if not entry.active:
        return AUSGESCHIEDEN
    moment = planned(entry)
    return light(
        next_due(entry, params),
        moment.date() if moment else None,
        today,
        ended=as_day(entry.form.get("ende")),
        talk_on_record=as_day(entry.manual.get("letztes")) is not None,
    )


def light(
    due: date | None,
    planned_day: date | None,
    today: date,
    ended: date | None = None,
    talk_on_record: bool = True,
) -> str:
    """A contract that ended needs no talk; a talk planned for today or later is "geplant";
    otherwise the due date decides — overdue only once a talk is on record (on first use the
    sheet says "kein Gespräch erfasst" instead of painting everyone red)."""
    if ended is not None and ended < today:
        return BEENDET
    if planned_day is not None and planned_day >= today:
        return GEPLANT
    if due is None:
        return ""
    if due < today:
        return UEBERFAELLIG if talk_on_record else KEIN_GESPRAECH
    return BALD if (due - today).days <= SOON_DAYS else OK


def is_new_leader(entry: Entry, today: date) -> bool:
    """Leitung (by Funktion) employed within 12 months, or marked "neue Leitung (FOKUS)"."""
    if entry.manual.get("perspektive") == NEUE_LEITUNG:
        return True
    funktion = entry.form.get("funktion")
    begin = as_day(entry.form.get("beginn"))
    recent = begin is not None and begin >= add_months(today, -12)
    return isinstance(funktion, str) and "leitung" in funktion.lower() and recent


@dataclass(frozen=True)
class Summary:
    ueberfaellig: int
    bald: int
    geplant: int
    ohne_gespraech: int
    gefuehrt_im_jahr: int
    fortbildung: dict[str, int]  # fachlich / sozial / methodisch / freitext
    potenzial: int
    neue_leitung_ohne_mentor: int


def _filled(value: Scalar) -> bool:
    return value is not None and str(value) != ""


def summarize(entries: list[Entry], today: date, params: Parameters) -> Summary:
    active = [e for e in entries if e.active]
    lights = [ampel(e, today, params) for e in entries]
    year_start = date(today.year, 1, 1)
    held = [as_day(e.manual.get("letztes")) for e in entries]
    needs = {label: sum(1 for e in active if e.manual.get(f) == "ja") for f, label in FORTBILDUNG.items()}
    needs["freitext"] = sum(1 for e in active if _filled(e.manual.get("fb_freitext")))
    return Summary(
        ueberfaellig=lights.count(UEBERFAELLIG),
        bald=lights.count(BALD),
        geplant=lights.count(GEPLANT),
        ohne_gespraech=lights.count(KEIN_GESPRAECH),
        gefuehrt_im_jahr=sum(1 for d in held if d is not None and year_start <= d <= today),
        fortbildung=needs,
        potenzial=sum(1 for e in active if e.manual.get("perspektive") == POTENZIAL),
        neue_leitung_ohne_mentor=sum(
            1 for e in active if is_new_leader(e, today) and not _filled(e.manual.get("mentor"))
        ),
    )
