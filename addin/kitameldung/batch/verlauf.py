"""Several Stichtage side by side: reports of one facility (matched by Einrichtungs-Nr., else by
the normalised name) in date order, with who came and left between consecutive reports as counts.

Each file's batch data carries its facility key and the person keys of its staff (never names);
the rows here are plain data behind the overview's sheet "Verlauf", its CSV and its JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kitameldung.evaluation.changes import staff_keys
from kitameldung.identity import key_of, name_key, number_key
from kitameldung.pipeline import Result
from kitameldung.render.json_out import result_json

KEY = "verlauf"  # the batch data's entry (not part of `check --json`, not exported as such)
COLUMNS = (  # key, title, width, number format (widths: the table on one A4 page at 70 %)
    ("einrichtung", "Einrichtung", 19, None),
    ("einrichtungs_nr", "Einrichtungs- Nr.", 12, None),
    ("stichtag", "Stichtag", 11, "DD.MM.YYYY"),
    ("soll_betreuung_vzae", "Soll (VZÄ)", 9, "0.00"),
    ("ist_betreuung_vzae", "Ist (VZÄ)", 9, "0.00"),
    ("deckungsgrad", "Deckungs-grad", 12, "0.0%"),
    ("fachkraftquote", "Fachkraft-quote", 12, "0.0%"),
    ("fachkraftquote_min", "Mindest-quote", 11, "0.0%"),
    ("personen", "Betreuungs-kräfte am Stichtag", 11, "0"),
    ("vorherige_meldung", "vorherige Meldung vom", 11, "DD.MM.YYYY"),
    ("zugaenge", "Zugänge seit vorheriger Meldung", 11, "0"),
    ("abgaenge", "Abgänge seit vorheriger Meldung", 11, "0"),
    # Last: a long name runs on into the empty cells on screen and is cut at the print area's edge.
    ("datei", "Datei", 15, None),
)


def batch_data(result: Result) -> dict[str, Any]:
    """A file's result as the batch carries it: the JSON contract plus the Verlauf's keys."""
    data = result_json(result)
    meldung = result.meldung
    if meldung is not None:
        data[KEY] = {"personen": sorted(staff_keys(meldung))}
    return data


def _facility_keys(reports: list[tuple[str, dict[str, Any]]]) -> list[str | None]:
    """One key per report, matched as `identity.same_facility` matches two reports: by the
    Einrichtungs-Nr.; a report without one joins the facility of its name when exactly one
    numbered facility has that name, else it is matched by name among those without number."""
    idents = [
        (
            number_key((d.get("facility") or {}).get("nummer")),
            name_key((d.get("facility") or {}).get("einrichtung")),
        )
        for _, d in reports
    ]
    numbered: dict[str, set[str]] = {}
    for number, name in idents:
        if number and name:
            numbered.setdefault(name, set()).add(number)
    keys = []
    for number, name in idents:
        if not number and name and len(numbered.get(name, ())) == 1:
            number = next(iter(numbered[name]))
        keys.append(key_of(number, name))
    return keys


def histories(
    entries: Sequence[tuple[str, dict[str, Any] | None]],
) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Facility key → its readable reports with a Stichtag, oldest first; `entries` are
    (path, batch data). Only facilities with more than one Stichtag."""
    readable = [
        (path, data)
        for path, data in entries
        if data and data.get("ok") and (data.get("facility") or {}).get("stichtag")
    ]
    groups: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for report, key in zip(readable, _facility_keys(readable)):
        if key:
            groups.setdefault(key, []).append(report)
    result = {}
    for key, reports in groups.items():
        reports.sort(key=lambda r: (r[1]["facility"]["stichtag"], r[0]))
        if len({r[1]["facility"]["stichtag"] for r in reports}) > 1:
            result[key] = reports
    return result


def superseded(entries: Sequence[tuple[str, dict[str, Any] | None]]) -> dict[str, str]:
    """Path → the later Stichtag (ISO) of a newer report of the same facility in the run."""
    out = {}
    for reports in histories(entries).values():
        latest = reports[-1][1]["facility"]["stichtag"]
        for path, data in reports:
            if data["facility"]["stichtag"] < latest:
                out[path] = latest
    return out


def verlauf_rows(entries: Sequence[tuple[str, dict[str, Any] | None]]) -> list[dict[str, Any]]:
    """One row per facility and Stichtag (facilities in name order, Stichtage ascending); staff
    who came and left since the previous report as counts only."""
    rows = []
    for key, reports in sorted(histories(entries).items(), key=lambda item: (_name(item[1][-1]), item[0])):
        previous: set[str] | None = None
        previous_day = None
        name = _name(reports[-1])  # as the latest report names the facility
        number = next((_number(d) for _, d in reversed(reports) if _number(d)), None)
        for path, data in reports:
            staffing = data.get("staffing") or {}
            keys = (data.get(KEY) or {}).get("personen")
            current = set(keys) if keys is not None else None
            rows.append(
                {
                    "einrichtung": name,
                    "einrichtungs_nr": number,
                    "einrichtung_schluessel": key,  # one facility across its reports
                    "datei": path,
                    "stichtag": data["facility"]["stichtag"],
                    "soll_betreuung_vzae": staffing.get("soll_betreuung_vzae"),
                    "ist_betreuung_vzae": staffing.get("ist_betreuung_vzae"),
                    "deckungsgrad": staffing.get("deckungsgrad"),
                    "fachkraftquote": staffing.get("fachkraftquote"),
                    "fachkraftquote_min": staffing.get("fachkraftquote_min"),
                    "personen": len(current) if current is not None else None,
                    "vorherige_meldung": previous_day,
                    "zugaenge": len(current - previous)
                    if current is not None and previous is not None
                    else None,
                    "abgaenge": len(previous - current)
                    if current is not None and previous is not None
                    else None,
                }
            )
            previous, previous_day = current, data["facility"]["stichtag"]
    return rows


def _number(data: dict[str, Any]) -> str | None:
    number = (data.get("facility") or {}).get("nummer")
    return None if number is None else str(number)


def _name(report: tuple[str, dict[str, Any]]) -> str:
    path, data = report
    return str((data.get("facility") or {}).get("einrichtung") or Path(path).name)


def verlauf_csv_path(target: Path) -> Path:
    """The Verlauf's CSV beside the overview's: uebersicht.csv → uebersicht-verlauf.csv."""
    return target.with_name(f"{target.stem}-verlauf{target.suffix or '.csv'}")
