"""`kitameldung.read(...)`: many reports as pandas DataFrames, for the provider's controlling.

The only module that imports pandas: `check`, `refresh` and the ribbon never load it. Every
figure is the one `check --json` gives for the file (the frames are built from the same result),
so a table in a notebook and the JSON contract never disagree.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from kitameldung.address import a1_parts
from kitameldung.batch.files import expand, own_outputs
from kitameldung.checks import Severity
from kitameldung.evaluation.staffing import not_counted_reason
from kitameldung.form import FormError
from kitameldung.form.workbook import Snapshot, take_snapshot
from kitameldung.identity import facility_key, keyed
from kitameldung.model import AGE_GROUPS, Gruppe, Meldung, Zuordnung
from kitameldung.pipeline import Result, Settings, check_file, load_settings
from kitameldung.planning.overview import PLANNING_KEYS, planning_figures
from kitameldung.render.json_out import result_json

STAFFING_KEYS = (
    "soll_betreuung_vzae",
    "soll_leitung_vzae",
    "ist_betreuung_vzae",
    "ist_fachkraft_vzae",
    "ist_ergaenzung_vzae",
    "ist_leitung_vzae",
    "anrechenbar_vzae",
    "deckungsgrad",
    "fachkraftquote",
    "fachkraftquote_soll",
    "fachkraftquote_min",
    "dispositionsspielraum",
    "personen_gezaehlt",
)
# The Zuordnung labels as the model writes them: §§ 9–11, Fachkraft of the older form, § 12.
ZUORDNUNGEN = tuple(
    Zuordnung(gruppe, paragraph).label
    for gruppe, paragraph in ((Gruppe.FACHKRAFT, 9), (Gruppe.FACHKRAFT, 10), (Gruppe.FACHKRAFT, 11),
                              (Gruppe.FACHKRAFT, None), (Gruppe.ERGAENZUNG, 12))
)  # fmt: skip
SEVERITIES = tuple(s.value for s in Severity)
SEVERITY_ORDER = tuple(reversed(SEVERITIES))  # ordered: hinweis < warnung < fehler


@dataclass(frozen=True)
class Reports:
    """The frames of `read`: one row per report (`facilities`), per person and report
    (`persons`, no birth dates), per finding (`findings`), per age group and report (`places`),
    and the files that could not be read with the German reason (`unreadable`)."""

    facilities: pd.DataFrame
    persons: pd.DataFrame
    findings: pd.DataFrame
    places: pd.DataFrame
    unreadable: pd.DataFrame

    def __repr__(self) -> str:
        return (
            f"Reports({len(self.facilities)} Meldungen, {len(self.persons)} Personenzeilen, "
            f"{len(self.findings)} Befunde, {len(self.unreadable)} nicht lesbar)"
        )


def read(
    paths: str | Path | Iterable[str | Path],
    recursive: bool = False,
    config: str | Path | None = None,
    regeln: str | Path | None = None,
    today: date | None = None,
    prozesse: int | None = None,
) -> Reports:
    """Read reports (files and/or folders; `recursive`: also subfolders) into DataFrames.
    `config` and `regeln` as `--config` and `--regeln`; `today` the check date (default: today);
    `prozesse` worker processes for many files (default: all cores; 1: none).
    A configuration or rule file that cannot be used raises ConfigError (German)."""
    named = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    settings = load_settings(Path(config) if config else None, Path(regeln) if regeln else None)
    day = today or date.today()
    settings = replace(settings, today=day)
    files, _ = own_outputs(expand(named, recursive), named)
    workers = max(1, min(prozesse or os.cpu_count() or 1, -(-len(files) // PER_WORKER)))
    jobs = [(path, settings, day) for path in files]
    if workers == 1:
        return assemble([_rows_of_file(job) for job in jobs])
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return assemble(list(pool.map(_rows_of_file, jobs, chunksize=PER_WORKER)))
    except BrokenProcessPool:  # a reader crashed a worker: each file on its own, in this process
        return assemble([_rows_of_file(job) for job in jobs])


PER_WORKER = 8  # files per hand-over; up to eight files are read in this process


def _rows_of_file(job: tuple[Path, Settings, date]) -> Rows:
    """One file read once: the check and the planning sheet see the same bytes."""
    path, settings, day = job
    try:
        snapshot = take_snapshot(path)
    except FormError as err:
        return rows_of(Result(path, settings, error=str(err)), day)
    return rows_of(check_file(path, settings, snapshot), day, snapshot)


@dataclass(frozen=True)
class Rows:
    """One file's rows of every frame: plain data (what a worker process hands back)."""

    facility: dict[str, Any] | None
    persons: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    places: list[dict[str, Any]]
    unreadable: dict[str, Any] | None


def rows_of(result: Result, today: date, snapshot: Snapshot | None = None) -> Rows:
    doc = result_json(result)
    file = str(result.path)
    if not result.ok or result.meldung is None:
        return Rows(None, [], [], [], {"path": file, "grund": result.error})
    places = []
    for group in AGE_GROUPS:
        counts = (doc["places"] or {}).get(group) or {}
        places.append(
            {
                "path": file,
                "altersgruppe": group,
                "genehmigt": counts.get("genehmigt"),
                "belegt_kurz": counts.get("short"),
                "belegt_lang": counts.get("long"),
            }
        )
    return Rows(
        _facility_row(file, doc, result, today, snapshot),
        _person_rows(file, result, (doc["facility"] or {}).get("einrichtung")),
        [dict(path=file, **_finding(f)) for f in doc["findings"]],
        places,
        None,
    )


def assemble(rows: Sequence[Rows]) -> Reports:
    return Reports(
        _named(_facilities([r.facility for r in rows if r.facility is not None])),
        _named(_persons([p for r in rows for p in r.persons])),
        _named(_findings([f for r in rows for f in r.findings])),
        _named(_places([p for r in rows for p in r.places])),
        _named(
            pd.DataFrame([r.unreadable for r in rows if r.unreadable], columns=["path", "grund"]).astype(
                "string"
            )
        ),
    )


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    """`file` as in `check --json` (the name), `path` the whole path (unique across year
    folders holding the same name: join the frames on it)."""
    frame.insert(0, "file", frame["path"].map(lambda p: Path(p).name).astype("string"))
    return frame


def _facility_row(
    file: str, doc: dict[str, Any], result: Result, today: date, snapshot: Snapshot | None
) -> dict[str, Any]:
    facility = doc["facility"] or {}
    staffing = doc["staffing"] or {}
    readings = staffing.get("lesarten") or {}
    counts = {s: sum(1 for f in doc["findings"] if f["severity"] == s) for s in SEVERITIES}
    row: dict[str, Any] = {
        "path": file,
        "einrichtung": facility.get("einrichtung"),
        "traeger": facility.get("traeger"),
        "einrichtungs_nr": None if facility.get("nummer") is None else str(facility["nummer"]),
        # one key per facility across reports (Nr., else the normalised name), as the Verlauf matches
        "einrichtung_schluessel": facility_key(result.meldung) if result.meldung else None,
        "stichtag": facility.get("stichtag"),
        "formular": (doc["form"] or {}).get("variant"),
        "formularstand": (doc["form"] or {}).get("stand"),
        "regelstand": (doc["rules"] or {}).get("version"),
    }
    row |= {key: staffing.get(key) for key in STAFFING_KEYS}
    row |= {
        "personalbemessung_erfuellt": staffing.get("personalbemessung_erfuellt"),
        "fachkraftquote_erfuellt": staffing.get("fachkraftquote_erfuellt"),
        "lesart": readings.get("angewandt"),
        "erfuellt_ist_lesart": readings.get("ist"),
        "erfuellt_soll_anrechnung": readings.get("soll_anrechnung"),
        "fehler": counts["fehler"],
        "warnungen": counts["warnung"],
        "hinweise": counts["hinweis"],
    }
    return row | planning_figures(_planning(result, today, snapshot), today)


def _planning(result: Result, today: date, snapshot: Snapshot | None) -> dict[str, Any] | None:
    """The planning summary as a refresh today would give it (read-only: nothing is written)."""
    from kitameldung.planning.overview import planning_data
    from kitameldung.refresh.steps import plan_for
    from kitameldung.workbook.ourbook import previous_plan
    from kitameldung.workbook.package import Package
    from kitameldung.workbook.xmlparse import XmlRefused

    if result.meldung is None or result.meldung.persons is None:
        return None
    try:
        previous = previous_plan(result.path, Package.read(result.path, snapshot))
    except (FormError, XmlRefused, OSError, ValueError):
        return None
    now = datetime.combine(today, datetime.min.time())
    planning = plan_for(result, previous, now)
    return planning_data(planning.plan, planning.projection, today, result.settings.params)


def _person_rows(file: str, result: Result, einrichtung: str | None) -> list[dict[str, Any]]:
    meldung: Meldung = result.meldung  # type: ignore[assignment]
    settings = result.settings
    stichtag = meldung.stichtag
    full_time = float(settings.params.vollzeit_stunden)
    rows = []
    for key, person in keyed(meldung.persons):
        zuordnung = person.zuordnung.value
        reason = (
            not_counted_reason(person, stichtag, settings.params, settings.qualifications)
            if stichtag
            else "kein Stichtag"
        )
        paed = person.paed_stunden.value
        rows.append(
            {
                "path": file,
                "einrichtung": einrichtung,
                "stichtag": stichtag,
                "person": key,
                "name": person.name.value,
                "zeile": person.row,
                "zuordnung": zuordnung.label if zuordnung else None,
                "gruppe": zuordnung.gruppe.value if zuordnung else None,
                "qualifikation": person.qualifikation.value,
                "funktion": person.funktion.value,
                "beginn": person.beginn.value,
                "ende": person.ende.value,
                "wochenstunden": person.wochenstunden.value,
                "leitungsstunden": person.leitungsstunden.value,
                "paed_stunden": paed,
                "vzae": paed / full_time if paed is not None else None,
                "gezaehlt": reason is None,
                "grund": reason,
            }
        )
    return rows


def _finding(found: dict[str, Any]) -> dict[str, Any]:
    return {
        "rule": found["rule"],
        "severity": found["severity"],
        "sheet": found["sheet"],
        "cell": found["cell"],
        "row": _row_of(found["cell"]),
        "message": found["message"],
        "reference": found["reference"],
    }


def _row_of(cell: str | None) -> int | None:
    return a1_parts(cell)[0] or None if cell else None


# ---------------------------------------------------------------- frames with their dtypes


def _dates(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column], errors="coerce").astype("datetime64[ns]")


def _facilities(rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = [
        "path",
        "einrichtung",
        "traeger",
        "einrichtungs_nr",
        "einrichtung_schluessel",
        "stichtag",
        "formular",
        "formularstand",
        "regelstand",
        *STAFFING_KEYS,
        "personalbemessung_erfuellt",
        "fachkraftquote_erfuellt",
        "lesart",
        "erfuellt_ist_lesart",
        "erfuellt_soll_anrechnung",
        "fehler",
        "warnungen",
        "hinweise",
        *PLANNING_KEYS,
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for column in (
        "path",
        "einrichtung",
        "traeger",
        "einrichtungs_nr",
        "einrichtung_schluessel",
        "formular",
        "lesart",
    ):
        frame[column] = frame[column].astype("string")
    _dates(frame, ["stichtag", "formularstand", "regelstand", "quote_tiefstwert_datum"])
    for column in (*STAFFING_KEYS, "quote_tiefstwert"):
        frame[column] = frame[column].astype("float64")
    frame["personen_gezaehlt"] = frame["personen_gezaehlt"].astype("Int64")
    for column in (
        "personalbemessung_erfuellt",
        "fachkraftquote_erfuellt",
        "erfuellt_ist_lesart",
        "erfuellt_soll_anrechnung",
    ):
        frame[column] = frame[column].astype("boolean")
    counts = ("fehler", "warnungen", "hinweise", *(k for k in PLANNING_KEYS if not k.startswith("quote_")))
    for column in counts:
        frame[column] = frame[column].astype("Int64")
    return frame


def _persons(rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = [
        "path",
        "einrichtung",
        "stichtag",
        "person",
        "name",
        "zeile",
        "zuordnung",
        "gruppe",
        "qualifikation",
        "funktion",
        "beginn",
        "ende",
        "wochenstunden",
        "leitungsstunden",
        "paed_stunden",
        "vzae",
        "gezaehlt",
        "grund",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("path", "einrichtung", "person", "name", "qualifikation", "funktion", "grund"):
        frame[column] = frame[column].astype("string")
    _dates(frame, ["stichtag", "beginn", "ende"])
    frame["zuordnung"] = pd.Categorical(frame["zuordnung"], categories=ZUORDNUNGEN)
    frame["gruppe"] = pd.Categorical(frame["gruppe"], categories=[g.value for g in Gruppe])
    for column in ("wochenstunden", "leitungsstunden", "paed_stunden", "vzae"):
        frame[column] = frame[column].astype("float64")
    frame["zeile"] = frame["zeile"].astype("Int64")
    frame["gezaehlt"] = frame["gezaehlt"].astype("bool")
    return frame


def _findings(rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = ["path", "rule", "severity", "sheet", "cell", "row", "message", "reference"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("path", "rule", "sheet", "cell", "message", "reference"):
        frame[column] = frame[column].astype("string")
    frame["severity"] = pd.Categorical(frame["severity"], categories=SEVERITY_ORDER, ordered=True)
    frame["row"] = frame["row"].astype("Int64")
    return frame


def _places(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["path", "altersgruppe", "genehmigt", "belegt_kurz", "belegt_lang"])
    frame["path"] = frame["path"].astype("string")
    frame["altersgruppe"] = pd.Categorical(frame["altersgruppe"], categories=AGE_GROUPS)
    for column in ("genehmigt", "belegt_kurz", "belegt_lang"):
        frame[column] = frame[column].astype("float64")
    frame["belegt"] = frame["belegt_kurz"].fillna(0) + frame["belegt_lang"].fillna(0)
    return frame
