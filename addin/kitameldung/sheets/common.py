"""Pieces both of our sheets show: the head lines and the assumptions the numbers rest on."""

from __future__ import annotations

from datetime import date

from kitameldung.checks.formatting import datum, percent
from kitameldung.evaluation import Staffing
from kitameldung.rules import Parameters, RuleBook
from kitameldung.rules.parameters import TITLES

OVERWRITE_NOTE = (
    "Dieses Blatt schreibt kitameldung bei jeder Aktualisierung neu; Änderungen hier gehen dabei "
    "verloren. Das Formular der Behörde bleibt unverändert."
)


def regelstand(staffing: Staffing | None, rules: RuleBook) -> str:
    """One line naming the rule rows in force on the Stichtag."""
    if staffing is None:
        return "nicht bestimmbar (kein gültiger Stichtag)"
    if staffing.key is None:
        return f"kein Regelstand: Stichtag vor dem {datum(rules.first_date)}"
    key = staffing.key
    krippe = f"{float(key.krippe):g}".replace(".", ",")
    kindergarten = f"{float(key.kindergarten):g}".replace(".", ",")
    return (
        f"Betreuungsschlüssel ab {datum(key.valid_from)}: Krippe 1 : {krippe}, "
        f"Kindergarten 1 : {kindergarten} ({key.source})"
    )


def assumptions(params: Parameters, staffing: Staffing | None) -> list[tuple[str, str]]:
    """(title, value as shown) for every interpretation parameter in effect."""
    rows = []
    for name, value in params.as_json().items():
        if name == "fachkraftquote_min" and value is None:
            minimum = staffing.fachkraftquote_min if staffing else None
            shown = f"{percent(minimum)} (laut Regelstand)" if minimum is not None else "laut Regelstand"
        elif isinstance(value, float):
            shown = f"{value:g}".replace(".", ",")
        elif name == "masern_geboren_nach":
            shown = datum(date.fromisoformat(value))
        else:
            shown = str(value)
        rows.append((TITLES.get(name, name), shown))
    return rows
