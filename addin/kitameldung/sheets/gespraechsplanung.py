"""Sheet `Gesprächsplanung`: the annual staff talks, training needs and development per person.

Vertraulich: personal HR data, never part of the Behördenfassung. Columns from the form are
rewritten on every refresh; what people type stays (see planning/table.py). Due date, invitation
deadline and Ampel are native formulas against TODAY(); their cached values are computed by
planning/termine.py for the day of the check, and LibreOffice must agree (tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from kitameldung.address import column_letter, ref
from kitameldung.checks.formatting import datum, percent
from kitameldung.planning.kalender import odd_appointments
from kitameldung.planning.projection import Point
from kitameldung.planning.table import (
    COLUMNS,
    FORM,
    FORMULA,
    GREY_FIELDS,
    IN_FORM,
    MANUAL,
    NEUE_LEITUNG,
    POTENZIAL,
    Entry,
    Plan,
    Scalar,
    Slot,
    grey_checksum,
)
from kitameldung.planning.termine import (
    AUSGESCHIEDEN,
    BALD,
    BEENDET,
    GEPLANT,
    KEIN_GESPRAECH,
    OK,
    SOON_DAYS,
    UEBERFAELLIG,
    ampel,
    invitation_deadline,
    next_due,
    summarize,
)
from kitameldung.rules import Parameters
from kitameldung.sheets.formulas import move_formula, nested_if
from kitameldung.sheets.spec import Formula, Highlight, SheetSpec, Validation

KEY = "gespraechsplanung"
HEADER_ROW = 22
CONFIDENTIAL = "VERTRAULICH – Personaldaten. Nur für Leitung und Träger; nie Teil der Behördenfassung."
EXPLAIN = (
    "Grau hinterlegte Spalten übernimmt kitameldung bei jeder Aktualisierung aus der Meldung. Alle anderen "
    "Eingaben bleiben erhalten, auch in Spalten, die Sie rechts anfügen; jede Zeile gehört über die Kennung "
    "zu einer Person.",
    "Wer nicht mehr in der Meldung steht, bleibt ausgegraut stehen, bis Sie die Zeile löschen. Nach dem "
    "Gespräch das Datum bei „letztes Jahresgespräch“ eintragen; die Ampel rechnet mit dem heutigen Datum.",
)
FOKUS_HINT = "FOKUS: Jeder neuen Leitung eine Mentor*in zur Seite stellen."
FORM_STYLE = {"text": "form_text", "date": "form_date", "number": "form_number", "note": "form_note"}
COL = {c.field: i for i, c in enumerate(COLUMNS, start=1)}


@lru_cache(maxsize=64)
def letter(field: str) -> str:
    return column_letter(COL[field] - 1)


@dataclass(frozen=True)
class Context:
    einrichtung: str
    stichtag: date | None
    checked_at: datetime
    params: Parameters


def build(plan: Plan, projection: list[Point], ctx: Context, name: str) -> SheetSpec:
    sheet = SheetSpec(
        KEY,
        name,
        tab_color="7030A0",
        print_header="VERTRAULICH – Personaldaten",
        print_rows=(HEADER_ROW, HEADER_ROW),
        print_columns=("A", "A"),  # the name on every page the wide table runs across
        footer_right="VERTRAULICH",
    )
    sheet.widths = {i: c.width for i, c in enumerate(COLUMNS, start=1)}
    sheet.put(1, 1, "Gesprächsplanung – Jahresgespräche, Fortbildung, Entwicklung", "title")
    sheet.put(2, 1, CONFIDENTIAL, "fehler")
    sheet.put(
        3,
        1,
        f"{ctx.einrichtung} · Stichtag {datum(ctx.stichtag)} · aktualisiert am "
        f"{ctx.checked_at:%d.%m.%Y %H:%M}",
        "bold",
    )
    sheet.put(4, 1, EXPLAIN[0], "note")
    sheet.put(5, 1, EXPLAIN[1], "note")
    sheet.merges += ["A4:H4", "A5:H5"]
    sheet.merges.append("A2:H2")
    first, last = HEADER_ROW + 1, HEADER_ROW + max(1, len(plan.entries) + len(plan.loose_rows))
    _table(sheet, plan, ctx)
    _summary(sheet, plan, ctx, first, last)
    _projection(sheet, projection)
    return sheet


# ---------------------------------------------------------------------- the table


def _table(sheet: SheetSpec, plan: Plan, ctx: Context) -> None:
    extra_col = {i: len(COLUMNS) + 1 + i for i in range(len(plan.extra_headers))}
    for col, column in enumerate(COLUMNS, start=1):
        sheet.put(HEADER_ROW, col, column.header, "header")
    for i, header in enumerate(plan.extra_headers):
        sheet.put(HEADER_ROW, extra_col[i], header, "header")
        sheet.widths[extra_col[i]] = 16
    today = ctx.checked_at.date()
    for row, entry in enumerate(plan.entries, start=HEADER_ROW + 1):
        for col, column in enumerate(COLUMNS, start=1):
            if column.kind == FORMULA:
                sheet.put(row, col, _formula(column.field, row, entry, today, ctx.params), column.style)
                continue
            value = _value(entry, column.field)
            style = FORM_STYLE.get(column.style, column.style) if column.kind == FORM else column.style
            if value is not None or column.kind == FORM or column.field in entry.formulas:
                sheet.put(row, col, _typed(entry, column.field, value, row, col), _typed_style(value, style))
        for i, col in extra_col.items():
            value = entry.extra.get(i)
            if value is not None or i in entry.formulas:
                sheet.put(row, col, _typed(entry, i, value, row, col), _typed_style(value, "text"))
    by_slot: dict[Slot, int] = {c.header: i for i, c in enumerate(COLUMNS, start=1)}
    by_slot.update(extra_col.items())
    below = HEADER_ROW + len(plan.entries)
    for row, loose in enumerate(plan.loose_rows, start=below + 1):
        for slot, value in loose.items():
            if slot in by_slot:
                sheet.put(row, by_slot[slot], value, _typed_style(value, "text"))
            # a header that is gone (a column people removed) has no place left: never happens
            # for rows read from the sheet, whose headers are all kept in `extra_headers`.
    last = HEADER_ROW + len(plan.entries) + len(plan.loose_rows)
    if last > HEADER_ROW:
        _rules(sheet, last, len(COLUMNS) + len(extra_col))


def _value(entry: Entry, field: str) -> Scalar:
    if field == "kennung":
        return entry.key
    if field == "pruefwert":
        return grey_checksum({f: _value(entry, f) for f in GREY_FIELDS})
    if field == "meldung":
        return entry.meldung_text
    return entry.form.get(field) if field in entry.form else entry.manual.get(field)


def _typed(entry: Entry, slot: Slot, value: Scalar, row: int, col: int) -> Scalar | Formula:
    """What a person typed: a formula stays a formula, moved with its row as Excel would."""
    typed = entry.formulas.get(slot)
    if typed is None:
        return value
    return Formula(move_formula(typed.text, typed.origin, ref(row, col)), value)


def _typed_style(value: Scalar, style: str) -> str:
    """Dates keep a date format in any column; everything else the column's style."""
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date) and "date" not in style:
        return "date"
    return style


def _formula(field: str, row: int, entry: Entry, today: date, params: Parameters) -> Formula:
    cell = {f: f"{letter(f)}{row}" for f in ("meldung", "letztes", "beginn", "ende", "termin", "faellig")}
    active = f'{cell["meldung"]}<>"{IN_FORM}"'
    if field == "faellig":
        due = next_due(entry, params)
        formula = nested_if(
            [
                (active, '""'),
                (f"ISNUMBER({cell['letztes']})", f"EDATE({cell['letztes']},{params.gespraech_monate})"),
                (f"ISNUMBER({cell['beginn']})", f"EDATE({cell['beginn']},{params.erstgespraech_monate})"),
            ],
            '""',
        )
        return Formula(formula, due or "")
    if field == "einladung":
        lead = params.einladung_tage
        formula = nested_if(
            [
                (active, '""'),
                (f"ISNUMBER({cell['termin']})", f"INT({cell['termin']})-{lead}"),
                (f"ISNUMBER({cell['faellig']})", f"{cell['faellig']}-{lead}"),
            ],
            '""',
        )
        return Formula(formula, invitation_deadline(entry, params) or "")
    due_cell = cell["faellig"]
    formula = nested_if(
        [
            (active, f'"{AUSGESCHIEDEN}"'),
            (f"IF(ISNUMBER({cell['ende']}),{cell['ende']}<TODAY(),FALSE)", f'"{BEENDET}"'),
            (f"IF(ISNUMBER({cell['termin']}),INT({cell['termin']})>=TODAY(),FALSE)", f'"{GEPLANT}"'),
            (f"NOT(ISNUMBER({due_cell}))", '""'),
            (f"{due_cell}<TODAY()", f'IF(ISNUMBER({cell["letztes"]}),"{UEBERFAELLIG}","{KEIN_GESPRAECH}")'),
            (f"{due_cell}-TODAY()<={SOON_DAYS}", f'"{BALD}"'),
        ],
        f'"{OK}"',
    )
    return Formula(formula, ampel(entry, today, params))


def _rules(sheet: SheetSpec, last: int, width: int) -> None:
    first = HEADER_ROW + 1
    for column in COLUMNS:
        if column.kind != MANUAL:
            continue
        span = f"{letter(column.field)}{first}:{letter(column.field)}{last}"
        if column.options:
            sheet.validations.append(Validation(span, column.options))
        elif column.style in ("date", "datetime"):
            sheet.validations.append(Validation(span, prompt="Datum, z. B. 15.03.2027 10:00"))
    lights = f"{letter('ampel')}{first}:{letter('ampel')}{last}"
    m = f"${letter('ampel')}{first}"
    for text, color in ((UEBERFAELLIG, "rot"), (BALD, "gelb"), (GEPLANT, "blau"), (OK, "gruen")):
        sheet.highlights.append(Highlight(lights, f'{m}="{text}"', color))
    due = f"{letter('faellig')}{first}"
    talk = f"{letter('letztes')}{first}"
    sheet.highlights.append(
        Highlight(
            f"{due}:{letter('faellig')}{last}", f"AND(ISNUMBER({due}),{due}<TODAY(),ISNUMBER({talk}))", "rot"
        )
    )
    sheet.highlights.append(
        Highlight(f"A{first}:{ref(last, width)}", f'LEFT(${letter("meldung")}{first},5)="nicht"', "grau")
    )


# ---------------------------------------------------------------------- summary and projection


def _summary(sheet: SheetSpec, plan: Plan, ctx: Context, first: int, last: int) -> None:
    def span(field: str) -> str:
        return f"${letter(field)}${first}:${letter(field)}${last}"

    summary = summarize(plan.entries, ctx.checked_at.date(), ctx.params)
    active = f'({span("meldung")}="{IN_FORM}")'
    rows: list[tuple[str, str, int]] = [
        ("Gespräche überfällig", f'COUNTIF({span("ampel")},"{UEBERFAELLIG}")', summary.ueberfaellig),
        ("fällig in 30 Tagen", f'COUNTIF({span("ampel")},"{BALD}")', summary.bald),
        ("geplant", f'COUNTIF({span("ampel")},"{GEPLANT}")', summary.geplant),
        (
            "noch kein Gespräch erfasst",
            f'COUNTIF({span("ampel")},"{KEIN_GESPRAECH}")',
            summary.ohne_gespraech,
        ),
        (
            "geführt in diesem Jahr",
            f'COUNTIFS({span("letztes")},">="&DATE(YEAR(TODAY()),1,1),{span("letztes")},"<"&(TODAY()+1))',
            summary.gefuehrt_im_jahr,
        ),
    ]
    for field, label in (
        ("fb_fachlich", "fachlich"),
        ("fb_sozial", "sozial"),
        ("fb_methodisch", "methodisch"),
    ):
        rows.append(
            (
                f"Fortbildungsbedarf {label}",
                f'COUNTIFS({span(field)},"ja",{span("meldung")},"{IN_FORM}")',
                summary.fortbildung[label],
            )
        )
    rows.append(
        (
            "Fortbildungswünsche (Freitext)",
            f"SUMPRODUCT({active}*(LEN({span('fb_freitext')})>0))",
            summary.fortbildung["freitext"],
        )
    )
    rows.append(
        (
            "Potenzialträger*innen (FOKUS)",
            f'SUMPRODUCT({active}*({span("perspektive")}="{POTENZIAL}"))',
            summary.potenzial,
        )
    )
    leader = (
        f'(({span("perspektive")}="{NEUE_LEITUNG}")+ISNUMBER(SEARCH("leitung",{span("funktion")}))'
        f"*ISNUMBER({span('beginn')})*({span('beginn')}>=EDATE(TODAY(),-12))>0)"
    )
    rows.append(
        (
            "neue Leitungen ohne Mentor*in",
            f"SUMPRODUCT({active}*(LEN({span('mentor')})=0)*{leader})",
            summary.neue_leitung_ohne_mentor,
        )
    )
    sheet.put(6, 1, "Übersicht", "section")
    for offset, (label, text, cached) in enumerate(rows):
        sheet.put(7 + offset, 1, label)
        sheet.put(7 + offset, 2, Formula(text, cached), "result_text")
    hint_row = 7 + len(rows)
    last_row = hint_row - 1
    sheet.put(
        hint_row,
        1,
        Formula(f'IF(B{last_row}>0,"{FOKUS_HINT}","")', FOKUS_HINT if rows[-1][2] else ""),
        "hinweis",
    )
    notes = [n for n in (unreadable_note(plan) if plan.unreadable else "", odd_days_note(plan)) if n]
    for offset, note in enumerate(notes, start=1):
        sheet.put(hint_row + offset, 1, note, "warnung")


def odd_days_note(plan: Plan) -> str:
    """Talks planned on a weekend or a public holiday (Brandenburg), so nobody misses them."""
    odd = odd_appointments(plan.entries)
    if not odd:
        return ""
    listed = "; ".join(f"{name}: {moment:%d.%m.%Y} ({why})" for name, moment, why in odd[:4])
    more = f" und {len(odd) - 4} weitere" if len(odd) > 4 else ""
    return f"Termin an einem Wochenende oder Feiertag – bitte prüfen: {listed}{more}."


def unreadable_note(plan: Plan) -> str:
    """Texts in the date columns that are no date: they count nowhere until corrected."""
    names = {e.key: str(e.form.get("name") or e.key) for e in plan.entries}
    listed = "; ".join(
        f"{names.get(key, key)}: „{column}“ = „{text}“" for key, column, text in plan.unreadable[:4]
    )
    more = f" und {len(plan.unreadable) - 4} weitere" if len(plan.unreadable) > 4 else ""
    return (
        f"Kein Datum erkannt in {len(plan.unreadable)} Einträgen ({listed}{more}) – bitte als TT.MM.JJJJ "
        "(mit Uhrzeit: TT.MM.JJJJ HH:MM) eintragen; bis dahin zählen sie nicht."
    )


PLANNED_NOTE = (
    "„falls beschlossen“: mit den angekündigten, noch nicht beschlossenen Regeln (z. B. Krippe 1 : 4); "
    "sie ändern keine Bewertung."
)


def _projection(sheet: SheetSpec, projection: list[Point]) -> None:
    col = COL["beginn"]
    sheet.put(6, col, "Vorschau 12 Monate (aus den Daten der Meldung; Plätze wie gemeldet)", "section")
    sheet.put_row(
        7,
        ["Datum", "Fachkraftquote", "Deckungsgrad", "Änderungen", "falls beschlossen: Quote / Deckung"],
        "header",
        first_col=col,
    )
    for offset, point in enumerate(projection):
        row = 8 + offset
        sheet.put(row, col, point.day, "date")
        quota_style = "percent" if point.quota_ok is not False else "fehler_percent"
        cover_style = "percent" if point.coverage_ok is not False else "fehler_percent"
        sheet.put(
            row,
            col + 1,
            float(point.fachkraftquote) if point.fachkraftquote is not None else "–",
            quota_style,
        )
        sheet.put(
            row, col + 2, float(point.deckungsgrad) if point.deckungsgrad is not None else "–", cover_style
        )
        sheet.put(row, col + 3, "; ".join(point.changes) or None, "wrap")
        if point.if_enacted is not None:
            quota, coverage = point.if_enacted
            sheet.put(row, col + 4, f"{percent(quota)} / {percent(coverage)}", "wrap")
    if any(point.if_enacted is not None for point in projection):
        sheet.put(8 + len(projection), col + 4, PLANNED_NOTE, "hinweis")
