"""The rows of the Gesprächsplanung as plain data, and how a refresh carries them forward.

A row belongs to a person by a key made of the normalised name and the birth date, never by its
position: the form's order changes, people sort the planning sheet, colleagues come and go.
What people typed (the manual columns and any column they added) travels with the key; the
columns taken from the form are rewritten. People who left the form keep their row, marked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from kitameldung.dates import add_years
from kitameldung.identity import keyed
from kitameldung.model import Gruppe, Person
from kitameldung.rules import Parameters

Scalar = str | float | int | bool | date | datetime | None

FORM, MANUAL, FORMULA = "form", "manual", "formula"
IN_FORM = "ja"
LEFT_PREFIX = "nicht mehr in der Meldung seit "
QUALIFIED = "nachgewiesen"

STATUS = ("geplant", "eingeladen", "geführt", "Protokoll abgestimmt", "Maßnahmen eingeleitet")
PERSPEKTIVE = (
    "—",
    "Interesse an Leitung",
    "Potenzialträger*in (FOKUS)",
    "neue Leitung (FOKUS)",
    "Mentor*in",
    "Seniorberater*in",
)
POTENZIAL, NEUE_LEITUNG = PERSPEKTIVE[2], PERSPEKTIVE[3]
FORTBILDUNG = {"fb_fachlich": "fachlich", "fb_sozial": "sozial", "fb_methodisch": "methodisch"}


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    kind: str  # form (rewritten) | manual (typed by people) | formula (live)
    style: str = "text"
    width: float = 14
    options: tuple[str, ...] = ()  # dropdown; a manual "date" column gets a date validation


COLUMNS: tuple[Column, ...] = (
    Column("name", "Name", FORM, width=26),
    Column("funktion", "Funktion", FORM, width=18),
    Column("zuordnung", "Zuordnung", FORM, width=20),
    Column("beginn", "beschäftigt seit", FORM, "date", 12),
    Column("ende", "beschäftigt bis", FORM, "date", 12),
    Column("wochenstunden", "Wochenstunden", FORM, "number", 10),
    Column("frist12", "Qualifizierungsfrist § 12", FORM, "date", 13),
    Column("fuehrungszeugnis", "Führungszeugnis erneuern bis", FORM, "date", 13),
    Column("meldung", "In der Meldung", FORM, width=16),
    Column("letztes", "letztes Jahresgespräch", MANUAL, "date", 13),
    Column("faellig", "nächstes Gespräch fällig", FORMULA, "date", 13),
    Column("termin", "geplanter Termin (Datum Uhrzeit)", MANUAL, "datetime", 16),
    Column("einladung", "Einladung spätestens", FORMULA, "date", 13),
    Column("ampel", "Ampel", FORMULA, "bold", 17),
    Column("gespraechsfuehrung", "Gesprächsführung", MANUAL, width=16),
    Column("vorbereitung", "Vorbereitungsbogen ausgegeben", MANUAL, width=13, options=("ja", "nein")),
    Column("status", "Status", MANUAL, width=18, options=STATUS),
    Column("ziele", "vereinbarte Ziele", MANUAL, "wrap", 30),
    Column("massnahmen", "Maßnahmen", MANUAL, "wrap", 30),
    Column("fb_fachlich", "Fortbildung fachlich", MANUAL, width=11, options=("ja",)),
    Column("fb_sozial", "Fortbildung sozial", MANUAL, width=11, options=("ja",)),
    Column("fb_methodisch", "Fortbildung methodisch", MANUAL, width=11, options=("ja",)),
    Column("fb_freitext", "Fortbildungswunsch (Freitext)", MANUAL, "wrap", 26),
    Column("perspektive", "Entwicklungsperspektive", MANUAL, width=24, options=PERSPEKTIVE),
    Column("mentor", "Mentor*in", MANUAL, width=18),
    Column("dritte", "Dritte beteiligt (z. B. MAV)", MANUAL, width=16),
    Column("bemerkungen", "Bemerkungen", MANUAL, "wrap", 30),
    Column("kennung", "Kennung (nicht ändern)", FORM, "note", 14),
    # Hidden: a short fingerprint of each grey value as written, by which a value typed over a
    # grey cell is recognised on the next refresh (and moved to Bemerkungen, never dropped).
    Column("pruefwert", "Prüfwert (nicht ändern)", FORM, "note", 0),
)
BY_FIELD = {c.field: c for c in COLUMNS}
GREY_FIELDS = tuple(c.field for c in COLUMNS if c.kind == FORM and c.field not in ("kennung", "pruefwert"))
CHECKSUM_PREFIX = "v1:"


def _fingerprint(value: Scalar) -> str:
    """Four hex digits of a value as a spreadsheet gives it back (dates at midnight as dates,
    40 and 40.0 alike)."""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    if isinstance(value, bool):
        text = f"b:{value}"
    elif isinstance(value, (int, float)):
        text = f"n:{float(value)!r}"
    elif isinstance(value, date):
        text = f"d:{value.isoformat()}"
    else:
        text = f"s:{'' if value is None else value}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:4]


def grey_checksum(values: dict[str, Scalar]) -> str:
    return CHECKSUM_PREFIX + ".".join(_fingerprint(values.get(f)) for f in GREY_FIELDS)


def typed_over(values: dict[str, Scalar], checksum: object) -> list[str]:
    """The grey fields whose value is not the one written with `checksum` (typed by a person);
    none when the checksum is missing or of another version (nothing can be told)."""
    if not isinstance(checksum, str) or not checksum.startswith(CHECKSUM_PREFIX):
        return []
    prints = checksum[len(CHECKSUM_PREFIX) :].split(".")
    if len(prints) != len(GREY_FIELDS):
        return []
    return [f for f, p in zip(GREY_FIELDS, prints) if _fingerprint(values.get(f)) != p]


KEY_HEADER = BY_FIELD["kennung"].header


@dataclass(frozen=True)
class TypedFormula:
    """A formula a person typed into one of their cells: its text (without "="), and the cell it
    was read from, so it can be moved with its row like Excel moves formulas."""

    text: str
    origin: str  # A1 address


ExtraKey = int  # position of a column people added among `Plan.extra_headers`
Slot = str | ExtraKey  # a manual column (by field) or a column people added


@dataclass
class Entry:
    """One row: a person (key), the last values the form gave, what people typed (values as last
    calculated; cells holding a formula also in `formulas`)."""

    key: str
    form: dict[str, Scalar] = field(default_factory=dict)
    manual: dict[str, Scalar] = field(default_factory=dict)
    extra: dict[ExtraKey, Scalar] = field(default_factory=dict)  # columns people added
    left_since: date | None = None
    formulas: dict[Slot, TypedFormula] = field(default_factory=dict)
    # What a person typed over a grey (form) or computed column: never dropped, moved to the
    # row's Bemerkungen by `merge` with a dated note.
    overrides: dict[str, Scalar] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.left_since is None

    @property
    def meldung_text(self) -> str:
        return IN_FORM if self.left_since is None else f"{LEFT_PREFIX}{self.left_since:%d.%m.%Y}"


@dataclass
class Plan:
    """The whole table: rows in the order people see them, added column headers, and rows
    without a key (typed by hand) that are kept exactly as they are."""

    entries: list[Entry] = field(default_factory=list)
    extra_headers: list[str] = field(default_factory=list)  # may repeat, or repeat a built-in one
    loose_rows: list[dict[Slot, Scalar]] = field(default_factory=list)  # built-in header or extra
    moved: list[tuple[str, str, Scalar]] = field(default_factory=list)  # (name, column, value) moved
    # Texts in date columns that are no date ("nächste Woche"): kept as typed, and said.
    unreadable: list[tuple[str, str, str]] = field(default_factory=list)  # (person key, column, text)


def keyed_persons(persons: tuple[Person, ...], params: Parameters) -> list[tuple[str, dict[str, Scalar]]]:
    """(key, form columns) per named person in form order (keys: identity.keyed)."""
    return [(key, form_values(person, params)) for key, person in keyed(persons)]


def form_values(person: Person, params: Parameters) -> dict[str, Scalar]:
    zuordnung = person.zuordnung.value
    frist: Scalar = None
    if zuordnung is not None and zuordnung.gruppe is Gruppe.ERGAENZUNG:
        if person.qualifizierung_300ue.value is not None:
            frist = QUALIFIED
        elif person.beginn.value is not None:
            frist = add_years(person.beginn.value, params.qualifizierung_jahre)
    zeugnis = person.fuehrungszeugnis.value
    return {
        "name": person.name.value,
        "funktion": person.funktion.value,
        "zuordnung": zuordnung.label if zuordnung else _raw_text(person.zuordnung.raw),
        "beginn": person.beginn.value,
        "ende": person.ende.value,
        "wochenstunden": person.wochenstunden.value,
        "frist12": frist,
        "fuehrungszeugnis": add_years(zeugnis, params.fuehrungszeugnis_jahre) if zeugnis else None,
    }


def _raw_text(raw: object) -> str | None:
    return str(raw).strip() or None if raw is not None else None


def merge(previous: Plan, persons: tuple[Person, ...], today: date, params: Parameters) -> Plan:
    """The table after a refresh: previous rows in their order, updated from the form; rows of
    people no longer in the form marked (since `today`, unless marked before); new people at the
    end in form order."""
    current = dict(keyed_persons(persons, params))
    entries = []
    plan = Plan(
        [],
        list(previous.extra_headers),
        [dict(r) for r in previous.loose_rows],
        unreadable=list(previous.unreadable),
    )
    for old in previous.entries:
        if old.key in current:
            form = current.pop(old.key)
            entry = Entry(old.key, form, dict(old.manual), dict(old.extra), None, dict(old.formulas))
        else:
            left = old.left_since or today
            entry = Entry(
                old.key, dict(old.form), dict(old.manual), dict(old.extra), left, dict(old.formulas)
            )
        if old.overrides:
            _move_overrides(plan, entry, old, today)
        entries.append(entry)
    entries += [Entry(key, form) for key, form in current.items()]
    plan.entries = entries
    return plan


MOVED_HEADER = "verschobene Einträge"


def _move_overrides(plan: Plan, entry: Entry, old: Entry, today: date) -> None:
    """Values typed over grey or computed columns go to the row's Bemerkungen with a dated
    note (to a column of their own where Bemerkungen holds a formula someone typed)."""
    name = str(entry.form.get("name") or old.form.get("name") or entry.key)
    parts = []
    for field_name, value in old.overrides.items():
        header = BY_FIELD[field_name].header
        parts.append(f"„{header}“: {_shown(value)}")
        plan.moved.append((name, header, value))
    note = f"[{today:%d.%m.%Y}] eingetragen in grauen/berechneten Spalten, hierher verschoben – " + "; ".join(
        parts
    )
    if "bemerkungen" in entry.formulas:
        if MOVED_HEADER not in plan.extra_headers:
            plan.extra_headers.append(MOVED_HEADER)
        slot = plan.extra_headers.index(MOVED_HEADER)
        earlier = entry.extra.get(slot)
        entry.extra[slot] = f"{earlier}\n{note}" if earlier else note
        return
    earlier = entry.manual.get("bemerkungen")
    entry.manual["bemerkungen"] = f"{earlier}\n{note}" if earlier not in (None, "") else note


def _shown(value: Scalar) -> str:
    if isinstance(value, datetime):
        return (
            value.strftime("%d.%m.%Y %H:%M") if value.time() != datetime.min.time() else f"{value:%d.%m.%Y}"
        )
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def left_since(text: object) -> date | None:
    """The date in "nicht mehr in der Meldung seit 01.02.2027", as written by `meldung_text`."""
    if not isinstance(text, str) or not text.startswith(LEFT_PREFIX):
        return None
    try:
        return datetime.strptime(text[len(LEFT_PREFIX) :].strip(), "%d.%m.%Y").date()
    except ValueError:
        return None
