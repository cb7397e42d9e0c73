"""Worksheet functions for Windows Excel (xlwings UDFs), delegating to the core.

Outside Windows the xlwings decorators do nothing, so these are plain functions and tested as
such against the core. A UDF call saved in a workbook points at the add-in's path: use them in
your own sheets, never in the authority's form (our sheets there use native formulas).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kitameldung.evaluation.staffing import exact_float, leitung_share, quota_of, soll_betreuung
from kitameldung.excel.xlwings_import import xw
from kitameldung.form.values import parse_date, parse_hours, parse_number, parse_places, parse_zuordnung
from kitameldung.model import AGE_GROUPS
from kitameldung.rules import ConfigError, RuleBook, load_rulebook
from kitameldung.rules.config import find_config, load_config

CATEGORY = "Kita-Meldung"


def _flat(values: Any) -> list[Any]:
    if not isinstance(values, (list, tuple)):
        return [values]
    return [v for row in values for v in (row if isinstance(row, (list, tuple)) else [row])]


@xw.func(category=CATEGORY)
@xw.arg("zuordnungen", doc="Zuordnung je Person, z. B. „§ 9 Fachkraft“ oder „§ 12 Ergänzungskraft“ (Bereich)")
@xw.arg("stunden", doc="pädagogisch tätige Wochenstunden je Person (Bereich gleicher Größe)")
def KITA_FACHKRAFTQUOTE(zuordnungen: Any, stunden: Any) -> float | str:  # noqa: N802 – Excel's naming
    """Fachkraftquote: Stunden der Fachkräfte (§§ 9–11 KitaPersV) geteilt durch die Stunden aller
    Betreuungskräfte. Mindestens 80 % sind gefordert."""
    labels, hours = _flat(zuordnungen), _flat(stunden)
    if len(labels) != len(hours):
        return "Fehler: Zuordnungen und Stunden müssen gleich viele Zellen haben."
    pairs = []
    for label, amount in zip(labels, hours):
        zuordnung, bad = parse_zuordnung(label)
        number, bad_number = parse_hours(amount)
        if bad or bad_number:
            return f"Fehler: „{label}“ / „{amount}“ nicht lesbar."
        if zuordnung is not None and number:
            pairs.append((zuordnung.gruppe, number))
    quota = quota_of(pairs)
    return float(quota) if quota is not None else ""


@xw.func(category=CATEGORY)
@xw.arg(
    "plaetze",
    doc="belegte Plätze: 3 Zeilen (Krippe, Kindergarten, Hort) × 2 Spalten (bis 6 h / über 6 h; Hort 4 h)",
)
@xw.arg("stichtag", doc="Stichtag der Meldung (bestimmt den Betreuungsschlüssel)")
def KITA_PERSONALBEDARF(plaetze: Any, stichtag: Any) -> float | str:  # noqa: N802
    """Personalbedarf (Soll Betreuung in VZÄ) nach KitaG § 10 Abs. 1 für die belegten Plätze."""
    rows = plaetze if isinstance(plaetze, (list, tuple)) else []
    day, bad = parse_date(stichtag)
    if bad or day is None:
        return "Fehler: Stichtag nicht lesbar."
    if len(rows) != 3 or any(not isinstance(r, (list, tuple)) or len(r) != 2 for r in rows):
        return "Fehler: Plätze als Bereich mit 3 Zeilen und 2 Spalten angeben."
    rules = _rules()
    key = rules.key_for(day)
    if key is None:
        return f"Fehler: kein Regelstand für {day:%d.%m.%Y}."
    places = {}
    for group, (short, long) in zip(AGE_GROUPS, rows):
        values = [parse_places(v) for v in (short, long)]
        if any(bad for _, bad in values):
            return f"Fehler: Plätze {group} nicht lesbar."
        places[group] = (values[0][0] or 0.0, values[1][0] or 0.0)
    return float(soll_betreuung(places, key, rules))


@xw.func(category=CATEGORY)
@xw.arg("soll", doc="Soll Betreuung in VZÄ (z. B. das Ergebnis von KITA_PERSONALBEDARF)")
@xw.arg("stichtag", doc="Stichtag der Meldung")
def KITA_LEITUNGSANTEIL(soll: Any, stichtag: Any) -> float | str:  # noqa: N802
    """Leitungsanteil in VZÄ: Grundanteil plus das Band, in das der Personalbedarf fällt."""
    basis, bad = parse_number(soll)
    day, bad_day = parse_date(stichtag)
    if bad or basis is None or bad_day or day is None:
        return "Fehler: Soll oder Stichtag nicht lesbar."
    row = _rules().leitung_for(day)
    if row is None:
        return f"Fehler: kein Leitungsanteil für {day:%d.%m.%Y} geregelt."
    return float(leitung_share(exact_float(basis), row))


def _rules() -> RuleBook:
    """The rule data of the add-in's configuration ([regeln] datei), else the built-in data.
    A worksheet function cannot show a message box: an unusable rule file falls back to the
    built-in data; the ribbon's "Regelstand" button names the problem."""
    try:
        return load_rulebook(load_config(find_config()).rules_file)
    except ConfigError:
        return load_rulebook()


UDFS: Sequence[Any] = (KITA_FACHKRAFTQUOTE, KITA_PERSONALBEDARF, KITA_LEITUNGSANTEIL)
