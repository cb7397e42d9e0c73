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

import kitameldung.text  # noqa: F401 – registers the "kitameldung" codec error handler
from kitameldung.form import FormError, read_meldung
from kitameldung.form.workbook import take_snapshot
from kitameldung.pipeline import Settings
from kitameldung.planning.ics import Talk, calendar, talks
from kitameldung.planning.leitfaden import load_leitfaden
from kitameldung.sheets import SHEET_NAMES, gespraechsplanung
from kitameldung.workbook.atomic import write_atomic
from kitameldung.workbook.ourbook import previous_plan, primary_sheets
from kitameldung.workbook.package import Package


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
            snapshot = take_snapshot(path)  # one read for the planning and the form's header
            package = Package.read(path, snapshot)
            if gespraechsplanung.KEY not in primary_sheets(package):  # ours by part or marker only
                problems.append(
                    f"{path.name}: keine „{name}“ – bitte zuerst „kitameldung refresh {path.name}“ ausführen."
                )
                continue
            plan = previous_plan(path, package)
            header = read_meldung(path, settings.profile, snapshot).header.get("einrichtung")
        except FormError as err:
            problems.append(str(err))
            continue
        einrichtung = str(header.value) if header and header.value else path.stem
        found += talks(plan.entries, einrichtung, load_leitfaden(), settings.params, von, bis)
    return Collected(sorted(found, key=lambda t: (t.start, t.summary)), problems)


def write_calendar(items: list[Talk], target: Path) -> None:
    data = calendar(items, datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)).encode(
        "utf-8", "kitameldung"
    )

    def write(out: BinaryIO) -> None:
        out.write(data)

    write_atomic(target, write)
