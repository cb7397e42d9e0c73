"""Validation: declared rules evaluated over a Meldung into one list of findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kitameldung.checks.facility import facility_findings
from kitameldung.checks.findings import Finding, Severity, catalogue, rule, sort_key
from kitameldung.checks.formatting import datum
from kitameldung.checks.persons import Context, person_findings, person_rule_ids
from kitameldung.checks.rule_data import form_figure_findings, stale_rule_data
from kitameldung.checks.structure import structure_findings
from kitameldung.checks.verfahren import process_findings
from kitameldung.evaluation import Staffing
from kitameldung.evaluation.second_opinion import FormFigure
from kitameldung.model import AGE_GROUPS, FIELD_TITLES, Meldung
from kitameldung.rules import Parameters, RuleBook
from kitameldung.rules.catalogue import QualificationCatalogue


@dataclass(frozen=True)
class NotCheckable:
    """A rule skipped: the form variant lacks a column it needs, or the rule did not apply yet
    on the Stichtag."""

    rule: str
    reason: str


def not_checkable(meldung: Meldung, stichtag: date | None, rules: RuleBook) -> list[NotCheckable]:
    result = []
    if stichtag is not None and not rules.kitapersv_applies(stichtag):
        for rule_id, spec in catalogue().items():
            if spec.since == "kitapersv":
                result.append(NotCheckable(rule_id, f"Regel gilt ab {datum(rules.kitapersv)}"))
    dated = {n.rule for n in result}
    if meldung.persons is None:
        return result
    for rule_id in person_rule_ids():
        missing = tuple(c for c in rule(rule_id).columns if not meldung.has_column(c))
        if missing and rule_id not in dated:
            names = ", ".join(f"„{FIELD_TITLES.get(c, c)}“" for c in missing)
            result.append(NotCheckable(rule_id, f"Spalte {names} fehlt im Formular"))
    return result


def run_checks(
    meldung: Meldung,
    staffing: Staffing | None,
    rules: RuleBook,
    params: Parameters,
    qualifications: QualificationCatalogue,
    today: date | None = None,
    form_figures: tuple[FormFigure, ...] = (),
) -> list[Finding]:
    """All findings of one Meldung in one pass, sorted by severity and position. `today` is the
    check date (is the rule data still current?); `form_figures` the form's own results."""
    findings = list(structure_findings(meldung, rules))
    findings.extend(stale_rule_data(rules, meldung.stichtag, today or date.today(), meldung.sheet))
    findings.extend(form_figure_findings(form_figures, meldung.sheet))
    findings.extend(process_findings(meldung, rules, today or date.today()))
    if staffing is not None:
        skipped = {n.rule for n in not_checkable(meldung, staffing.stichtag, rules)}
        findings.extend(f for f in facility_findings(staffing, meldung.sheet) if f.rule not in skipped)
        occupied = frozenset(
            group
            for group in AGE_GROUPS
            if meldung.places
            and ((meldung.places[group].short.value or 0) + (meldung.places[group].long.value or 0))
        )
        ctx = Context(meldung, staffing.stichtag, params, qualifications, occupied)
        findings.extend(person_findings(ctx, set(person_rule_ids()) - skipped))
    return sorted(findings, key=sort_key)


__all__ = ["Finding", "NotCheckable", "Severity", "catalogue", "not_checkable", "rule", "run_checks"]
