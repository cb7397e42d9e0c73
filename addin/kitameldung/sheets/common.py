"""Pieces both of our sheets show: the head lines and the assumptions the numbers rest on."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from kitameldung.checks.formatting import READINGS, datum, number, percent, verdict_text
from kitameldung.checks.rule_data import rule_data_label
from kitameldung.evaluation import Staffing
from kitameldung.rules import Parameters, RuleBook
from kitameldung.rules.parameters import TITLES
from kitameldung.rules.rulebook import STATUS_TITLES, FormRow, KeyRow, MarginRow, QuotaRow, Row

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
    return (
        f"Betreuungsschlüssel ab {datum(key.valid_from)}: Krippe 1 : {_n(key.krippe)}, "
        f"Kindergarten 1 : {_n(key.kindergarten)} ({key.source})"
    )


def not_in_force_line(row: Row) -> str:
    """A planned or repealed row in words: "Krippe 1 : 4 ab 01.01.2027 – geplant, nicht in Kraft"."""
    if isinstance(row, KeyRow):
        what = f"Betreuungsschlüssel Krippe 1 : {_n(row.krippe)}, Kindergarten 1 : {_n(row.kindergarten)}"
    elif isinstance(row, QuotaRow):
        what = f"Mindest-Fachkraftquote {percent(row.minimum)}"
    elif isinstance(row, MarginRow):
        what = f"Dispositionsspielraum {percent(row.share)}"
    elif isinstance(row, FormRow):
        what = "Formular bis " + ", ".join(str(size) for size in row.sizes) + " Personen"
    else:
        what = f"Leitungsanteil (Grundanteil {_n(row.base_share)})"
    return f"{what} ab {datum(row.valid_from)} – {STATUS_TITLES[row.status]} ({row.source})"


def _n(value: Fraction) -> str:
    return number(float(value))


def pruefstand(rules: RuleBook) -> str:
    """The review state of the rule data, as every output names it."""
    return (
        f"{rules.review.text} – {rule_data_label(rules)}; Quellen mit [sekundär] sind "
        "Sekundärquellen, [Auslegung] unsere Lesart"
    )


def lesarten(staffing: Staffing | None) -> str:
    """Both readings of the Fachkraftquote and whether the verdict hangs on them."""
    if staffing is None:
        return "nicht bestimmbar"
    ist, soll = verdict_text(staffing.verdict("ist")), verdict_text(staffing.verdict("soll_anrechnung"))
    applied = READINGS[staffing.fachkraftquote_basis]
    if staffing.readings_differ:
        return (
            f"ERGEBNIS HÄNGT AN DER LESART: Ist-Lesart {ist}, Soll-Anrechnung {soll} (angewandt: {applied})"
        )
    return f"gleiches Ergebnis in beiden Lesarten ({ist}; angewandt: {applied})"


# Choices shown by their meaning, not by the configuration's spelling ("soll_anrechnung").
SHOWN_CHOICES = {
    "leitung_basis": {"soll": "Soll Betreuung", "ist": "Ist Betreuung"},
    "fachkraftquote_basis": READINGS,
}


def assumptions(params: Parameters, staffing: Staffing | None) -> list[tuple[str, str]]:
    """(title, value as shown) for every interpretation parameter in effect."""
    rows = []
    for name, value in params.as_json().items():
        if name == "dispositionsspielraum" and value is None:
            margin = staffing.dispositionsspielraum if staffing else None
            shown = f"{percent(margin)} (laut Regelstand)" if margin is not None else "laut Regelstand"
        elif name == "fachkraftquote_min" and value is None:
            minimum = staffing.fachkraftquote_min if staffing else None
            shown = (
                f"{percent(minimum)} (laut Regelstand)"
                if minimum is not None
                else "keine Mindestquote an diesem Stichtag"
            )
        elif isinstance(value, bool):
            shown = "ja" if value else "nein"
        elif name in SHOWN_CHOICES:
            shown = SHOWN_CHOICES[name].get(str(value), str(value))
        elif isinstance(value, float):
            shown = f"{value:g}".replace(".", ",")
        elif name == "masern_geboren_nach":
            shown = datum(date.fromisoformat(value))
        else:
            shown = str(value)
        rows.append((TITLES.get(name, name), shown))
    return rows
