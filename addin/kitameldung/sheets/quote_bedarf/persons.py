"""One line per row of the staff table: what the formulas read and count. Anchors the ranges
"gruppe", "zaehlt", "paed", "leitung_hours", "ausbildung", "beschaeftigt"."""

from __future__ import annotations

from datetime import date

from kitameldung.evaluation.kitapersv import in_training
from kitameldung.form.values import HOURS_PER_WEEK
from kitameldung.model import Person
from kitameldung.sheets import formulas as fx
from kitameldung.sheets.quote_bedarf.context import STICHTAG, Context
from kitameldung.sheets.quote_bedarf.tables import group_code
from kitameldung.sheets.spec import Formula, Link, Scalar

HEADER = [
    "Name",
    "Zeile",
    "belegt",
    "Gruppe",
    "Beginn",
    "Ende",
    "zählt",
    "päd. Std.",
    "Leitung Std.",
    "in Ausbildung (1: zählt nicht)",
    "beschäftigt",
]
RANGES = {
    "gruppe": "D",
    "zaehlt": "G",
    "paed": "H",
    "leitung_hours": "I",
    "ausbildung": "J",
    "beschaeftigt": "K",
}


def persons_block(ctx: Context) -> None:
    meldung = ctx.meldung
    ctx.section(f"Berechnung je Zeile der Personaltabelle (Blatt „{meldung.sheet}“)")
    ctx.header(HEADER)
    layout = meldung.layout
    columns = layout.staff_columns
    persons = {p.row: p for p in meldung.persons or ()}
    first = ctx.row
    # Only the rows that hold a person: the empty numbered rows of the form print as nothing.
    # (A person typed into an empty row counts in these formulas from the next refresh on.)
    rows = sorted(persons) if layout.staff_rows else []
    tables = {k: ctx.anchors[f"table:{k}"] for k in ("zuordnung", "dates", "numbers")}
    for form_row in rows:
        r = ctx.row

        def cell(name: str, form_row: int = form_row) -> str | None:
            return ctx.form_cell(f"{columns[name]}{form_row}") if name in columns else None

        person = persons.get(form_row)
        training = bool(
            person is not None
            and not ctx.params.auszubildende_anrechnen
            and in_training(person, ctx.result.settings.qualifications)
        )
        cached = person_cache(person, meldung.stichtag, ctx.staffing is not None, training)
        name, vorname = cell("name"), cell("vorname")
        present = [f"LEN(TRIM({c}))>0" for c in (name, vorname) if c]
        flag = f"IF(OR({','.join(present)}),1,0)" if present else "0"
        put = ctx.sheet.put
        put(r, 1, Formula(_name_formula(name, vorname, f"$C{r}"), cached["name"]))
        put(r, 2, form_row, "link", Link(meldung.sheet, f"A{form_row}"))
        put(r, 3, Formula(flag, cached["flag"]))
        group = fx.lookup_text(cell("zuordnung"), tables["zuordnung"])
        put(r, 4, Formula(f'IF($C{r}=1,{group},"")', cached["gruppe"]))
        put(
            r,
            5,
            Formula(f'IF($C{r}=1,{fx.day(cell("beginn"), tables["dates"])},"")', cached["beginn"]),
            "date",
        )
        put(r, 6, Formula(f'IF($C{r}=1,{fx.day(cell("ende"), tables["dates"])},"")', cached["ende"]), "date")
        employed = (
            f'IF(AND(ISNUMBER({STICHTAG}),$C{r}=1,OR($D{r}="F",$D{r}="E"),'
            f'OR($E{r}="",$E{r}<={STICHTAG}),OR($F{r}="",$F{r}>={STICHTAG})),1,0)'
        )
        # In training and employed on the Stichtag (with or without a readable Zuordnung): listed,
        # not counted — the core's `in_ausbildung`.
        trainee_now = bool(
            training and person is not None and meldung.stichtag and person.counts_on(meldung.stichtag)
        )
        dated = f'OR($E{r}="",$E{r}<={STICHTAG}),OR($F{r}="",$F{r}>={STICHTAG})'
        put(
            r,
            10,
            Formula(
                f"IF(AND(ISNUMBER({STICHTAG}),{1 if training else 0}=1,$C{r}=1,{dated}),1,0)",
                1 if trainee_now else 0,
            ),
        )
        put(r, 11, Formula(employed, cached["beschaeftigt"]))
        put(r, 7, Formula(f"IF(AND($K{r}=1,$J{r}<>1),1,0)", cached["zaehlt"]))
        for col, name_ in ((8, "paed_stunden"), (9, "leitungsstunden")):
            hours = fx.number(cell(name_), tables["numbers"], HOURS_PER_WEEK)
            put(r, col, Formula(f"IF($G{r}=1,{hours},0)", cached["paed" if col == 8 else "leitung"]))
        ctx.row += 1
    last = max(ctx.row - 1, first)
    for key, letter in RANGES.items():
        ctx.anchors[key] = f"${letter}${first}:${letter}${last}"


def _name_formula(name: str | None, vorname: str | None, flag: str) -> str:
    """ "Name, Vorname" as the reader joins two columns, or the one name column."""
    if name and vorname:
        joined = (
            f'IF(LEN(TRIM({vorname}))=0,TRIM({name}&""),IF(LEN(TRIM({name}))=0,TRIM({vorname}&""),'
            f'TRIM({name}&"")&", "&TRIM({vorname}&"")))'
        )
    else:
        joined = f'TRIM({name or vorname}&"")'
    return f'IF({flag}=1,{joined},"")'


def person_cache(
    person: Person | None, stichtag: date | None, evaluated: bool, training: bool
) -> dict[str, Scalar]:
    """The values the per-row formulas compute, from the Python reader's view of the row."""
    if person is None:
        return {
            "name": "",
            "flag": 0,
            "gruppe": "",
            "beginn": "",
            "ende": "",
            "zaehlt": 0,
            "beschaeftigt": 0,
            "paed": 0,
            "leitung": 0,
        }
    zuordnung = person.zuordnung
    gruppe = group_code(zuordnung.value.gruppe) if zuordnung.value else ("?" if zuordnung.invalid else "")
    employed = bool(evaluated and stichtag and zuordnung.value and person.counts_on(stichtag))
    counts = employed and not training
    return {
        "name": person.name.value or "",
        "flag": 1,
        "gruppe": gruppe,
        "beginn": person.beginn.value or "",
        "ende": person.ende.value or "",
        "zaehlt": 1 if counts else 0,
        "beschaeftigt": 1 if employed else 0,
        "paed": float(person.paed_stunden.value or 0) if counts else 0,
        "leitung": float(person.leitungsstunden.value or 0) if counts else 0,
    }
