"""`kitameldung demo`: a provider folder of replica workbooks, then the check over it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kitameldung.replica import Variation, make_facility, write_form
from kitameldung.replica import mistakes as m

# (file stem, variant, stichtag, mistake or None, variation)
PLAN = [
    ("kita-01", "v2025-84", date(2025, 10, 1), None, Variation()),
    ("kita-02", "v2025-84", date(2025, 10, 1), None, Variation(wording=True, seed=2)),
    ("kita-03", "v2025-84", date(2025, 10, 1), m.understaffed, Variation()),
    ("kita-04", "v2023-68", date(2024, 10, 1), None, Variation()),
    ("kita-05", "v2025-84", date(2025, 10, 1), m.low_quota, Variation(date_style="text_de")),
    ("kita-06", "v2023-37", date(2024, 3, 1), None, Variation()),
    ("kita-07", "v2025-84", date(2025, 10, 1), m.bad_date, Variation()),
    ("kita-08", "v2025-84", date(2025, 10, 1), None, Variation(number_style="text_comma", seed=8)),
    ("kita-09", "v2023-68", date(2025, 3, 1), m.over_capacity, Variation()),
    ("kita-10", "v2025-84", date(2025, 10, 1), m.unknown_zuordnung, Variation(yes_no_style="mixed", seed=10)),
    ("kita-11", "v2025-84", date(2025, 10, 1), None, Variation(sheet_order_changed=True)),
    ("kita-12", "v2025-84", date(2025, 10, 1), m.missing_stichtag, Variation()),
]


def write_demo(folder: Path) -> list[Path]:
    """Write the demo provider folder; returns the files in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (stem, variant, stichtag, mistake, variation) in enumerate(PLAN, start=1):
        capacity = int(variant[-2:])
        facility = make_facility(100 + i, stichtag)
        facility.staff = facility.staff[:capacity]
        if mistake is not None:
            facility = mistake(facility).facility
        name = str(facility.einrichtung).replace("Kita „", "").replace("“", "")
        slug = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
        path = folder / f"{stem}-{slug}.xlsx"
        write_form(facility, path, variant, variation)
        paths.append(path)
    broken = folder / "kita-13-beschaedigt.xlsx"
    broken.write_bytes(b"PK\x03\x04 dies ist keine vollstaendige Arbeitsmappe")
    paths.append(broken)
    return paths
