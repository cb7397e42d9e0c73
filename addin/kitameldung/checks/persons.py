"""Requirements on each person (regeln-brandenburg.md section 5), one function per rule id.

Rules that concern the work itself (age, proofs, hours, qualification) apply to everyone employed
on the Stichtag; people listed but not employed then get only the employment hint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from kitameldung.checks.findings import Finding, rule
from kitameldung.checks.formatting import datum, number, raw
from kitameldung.dates import add_years, age_on, shift_days
from kitameldung.evaluation.kitapersv import deadline_12, in_training, short_fixed_term
from kitameldung.evaluation.staffing import exact_float
from kitameldung.model import Gruppe, JaNein, Meldung, Person
from kitameldung.rules import Parameters
from kitameldung.rules.catalogue import QualificationCatalogue
from kitameldung.text import normalize

AREA_TITLES = {"krippe": "Krippe", "kindergarten": "Kindergarten", "hort": "Hort"}


@dataclass(frozen=True)
class Context:
    meldung: Meldung
    stichtag: date
    params: Parameters
    catalogue: QualificationCatalogue
    occupied: frozenset[str]  # age groups with children

    def finding(self, rule_id: str, person: Person, cell: str | None, **values: object) -> Finding:
        """A finding on `person`, at `cell`; the staff field is the column the cell is in."""
        letters = "".join(ch for ch in cell or "" if ch.isalpha())
        field = next((f for f, c in self.meldung.layout.staff_columns.items() if c == letters), None)
        values |= {"name": person.name.value, "zeile": person.row}
        return rule(rule_id).finding(self.meldung.sheet, cell, field, **values)

    @property
    def warning_window(self) -> date:
        return shift_days(self.stichtag, self.params.vorwarnung_tage)

    def in_training(self, person: Person) -> bool:
        return in_training(person, self.catalogue)


Check = Callable[[Context, Person], Iterator[Finding]]


class PersonCheck:
    """A declared check over the staff table, run in three steps: `start` before the first row,
    `row` for each person, `end` after the last (so a check may compare people, like `doppelt`).
    `everyone`: also people listed but not employed on the Stichtag."""

    rules: tuple[str, ...] = ()
    everyone = False

    def start(self, ctx: Context) -> None:
        pass

    def row(self, ctx: Context, person: Person) -> Iterator[Finding]:
        return iter(())

    def end(self, ctx: Context) -> Iterator[Finding]:
        return iter(())


class _PerPerson(PersonCheck):
    def __init__(self, rules: tuple[str, ...], check: Check, everyone: bool) -> None:
        self.rules, self.check, self.everyone = rules, check, everyone

    def row(self, ctx: Context, person: Person) -> Iterator[Finding]:
        return self.check(ctx, person)


CHECKS: list[Callable[[], PersonCheck]] = []  # factories: a run gets fresh checks


def _rule(*rule_ids: str, everyone: bool = False) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        CHECKS.append(lambda: _PerPerson(rule_ids, check, everyone))
        return check

    return register


@_rule("alter")
def _alter(ctx: Context, p: Person) -> Iterator[Finding]:
    born = p.geburtsdatum.value
    if born and age_on(born, ctx.stichtag) < ctx.params.mindestalter:
        yield ctx.finding(
            "alter", p, p.geburtsdatum.cell, alter=age_on(born, ctx.stichtag), min=ctx.params.mindestalter
        )


@_rule("fuehrungszeugnis-fehlt", "fuehrungszeugnis-veraltet", "fuehrungszeugnis-faellig")
def _fuehrungszeugnis(ctx: Context, p: Person) -> Iterator[Finding]:
    value = p.fuehrungszeugnis
    if value.invalid:
        return  # reported as wert-ungueltig
    if value.value is None:
        yield ctx.finding("fuehrungszeugnis-fehlt", p, value.cell)
        return
    years = ctx.params.fuehrungszeugnis_jahre
    expires = add_years(value.value, years)
    common = {"datum": datum(value.value), "jahre": years, "frist": datum(expires)}
    if ctx.stichtag > expires:
        yield ctx.finding("fuehrungszeugnis-veraltet", p, value.cell, **common)
    elif ctx.warning_window > expires:
        yield ctx.finding("fuehrungszeugnis-faellig", p, value.cell, **common)


@_rule("masernschutz-fehlt")
def _masern(ctx: Context, p: Person) -> Iterator[Finding]:
    born = p.geburtsdatum.value
    if p.masernschutz.invalid or born is None or born <= ctx.params.masern_geboren_nach:
        return
    if p.masernschutz.value is not JaNein.JA:
        yield ctx.finding("masernschutz-fehlt", p, p.masernschutz.cell, geboren=datum(born))


@_rule("sprachnachweis-fehlt")
def _sprache(ctx: Context, p: Person) -> Iterator[Finding]:
    if p.sprachnachweis.value is JaNein.NEIN:
        yield ctx.finding("sprachnachweis-fehlt", p, p.sprachnachweis.cell)


@_rule("qualifizierung-frist", "qualifizierung-frist-bald", "qualifizierung-befristet")
def _qualifizierung(ctx: Context, p: Person) -> Iterator[Finding]:
    zuordnung, begin = p.zuordnung.value, p.beginn.value
    if zuordnung is None or zuordnung.gruppe is not Gruppe.ERGAENZUNG or begin is None:
        return
    if p.qualifizierung_300ue.value is not None or p.qualifizierung_300ue.invalid or ctx.in_training(p):
        return
    if short_fixed_term(p):
        yield ctx.finding(
            "qualifizierung-befristet", p, p.ende.cell, beginn=datum(begin), ende=datum(p.ende.value)
        )
        return
    deadline = deadline_12(p, ctx.params)
    assert deadline is not None
    values = {"beginn": datum(begin), "frist": datum(deadline)}
    if ctx.stichtag > deadline:
        yield ctx.finding("qualifizierung-frist", p, p.qualifizierung_300ue.cell, **values)
    elif deadline <= ctx.warning_window:
        yield ctx.finding("qualifizierung-frist-bald", p, p.qualifizierung_300ue.cell, **values)


@_rule("ausbildung-fehlt")
def _ausbildung(ctx: Context, p: Person) -> Iterator[Finding]:
    if p.zuordnung.value is None or ctx.in_training(p):
        return
    if p.qualifikation.value is None and not p.qualifikation.invalid:
        yield ctx.finding("ausbildung-fehlt", p, p.qualifikation.cell)


@_rule("auszubildende-nicht-gezaehlt")
def _auszubildende(ctx: Context, p: Person) -> Iterator[Finding]:
    if ctx.params.auszubildende_anrechnen or not ctx.in_training(p):
        return
    cell = p.funktion.cell if ctx.catalogue.in_training(p.funktion.value) else p.qualifikation.cell
    yield ctx.finding("auszubildende-nicht-gezaehlt", p, cell or p.name.cell)


@_rule("leitung-keine-fachkraft")
def _leitung(ctx: Context, p: Person) -> Iterator[Finding]:
    zuordnung, hours = p.zuordnung.value, p.leitungsstunden.value
    if zuordnung and zuordnung.gruppe is Gruppe.ERGAENZUNG and hours and hours > 0:
        yield ctx.finding("leitung-keine-fachkraft", p, p.leitungsstunden.cell, stunden=number(hours))


@_rule("stunden-summe")
def _summe(ctx: Context, p: Person) -> Iterator[Finding]:
    contract = p.wochenstunden.value
    if contract is None:
        return
    total = exact_float(p.leitungsstunden.value or 0) + exact_float(p.paed_stunden.value or 0)
    if total > exact_float(contract):
        yield ctx.finding(
            "stunden-summe", p, p.wochenstunden.cell, summe=number(float(total)), vertrag=number(contract)
        )


@_rule("stunden-hoechstgrenze")
def _hoechst(ctx: Context, p: Person) -> Iterator[Finding]:
    contract = p.wochenstunden.value
    if contract is not None and exact_float(contract) > exact_float(ctx.params.max_wochenstunden):
        yield ctx.finding(
            "stunden-hoechstgrenze",
            p,
            p.wochenstunden.cell,
            stunden=number(contract),
            max=number(ctx.params.max_wochenstunden),
        )


@_rule("zuordnung-qualifikation")
def _zuordnung_qualifikation(ctx: Context, p: Person) -> Iterator[Finding]:
    zuordnung = p.zuordnung.value
    if zuordnung is None:
        return
    groups = {m.gruppe for m in ctx.catalogue.classify(p.qualifikation.value)}
    if len(groups) == 1 and zuordnung.gruppe not in groups:
        expected = "Fachkräften (§§ 9 bis 11)" if Gruppe.FACHKRAFT in groups else "Ergänzungskräften (§ 12)"
        yield ctx.finding(
            "zuordnung-qualifikation",
            p,
            p.zuordnung.cell,
            qualifikation=p.qualifikation.value,
            erwartet=expected,
            eingetragen=raw(p.zuordnung.raw),
        )


@_rule("teilbereich")
def _teilbereich(ctx: Context, p: Person) -> Iterator[Finding]:
    zuordnung = p.zuordnung.value
    if zuordnung is None or zuordnung.gruppe is not Gruppe.FACHKRAFT or zuordnung.paragraph not in (None, 11):
        return
    areas = {m.area for m in ctx.catalogue.classify(p.qualifikation.value) if m.area}
    if len(areas) != 1:
        return
    area = areas.pop()
    others = sorted(ctx.occupied - {area}, key=list(AREA_TITLES).index)
    if others:
        yield ctx.finding(
            "teilbereich",
            p,
            p.qualifikation.cell,
            qualifikation=p.qualifikation.value,
            bereich=AREA_TITLES[area],
            andere=", ".join(AREA_TITLES[a] for a in others),
        )


@_rule("beschaeftigung-beendet", "beschaeftigung-zukuenftig", everyone=True)
def _beschaeftigung(ctx: Context, p: Person) -> Iterator[Finding]:
    if p.ende.value is not None and p.ende.value < ctx.stichtag:
        yield ctx.finding("beschaeftigung-beendet", p, p.ende.cell, ende=datum(p.ende.value))
    elif p.beginn.value is not None and p.beginn.value > ctx.stichtag:
        yield ctx.finding("beschaeftigung-zukuenftig", p, p.beginn.cell, beginn=datum(p.beginn.value))


class _Doppelt(PersonCheck):
    """The same person (name and birth date) listed twice: reported on the later row."""

    rules = ("doppelt",)
    everyone = True

    def start(self, ctx: Context) -> None:
        self.seen: dict[tuple[str, date | None], Person] = {}

    def row(self, ctx: Context, person: Person) -> Iterator[Finding]:
        key = (normalize(person.name.value), person.geburtsdatum.value)
        first = self.seen.setdefault(key, person)
        if first is not person:
            yield ctx.finding(
                "doppelt", person, person.name.cell, geboren=datum(person.geburtsdatum.value), erste=first.row
            )


CHECKS.append(_Doppelt)


def person_rule_ids() -> tuple[str, ...]:
    return tuple(rule for factory in CHECKS for rule in factory().rules)


def person_findings(ctx: Context, checkable: set[str]) -> Iterator[Finding]:
    checks = [check for check in (factory() for factory in CHECKS) if set(check.rules) & checkable]
    for check in checks:
        check.start(ctx)
    for person in ctx.meldung.persons or ():
        employed = person.counts_on(ctx.stichtag)
        for check in checks:
            if employed or check.everyone:
                yield from (f for f in check.row(ctx, person) if f.rule in checkable)
    for check in checks:
        yield from (f for f in check.end(ctx) if f.rule in checkable)
