"""The columns of the provider overview, declared once: the sheet, the CSV and the JSON row are
three renderings of this list. A column says where its value comes from (the facility row),
how it shows in Excel (format, width, a live formula instead of the value, the total) and its
key in CSV and JSON."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl.utils import get_column_letter

from kitameldung.checks.formatting import (
    ERFUELLT,
    NICHT_BERECHENBAR,
    NICHT_ERFUELLT,
    TOLERANCE_TEXT,
    verdict_text,
)
from kitameldung.sheets.quote_bedarf import DIFFERENT, SAME

NO_MINIMUM = "keine Mindestquote"
DUE, NOT_DUE = "ja", "nein"  # the last Personalmeldung is older than the notice's period
ROW_STATES = {
    "aktualisiert": "in diesem Lauf aktualisiert",
    "unverändert": "geprüft, unverändert",
    "gesperrt": "geöffnet – nicht aktualisiert (Zahlen aus der Datei)",
    "aus dem Ordner": "nicht Teil dieses Laufs – Zahlen aus der Datei",
}

Letter = Callable[[str], str]


@dataclass(frozen=True)
class Column:
    key: str  # the facility row's key: CSV header, JSON field
    title: str
    width: float
    kind: str = "number"  # text | link | date | number | formula
    fmt: str | None = None
    formula: Callable[[Letter, int], str] | None = None  # live in the sheet; the core's value in CSV/JSON
    total: Callable[[Letter, str, int], str] | None = None  # (letter, column letter, last row)


def _sum(_: Letter, col: str, last: int) -> str:
    return f"=SUM({col}2:{col}{last})"


def _not_met(_: Letter, col: str, last: int) -> str:
    return f'=COUNTIF({col}2:{col}{last},"{NICHT_ERFUELLT}")&" {NICHT_ERFUELLT}"'


def _coverage(letter: Letter, r: int) -> str:
    """Met from 100 % less the file's own Dispositionsspielraum, as in the core."""
    d, m = f"{letter('deckungsgrad')}{r}", f"{letter('dispositionsspielraum')}{r}"
    return f'=IF(ISNUMBER({d}),IF({d}>=1-N({m})-{TOLERANCE_TEXT},"{ERFUELLT}","{NICHT_ERFUELLT}"),"{NICHT_BERECHENBAR}")'


def _quota(letter: Letter, r: int) -> str:
    q, m = f"{letter('fachkraftquote')}{r}", f"{letter('fachkraftquote_min')}{r}"
    return (
        f'=IF(ISNUMBER({m}),IF(ISNUMBER({q}),IF({q}>={m}-{TOLERANCE_TEXT},"{ERFUELLT}","{NICHT_ERFUELLT}"),'
        f'"{NICHT_BERECHENBAR}"),"{NO_MINIMUM}")'
    )


def _below_minimum(letter: Letter, col: str, last: int) -> str:
    m = letter("fachkraftquote_min")
    below = f"SUMPRODUCT(ISNUMBER({col}2:{col}{last})*ISNUMBER({m}2:{m}{last})*({col}2:{col}{last}<{m}2:{m}{last}-{TOLERANCE_TEXT}))"
    return f'={below}&" unter Minimum"'


COLUMNS: tuple[Column, ...] = (
    Column("einrichtung", "Einrichtung", 34, "text"),
    Column("datei", "Datei", 30, "link", total=lambda _, col, last: f"=COUNTA({col}2:{col}{last})"),
    Column("stichtag", "Stichtag", 12, "date", "DD.MM.YYYY"),
    Column("soll_betreuung_vzae", "Soll (VZÄ)", 11, fmt="0.00", total=_sum),
    Column("ist_betreuung_vzae", "Ist (VZÄ)", 11, fmt="0.00", total=_sum),
    Column(
        "deckungsgrad",
        "Deckungsgrad",
        14,
        fmt="0.0%",
        total=lambda letter, col, last: (
            f"=IF({letter('soll_betreuung_vzae')}{last + 2}>0,"
            f'{letter("ist_betreuung_vzae")}{last + 2}/{letter("soll_betreuung_vzae")}{last + 2},"–")'
        ),
    ),
    Column("fachkraftquote", "Fachkraftquote", 14, fmt="0.0%"),
    Column("fachkraftquote_min", "Mindestquote", 13, fmt="0.0%"),
    Column("fehler", "Fehler", 8, total=_sum),
    Column("warnungen", "Warnungen", 11, total=_sum),
    Column("hinweise", "Hinweise", 10, total=_sum),
    Column("personalbemessung", "Personalbemessung", 18, "formula", formula=_coverage, total=_not_met),
    Column(
        "fachkraftquote_erfuellt", "Fachkraftquote erfüllt", 20, "formula", formula=_quota, total=_not_met
    ),
    Column("quote_tiefstwert", "Quote Tiefstwert 12 Monate", 14, fmt="0.0%", total=_below_minimum),
    Column("quote_tiefstwert_datum", "Tiefstwert am", 12, "date", "DD.MM.YYYY"),
    Column("gespraeche_ueberfaellig", "Gespräche überfällig", 12, total=_sum),
    Column("gespraeche_bald", "Gespräche fällig in 30 Tagen", 14, total=_sum),
    Column("fortbildungsbedarf", "Fortbildungsbedarf", 13, total=_sum),
    Column("potenzialtraeger", "Potenzialträger*innen", 14, total=_sum),
    Column("neue_leitung_ohne_mentor", "neue Leitung ohne Mentor*in", 14, total=_sum),
    Column("dispositionsspielraum", "Dispositionsspielraum", 13, fmt="0%"),
    Column("lesarten", "Lesarten der Fachkraftquote", 24, "text"),
    Column(
        "personalmeldung_faellig",
        "vollständige Personalmeldung fällig",
        14,
        "text",
        total=lambda _, col, last: f'=COUNTIF({col}2:{col}{last},"{DUE}")&" fällig"',
    ),
    Column("status", "Stand dieser Zeile", 22, "text"),
)
LETTERS = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}


def letter(key: str) -> str:
    found: str = LETTERS[key]
    return found


def shown(column: Column, value: Any) -> Any:
    """A row value as the sheet shows it (dates as dates, states in words)."""
    if value is None:
        return None
    if column.kind == "date":
        return date.fromisoformat(value)
    if column.key == "status":
        return ROW_STATES.get(value, value)
    return value


def verdicts(staffing: dict[str, Any]) -> dict[str, Any]:
    """The core's verdicts for the CSV and JSON (the sheet computes them live)."""
    readings = staffing.get("lesarten") or {}
    differ = readings.get("abweichend")
    return {
        "personalbemessung": verdict_text(staffing.get("personalbemessung_erfuellt")) if staffing else None,
        "fachkraftquote_erfuellt": (
            verdict_text(staffing.get("fachkraftquote_erfuellt"))
            if staffing.get("fachkraftquote_min") is not None
            else NO_MINIMUM
        )
        if staffing
        else None,
        "lesarten": None if differ is None else (DIFFERENT if differ else SAME),
    }
