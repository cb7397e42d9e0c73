"""`kitameldung termine`: the planned talks of many workbooks as one iCalendar file.

Reads each workbook's Gesprächsplanung as it stands (what people typed there) and the form's
header for the facility name; a file that cannot be used is named with its reason and the
others go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import BinaryIO

from kitameldung.form import FormError, read_meldung
from kitameldung.form.workbook import read_sheet
from kitameldung.pipeline import Settings
from kitameldung.planning.ics import Talk, calendar, talks
from kitameldung.planning.leitfaden import load_leitfaden
from kitameldung.planning.reader import missing_header, plan_from_rows
from kitameldung.sheets import SHEET_NAMES
from kitameldung.workbook.atomic import write_atomic


@dataclass(frozen=True)
class Collected:
    talks: list[Talk]
    problems: list[str]  # German, one per file that gave nothing


def collect(files: list[Path], settings: Settings, von: date, bis: date | None) -> Collected:
    found: list[Talk] = []
    problems: list[str] = []
    name = SHEET_NAMES["gespraechsplanung"]
    for path in files:
        try:
            rows = read_sheet(path, name)
            if rows is None:
                problems.append(
                    f"{path.name}: keine „{name}“ – bitte zuerst „kitameldung refresh {path.name}“ ausführen."
                )
                continue
            header = read_meldung(path, settings.profile).header.get("einrichtung")
        except FormError as err:
            problems.append(str(err))
            continue
        einrichtung = str(header.value) if header and header.value else path.stem
        plan = plan_from_rows(rows)
        if plan is None:
            problems.append(missing_header(path.name, name))
            continue
        found += talks(plan.entries, einrichtung, load_leitfaden(), settings.params, von, bis)
    return Collected(sorted(found, key=lambda t: (t.start, t.summary)), problems)


def write_calendar(items: list[Talk], target: Path) -> None:
    data = calendar(items, datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)).encode("utf-8")

    def write(out: BinaryIO) -> None:
        out.write(data)

    write_atomic(target, write)
