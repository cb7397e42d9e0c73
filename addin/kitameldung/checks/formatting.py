"""German number and date formats for messages ("7,65 VZÄ", "81,5 %", "01.03.2025")."""

from __future__ import annotations

from datetime import date
from fractions import Fraction


def vzae(value: Fraction | float | None) -> str:
    return "–" if value is None else f"{float(value):.2f}".replace(".", ",")


def percent(value: Fraction | float | None) -> str:
    return "–" if value is None else f"{float(value) * 100:.1f} %".replace(".", ",")


def datum(value: date | None) -> str:
    return "–" if value is None else value.strftime("%d.%m.%Y")


def number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}".replace(".", ",")


def raw(value: object) -> str:
    text = value.strftime("%d.%m.%Y") if isinstance(value, date) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "…"


# One vocabulary for verdicts in every output (text, sheets, overview, JSON stays boolean).
ERFUELLT, NICHT_ERFUELLT, NICHT_BERECHENBAR = "erfüllt", "nicht erfüllt", "nicht berechenbar"
READINGS = {"ist": "Ist-Lesart", "soll_anrechnung": "Soll-Anrechnung"}
READING_NOTES = {
    "ist": "Fachkräfte ÷ alle gezählten Betreuungskräfte, mindestens die Mindestquote",
    "soll_anrechnung": "Ergänzungskräfte zählen höchstens bis (1 − Mindestquote) des Soll",
}


def verdict_text(ok: bool | None) -> str:
    return {True: ERFUELLT, False: NICHT_ERFUELLT, None: NICHT_BERECHENBAR}[ok]


def not_yet(since: date) -> str:
    """For rules of a later law on an earlier Stichtag."""
    return f"nicht prüfbar (Regel gilt ab {datum(since)})"


def counted(n: int, singular: str, plural: str) -> str:
    """ "1 Datei", "2 Dateien"."""
    return f"{n} {singular if n == 1 else plural}"


# One palette: (font, fill) per verdict colour, used by our sheets, the marks in the form and the
# provider overview alike.
COLORS = {
    "rot": ("9C0006", "FFC7CE"),
    "gelb": ("9C5700", "FFEB9C"),
    "blau": ("1F4E78", "DDEBF7"),
    "gruen": ("006100", "C6EFCE"),
    "grau": ("808080", "EDEDED"),
}
SEVERITY_COLOR = {"fehler": "rot", "warnung": "gelb", "hinweis": "blau"}
TOLERANCE_TEXT = "1E-9"  # the core's tolerance at legal thresholds, as formulas write it
