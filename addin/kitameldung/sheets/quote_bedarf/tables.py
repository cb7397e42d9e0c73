"""The text → value tables the formulas look up (columns L:M): exactly the texts found in the
form, each with the value the reader gave it. Converting text in a formula would depend on
Excel's locale; a lookup does not."""

from __future__ import annotations

from datetime import date
from typing import Any

from kitameldung.model import Gruppe, Meldung, Value, Zuordnung
from kitameldung.sheets.quote_bedarf.context import Context

# The dropdown values of the known form variants, so that choosing one of them in Excel after a
# refresh is counted live; other spellings are listed when found in the form.
STANDARD_ZUORDNUNG = {
    "§ 9 Fachkraft": "F",
    "§ 10 Fachkraft": "F",
    "§ 11 Fachkraft": "F",
    "§ 12 Ergänzungskraft": "E",
    "Fachkraft (§§ 9-11)": "F",
    "Ergänzungskraft (§ 12)": "E",
}


def group_code(gruppe: Gruppe) -> str:
    return "F" if gruppe is Gruppe.FACHKRAFT else "E"


def _texts(values: list[Value[Any]]) -> dict[str, object]:
    """Cells holding text the reader understood, keyed by that exact text."""
    return {v.raw: v.value for v in values if isinstance(v.raw, str) and v.value is not None}


def collect(meldung: Meldung) -> dict[str, dict[str, Any]]:
    persons = meldung.persons or ()
    stichtag = meldung.header.get("stichtag")
    places = list((meldung.places or {}).values())
    zuordnung = _texts([p.zuordnung for p in persons])
    dates = _texts([v for p in persons for v in (p.beginn, p.ende)] + ([stichtag] if stichtag else []))
    numbers = _texts(
        [v for p in persons for v in (p.paed_stunden, p.leitungsstunden)]
        + [v for pl in places for v in (pl.short, pl.long)]
    )
    return {
        "zuordnung": STANDARD_ZUORDNUNG
        | {text: group_code(z.gruppe) for text, z in zuordnung.items() if isinstance(z, Zuordnung)},
        "dates": {text: d for text, d in dates.items() if isinstance(d, date)},
        "numbers": {text: float(n) for text, n in numbers.items() if isinstance(n, (int, float))},
    }


TABLES = (
    ("zuordnung", "Zuordnung → Gruppe (F = Fachkraft, E = Ergänzungskraft)", "text"),
    ("dates", "Datum als Text → Datum", "date"),
    ("numbers", "Zahl als Text → Zahl", "text"),
)


def tables_block(ctx: Context) -> None:
    """Anchors "table:zuordnung", "table:dates", "table:numbers" (ranges in L:M)."""
    found = collect(ctx.meldung)
    put = ctx.sheet.put
    put(4, 12, "Umrechnung von Texteinträgen", "section")
    put(5, 12, "Texte aus dem Formular und wie kitameldung sie liest (beim Aktualisieren ergänzt).", "note")
    row = 7
    for key, title, style in TABLES:
        put(row, 12, title, "header")
        put(row, 13, "gelesen als", "header")
        row += 1
        first = row
        for text, value in found[key].items():
            put(row, 12, text)
            put(row, 13, value, style)
            row += 1
        if not found[key]:
            put(row, 12, "(keine)", "note")
            row += 1
        ctx.anchors[f"table:{key}"] = f"$L${first}:$M${row - 1}"
        row += 1
