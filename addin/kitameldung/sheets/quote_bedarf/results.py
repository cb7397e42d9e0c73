"""The results at the top of `Quote & Bedarf`, declared as a table: each row a key, a label, a
formula built from the anchors of the blocks below (and earlier result rows), the value the
Python core computed for it, a style and a note. Row numbers follow from the order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kitameldung.checks.formatting import (
    ERFUELLT,
    NICHT_BERECHENBAR,
    NICHT_ERFUELLT,
    READING_NOTES,
    READINGS,
    not_yet,
    verdict_text,
)
from kitameldung.sheets import formulas as fx
from kitameldung.sheets.quote_bedarf.context import DASH, STICHTAG, TOLERANCE, Context, num
from kitameldung.sheets.spec import Formula, Scalar

FIRST_ROW = 6
SAME, DIFFERENT = "gleiches Ergebnis", "Ergebnis hängt an der Lesart"

Anchors = dict[str, str]


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    formula: Callable[[Anchors], str] | None  # None: a plain value
    cached: Callable[[Context], Scalar]
    style: str
    note: str = ""


def at(key: str) -> str:
    """The absolute reference of the value cell of result row `key`."""
    return f"$B${ROW_OF[key]}"


def _quota_status(ctx: Context) -> Scalar:
    s = ctx.staffing
    if s is None:
        return verdict_text(None)
    return verdict_text(s.quota_ok()) if s.kitapersv else not_yet(ctx.rules.kitapersv)


def _quota_formula(a: Anchors) -> str:
    since = a["kitapersv"]
    return (
        f'IF(AND(ISNUMBER({STICHTAG}),{STICHTAG}<{since}),"{a["not_yet"]}",'
        f"IF(AND(ISNUMBER({at('quote')}),ISNUMBER({at('quote_min')})),"
        f'IF({at("quote")}>={at("quote_min")}-{TOLERANCE},"{ERFUELLT}","{NICHT_ERFUELLT}"),"{NICHT_BERECHENBAR}"))'
    )


def _value(name: str) -> Callable[[Context], Scalar]:
    return lambda ctx: num(getattr(ctx.staffing, name)) if ctx.staffing else DASH


ROWS: tuple[Row, ...] = (
    Row(
        "stichtag",
        "Stichtag",
        lambda a: a["stichtag"],
        lambda ctx: ctx.meldung.stichtag or "",
        "date",
        "aus dem Formular",
    ),
    Row(
        "soll",
        "Soll Betreuung (VZÄ)",
        lambda a: f'IF(ISNUMBER({a["key_krippe"]}),{a["places_sum"]},"{DASH}")',
        _value("soll_betreuung_vzae"),
        "result",
        "Σ belegte Plätze × Faktor (Tabelle unten)",
    ),
    Row(
        "ist_fach",
        "Ist Fachkräfte §§ 9–11 (VZÄ)",
        lambda a: f'IF(ISNUMBER({STICHTAG}),SUMIF({a["gruppe"]},"F",{a["paed"]})/{a["vollzeit"]},"{DASH}")',
        _value("ist_fachkraft_vzae"),
        "number",
        "päd. Stunden gezählter Fachkräfte ÷ Vollzeit",
    ),
    Row(
        "ist_erg",
        "Ist Ergänzungskräfte § 12 (VZÄ)",
        lambda a: f'IF(ISNUMBER({STICHTAG}),SUMIF({a["gruppe"]},"E",{a["paed"]})/{a["vollzeit"]},"{DASH}")',
        _value("ist_ergaenzung_vzae"),
        "number",
    ),
    Row(
        "ist",
        "Ist Betreuung (VZÄ)",
        lambda a: f'IF(ISNUMBER({STICHTAG}),{at("ist_fach")}+{at("ist_erg")},"{DASH}")',
        _value("ist_betreuung_vzae"),
        "result",
    ),
    Row(
        "deckung",
        "Deckungsgrad (Ist ÷ Soll)",
        lambda a: (
            f'IF(AND(ISNUMBER({at("soll")}),ISNUMBER({at("ist")})),IF({at("soll")}>0,{at("ist")}/{at("soll")},"{DASH}"),"{DASH}")'
        ),
        _value("deckungsgrad"),
        "result_percent",
    ),
    Row(
        "deckung_ok",
        "Personalbemessung",
        lambda a: (
            f'IF(ISNUMBER({at("deckung")}),IF({at("deckung")}>=1-{at("spielraum")}-{TOLERANCE},"{ERFUELLT}","{NICHT_ERFUELLT}"),"{NICHT_BERECHENBAR}")'
        ),
        lambda ctx: verdict_text(ctx.staffing.coverage_ok() if ctx.staffing else None),
        "result_text",
        "KitaG § 10 Abs. 1; Ist ≥ Soll × (1 − Dispositionsspielraum)",
    ),
    Row(
        "quote",
        "Fachkraftquote (Fachkräfte ÷ Ist)",
        lambda a: (
            f'IF(ISNUMBER({at("ist")}),IF({at("ist")}>0,{at("ist_fach")}/{at("ist")},"{DASH}"),"{DASH}")'
        ),
        _value("fachkraftquote"),
        "result_percent",
    ),
    Row(
        "quote_min",
        "Mindest-Fachkraftquote",
        lambda a: a["quota_min"],
        _value("fachkraftquote_min"),
        "percent",
        "Regelstand oder Annahme (unten)",
    ),
    Row("quote_ok", "Fachkraftquote", _quota_formula, _quota_status, "result_text", "§ 15 KitaPersV"),
    Row(
        "quote_soll",
        "Fachkraftquote bezogen auf Soll (Information)",
        lambda a: (
            f'IF(ISNUMBER({at("soll")}),IF({at("soll")}>0,{at("ist_fach")}/{at("soll")},"{DASH}"),"{DASH}")'
        ),
        _value("fachkraftquote_soll"),
        "percent",
    ),
    Row(
        "leitung_soll",
        "Soll Leitungsanteil (VZÄ)",
        lambda a: a["leitung"],
        _value("soll_leitung_vzae"),
        "number",
        "Grundanteil + Band (Tabelle unten)",
    ),
    Row(
        "leitung_ist",
        "Ist Leitung (VZÄ)",
        lambda a: f'IF(ISNUMBER({STICHTAG}),SUM({a["leitung_hours"]})/{a["vollzeit"]},"{DASH}")',
        _value("ist_leitung_vzae"),
        "number",
        "Leitungsstunden gezählter Personen ÷ Vollzeit",
    ),
    Row(
        "personen",
        "gezählte Personen",
        lambda a: f"SUM({a['zaehlt']})",
        lambda ctx: ctx.staffing.personen_gezaehlt if ctx.staffing else 0,
        "text",
        "am Stichtag beschäftigt, mit Zuordnung, nicht in Ausbildung",
    ),
    Row(
        "spielraum",
        "Dispositionsspielraum (angewandt)",
        lambda a: a["margin"],
        _value("dispositionsspielraum"),
        "percent",
        "Regelstand nach Stichtag (Tabelle unten) oder Annahme",
    ),
    Row(
        "anrechenbar",
        "anrechenbar nach Soll-Anrechnung (VZÄ)",
        lambda a: (
            f'IF(ISNUMBER({at("soll")}),IF(ISNUMBER({at("quote_min")}),{at("ist_fach")}+MIN({at("ist_erg")},(1-{at("quote_min")})*{at("soll")}),{at("ist")}),"{DASH}")'
        ),
        _value("anrechenbar_vzae"),
        "number",
        "Fachkräfte + Ergänzungskräfte höchstens bis (1 − Mindestquote) × Soll",
    ),
    Row(
        "lesart_ist",
        f"Ergebnis {READINGS['ist']}",
        lambda a: (
            f'IF({at("deckung_ok")}="{NICHT_BERECHENBAR}","{NICHT_BERECHENBAR}",IF(AND({at("deckung_ok")}="{ERFUELLT}",{at("quote_ok")}<>"{NICHT_ERFUELLT}"),"{ERFUELLT}","{NICHT_ERFUELLT}"))'
        ),
        lambda ctx: verdict_text(ctx.staffing.verdict("ist") if ctx.staffing else None),
        "result_text",
        READING_NOTES["ist"],
    ),
    Row(
        "lesart_soll",
        f"Ergebnis {READINGS['soll_anrechnung']}",
        lambda a: (
            f'IF(AND(ISNUMBER({at("anrechenbar")}),ISNUMBER({at("soll")})),IF({at("soll")}>0,IF({at("anrechenbar")}>={at("soll")}*(1-{at("spielraum")})-{TOLERANCE}*{at("soll")},"{ERFUELLT}","{NICHT_ERFUELLT}"),{at("deckung_ok")}),{at("deckung_ok")})'
        ),
        lambda ctx: verdict_text(ctx.staffing.verdict("soll_anrechnung") if ctx.staffing else None),
        "result_text",
        READING_NOTES["soll_anrechnung"],
    ),
    Row(
        "lesarten",
        "Lesarten der Fachkraftquote",
        lambda a: f'IF({at("lesart_ist")}={at("lesart_soll")},"{SAME}","{DIFFERENT}")',
        lambda ctx: DIFFERENT if ctx.staffing and ctx.staffing.readings_differ else SAME,
        "result_text",
        "§ 15 KitaPersV ist nicht abschließend geklärt (Einstellung „Lesart der Fachkraftquote“)",
    ),
    Row("lesart", "angewandte Lesart", None, lambda ctx: READINGS[ctx.params.fachkraftquote_basis], "text"),
    Row(
        "ausbildung",
        "in Ausbildung, nicht gezählt",
        lambda a: f"SUM({a['ausbildung']})",
        lambda ctx: ctx.staffing.in_ausbildung if ctx.staffing else 0,
        "text",
        "Auszubildende, Praktikant*innen (Einstellung „Auszubildende mitzählen“)",
    ),
)
NOTE_END = "H"  # explanations of the results span C:H
ROW_OF = {row.key: FIRST_ROW + index for index, row in enumerate(ROWS)}
LAST_ROW = FIRST_ROW + len(ROWS) - 1
assert at("stichtag") == STICHTAG, "the blocks look up dates on the first result row"


def results_block(ctx: Context) -> None:
    ctx.sheet.put(4, 1, "Ergebnis", "section")
    ctx.sheet.put_row(5, ["Kennzahl", "Wert", "Erläuterung"], "header")
    ctx.sheet.merges.append(f"C5:{NOTE_END}5")
    since = ctx.rules.kitapersv
    anchors = ctx.anchors | {
        "kitapersv": f"DATE({since.year},{since.month},{since.day})",
        "not_yet": not_yet(since),
    }
    stichtag = ctx.meldung.header.get("stichtag")
    anchors["stichtag"] = fx.day(ctx.form_cell(stichtag.cell if stichtag else None), anchors["table:dates"])
    for row in ROWS:
        r = ROW_OF[row.key]
        ctx.sheet.put(r, 1, row.label, "bold")
        cached = row.cached(ctx)
        ctx.sheet.put(r, 2, Formula(row.formula(anchors), cached) if row.formula else cached, row.style)
        if row.note:
            ctx.sheet.put(r, 3, row.note, "note")
            ctx.sheet.merges.append(f"C{r}:{NOTE_END}{r}")  # room for the explanation on the page
