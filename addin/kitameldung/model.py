"""The Meldung as pure data: what the form says, each value with the cell it came from.

Nothing here reads files. The form reader builds these objects; evaluation, checks and
renderers consume them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Value(Generic[T]):
    """One entry of the form. `raw` is what the cell held; `invalid` marks a present but
    unreadable entry (e.g. "31.02.2025" in a date column); `cell` is None when the form has no
    such field or column."""

    value: T | None = None
    cell: str | None = None
    raw: object = None
    invalid: bool = False
    error: str | None = None  # an error value the cell holds ("#REF!"), which calamine shows empty
    formula: str | None = None  # a formula saved without a result that could not be computed

    @property
    def empty(self) -> bool:
        return self.value is None and not self.invalid


MISSING: Value[Any] = Value()


class Gruppe(Enum):
    FACHKRAFT = "fachkraft"  # §§ 9 bis 11 KitaPersV
    ERGAENZUNG = "ergaenzung"  # § 12 KitaPersV


@dataclass(frozen=True)
class Zuordnung:
    gruppe: Gruppe
    paragraph: int | None = None  # 9, 10, 11 or 12 when the form says so

    @property
    def label(self) -> str:
        if self.gruppe is Gruppe.ERGAENZUNG:
            return "§ 12 Ergänzungskraft"
        return f"§ {self.paragraph} Fachkraft" if self.paragraph else "Fachkraft (§§ 9-11)"


class JaNein(Enum):
    JA = "ja"
    NEIN = "nein"
    ENTFAELLT = "entfällt"


AGE_GROUPS = ("krippe", "kindergarten", "hort")


@dataclass(frozen=True)
class Places:
    """Belegte Plätze of one age group: `short` up to 6 h (Hort 4 h), `long` above."""

    short: Value[float] = MISSING
    long: Value[float] = MISSING
    genehmigt: Value[float] = MISSING


@dataclass(frozen=True)
class Person:
    row: int
    name: Value[str] = MISSING
    geburtsdatum: Value[date] = MISSING
    qualifikation: Value[str] = MISSING
    zuordnung: Value[Zuordnung] = MISSING
    funktion: Value[str] = MISSING
    beginn: Value[date] = MISSING
    ende: Value[date] = MISSING
    wochenstunden: Value[float] = MISSING
    leitungsstunden: Value[float] = MISSING
    paed_stunden: Value[float] = MISSING
    fuehrungszeugnis: Value[date] = MISSING
    masernschutz: Value[JaNein] = MISSING
    sprachnachweis: Value[JaNein] = MISSING
    qualifizierung_300ue: Value[date] = MISSING
    bemerkungen: Value[str] = MISSING

    def counts_on(self, stichtag: date) -> bool:
        """Employed on the Stichtag: begun (or start unknown) and not yet ended."""
        begun = self.beginn.value is None or self.beginn.value <= stichtag
        not_ended = self.ende.value is None or self.ende.value >= stichtag
        return begun and not_ended


HEADER_FIELDS = (
    "traeger",
    "traeger_anschrift",
    "einrichtung",
    "anschrift",
    "nummer",
    "stichtag",
    "kontakt",
)

STAFF_FIELDS = (
    "lfd_nr",
    "name",
    "vorname",
    "geburtsdatum",
    "qualifikation",
    "zuordnung",
    "funktion",
    "beginn",
    "ende",
    "wochenstunden",
    "leitungsstunden",
    "paed_stunden",
    "vzae",
    "fuehrungszeugnis",
    "masernschutz",
    "sprachnachweis",
    "qualifizierung_300ue",
    "bemerkungen",
)


@dataclass(frozen=True)
class Layout:
    """Where the reader found things: lets the sheet writers reference the form's own cells and
    `inspect` show the user what was matched."""

    header_cells: dict[str, str] = field(default_factory=dict)  # field -> A1 of the value
    places_cells: dict[str, dict[str, str]] = field(default_factory=dict)  # group -> kind -> A1
    staff_columns: dict[str, str] = field(default_factory=dict)  # field -> column letter
    staff_header_rows: tuple[int, int] | None = None
    staff_rows: tuple[int, int] | None = None  # first and last row of the staff table
    capacity: int = 0  # numbered rows in the staff table
    missing_required: tuple[str, ...] = ()  # required staff columns (profile) not found


@dataclass(frozen=True)
class Meldung:
    file: str
    sheet: str
    profile: str
    variant: str
    header: dict[str, Value[Any]] = field(default_factory=dict)
    places: dict[str, Places] | None = None  # None: no places block found
    persons: tuple[Person, ...] | None = None  # None: no staff table found
    layout: Layout = field(default_factory=Layout)
    # Rows that hold data but no name: listed so a check can point at them.
    nameless_rows: tuple[int, ...] = ()
    # The form's own results (its summary block: "personalbedarf", "ist", "fachkraftquote"), as
    # the form's formulas stored them: a second opinion, never used for a figure.
    form_figures: dict[str, Value[float]] = field(default_factory=dict)
    # The version of the ministry's form ("Formularstand: 01.01.2025"), with its cell when the
    # form names it; else the version of the variant recognised.
    form_stand: Value[date] = MISSING

    @property
    def stichtag(self) -> date | None:
        value = self.header.get("stichtag")
        return value.value if value is not None else None

    def has_column(self, name: str) -> bool:
        return name in self.layout.staff_columns


# German titles of the staff table's fields, as messages and `inspect` show them.
FIELD_TITLES = {
    "lfd_nr": "lfd. Nr.",
    "name": "Name",
    "vorname": "Vorname",
    "geburtsdatum": "Geburtsdatum",
    "qualifikation": "Berufsabschluss / Qualifikation",
    "zuordnung": "Zuordnung KitaPersV",
    "funktion": "Funktion",
    "beginn": "beschäftigt seit",
    "ende": "befristet bis / Austritt",
    "wochenstunden": "vertragliche Wochenarbeitszeit",
    "leitungsstunden": "davon Leitung",
    "paed_stunden": "davon pädagogisch tätig",
    "vzae": "VZÄ (päd.)",
    "fuehrungszeugnis": "erw. Führungszeugnis vom",
    "masernschutz": "Masernschutz nachgewiesen",
    "sprachnachweis": "Sprachnachweis B2",
    "qualifizierung_300ue": "Qualifizierung 300 UE abgeschlossen am",
    "bemerkungen": "Bemerkungen",
}
