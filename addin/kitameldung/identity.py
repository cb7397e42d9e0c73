"""Which facility a report belongs to (its Einrichtungs-Nr., else its normalised name), and which
person a row is (name and birth date, as a key that does not show the birth date).

Reports of one facility from different years are matched this way (taking over last year's
planning; several Stichtage side by side; what changed between two reports); confidential
entries never cross to another facility, and a person is never matched by the row they stand in.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from kitameldung.model import Meldung, Person
from kitameldung.text import normalize

# Words that do not tell one Kita from another ("Kita „Sonnenschein“" = "Sonnenschein").
_GENERIC = re.compile(r"\b(kita|kindertagesstaette|kindertageseinrichtung|kindergarten|krippe|hort|e v|ev)\b")


def facility_number(meldung: Meldung) -> str | None:
    value = meldung.header.get("nummer")
    return number_key(None if value is None else value.value)


def facility_name(meldung: Meldung) -> str | None:
    value = meldung.header.get("einrichtung")
    return name_key(value.value if value is not None else None)


def number_key(text: object) -> str | None:
    """An Einrichtungs-Nr. as compared: without spaces, dots, dashes and leading zeros."""
    digits = re.sub(r"[\s./-]", "", "" if text is None else str(text)).lstrip("0").casefold()
    return digits or None


def name_key(text: object) -> str | None:
    """A facility name as compared: normalised, without "Kita", "Kindergarten", "e. V." …"""
    name = " ".join(_GENERIC.sub(" ", normalize(text)).split())
    return name or None


def facility_key(meldung: Meldung) -> str | None:
    """One key per facility: "nr:…" or "name:…"; None when the report names neither."""
    return key_of(facility_number(meldung), facility_name(meldung))


def key_of(number: str | None, name: str | None) -> str | None:
    if number:
        return f"nr:{number}"
    return f"name:{name}" if name else None


def person_key(name: str, born: date | None) -> str:
    """A person across reports and refreshes: normalised name and birth date, hashed so that
    the birth date does not show where the key does."""
    basis = f"{normalize(name)}|{born.isoformat() if born else ''}"
    return "P-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:10].upper()


def keyed(persons: tuple[Person, ...] | None) -> list[tuple[str, Person]]:
    """(key, person) per named person in form order; a second person with the same name and
    birth date gets the key with "#2", so neither row is lost."""
    seen: dict[str, int] = {}
    rows = []
    for person in persons or ():
        if not person.name.value:
            continue
        key = person_key(person.name.value, person.geburtsdatum.value)
        seen[key] = seen.get(key, 0) + 1
        rows.append((f"{key}#{seen[key]}" if seen[key] > 1 else key, person))
    return rows


def same_facility(a: Meldung, b: Meldung) -> bool | None:
    """True or False where the reports tell; None when neither number nor name can decide."""
    number_a, number_b = facility_number(a), facility_number(b)
    if number_a and number_b:
        return number_a == number_b
    name_a, name_b = facility_name(a), facility_name(b)
    if name_a and name_b:
        return name_a == name_b
    return None


def facility_title(meldung: Meldung) -> str:
    """How the report names itself, for messages: "Kita „Sonnenschein“ (Nr. 012345)"."""
    value = meldung.header.get("einrichtung")
    name = str(value.value) if value is not None and value.value else meldung.file
    number = meldung.header.get("nummer")
    return f"{name} (Nr. {number.value})" if number is not None and number.value else name
