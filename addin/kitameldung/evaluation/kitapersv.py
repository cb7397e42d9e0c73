"""What the Kita-Personalverordnung 2023 asks of one person, as pure predicates.

Shared by the staffing computation, the person checks and the 12-month outlook, so that all
three count the same people.
"""

from __future__ import annotations

from datetime import date

from kitameldung.dates import add_months, add_years
from kitameldung.model import Gruppe, Person
from kitameldung.rules import Parameters
from kitameldung.rules.catalogue import QualificationCatalogue

SHORT_TERM_MONTHS = 6  # a one-off fixed-term employment shorter than this needs no 300 UE


def in_training(person: Person, catalogue: QualificationCatalogue) -> bool:
    """Auszubildende and Praktikant*innen, recognised by Funktion, Qualifikation or Zuordnung."""
    zuordnung = person.zuordnung.raw if isinstance(person.zuordnung.raw, str) else None
    return catalogue.in_training(person.funktion.value, person.qualifikation.value, zuordnung)


def short_fixed_term(person: Person) -> bool:
    """Employed for a fixed term of less than six months (start and end in the form)."""
    begin, end = person.beginn.value, person.ende.value
    return begin is not None and end is not None and end < add_months(begin, SHORT_TERM_MONTHS)


def deadline_12(person: Person, params: Parameters) -> date | None:
    """Last day an Ergänzungskraft without the 300-UE certificate may count; None when the
    qualification is not required (proof given, no § 12, short fixed-term employment)."""
    zuordnung = person.zuordnung.value
    if zuordnung is None or zuordnung.gruppe is not Gruppe.ERGAENZUNG:
        return None
    if person.qualifizierung_300ue.value is not None or person.beginn.value is None:
        return None
    if short_fixed_term(person):
        return None
    return add_years(person.beginn.value, params.qualifizierung_jahre)
