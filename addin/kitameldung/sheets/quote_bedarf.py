"""Sheet `Quote & Bedarf`: Soll, Ist, Deckungsgrad and Fachkraftquote as live native formulas on
the form's own cells, with the rule rows and assumptions they use visible on the page.

Every formula carries the Python core's result as cached value; the tests recalculate the sheet
in LibreOffice and require the same numbers, also after input cells of the form were edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from kitameldung.checks.formatting import (
    ERFUELLT,
    NICHT_BERECHENBAR,
    NICHT_ERFUELLT,
    READING_NOTES,
    READINGS,
    not_yet,
    verdict_text,
)
from kitameldung.evaluation import Staffing
from kitameldung.evaluation.kitapersv import in_training
from kitameldung.evaluation.staffing import exact_float, factors
from kitameldung.form.values import HOURS_PER_WEEK, MAX_PLACES
from kitameldung.model import AGE_GROUPS, Gruppe, Meldung, Person, Value, Zuordnung
from kitameldung.pipeline import Result
from kitameldung.sheets import formulas as fx
from kitameldung.sheets.common import OVERWRITE_NOTE, assumptions, pruefstand
from kitameldung.sheets.spec import Formula, Link, Scalar, SheetSpec, quote_sheet

KEY = "quote"
GROUP_TITLES = {"krippe": "Krippe", "kindergarten": "Kindergarten", "hort": "Hort"}
DASH = "–"
RESULTS_END = 26  # the last row of the results block
TOLERANCE = "1E-9"  # the core's tolerance at the legal thresholds


def _num(value: Fraction | float | None) -> Scalar:
    return DASH if value is None else float(value)


@dataclass
class _Tables:
    """Text → value lookup tables: exactly the texts found in the form."""

    zuordnung: dict[str, str]
    dates: dict[str, date]
    numbers: dict[str, float]


def _texts(values: list[Value[Any]]) -> dict[str, object]:
    """Cells holding text the reader understood, keyed by that exact text."""
    return {v.raw: v.value for v in values if isinstance(v.raw, str) and v.value is not None}


def _collect(meldung: Meldung) -> _Tables:
    persons = meldung.persons or ()
    stichtag = meldung.header.get("stichtag")
    places = list((meldung.places or {}).values())
    zuordnung = _texts([p.zuordnung for p in persons])
    dates = _texts([v for p in persons for v in (p.beginn, p.ende)] + ([stichtag] if stichtag else []))
    numbers = _texts(
        [v for p in persons for v in (p.paed_stunden, p.leitungsstunden)]
        + [v for pl in places for v in (pl.short, pl.long)]
    )
    return _Tables(
        {text: _group_code(z.gruppe) for text, z in zuordnung.items() if isinstance(z, Zuordnung)},
        {text: d for text, d in dates.items() if isinstance(d, date)},
        {text: float(n) for text, n in numbers.items() if isinstance(n, (int, float))},
    )


def _group_code(gruppe: Gruppe) -> str:
    return "F" if gruppe is Gruppe.FACHKRAFT else "E"


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


class _Builder:
    def __init__(self, result: Result, name: str) -> None:
        assert result.meldung is not None
        self.result = result
        self.meldung: Meldung = result.meldung
        self.staffing: Staffing | None = result.staffing
        self.params = result.settings.params
        self.rules = result.settings.rules
        self.sheet = SheetSpec(
            KEY,
            name,
            widths={
                1: 34,
                2: 16,
                3: 16,
                4: 14,
                5: 14,
                6: 14,
                7: 10,
                8: 10,
                9: 12,
                10: 40,
                11: 3,
                12: 34,
                13: 14,
            },
        )
        self.sheet.tab_color = "1F6FB2"
        self.form = quote_sheet(self.meldung.sheet) + "!"
        self.row = 1

    # ------------------------------------------------------------------ helpers

    def form_cell(self, address: str | None) -> str | None:
        return f"{self.form}{address}" if address else None

    def in_force_mark(self, r: int, col: int, last: bool, applied: bool) -> None:
        """ "◄" beside the row of a dated table (dates in column A) in force on the Stichtag."""
        st = self.stichtag_ref
        until = "" if last else f",{st}<A{r + 1}"
        formula = f'IF(AND(ISNUMBER({st}),{st}>=A{r}{until}),"◄","")'
        self.sheet.put(r, col, Formula(formula, "◄" if applied else ""), "bold")

    def section(self, title: str) -> None:
        self.row += 1
        self.sheet.put(self.row, 1, title, "section")
        self.row += 1

    def header(self, titles: list[str]) -> None:
        self.sheet.put_row(self.row, [t or None for t in titles], "header")
        self.row += 1

    # ------------------------------------------------------------------ sheet

    def build(self) -> SheetSpec:
        sheet = self.sheet
        sheet.put(1, 1, "Quote & Bedarf – Personalbemessung und Fachkraftquote", "title")
        sheet.put(
            2,
            1,
            f"Die Formeln rechnen mit den Zellen des Blatts „{self.meldung.sheet}“ und rechnen in Excel auch "
            "ohne kitameldung weiter, wenn dort Stunden, Zuordnungen, Daten oder Plätze geändert werden. "
            + OVERWRITE_NOTE,
            "note",
        )
        sheet.merges.append("A2:J2")
        sheet.put(3, 1, f"Regeln: {pruefstand(self.rules)}", "aside")
        # Results (rows 4 to 26) reference the blocks below them and the text tables to the
        # right (columns L:M); lay those out first, then fill in the results.
        self.tables = self.tables_block()
        self.row = RESULTS_END + 2
        places = self.places_block()
        keys = self.keys_block()
        leitung = self.leitung_block()
        self.quota_block()
        margin = self.margin_block()
        params = self.parameters_block()
        persons = self.persons_block()
        self.results_block(
            places,
            keys,
            leitung,
            self.quota_formula(params),
            self.margin_formula(margin, params),
            params,
            persons,
        )
        return sheet

    # Reference cells each block exposes to the formulas of the others.
    stichtag_ref = "$B$6"

    def results_block(
        self,
        places: str,
        keys: tuple[str, str],
        leitung: str,
        quota: str,
        margin: str,
        params: dict[str, str],
        persons: dict[str, str],
    ) -> None:
        s, st = self.staffing, self.stichtag_ref
        put = self.sheet.put
        put(4, 1, "Ergebnis", "section")
        self.sheet.put_row(5, ["Kennzahl", "Wert", "Erläuterung"], "header")
        rows = {}

        def line(
            row: int, key: str, label: str, formula: str, cached: Scalar, style: str, note: str = ""
        ) -> None:
            put(row, 1, label, "bold")
            put(row, 2, Formula(formula, cached), style)
            if note:
                put(row, 3, note, "note")
            rows[key] = f"$B${row}"

        stichtag = self.meldung.header.get("stichtag")
        cell = self.form_cell(stichtag.cell if stichtag else None)
        line(
            6,
            "stichtag",
            "Stichtag",
            fx.day(cell, self.tables["dates"]),
            self.meldung.stichtag or "",
            "date",
            "aus dem Formular",
        )
        soll_note = "Σ belegte Plätze × Faktor (Tabelle unten)"
        line(
            7,
            "soll",
            "Soll Betreuung (VZÄ)",
            f'IF(ISNUMBER({keys[0]}),{places},"{DASH}")',
            _num(s.soll_betreuung_vzae) if s else DASH,
            "result",
            soll_note,
        )
        line(
            8,
            "ist_fach",
            "Ist Fachkräfte §§ 9–11 (VZÄ)",
            f'IF(ISNUMBER({st}),SUMIF({persons["gruppe"]},"F",{persons["paed"]})/{params["vollzeit_stunden"]},"{DASH}")',
            _num(s.ist_fachkraft_vzae) if s else DASH,
            "number",
            "päd. Stunden gezählter Fachkräfte ÷ Vollzeit",
        )
        line(
            9,
            "ist_erg",
            "Ist Ergänzungskräfte § 12 (VZÄ)",
            f'IF(ISNUMBER({st}),SUMIF({persons["gruppe"]},"E",{persons["paed"]})/{params["vollzeit_stunden"]},"{DASH}")',
            _num(s.ist_ergaenzung_vzae) if s else DASH,
            "number",
        )
        line(
            10,
            "ist",
            "Ist Betreuung (VZÄ)",
            f'IF(ISNUMBER({st}),$B$8+$B$9,"{DASH}")',
            _num(s.ist_betreuung_vzae) if s else DASH,
            "result",
        )
        line(
            11,
            "deckung",
            "Deckungsgrad (Ist ÷ Soll)",
            f'IF(AND(ISNUMBER($B$7),ISNUMBER($B$10)),IF($B$7>0,$B$10/$B$7,"{DASH}"),"{DASH}")',
            _num(s.deckungsgrad) if s else DASH,
            "result_percent",
        )
        coverage = s.coverage_ok() if s else None
        line(
            12,
            "deckung_ok",
            "Personalbemessung",
            f'IF(ISNUMBER($B$11),IF($B$11>=1-$B$20-{TOLERANCE},"{ERFUELLT}","{NICHT_ERFUELLT}"),"{NICHT_BERECHENBAR}")',
            _status(coverage),
            "result_text",
            "KitaG § 10 Abs. 1; Ist ≥ Soll × (1 − Dispositionsspielraum)",
        )
        line(
            13,
            "quote",
            "Fachkraftquote (Fachkräfte ÷ Ist)",
            f'IF(ISNUMBER($B$10),IF($B$10>0,$B$8/$B$10,"{DASH}"),"{DASH}")',
            _num(s.fachkraftquote) if s else DASH,
            "result_percent",
        )
        line(
            14,
            "quote_min",
            "Mindest-Fachkraftquote",
            quota,
            _num(s.fachkraftquote_min) if s else DASH,
            "percent",
            "Regelstand oder Annahme (unten)",
        )
        since = self.rules.kitapersv
        before_kitapersv = f"AND(ISNUMBER({st}),{st}<DATE({since.year},{since.month},{since.day}))"
        quota_status = (
            _status(s.quota_ok()) if s and s.kitapersv else (not_yet(since) if s else _status(None))
        )
        line(
            15,
            "quote_ok",
            "Fachkraftquote",
            f'IF({before_kitapersv},"{not_yet(since)}",IF(AND(ISNUMBER($B$13),ISNUMBER($B$14)),'
            f'IF($B$13>=$B$14-{TOLERANCE},"{ERFUELLT}","{NICHT_ERFUELLT}"),"{NICHT_BERECHENBAR}"))',
            quota_status,
            "result_text",
            "§ 15 KitaPersV",
        )
        line(
            16,
            "quote_soll",
            "Fachkraftquote bezogen auf Soll (Information)",
            f'IF(ISNUMBER($B$7),IF($B$7>0,$B$8/$B$7,"{DASH}"),"{DASH}")',
            _num(s.fachkraftquote_soll) if s else DASH,
            "percent",
        )
        line(
            17,
            "leitung_soll",
            "Soll Leitungsanteil (VZÄ)",
            leitung,
            _num(s.soll_leitung_vzae) if s else DASH,
            "number",
            "Grundanteil + Band (Tabelle unten)",
        )
        line(
            18,
            "leitung_ist",
            "Ist Leitung (VZÄ)",
            f'IF(ISNUMBER({st}),SUM({persons["leitung"]})/{params["vollzeit_stunden"]},"{DASH}")',
            _num(s.ist_leitung_vzae) if s else DASH,
            "number",
            "Leitungsstunden gezählter Personen ÷ Vollzeit",
        )
        line(
            19,
            "personen",
            "gezählte Personen",
            f"SUM({persons['zaehlt']})",
            s.personen_gezaehlt if s else 0,
            "text",
            "am Stichtag beschäftigt, mit Zuordnung, nicht in Ausbildung",
        )
        line(
            20,
            "spielraum",
            "Dispositionsspielraum (angewandt)",
            margin,
            _num(s.dispositionsspielraum) if s else DASH,
            "percent",
            "Regelstand nach Stichtag (Tabelle unten) oder Annahme",
        )
        line(
            21,
            "anrechenbar",
            "anrechenbar nach Soll-Anrechnung (VZÄ)",
            f'IF(ISNUMBER($B$7),IF(ISNUMBER($B$14),$B$8+MIN($B$9,(1-$B$14)*$B$7),$B$10),"{DASH}")',
            _num(s.anrechenbar_vzae) if s else DASH,
            "number",
            "Fachkräfte + Ergänzungskräfte höchstens bis (1 − Mindestquote) × Soll",
        )
        line(
            22,
            "lesart_ist",
            f"Ergebnis {READINGS['ist']}",
            f'IF($B$12="{NICHT_BERECHENBAR}","{NICHT_BERECHENBAR}",'
            f'IF(AND($B$12="{ERFUELLT}",$B$15<>"{NICHT_ERFUELLT}"),"{ERFUELLT}","{NICHT_ERFUELLT}"))',
            _status(s.verdict("ist") if s else None),
            "result_text",
            READING_NOTES["ist"],
        )
        line(
            23,
            "lesart_soll",
            f"Ergebnis {READINGS['soll_anrechnung']}",
            f"IF(AND(ISNUMBER($B$21),ISNUMBER($B$7)),IF($B$7>0,IF($B$21>=$B$7*(1-$B$20)-{TOLERANCE}*$B$7,"
            f'"{ERFUELLT}","{NICHT_ERFUELLT}"),$B$12),$B$12)',
            _status(s.verdict("soll_anrechnung") if s else None),
            "result_text",
            READING_NOTES["soll_anrechnung"],
        )
        line(
            24,
            "lesarten",
            "Lesarten der Fachkraftquote",
            f'IF($B$22=$B$23,"{SAME}","{DIFFERENT}")',
            DIFFERENT if s and s.readings_differ else SAME,
            "result_text",
            "§ 15 KitaPersV ist nicht abschließend geklärt (Parameter fachkraftquote_basis)",
        )
        put(25, 1, "angewandte Lesart", "bold")
        put(25, 2, READINGS[self.params.fachkraftquote_basis])
        line(
            26,
            "ausbildung",
            "in Ausbildung, nicht gezählt",
            f"SUMIFS({persons['beschaeftigt']},{persons['ausbildung']},1)",
            s.in_ausbildung if s else 0,
            "text",
            "Auszubildende, Praktikant*innen (Parameter auszubildende_anrechnen)",
        )

    def places_block(self) -> str:
        """Belegte Plätze × factors; returns the formula of the Soll sum."""
        self.section("Belegte Plätze und Soll Betreuung")
        self.header(
            [
                "Altersgruppe",
                "bis 6 Std. (Hort: bis 4)",
                "über 6 Std. (Hort: über 4)",
                "Faktor kurz",
                "Faktor lang",
                "Soll (VZÄ)",
            ]
        )
        # Factors need the key cells, which the keys block fills in later: reserve them here.
        self.factor_rows: dict[str, int] = {}
        first = self.row
        cells = self.meldung.layout.places_cells
        places = self.meldung.places or {}
        for group in AGE_GROUPS:
            r = self.row
            self.factor_rows[group] = r
            self.sheet.put(r, 1, GROUP_TITLES[group], "bold")
            group_cells = cells.get(group, {})
            for col, kind in ((2, "short"), (3, "long")):
                value = getattr(places[group], kind).value if group in places else None
                formula = fx.number(
                    self.form_cell(group_cells.get(kind)), self.tables["numbers"], MAX_PLACES, whole=True
                )
                link = Link(self.meldung.sheet, group_cells[kind]) if kind in group_cells else None
                self.sheet.put(r, col, Formula(formula, float(value or 0)), "text", link)
            self.row += 1
        total_row = self.row
        self.sheet.put(total_row, 1, "Summe", "bold")
        self.row += 1
        self.soll_cells = (first, total_row)
        return f"$F${total_row}"

    def keys_block(self) -> tuple[str, str]:
        """The dated key table and the key in force (VLOOKUP on the Stichtag); fills the factors."""
        self.section("Regelstand: Betreuungsschlüssel (Kinder je VZÄ), KitaG § 10 Abs. 1")
        self.header(["gültig ab", "Krippe N", "Kindergarten N", "angewandt", "", "", "", "", "", "Quelle"])
        first = self.row
        applied = self.staffing.key if self.staffing else None
        for key in self.rules.keys:
            r = self.row
            self.sheet.put(r, 1, key.valid_from, "date")
            self.sheet.put(r, 2, float(key.krippe))
            self.sheet.put(r, 3, float(key.kindergarten))
            self.in_force_mark(r, 4, key is self.rules.keys[-1], key == applied)
            self.sheet.put(r, 10, key.source, "note")
            self.row += 1
        table = f"$A${first}:$C${self.row - 1}"
        r = self.row
        self.sheet.put(r, 1, "angewandter Schlüssel", "bold")
        krippe = Formula(
            f'IFERROR(VLOOKUP({self.stichtag_ref},{table},2,TRUE),"{DASH}")',
            float(applied.krippe) if applied else DASH,
        )
        kindergarten = Formula(
            f'IFERROR(VLOOKUP({self.stichtag_ref},{table},3,TRUE),"{DASH}")',
            float(applied.kindergarten) if applied else DASH,
        )
        self.sheet.put(r, 2, krippe, "bold")
        self.sheet.put(r, 3, kindergarten, "bold")
        self.row += 1
        divisor = {"krippe": f"$B${r}", "kindergarten": f"$C${r}"}

        care = self.rules.care
        self.section("Faktoren je Kind (VZÄ-Anteil)")
        self.header(["", "kurz", "lang", "", "", "", "", "", "", "Quelle"])
        c = self.row
        self.sheet.put(c, 1, "Krippe und Kindergarten", "bold")
        self.sheet.put(c, 2, float(care.short))
        self.sheet.put(c, 3, float(care.long))
        self.sheet.put(c, 10, care.source, "note")
        self.sheet.put(c + 1, 1, f"Hort (je {float(care.hort_children):g} Kinder)", "bold")
        self.sheet.put(c + 1, 2, float(care.hort_short))
        self.sheet.put(c + 1, 3, float(care.hort_long))
        self.sheet.put(c + 1, 4, float(care.hort_children))
        self.row += 2

        places = self.meldung.places or {}
        total = Fraction(0)  # SUM skips the groups without a key, as the formula does
        for group, r_group in self.factor_rows.items():
            if group == "hort":
                f_short = f"$B${c + 1}/$D${c + 1}"
                f_long = f"$C${c + 1}/$D${c + 1}"
            else:
                f_short = f'IF(ISNUMBER({divisor[group]}),$B${c}/{divisor[group]},"{DASH}")'
                f_long = f'IF(ISNUMBER({divisor[group]}),$C${c}/{divisor[group]},"{DASH}")'
            exact = factors(group, applied, self.rules)
            p = places.get(group)
            short, long = (p.short.value or 0, p.long.value or 0) if p else (0, 0)
            soll = exact_float(short) * exact[0] + exact_float(long) * exact[1] if exact else None
            total += soll or 0
            self.sheet.put(r_group, 4, Formula(f_short, _num(exact[0] if exact else None)), "factor")
            self.sheet.put(r_group, 5, Formula(f_long, _num(exact[1] if exact else None)), "factor")
            formula = f'IF(ISNUMBER(D{r_group}),B{r_group}*D{r_group}+C{r_group}*E{r_group},"{DASH}")'
            self.sheet.put(r_group, 6, Formula(formula, _num(soll)), "number")
        first_group, sum_row = self.soll_cells
        self.sheet.put(sum_row, 6, Formula(f"SUM(F{first_group}:F{sum_row - 1})", float(total)), "result")
        return divisor["krippe"], divisor["kindergarten"]

    def leitung_block(self) -> str:
        """Leitung bands per dated row; returns the Soll Leitung formula."""
        self.section("Regelstand: Leitungsanteil (VZÄ), § 5 Abs. 2 KitaPersV")
        basis = "$B$7" if self.params.leitung_basis == "soll" else "$B$10"
        choices = []
        for row in self.rules.leitung:
            self.header(["gültig ab", "Grundanteil", "", "", "", "", "", "", "", "Quelle"])
            r = self.row
            self.sheet.put(r, 1, row.valid_from, "date")
            self.sheet.put(r, 2, float(row.base_share), "factor")
            self.sheet.put(r, 10, row.source, "note")
            self.row += 1
            self.header(["Basis bis (VZÄ)", "Anteil"])
            bands = []
            for band in row.bands:
                b = self.row
                self.sheet.put(b, 1, float(band.up_to) if band.up_to is not None else "darüber")
                self.sheet.put(b, 2, float(band.share), "factor")
                bands.append((f"{basis}<=$A${b}" if band.up_to is not None else "TRUE", f"$B${b}"))
                self.row += 1
            band_formula = fx.nested_if(bands[:-1], bands[-1][1])
            choices.append((f"{self.stichtag_ref}>=$A${r}", f"$B${r}+{band_formula}"))
        if not choices:
            return f'"{DASH}"'
        inner = fx.nested_if(list(reversed(choices)), f'"{DASH}"')
        return f'IF(AND(ISNUMBER({self.stichtag_ref}),ISNUMBER({basis})),{inner},"{DASH}")'

    def quota_block(self) -> None:
        self.section("Regelstand: Mindest-Fachkraftquote, § 15 KitaPersV")
        self.header(["gültig ab", "mindestens", "", "", "", "", "", "", "", "Quelle"])
        first = self.row
        for row in self.rules.quota:
            self.sheet.put(self.row, 1, row.valid_from, "date")
            self.sheet.put(self.row, 2, float(row.minimum), "percent")
            self.sheet.put(self.row, 10, row.source, "note")
            self.row += 1
        self.quota_table = f"$A${first}:$B${max(self.row - 1, first)}" if self.rules.quota else None

    def quota_formula(self, params: dict[str, str]) -> str:
        """The minimum quota: none before the KitaPersV 2023; then the configured override, else
        the dated row in force."""
        if "fachkraftquote_min" in params:
            inner = params["fachkraftquote_min"]
        elif self.quota_table is None:
            return f'"{DASH}"'
        else:
            inner = f'IFERROR(VLOOKUP({self.stichtag_ref},{self.quota_table},2,TRUE),"{DASH}")'
        since, st = self.rules.kitapersv, self.stichtag_ref
        return f'IF(AND(ISNUMBER({st}),{st}>=DATE({since.year},{since.month},{since.day})),{inner},"{DASH}")'

    def margin_block(self) -> str | None:
        """The dated Dispositionsspielraum; returns its table range."""
        self.section("Regelstand: Dispositionsspielraum (Ist darf das Soll um diesen Anteil unterschreiten)")
        self.header(["gültig ab", "Anteil", "angewandt", "", "", "", "", "", "", "Quelle"])
        first = self.row
        applied = self.rules.margin_for(self.meldung.stichtag) if self.meldung.stichtag else None
        rows = self.rules.margins
        for index, row in enumerate(rows):
            r = self.row
            self.sheet.put(r, 1, row.valid_from, "date")
            self.sheet.put(r, 2, float(row.share), "percent")
            self.in_force_mark(r, 3, index == len(rows) - 1, row == applied)
            self.sheet.put(r, 10, row.source, "note")
            self.row += 1
        return f"$A${first}:$B${self.row - 1}" if rows else None

    def margin_formula(self, table: str | None, params: dict[str, str]) -> str:
        """The Dispositionsspielraum: the configured override, else the dated row in force."""
        if "dispositionsspielraum" in params:
            inner = params["dispositionsspielraum"]
        else:
            inner = f"IFERROR(VLOOKUP({self.stichtag_ref},{table},2,TRUE),0)" if table else "0"
        return f'IF(ISNUMBER({self.stichtag_ref}),{inner},"{DASH}")'

    def parameters_block(self) -> dict[str, str]:
        self.section("Annahmen (Einstellungen; dauerhaft ändern über die Konfigurationsdatei)")
        used = {}
        for (title, shown), (name, value) in zip(
            assumptions(self.params, self.staffing), self.params.as_json().items()
        ):
            r = self.row
            self.sheet.put(r, 1, title)
            if name == "vollzeit_stunden" or (name == "dispositionsspielraum" and value is not None):
                self.sheet.put(r, 2, float(value))
                used[name] = f"$B${r}"
            elif name == "fachkraftquote_min" and value is not None:
                self.sheet.put(r, 2, float(value), "percent")
                used[name] = f"$B${r}"
            else:
                self.sheet.put(r, 2, shown)
            self.row += 1
        return used

    def tables_block(self) -> dict[str, str]:
        """The text-to-value tables formulas look up (see `formulas`), in columns L:M."""
        found = _collect(self.meldung)
        zuordnung = dict(STANDARD_ZUORDNUNG)
        zuordnung.update(found.zuordnung)
        put = self.sheet.put
        put(4, 12, "Umrechnung von Texteinträgen", "section")
        put(
            5,
            12,
            "Texte aus dem Formular und wie kitameldung sie liest (beim Aktualisieren ergänzt).",
            "note",
        )
        row = 7
        ranges = {}
        for key, title, entries, style in (
            ("zuordnung", "Zuordnung → Gruppe (F = Fachkraft, E = Ergänzungskraft)", zuordnung, "text"),
            ("dates", "Datum als Text → Datum", found.dates, "date"),
            ("numbers", "Zahl als Text → Zahl", found.numbers, "text"),
        ):
            put(row, 12, title, "header")
            put(row, 13, "gelesen als", "header")
            row += 1
            first = row
            for text, value in entries.items():
                put(row, 12, text)
                put(row, 13, value, style)
                row += 1
            if not entries:
                put(row, 12, "(keine)", "note")
                row += 1
            ranges[key] = f"$L${first}:$M${row - 1}"
            row += 1
        return ranges

    def persons_block(self) -> dict[str, str]:
        """One line per row of the staff table: what the formulas read and count."""
        self.section(f"Berechnung je Zeile der Personaltabelle (Blatt „{self.meldung.sheet}“)")
        self.header(
            [
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
        )
        layout = self.meldung.layout
        columns = layout.staff_columns
        persons = {p.row: p for p in self.meldung.persons or ()}
        stichtag = self.meldung.stichtag
        first = self.row
        rows = range(layout.staff_rows[0], layout.staff_rows[1] + 1) if layout.staff_rows else range(0)
        st, tables = self.stichtag_ref, self.tables
        for form_row in rows:
            r = self.row

            def cell(field: str, form_row: int = form_row) -> str | None:
                return self.form_cell(f"{columns[field]}{form_row}") if field in columns else None

            name, vorname = cell("name"), cell("vorname")
            present = [f"LEN(TRIM({c}))>0" for c in (name, vorname) if c]
            flag = f"IF(OR({','.join(present)}),1,0)" if present else "0"
            person = persons.get(form_row)
            training = bool(
                person is not None
                and not self.params.auszubildende_anrechnen
                and in_training(person, self.result.settings.qualifications)
            )
            cached = _person_cache(person, stichtag, self.staffing is not None, training)
            self.sheet.put(r, 1, Formula(_name_formula(name, vorname, f"$C{r}"), cached["name"]))
            self.sheet.put(r, 2, form_row, "link", Link(self.meldung.sheet, f"A{form_row}"))
            self.sheet.put(r, 3, Formula(flag, cached["flag"]))
            self.sheet.put(
                r,
                4,
                Formula(
                    f'IF($C{r}=1,{fx.lookup_text(cell("zuordnung"), tables["zuordnung"])},"")',
                    cached["gruppe"],
                ),
            )
            self.sheet.put(
                r,
                5,
                Formula(f'IF($C{r}=1,{fx.day(cell("beginn"), tables["dates"])},"")', cached["beginn"]),
                "date",
            )
            self.sheet.put(
                r,
                6,
                Formula(f'IF($C{r}=1,{fx.day(cell("ende"), tables["dates"])},"")', cached["ende"]),
                "date",
            )
            employed = (
                f'IF(AND(ISNUMBER({st}),$C{r}=1,OR($D{r}="F",$D{r}="E"),'
                f'OR($E{r}="",$E{r}<={st}),OR($F{r}="",$F{r}>={st})),1,0)'
            )
            self.sheet.put(r, 10, 1 if training else 0)
            self.sheet.put(r, 11, Formula(employed, cached["beschaeftigt"]))
            self.sheet.put(r, 7, Formula(f"IF(AND($K{r}=1,$J{r}<>1),1,0)", cached["zaehlt"]))
            self.sheet.put(
                r,
                8,
                Formula(
                    f"IF($G{r}=1,{fx.number(cell('paed_stunden'), tables['numbers'], HOURS_PER_WEEK)},0)",
                    cached["paed"],
                ),
            )
            self.sheet.put(
                r,
                9,
                Formula(
                    f"IF($G{r}=1,{fx.number(cell('leitungsstunden'), tables['numbers'], HOURS_PER_WEEK)},0)",
                    cached["leitung"],
                ),
            )
            self.row += 1
        last = max(self.row - 1, first)
        return {
            "gruppe": f"$D${first}:$D${last}",
            "zaehlt": f"$G${first}:$G${last}",
            "paed": f"$H${first}:$H${last}",
            "leitung": f"$I${first}:$I${last}",
            "ausbildung": f"$J${first}:$J${last}",
            "beschaeftigt": f"$K${first}:$K${last}",
        }


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


def _person_cache(
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
    gruppe = _group_code(zuordnung.value.gruppe) if zuordnung.value else ("?" if zuordnung.invalid else "")
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


_status = verdict_text
SAME, DIFFERENT = "gleiches Ergebnis", "Ergebnis hängt an der Lesart"


def build(result: Result, name: str) -> SheetSpec:
    return _Builder(result, name).build()
