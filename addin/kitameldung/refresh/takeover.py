"""Before last year's Gesprächsplanung goes into a new report: the two must be reports of the
same facility, and the target must be a facility report (never a Behördenfassung). Confidential
entries of one Kita's staff never land in another Kita's workbook unasked."""

from __future__ import annotations

from pathlib import Path

from kitameldung.form import read_meldung
from kitameldung.identity import facility_title, same_facility
from kitameldung.pipeline import Settings
from kitameldung.workbook.ours import not_two_reports


class TakeoverRefused(Exception):
    """German: why last year's planning is not taken over."""


def check_takeover(old: Path, new: Path, settings: Settings, other_facility: bool = False) -> None:
    """Raise TakeoverRefused (or FormError for unreadable files) unless `old` → `new` is safe."""
    if (why := not_two_reports(old, new, "; die Gesprächsplanung wird dorthin nicht übernommen")) is not None:
        raise TakeoverRefused(why)
    if other_facility:
        return
    before = read_meldung(old, settings.profile)
    after = read_meldung(new, settings.profile)
    if same_facility(before, after) is False:
        raise TakeoverRefused(
            f"{old.name} ({facility_title(before)}) und {new.name} ({facility_title(after)}) sind Meldungen "
            "verschiedener Einrichtungen; die vertrauliche Gesprächsplanung wird nicht übertragen. Wenn das "
            "gewollt ist (z. B. nach einer Umbenennung), mit --andere-einrichtung übernehmen."
        )
