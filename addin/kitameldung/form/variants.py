"""Which known form variant a workbook is, and which version (Formularstand) of the ministry's
form it is, from the profiles' recognition data and the form's own stamp."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from kitameldung.address import a1
from kitameldung.form.profile import Profile, builtin_profiles
from kitameldung.form.values import parse_date
from kitameldung.form.workbook import Sheet
from kitameldung.model import Value

UNKNOWN = "unbekannt"
# "Formularstand: 01.01.2025", "Stand 01.01.2025", "ab 01.01.2025", "gültig ab 1.1.2025"
_DATE = r"(\d{1,2}\.\s?\d{1,2}\.\s?\d{4})"
_STAMP = re.compile(
    rf"formularstand\W{{0,3}}{_DATE}|^\s*(?:stand|gültig ab|ab)\W{{0,3}}{_DATE}", re.IGNORECASE
)


def form_stand(form: Sheet, profile_name: str, rows: int = 6) -> Value[date]:
    """The form's version: the date of its stamp in the top rows (with its cell), else the
    version of the variant recognised; empty when neither tells."""
    for r, row in enumerate(form.rows[:rows]):
        for c, raw in enumerate(row):
            if not isinstance(raw, str):
                continue
            found = _STAMP.search(raw)
            if found:
                stamp = found.group(1) or found.group(2)
                day, invalid = parse_date(stamp.replace(" ", ""))
                if day is not None and not invalid:
                    return Value(day, a1(r, c), raw)
    for profile in builtin_profiles():
        if profile.name == profile_name and profile.detection and profile.detection.stand:
            return Value(profile.detection.stand)
    empty: Value[Any] = Value()
    return empty


def detect_variant(used: Profile, form: Sheet, sheets: list[Sheet], capacity: int) -> tuple[str, str]:
    """(profile name, variant). The profile is the one that matched best: a user's profile when
    given, else the built-in variant profile with the highest recognition score."""
    stamp = " ".join(_top_texts(form))
    best, best_score = None, 0
    for profile in builtin_profiles():
        detect = profile.detection
        if detect is None:
            continue
        score = 2 * detect.formularstand(stamp) + detect.sheet(_norm(form.name))
        score += 2 * (detect.capacity == capacity)
        if score > best_score:
            best, best_score = profile, score
    variant = used.variant or (best.variant if best else None) or UNKNOWN
    if used.detection is None and used.name == "basis" and best is not None:
        return best.name, variant
    return used.name, variant


def _norm(text: str) -> str:
    from kitameldung.text import normalize

    return normalize(text)


def _top_texts(sheet: Sheet, rows: int = 6) -> list[str]:
    texts: list[str] = []
    for row in sheet.rows[:rows]:
        texts.extend(_norm(v) for v in row if isinstance(v, str))
    return texts
