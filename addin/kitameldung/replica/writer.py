"""Writes a facility as a replica of the official form (formular.md), in three variants.

`Variation` switches on the deviations the reader must tolerate: other sheet names and order,
other wording, values below labels, split captions, column order, extra columns, blank rows,
dates and numbers as text, yes/no spellings, other positions. The authority's real layout is
unknown; this replica is our reconstruction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kitameldung.model import STAFF_FIELDS
from kitameldung.replica.captions import (
    EXTRA_COLUMNS,
    GROUP_CAPTIONS,
    GROUP_LABELS,
    HEADER_LABELS,
    HEADER_LABELS_2023,
    PLACES_CAPTIONS,
    STAFF_CAPTIONS,
    ZUORDNUNG_2023,
    ZUORDNUNG_2025,
    ZUORDNUNG_MIXED,
)
from kitameldung.replica.extras import make_macro_enabled, store_results, write_hinweise, write_listen
from kitameldung.replica.facility import Facility, StaffMember
from kitameldung.rules import load_rulebook

VARIANTS = ("v2025-84", "v2023-68", "v2023-37")
YELLOW = PatternFill("solid", fgColor="FFF2CC")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Variation:
    """Deviations from the standard replica (each a bullet of formular.md's tolerance list)."""

    sheet_name: str | None = None
    sheet_order_changed: bool = False  # form sheet first, a notes sheet in front of Hinweise
    extra_hidden_sheet: bool = False
    wording: bool = False  # alternative labels: wording, case, line breaks, gender forms
    value_below: bool = False  # header values under their labels
    split_captions: bool = False  # captions split over two rows
    column_order: tuple[str, ...] | None = None
    extra_columns: bool = False
    name_columns: int | None = None  # 1: "Name, Vorname"; 2: Name and Vorname; None: variant's
    blank_rows: bool = False
    no_lfd_nr: bool = False
    # More staff than numbered rows: the rest typed into rows added below, without a lfd. Nr.
    # (as offices extend a form that is too small); else more staff than rows is refused.
    rows_added_below: bool = False
    date_style: str = "date"  # date | serial | text_de | text_short | text_iso | mixed
    number_style: str = "number"  # number | text_comma
    yes_no_style: str = "ja"  # ja | mixed
    zuordnung_style: str = "variant"  # variant | mixed
    row_offset: int = 0
    col_offset: int = 0
    protect: bool = True
    seed: int = 0


@dataclass(frozen=True)
class _Spec:
    sheet: str
    stand: str
    capacity: int
    columns: tuple[str, ...]
    two_header_rows: bool
    name_columns: int


def _spec(variant: str) -> _Spec:
    if variant == "v2025-84":
        cols = tuple(f for f in STAFF_FIELDS if f != "vorname")
        return _Spec("Personalmeldung", "Formularstand: 01.01.2025", 84, cols, True, 1)
    if variant in ("v2023-68", "v2023-37"):
        # The older forms: Name and Vorname apart, no Masernschutz and no Sprachnachweis.
        cols = tuple(f for f in STAFF_FIELDS if f not in ("masernschutz", "sprachnachweis"))
        return _Spec("Meldung", "Formularstand: 30.10.2023", int(variant[-2:]), cols, False, 2)
    raise ValueError(f"unknown variant {variant}")


def write_form(
    facility: Facility, path: Path, variant: str = "v2025-84", variation: Variation = Variation()
) -> Path:
    """Write the facility as a form workbook; `.xlsm` paths get a macro-enabled package."""
    spec = _spec(variant)
    rng = random.Random(variation.seed)
    book = Workbook()
    hinweise = book.active
    hinweise.title = "Hinweise"
    write_hinweise(hinweise)
    form = book.create_sheet(variation.sheet_name or spec.sheet)
    listen = book.create_sheet("Listen")
    write_listen(listen, variant)
    listen.sheet_state = "hidden"
    if variation.sheet_order_changed:
        notes = book.create_sheet("Notizen", 0)
        notes["A1"] = "Interne Notizen des Trägers"
        book.move_sheet(form, offset=-(book.index(form) - 1))
    if variation.extra_hidden_sheet:
        hidden = book.create_sheet("Berechnung_alt")
        hidden["A1"] = "Alte Berechnung, nicht mehr verwenden"
        hidden.sheet_state = "hidden"
    writer = _Writer(form, facility, spec, variation, rng, variant)
    writer.write()
    path = Path(path)
    book.save(path)
    store_results(path, form.title, writer.results)
    if path.suffix.lower() == ".xlsm":
        make_macro_enabled(path)
    return path


class _Writer:
    def __init__(
        self, ws: Worksheet, facility: Facility, spec: _Spec, var: Variation, rng: random.Random, variant: str
    ) -> None:
        self.ws, self.f, self.spec, self.var, self.rng, self.variant = ws, facility, spec, var, rng, variant
        self.r0, self.c0 = var.row_offset, var.col_offset
        name_columns = var.name_columns or spec.name_columns
        cols = [c for c in spec.columns if c != "vorname"]
        if name_columns == 2:
            cols.insert(cols.index("name") + 1, "vorname")
        if var.column_order:
            order = [c for c in var.column_order if c in cols]
            cols = order + [c for c in cols if c not in order]
        if var.extra_columns:
            cols.insert(3, EXTRA_COLUMNS[0])
            cols.append(EXTRA_COLUMNS[1])
        self.columns = cols
        self.name_columns = name_columns
        self.place_rows: dict[str, int] = {}
        self.results: dict[str, float | str] = {}  # A1 -> the result Excel stores with a formula

    def cell(self, row: int, col: int, value: object = None) -> Any:  # 1-based, before offsets
        target = self.ws.cell(row=row + self.r0, column=col + self.c0)
        if value is not None:
            target.value = value
        return target

    def addr(self, row: int, col: int) -> str:
        return f"{get_column_letter(col + self.c0)}{row + self.r0}"

    def write(self) -> None:
        ws = self.ws
        self.cell(
            1, 1, "Personalmeldung und Meldung der belegten Plätze gem. §§ 45 und 47 SGB VIII"
        ).font = Font(bold=True, size=14)
        self.cell(2, 1, self.spec.stand)
        self._header()
        places_end = self._places(12)
        self._staff(places_end + 2)
        for col in range(1, 20):
            ws.column_dimensions[get_column_letter(col + self.c0)].width = 16
        if self.var.protect:
            ws.protection.sheet = True
            ws.protection.formatCells = False

    def _label(self, key: str) -> str:
        if self.variant.startswith("v2023") and not self.var.wording:
            return HEADER_LABELS_2023[key]
        return HEADER_LABELS[key][1 if self.var.wording else 0]

    def _header(self) -> None:
        keys = ["traeger", "traeger_anschrift", "einrichtung", "anschrift", "nummer", "stichtag", "kontakt"]
        if self.var.value_below:
            # Labels side by side in one row, values in the row below (a layout seen in practice).
            for i, key in enumerate(keys):
                col = 1 + 2 * i if i < 4 else 1 + 2 * (i - 4)
                row = 4 if i < 4 else 7
                self.cell(row, col, self._label(key)).font = BOLD
                self._input(row + 1, col, self._header_value(key))
            return
        for i, key in enumerate(keys):
            row = 4 + i
            self.cell(row, 1, self._label(key)).font = BOLD
            self.ws.merge_cells(f"{self.addr(row, 1)}:{self.addr(row, 3)}")
            self._input(row, 4, self._header_value(key))
            self.ws.merge_cells(f"{self.addr(row, 4)}:{self.addr(row, 8)}")

    def _header_value(self, key: str) -> object:
        value = getattr(self.f, key)
        if key == "stichtag":
            return self._date(value)
        return value

    def _input(self, row: int, col: int, value: object) -> Any:
        target = self.cell(row, col, value)
        if isinstance(value, str) and value.startswith("="):
            # What Excel stores when someone types '=…: text, marked with a quote prefix.
            target.data_type = "s"
            target.quotePrefix = True
        target.fill = YELLOW
        target.protection = Protection(locked=False)
        if isinstance(value, (date, datetime)):
            target.number_format = "DD.MM.YYYY"
        return target

    def _places(self, top: int) -> int:
        alt = 1 if self.var.wording else 0
        self.cell(top, 1, "Meldung der belegten Plätze").font = BOLD
        caption = top + 1
        cols = {"group": 1, "genehmigt": 4, "short": 5, "long": 6, "total": 7}
        for key, col in cols.items():
            self.cell(caption, col, PLACES_CAPTIONS[key][alt]).alignment = WRAP
        self.ws.merge_cells(f"{self.addr(caption, 1)}:{self.addr(caption, 3)}")
        for i, group in enumerate(("krippe", "kindergarten", "hort")):
            row = caption + 1 + i
            self.place_rows[group] = row
            self.cell(row, 1, GROUP_LABELS[group][alt])
            self.ws.merge_cells(f"{self.addr(row, 1)}:{self.addr(row, 3)}")
            short, long, approved = self.f.places[group]
            self._input(row, 4, self._number(approved))
            self._input(row, 5, self._number(short))
            self._input(row, 6, self._number(long))
            self.cell(row, 7, f"=SUM({self.addr(row, 5)}:{self.addr(row, 6)})")
        total = caption + 4
        self.cell(total, 1, "Summe").font = BOLD
        for col in (4, 5, 6, 7):
            self.cell(total, col, f"=SUM({self.addr(caption + 1, col)}:{self.addr(caption + 3, col)})")
        return total

    def _staff(self, top: int) -> None:
        ws, var = self.ws, self.var
        self.cell(top, 1, "Betreuungskräfte nach §§ 9 bis 12 KitaPersV").font = BOLD
        alt = 1 if var.wording else 0
        caption_row = top + 1
        if self.spec.two_header_rows or var.split_captions:
            caption_row = top + 2
            if var.split_captions:
                # Each caption broken over two rows: first word(s) above, rest below.
                for i, key in enumerate(self.columns):
                    text = self._caption(key, alt)
                    head, _, tail = text.partition(" ")
                    self.cell(top + 1, i + 1, head if tail else None)
                    self.cell(caption_row, i + 1, tail or head).alignment = WRAP
            else:
                for group, keys in GROUP_CAPTIONS:
                    idx = [i + 1 for i, k in enumerate(self.columns) if k in keys]
                    if idx and idx == list(range(idx[0], idx[-1] + 1)):
                        self.cell(top + 1, idx[0], group).font = BOLD
                        if len(idx) > 1:
                            ws.merge_cells(f"{self.addr(top + 1, idx[0])}:{self.addr(top + 1, idx[-1])}")
        if not var.split_captions:
            for i, key in enumerate(self.columns):
                self.cell(caption_row, i + 1, self._caption(key, alt)).alignment = WRAP
        first = caption_row + 1
        validations = self._validations(first, first + self.spec.capacity - 1)
        row = first
        last = max(self.spec.capacity, len(self.f.staff)) if var.rows_added_below else self.spec.capacity
        for number in range(1, last + 1):
            person = self.f.staff[number - 1] if number <= len(self.f.staff) else None
            if var.blank_rows and person is not None and number % 4 == 0:
                row += 1  # a blank row inside the table
            self._staff_row(row, number, person, numbered=number <= self.spec.capacity)
            row += 1
        if len(self.f.staff) > last:
            raise ValueError(f"{len(self.f.staff)} persons do not fit the {self.spec.capacity}-row form")
        for dv in validations:
            ws.add_data_validation(dv)
        self._summary(row + 1, first, row - 1)

    def _caption(self, key: str, alt: int) -> str:
        if key in EXTRA_COLUMNS:
            return key
        if key == "name" and self.name_columns == 2:
            return "Name" if not alt else "Nachname"
        return STAFF_CAPTIONS[key][alt]

    def _col(self, key: str) -> int | None:
        return self.columns.index(key) + 1 if key in self.columns else None

    def _staff_row(self, row: int, number: int, person: StaffMember | None, numbered: bool = True) -> None:
        for i, key in enumerate(self.columns):
            col = i + 1
            if key == "lfd_nr":
                if numbered and not (self.var.no_lfd_nr and person is not None and number % 3 == 0):
                    self.cell(row, col, number)
                continue
            if key == "vzae":
                paed = self._col("paed_stunden")
                if paed:
                    self.cell(row, col, f'=IF({self.addr(row, paed)}="","",{self.addr(row, paed)}/40)')
                continue
            target = self._input(row, col, self._person_value(person, key) if person else None)
            if key in ("wochenstunden", "leitungsstunden", "paed_stunden"):
                target.number_format = "0.0#"

    def _person_value(self, p: StaffMember, key: str) -> object:
        if key == "name":
            return p.name if self.name_columns == 1 else p.nachname
        if key == "vorname":
            return p.vorname
        if key in EXTRA_COLUMNS:
            return self.rng.randint(1000, 9999) if key == "Personalnummer" else "Bären"
        if key == "zuordnung":
            return self._zuordnung(p.paragraph)
        value = getattr(p, key)
        if key in ("geburtsdatum", "beginn", "ende", "fuehrungszeugnis", "qualifizierung_300ue"):
            return self._date(value)
        if key in ("wochenstunden", "leitungsstunden", "paed_stunden"):
            return self._number(value)
        if key in ("masernschutz", "sprachnachweis"):
            return self._yes_no(value)
        return value

    def _zuordnung(self, paragraph: object) -> object:
        if not isinstance(paragraph, int):
            return paragraph
        if self.var.zuordnung_style == "mixed":
            return self.rng.choice(ZUORDNUNG_MIXED[paragraph])
        table = ZUORDNUNG_2025 if self.variant.startswith("v2025") else ZUORDNUNG_2023
        return table[paragraph]

    def _date(self, value: object) -> object:
        if not isinstance(value, date):
            return value
        style = self.var.date_style
        if style == "mixed":
            style = self.rng.choice(["date", "serial", "text_de", "text_short", "text_iso"])
        if style == "serial":
            return (value - date(1899, 12, 30)).days
        if style == "text_de":
            return value.strftime("%d.%m.%Y")
        if style == "text_short":
            if not 1930 <= value.year <= 2029:
                return value.strftime("%d.%m.%Y")
            return f"{value.day}.{value.month}.{value.strftime('%y')}"
        if style == "text_iso":
            return value.isoformat()
        return value

    def _number(self, value: object) -> object:
        if (
            self.var.number_style == "text_comma"
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
        ):
            text = f"{value:g}".replace(".", ",")
            return text
        return value

    def _yes_no(self, value: object) -> object:
        if self.var.yes_no_style != "mixed" or not isinstance(value, str):
            return value
        spellings = {
            "ja": ["ja", "Ja", "x", "✓", "1"],
            "nein": ["nein", "-", "0", "Nein"],
            "entfällt": ["entfällt", "Entfällt"],
        }
        return self.rng.choice(spellings.get(value, [value]))

    def _validations(self, first: int, last: int) -> list[DataValidation]:
        result = []
        lists = {
            "zuordnung": "$A$2:$A$5",
            "funktion": "$B$2:$B$6",
            "masernschutz": "$C$2:$C$3",
            "sprachnachweis": "$D$2:$D$4",
        }
        for key, ref in lists.items():
            col = self._col(key)
            if col is None or self.var.zuordnung_style == "mixed" and key == "zuordnung":
                continue
            dv = DataValidation(type="list", formula1=f"=Listen!{ref}", allow_blank=True)
            dv.error = "Bitte einen Wert aus der Liste wählen."
            dv.add(f"{self.addr(first, col)}:{self.addr(last, col)}")
            result.append(dv)
        return result

    def _summary(self, top: int, first: int, last: int) -> None:
        """The form's own computations, with the results Excel stores (`results`); the reader
        compares them with its own figures and never uses them."""
        paed = self._col("paed_stunden")
        zu = self._col("zuordnung")
        self.cell(top, 1, "Personalbedarf (VZÄ)").font = BOLD
        self.cell(top + 1, 1, "Ist (VZÄ)").font = BOLD
        self.cell(top + 2, 1, "Fachkraftquote").font = BOLD
        krippe, kindergarten = self._form_key()
        rows = self.place_rows
        parts = {
            "krippe": (
                f"({self.addr(rows['krippe'], 5)}*0.8+{self.addr(rows['krippe'], 6)})/{krippe}",
                0.8,
                1.0,
                krippe,
            ),
            "kindergarten": (
                f"({self.addr(rows['kindergarten'], 5)}*0.8+{self.addr(rows['kindergarten'], 6)})/{kindergarten}",
                0.8,
                1.0,
                kindergarten,
            ),
            "hort": (
                f"({self.addr(rows['hort'], 5)}*0.6+{self.addr(rows['hort'], 6)}*0.8)/15",
                0.6,
                0.8,
                "15",
            ),
        }
        self.cell(top, 4, "=" + "+".join(formula for formula, *_ in parts.values()))
        bedarf: float | None = 0.0
        for group, (_, f_short, f_long, n) in parts.items():
            short, long = (_excel_number(self.cell(rows[group], col).value) for col in (5, 6))
            if short is None or long is None or bedarf is None:
                bedarf = None  # #VALUE!: Excel stores an error, not a number
                continue
            bedarf += (short * f_short + long * f_long) / float(n)
        if bedarf is not None:
            self.results[self.addr(top, 4)] = bedarf
        if paed and zu:
            rng = f"{self.addr(first, paed)}:{self.addr(last, paed)}"
            self.cell(top + 1, 4, f"=SUM({rng})/40")
            zrng = f"{self.addr(first, zu)}:{self.addr(last, zu)}"
            self.cell(top + 2, 4, f'=IFERROR(SUMIF({zrng},"*Fachkraft*",{rng})/SUM({rng}),"")')
            hours = fach = 0.0
            for r in range(first, last + 1):
                value = self.cell(r, paed).value
                if isinstance(value, (int, float)) and not isinstance(value, bool):  # SUM skips text
                    hours += value
                    if "fachkraft" in str(self.cell(r, zu).value or "").lower():
                        fach += value
            self.results[self.addr(top + 1, 4)] = hours / 40
            self.results[self.addr(top + 2, 4)] = fach / hours if hours else ""

    def _form_key(self) -> tuple[str, str]:
        if self.f.form_key is not None:
            return self.f.form_key
        rules = load_rulebook()
        day = self.f.stichtag if isinstance(self.f.stichtag, date) else None
        key = (rules.key_for(day) if day else None) or rules.keys[-1]
        return f"{float(key.krippe):g}", f"{float(key.kindergarten):g}"


def _excel_number(value: object) -> float | None:
    """What Excel's arithmetic makes of a cell: empty is 0, a number itself, numeric text the
    number; None stands for #VALUE!."""
    if value is None or value == "":
        return 0.0
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
