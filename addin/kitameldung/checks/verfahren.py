"""The ministry's process rules for reports (seed 003, the notice on the forms), as hints: a
report too old for a Personaleinzelmeldung, a form older than the one for the Stichtag, and more
persons than the form has numbered rows. Every limit comes from the rule data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from kitameldung.checks.findings import Finding, rule
from kitameldung.checks.formatting import datum
from kitameldung.dates import add_months
from kitameldung.model import Meldung
from kitameldung.rules import RuleBook


def process_findings(meldung: Meldung, rules: RuleBook, today: date) -> Iterator[Finding]:
    yield from _outdated_report(meldung, rules, today)
    yield from _outdated_form(meldung, rules)
    yield from _form_too_small(meldung, rules)


def report_outdated(stichtag: date | None, rules: RuleBook, today: date) -> bool:
    """A full Personalmeldung is due: the Stichtag lies more than the notice's period (twelve
    months) before `today`."""
    procedure = rules.procedure
    if stichtag is None or procedure is None:
        return False
    return today > add_months(stichtag, procedure.full_report_months)


def _outdated_report(meldung: Meldung, rules: RuleBook, today: date) -> Iterator[Finding]:
    stichtag = meldung.header.get("stichtag")
    if stichtag is None or rules.procedure is None or not report_outdated(stichtag.value, rules, today):
        return
    yield rule("meldung-veraltet").finding(
        meldung.sheet,
        stichtag.cell,
        stichtag=datum(stichtag.value),
        monate=rules.procedure.full_report_months,
        heute=datum(today),
    )


def _outdated_form(meldung: Meldung, rules: RuleBook) -> Iterator[Finding]:
    stichtag, stand = meldung.stichtag, meldung.form_stand.value
    current = rules.form_for(stichtag) if stichtag else None
    if stichtag is None or stand is None or current is None or stand >= current.valid_from:
        return
    persons = len(meldung.persons or ())
    size = current.size_for(persons)
    yield rule("formular-veraltet").finding(
        meldung.sheet,
        meldung.form_stand.cell,
        stand=datum(stand),
        stichtag=datum(stichtag),
        ab=datum(current.valid_from),
        groesse=f" (für {persons} Personen: „bis {size} Personen“)" if size else "",
    )


def _form_too_small(meldung: Meldung, rules: RuleBook) -> Iterator[Finding]:
    rows = meldung.layout.capacity
    persons = len(meldung.persons or ())
    if not rows or persons <= rows:
        return
    stichtag = meldung.stichtag
    form = (rules.form_for(stichtag) if stichtag else None) or (rules.forms[-1] if rules.forms else None)
    larger = form.size_for(persons) if form else None
    if form is not None and larger is not None:
        rat = f"Bitte das Formular „bis {larger} Personen“ verwenden (Formular ab {datum(form.valid_from)})."
    else:
        largest = max(form.sizes) if form else rows
        rat = (
            f"Das größte Formular hat {largest} Zeilen; bitte bei der obersten Landesjugendbehörde "
            "erfragen, wie mehr Personen zu melden sind."
        )
    first_beyond = (meldung.persons or ())[rows]  # the first person the form has no row for
    yield rule("formular-zu-klein").finding(
        meldung.sheet,
        first_beyond.name.cell,
        personen=persons,
        zeilen=rows,
        rat=rat,
    )
