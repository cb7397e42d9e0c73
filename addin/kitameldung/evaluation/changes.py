"""What changed among the Betreuungskräfte between two reports of one facility: the content of a
Personaleinzelmeldung. Pure: two Meldungen in, a list of changes out.

A person is matched by the person key (name and birth date), never by the row they stand in. A
person counts in a report when employed on its Stichtag (listed, begun and not yet left):
Zugang is employed in NEU and not in ALT, Abgang the other way round, and for everyone employed
in both the hours, the Zuordnung and the qualification are compared.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from kitameldung.identity import keyed
from kitameldung.model import Meldung, Person, Value, Zuordnung
from kitameldung.text import normalize

ZUGANG, ABGANG, AENDERUNG = "Zugang", "Abgang", "Änderung"
# The fields compared for persons in both reports, with their German titles.
COMPARED = {
    "wochenstunden": "vertragliche Wochenarbeitszeit",
    "paed_stunden": "davon pädagogisch tätig",
    "leitungsstunden": "davon Leitung",
    "zuordnung": "Zuordnung KitaPersV",
    "qualifikation": "Berufsabschluss / Qualifikation",
}
_HOURS = ("wochenstunden", "paed_stunden", "leitungsstunden")


@dataclass(frozen=True)
class Change:
    kind: str  # Zugang | Abgang | Änderung
    key: str
    name: str
    day: date | None  # Zugang: beschäftigt seit; Abgang: Austritt; Änderung: NEU's Stichtag
    day_title: str  # what `day` is: "beschäftigt seit", "Austritt", "Stichtag NEU", …
    field: str | None = None  # for an Änderung: a key of COMPARED
    before: object = None  # the value in ALT (hours as float, Zuordnung label, text)
    after: object = None
    cell_alt: str | None = None  # the cell in ALT (the name, or the changed value)
    cell_neu: str | None = None

    @property
    def field_title(self) -> str:
        return COMPARED.get(self.field or "", "")


@dataclass(frozen=True)
class Changes:
    alt: Meldung
    neu: Meldung
    changes: tuple[Change, ...]
    unchanged: int  # persons employed in both without a change

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]


def employed(meldung: Meldung, person: Person) -> bool:
    """Counts as staff of the report: employed on its Stichtag (every listed person when the
    report has no Stichtag)."""
    stichtag = meldung.stichtag
    return stichtag is None or person.counts_on(stichtag)


def staff_keys(meldung: Meldung) -> set[str]:
    """The person keys of everyone employed on the report's Stichtag."""
    return {key for key, person in keyed(meldung.persons) if employed(meldung, person)}


def compare_reports(alt: Meldung, neu: Meldung) -> Changes:
    before = dict(keyed(alt.persons))
    after = dict(keyed(neu.persons))
    changes: list[Change] = []
    unchanged = 0
    for key, person in after.items():
        old = before.get(key)
        now_in = employed(neu, person)
        was_in = old is not None and employed(alt, old)
        if now_in and not was_in:
            changes.append(_zugang(key, person, old))
        elif now_in and old is not None:
            found = list(_differences(key, old, person, neu.stichtag))
            changes.extend(found)
            unchanged += not found
    for key, person in before.items():
        if not employed(alt, person):
            continue
        later = after.get(key)
        if later is None or not employed(neu, later):
            changes.append(_abgang(key, person, later))
    order = {ZUGANG: 0, ABGANG: 1, AENDERUNG: 2}
    changes.sort(key=lambda c: (order[c.kind], normalize(c.name), c.field or ""))
    return Changes(alt, neu, tuple(changes), unchanged)


def _zugang(key: str, person: Person, old: Person | None) -> Change:
    return Change(
        ZUGANG,
        key,
        str(person.name.value),
        person.beginn.value,
        "beschäftigt seit",
        cell_alt=old.name.cell if old is not None else None,  # listed before, not yet employed
        cell_neu=person.name.cell,
    )


def _abgang(key: str, person: Person, later: Person | None) -> Change:
    """The day of leaving: the Austritt NEU gives, else the one ALT gave, else unknown (left
    between the two Stichtage)."""
    if later is not None and later.ende.value is not None:
        day, title, cell_neu = later.ende.value, "Austritt", later.ende.cell
    elif person.ende.value is not None:
        day, title, cell_neu = person.ende.value, "Austritt", None
    else:
        day, title, cell_neu = None, "Austritt", None
    return Change(
        ABGANG,
        key,
        str(person.name.value),
        day,
        title,
        cell_alt=person.name.cell,
        cell_neu=cell_neu if later is not None else None,
    )


def _differences(key: str, old: Person, new: Person, stichtag: date | None) -> Iterator[Change]:
    name = str(new.name.value)
    for field in COMPARED:
        a: Value[object] = getattr(old, field)
        b: Value[object] = getattr(new, field)
        if a.value is None or b.value is None or _same(field, a.value, b.value):
            continue  # a value missing on one side is a finding of that report, not a change
        yield Change(
            AENDERUNG,
            key,
            name,
            stichtag,
            "Stichtag NEU",
            field,
            _shown(a.value),
            _shown(b.value),
            a.cell,
            b.cell,
        )


def _same(field: str, a: object, b: object) -> bool:
    if field in _HOURS:
        return abs(float(a) - float(b)) < 1e-9  # type: ignore[arg-type]
    if isinstance(a, Zuordnung) and isinstance(b, Zuordnung):
        # The older form tells Fachkraft only, the newer § 9, 10 or 11: no change by itself.
        if a.gruppe is not b.gruppe:
            return False
        return a.paragraph is None or b.paragraph is None or a.paragraph == b.paragraph
    return normalize(a) == normalize(b)


def _shown(value: object) -> object:
    return value.label if isinstance(value, Zuordnung) else value
