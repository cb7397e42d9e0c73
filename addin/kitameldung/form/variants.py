"""Which known form variant a workbook is, from the profiles' recognition data."""

from __future__ import annotations

from kitameldung.form.profile import Profile, builtin_profiles
from kitameldung.form.workbook import Sheet

UNKNOWN = "unbekannt"


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
