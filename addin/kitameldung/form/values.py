"""Reading one cell's content as what its column holds: date, number, yes/no, Zuordnung.

Each parser returns (value, invalid): (None, False) for an empty cell, (None, True) for content
that cannot be read. Users type dates as real dates, serial numbers or text in several styles;
numbers with a decimal comma; yes/no in many spellings (formular.md's tolerance list).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

from kitameldung.model import Gruppe, JaNein, Zuordnung
from kitameldung.text import normalize

Parsed = tuple[object, bool]

_EXCEL_EPOCH = date(1899, 12, 30)
_EPOCH_1904 = date(1904, 1, 1)
_DMY = re.compile(r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def parse_text(raw: object) -> tuple[str | None, bool]:
    if is_blank(raw):
        return None, False
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw)), False
    if isinstance(raw, (date, datetime)):
        return raw.strftime("%d.%m.%Y"), False
    return " ".join(str(raw).split()), False


def parse_date(raw: object, date1904: bool = False) -> tuple[date | None, bool]:
    """A date from a real date, a day number (in the workbook's date system) or German/ISO text."""
    if is_blank(raw):
        return None, False
    if isinstance(raw, datetime):
        return raw.date(), False
    if isinstance(raw, date):
        return raw, False
    if isinstance(raw, bool):
        return None, True
    if isinstance(raw, (int, float)):
        # Excel serial number; 1 = 1900-01-01 (with Excel's phantom 29 Feb 1900 before 61).
        if 1 <= raw < 2958466:
            return (_EPOCH_1904 if date1904 else _EXCEL_EPOCH) + timedelta(days=int(raw)), False
        return None, True
    text = str(raw).strip()
    match = _DMY.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            if len(match.group(3)) == 2:
                # Excel's own rule for two-digit years: 00–29 → 20xx, 30–99 → 19xx.
                year += 2000 if year < 30 else 1900
            return date(year, month, day), False
        match = _ISO.match(text)
        if match:
            return date(*(int(g) for g in match.groups())), False
    except ValueError:
        return None, True
    if _NUMBER.match(text.replace(",", ".")):
        return parse_date(float(text.replace(",", ".")), date1904)
    return None, True


_TIME = re.compile(
    r"^(?P<day>.+?)[ T,]+(?:um\s+)?(?P<h>\d{1,2})[:.](?P<m>\d{2})(?::(?P<s>\d{2}))?(?:\s*uhr)?$",
    re.IGNORECASE,
)


def parse_moment(raw: object) -> tuple[date | datetime | None, bool]:
    """A date or a date with time, as people type or paste it: "15.01.2027 10:00",
    "15.01.2027, 10.00 Uhr", "2027-01-15T10:00", or a date alone (the form reader's spellings)."""
    if isinstance(raw, str):
        text = " ".join(raw.split())
        match = _TIME.match(text)
        if match:
            day, invalid = parse_date(match.group("day"))
            hour, minute, second = int(match.group("h")), int(match.group("m")), int(match.group("s") or 0)
            if day is None or invalid or hour > 23 or minute > 59 or second > 59:
                return None, True
            return datetime(day.year, day.month, day.day, hour, minute, second), False
        if text.upper().endswith("Z") or "T" in text:
            try:
                moment = datetime.fromisoformat(text.rstrip("Zz"))
            except ValueError:
                pass
            else:
                return moment.replace(tzinfo=None), False
    return parse_date(raw)


MAX_NUMBER = 1e6  # larger numbers are no real hours, places or counts
HOURS_PER_WEEK = 168
MAX_PLACES = 10_000


def parse_number(raw: object) -> tuple[float | None, bool]:
    """A finite number of sane size; NaN, infinity and astronomical values are invalid."""
    if is_blank(raw):
        return None, False
    if isinstance(raw, bool):
        return None, True
    if isinstance(raw, (int, float)):
        number = float(raw)
    else:
        text = str(raw).strip().replace("\u00a0", " ")
        text = re.sub(r"\s*(std\.?|stunden|h)$", "", text, flags=re.IGNORECASE)
        if not _NUMBER.match(text):
            return None, True
        number = float(text.replace(",", "."))
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        return None, True
    return number, False


def parse_hours(raw: object) -> tuple[float | None, bool]:
    """Hours per week: from 0 to the 168 hours a week has; anything else cannot be counted."""
    number, invalid = parse_number(raw)
    if number is not None and not 0 <= number <= HOURS_PER_WEEK:
        return None, True
    return number, invalid


def parse_places(raw: object) -> tuple[float | None, bool]:
    """Places: a whole number from 0; negative or fractional places cannot be counted."""
    number, invalid = parse_number(raw)
    if number is not None and (number < 0 or not number.is_integer() or number > MAX_PLACES):
        return None, True
    return number, invalid


_YES = {"ja", "j", "x", "✓", "✔", "1", "yes", "true", "wahr", "vorhanden", "nachgewiesen"}
_NO = {"nein", "n", "-", "–", "0", "no", "false", "falsch", "fehlt"}
_NOT_APPLICABLE = {"entfaellt", "entfallt", "nicht erforderlich", "n a", "na", "deutsch"}


def parse_yes_no(raw: object) -> tuple[JaNein | None, bool]:
    if is_blank(raw):
        return None, False
    if isinstance(raw, bool):
        return (JaNein.JA if raw else JaNein.NEIN), False
    if isinstance(raw, (int, float)):
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    text = str(raw).strip().lower()
    if text in {"✓", "✔", "-", "–"}:
        return (JaNein.JA if text in {"✓", "✔"} else JaNein.NEIN), False
    key = normalize(text)
    if key in _YES or key.startswith("ja "):
        return JaNein.JA, False
    if key in _NO or key.startswith("nein "):
        return JaNein.NEIN, False
    if key in _NOT_APPLICABLE or key.startswith("entf"):
        return JaNein.ENTFAELLT, False
    return None, True


_PARAGRAPH = re.compile(r"§+\s*(\d{1,2})(?:\s*(?:-|–|bis)\s*(\d{1,2}))?")


def parse_zuordnung(raw: object) -> tuple[Zuordnung | None, bool]:
    """ "§ 9", "§9 Abs. 1", "§ 10 Fachkraft", "Fachkraft nach § 11", "Fachkraft (§§ 9-11)",
    "Ergänzungskraft", "§ 12 KitaPersV" …; anything else is invalid (rule zuordnung-unbekannt)."""
    if is_blank(raw):
        return None, False
    text = str(raw)
    key = normalize(text)
    match = _PARAGRAPH.search(text)
    if match and match.group(2) is None:
        number = int(match.group(1))
        if number == 12:
            return Zuordnung(Gruppe.ERGAENZUNG, 12), False
        if number in (9, 10, 11):
            return Zuordnung(Gruppe.FACHKRAFT, number), False
    if "ergaenzung" in key:
        return Zuordnung(Gruppe.ERGAENZUNG, 12), False
    if "fachkraft" in key or "fachkraefte" in key:
        return Zuordnung(Gruppe.FACHKRAFT, None), False
    if match and match.group(2) is not None:
        low, high = int(match.group(1)), int(match.group(2))
        if (low, high) == (9, 11):
            return Zuordnung(Gruppe.FACHKRAFT, None), False
    return None, True
