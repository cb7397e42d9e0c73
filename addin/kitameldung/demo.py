"""`kitameldung demo`: one provider's folder of a dozen facility reports, dated relative to today,
some with the mistakes offices make, then the check, our sheets and the provider overview.

The folder is the demo's own: a folder holding other files is never written into.
"""

from __future__ import annotations

import random
import zipfile
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from kitameldung.batch.files import OVERVIEW_NAME
from kitameldung.planning.kalender import next_working_day
from kitameldung.planning.table import Scalar
from kitameldung.replica import Variation, earlier_report, make_facility, write_form
from kitameldung.replica import mistakes as m
from kitameldung.replica.facility import KITA_NAMES
from kitameldung.workbook.ours import own_file_kind

TRAEGER = "Kita-Verbund Havelland gGmbH"
TRAEGER_ANSCHRIFT = "Lindenstraße 12, 14467 Potsdam"
BROKEN = "kita-13-beschaedigt.xlsx"
BROKEN_BYTES = b"PK\x03\x04 dies ist keine vollstaendige Arbeitsmappe"
DEMO_MARK = b"kitameldung:demo"  # zip archive comment of every workbook the demo writes

# (variant, report of the previous year?, mistake or None, variation)
PLAN = [
    ("v2025-84", False, None, Variation()),
    ("v2025-84", False, None, Variation(wording=True, seed=2)),
    ("v2025-84", False, m.understaffed, Variation()),
    ("v2023-68", True, None, Variation()),
    ("v2025-84", False, m.low_quota, Variation(date_style="text_de")),
    ("v2023-37", True, None, Variation()),
    ("v2025-84", False, m.bad_date, Variation()),
    ("v2025-84", False, None, Variation(number_style="text_comma", seed=8)),
    ("v2023-68", False, m.over_capacity, Variation()),
    ("v2025-84", False, m.unknown_zuordnung, Variation(yes_no_style="mixed", seed=10)),
    ("v2025-84", False, m.form_repealed_key, Variation(sheet_order_changed=True)),
    ("v2025-84", False, m.missing_stichtag, Variation()),
]


# Earlier reports of the first facility (years before the current Stichtag, form variant): the
# Trägerübersicht's sheet "Verlauf" and `kitameldung aenderungen` have something to show.
HISTORY = [(2, "v2023-68", "vor-2-jahren"), (1, "v2025-84", "vorjahr")]


class DemoError(Exception):
    """German message: the demo folder cannot be used."""


def stichtag_for(today: date) -> date:
    """The latest reporting day (1 October) on or before today."""
    this_year = date(today.year, 10, 1)
    return this_year if today >= this_year else date(today.year - 1, 10, 1)


def file_names() -> list[str]:
    """The files the demo writes, in order (names do not depend on the day)."""
    names = []
    for index in range(len(PLAN)):
        name = KITA_NAMES[index]
        slug = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
        names.append(f"kita-{index + 1:02d}-{slug}.xlsx")
    first = names[0].removesuffix(".xlsx")
    return [*names, *(f"{first}-{suffix}.xlsx" for _, _, suffix in HISTORY), BROKEN]


def write_demo(folder: Path, today: date | None = None) -> list[Path]:
    """Write the demo provider folder; returns the files in order."""
    today = today or date.today()
    names = file_names()
    reports = names[: len(PLAN)]
    if folder.exists():
        foreign = sorted(
            p.name
            for p in folder.iterdir()
            if p.name not in {*names, OVERVIEW_NAME} and not p.name.startswith((".", "~$"))
        )
        if foreign:
            raise DemoError(
                f"Der Ordner {folder} enthält Dateien, die nicht von der Demo stammen "
                f"({', '.join(foreign[:3])}{' …' if len(foreign) > 3 else ''}); er wird nicht überschrieben. "
                "Bitte einen neuen Ordnernamen angeben, z. B. kitameldung demo demo-2."
            )
        taken = [n for n in names if (folder / n).exists() and not _written_by_demo(folder / n)]
        overview = folder / OVERVIEW_NAME
        if overview.exists() and own_file_kind(overview) != "traegeruebersicht":
            taken.append(OVERVIEW_NAME)
        if taken:
            raise DemoError(
                f"Im Ordner {folder} liegen Dateien mit den Namen der Demo, die nicht von der Demo stammen "
                f"({', '.join(taken[:3])}{' …' if len(taken) > 3 else ''}); sie werden nicht überschrieben. "
                "Bitte einen neuen Ordnernamen angeben, z. B. kitameldung demo demo-2."
            )
    folder.mkdir(parents=True, exist_ok=True)
    current = stichtag_for(today)
    paths = []
    for index, ((variant, last_year, mistake, variation), name) in enumerate(zip(PLAN, reports), start=1):
        stichtag = date(current.year - 1, current.month, current.day) if last_year else current
        facility = make_facility(100 + index, stichtag)
        facility = replace(
            facility,
            traeger=TRAEGER,
            traeger_anschrift=TRAEGER_ANSCHRIFT,
            einrichtung=f"Kita „{KITA_NAMES[index - 1]}“",
            staff=facility.staff[: int(variant[-2:])],
        )
        if mistake is not None:
            facility = mistake(facility).facility
        path = write_form(facility, folder / name, variant, variation)
        _mark(path)
        paths.append(path)
        if index == 1:
            first = facility
    # Built backwards from the current report, so that each year follows from the one before.
    earlier, written = first, []
    for (years, variant, _), name in reversed(list(zip(HISTORY, names[len(PLAN) : -1]))):
        earlier = earlier_report(earlier, date(current.year - years, current.month, current.day), years)
        written.append(write_form(earlier, folder / name, variant))
    for path in reversed(written):
        _mark(path)
        paths.append(path)
    broken = folder / BROKEN
    broken.write_bytes(BROKEN_BYTES)
    paths.append(broken)
    return paths


def _mark(path: Path) -> None:
    with zipfile.ZipFile(path, "a") as archive:
        archive.comment = DEMO_MARK


def _written_by_demo(path: Path) -> bool:
    """A file of a demo name that the demo wrote (refreshes keep the archive comment)."""
    try:
        if path.read_bytes() == BROKEN_BYTES:
            return True
        with zipfile.ZipFile(path) as archive:
            return archive.comment == DEMO_MARK
    except (OSError, zipfile.BadZipFile, EOFError, ValueError):
        return False


def talks_on_record(keys: list[str], today: date, seed: str) -> dict[str, dict[str, Scalar]]:
    """Manual planning entries as an office would have them: most talks held within the last
    year, a few due or overdue, some planned, some colleagues still without a talk."""
    rng = random.Random(seed)
    typed: dict[str, dict[str, Scalar]] = {}
    for key in keys:
        roll = rng.random()
        if roll < 0.55:
            typed[key] = {"letztes": next_working_day(today - timedelta(days=rng.randint(20, 330)))}
        elif roll < 0.7:
            typed[key] = {"letztes": next_working_day(today - timedelta(days=rng.randint(340, 420)))}
        elif roll < 0.85:
            day = next_working_day(today + timedelta(days=rng.randint(3, 45)))  # never on a holiday
            moment = datetime.combine(day, time(rng.choice([9, 10, 14])))
            last = next_working_day(today - timedelta(days=rng.randint(330, 360)))
            typed[key] = {"letztes": last, "termin": moment}
    return typed
