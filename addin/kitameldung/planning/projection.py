"""Fachkraftquote and Deckungsgrad for the next 12 months, from the dates the form already holds.

Places stay as reported (the form knows no future places). Staff changes on the known dates:
a contract ends, a colleague starts, an Ergänzungskraft's § 12 deadline passes without the
300-UE certificate (from then on not counted: she may no longer work as Betreuungskraft [our
choice]), and on 1 August the Krippe key may change. So a Leitung sees in March that the
quota falls below 80 % in September.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction

from kitameldung.checks.formatting import datum
from kitameldung.dates import add_months, shift_days
from kitameldung.evaluation import evaluate
from kitameldung.evaluation.kitapersv import deadline_12
from kitameldung.model import Meldung, Person
from kitameldung.rules import Parameters, RuleBook
from kitameldung.rules.catalogue import QualificationCatalogue

MONTHS = 12
Figures = tuple[Fraction | None, Fraction | None, bool | None, bool | None]


@dataclass(frozen=True)
class Point:
    day: date
    fachkraftquote: Fraction | None
    deckungsgrad: Fraction | None
    quota_ok: bool | None
    coverage_ok: bool | None
    changes: tuple[str, ...]  # what changed since the previous point, in German
    # Fachkraftquote and Deckungsgrad if the planned rule rows were enacted as announced
    # (column "falls beschlossen"); None where they would change nothing.
    if_enacted: tuple[Fraction | None, Fraction | None] | None = None


def points(start: date) -> list[date]:
    """The start day, then the first of each of the next 12 months."""
    first = date(start.year, start.month, 1)
    return [start] + [add_months(first, m) for m in range(1, MONTHS + 1)]


def project(
    meldung: Meldung,
    start: date,
    rules: RuleBook,
    params: Parameters,
    catalogue: QualificationCatalogue | None = None,
) -> list[Point]:
    """The outlook under the law in force; where planned rows (never a verdict) would change a
    figure, the point also carries it as `if_enacted`."""
    result = _project(meldung, start, rules, params, catalogue)
    planned = [row.valid_from for row in rules.planned]
    if not planned:
        return result
    first = min(planned)
    if result[-1].day < first:
        return result
    enacted = _project(meldung, start, rules.if_enacted(), params, catalogue)
    marked = []
    for point, other in zip(result, enacted):
        figures = (other.fachkraftquote, other.deckungsgrad)
        differs = figures != (point.fachkraftquote, point.deckungsgrad)
        marked.append(replace(point, if_enacted=figures if differs else None))
    return marked


def _project(
    meldung: Meldung,
    start: date,
    rules: RuleBook,
    params: Parameters,
    catalogue: QualificationCatalogue | None = None,
) -> list[Point]:
    persons = meldung.persons or ()
    result: list[Point] = []
    previous: date | None = None
    computed: dict[tuple[object, ...], Figures] = {}
    for day in points(start):
        counted = tuple(p for p in persons if not _deadline_passed(p, day, rules, params))
        # Months in which nobody starts or stops and no rule changes give the same figures:
        # computed once (the exact evaluation is the costly part of a refresh).
        signature = (
            tuple(p.row for p in counted if p.counts_on(day)),
            rules.key_for(day),
            rules.margin_for(day),
            rules.quota_for(day),
            rules.kitapersv_applies(day),
        )
        if signature not in computed:
            staffing = evaluate(replace(meldung, persons=counted), day, rules, params, catalogue)
            computed[signature] = (
                staffing.fachkraftquote,
                staffing.deckungsgrad,
                staffing.quota_ok(),
                staffing.coverage_ok(),
            )
        quota, coverage, quota_ok, coverage_ok = computed[signature]
        changes = _changes(persons, previous, day, rules, params) if previous else ()
        result.append(Point(day, quota, coverage, quota_ok, coverage_ok, changes))
        previous = day
    return result


def _deadline_passed(person: Person, day: date, rules: RuleBook, params: Parameters) -> bool:
    deadline = deadline_12(person, params)
    return deadline is not None and day > deadline and rules.kitapersv_applies(day)


def _changes(
    persons: tuple[Person, ...], before: date, day: date, rules: RuleBook, params: Parameters
) -> tuple[str, ...]:
    """Events in (before, day]: the days on which someone starts or stops counting."""

    def within(moment: date | None) -> bool:
        return moment is not None and before < moment <= day

    found = []
    for p in persons:
        name = p.name.value or f"Zeile {p.row}"
        if within(p.beginn.value):
            found.append(f"Beginn {name} ({datum(p.beginn.value)})")
        if p.ende.value is not None and within(shift_days(p.ende.value, 1)):
            found.append(f"Ende {name} ({datum(p.ende.value)})")
        deadline = deadline_12(p, params)
        if deadline is not None and within(shift_days(deadline, 1)):
            found.append(f"§-12-Frist {name} ({datum(deadline)})")
    key_before, key_now = rules.key_for(before), rules.key_for(day)
    if key_now is not None and key_now != key_before:
        krippe = f"{float(key_now.krippe):g}".replace(".", ",")
        found.append(f"Schlüssel Krippe 1 : {krippe} ab {datum(key_now.valid_from)}")
    margin_before, margin_now = rules.margin_for(before), rules.margin_for(day)
    if margin_now is not None and margin_now != margin_before and params.dispositionsspielraum is None:
        share = f"{float(margin_now.share) * 100:g} %"
        found.append(f"Dispositionsspielraum {share} ab {datum(margin_now.valid_from)}")
    if rules.kitapersv_applies(day) and not rules.kitapersv_applies(before):
        found.append(f"KitaPersV 2023 (Mindestquote) ab {datum(rules.kitapersv)}")
    return tuple(found)
