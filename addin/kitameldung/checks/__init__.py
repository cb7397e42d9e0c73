"""Validation: declared rules evaluated over a Meldung into one list of findings."""

from __future__ import annotations

from kitameldung.checks.facility import facility_findings
from kitameldung.checks.findings import Finding, Severity, catalogue, rule, sort_key
from kitameldung.checks.structure import structure_findings
from kitameldung.evaluation import Staffing
from kitameldung.model import Meldung
from kitameldung.rules import Parameters, RuleBook


def run_checks(
    meldung: Meldung, staffing: Staffing | None, rules: RuleBook, params: Parameters
) -> list[Finding]:
    """All findings of one Meldung in one pass, sorted by severity and position."""
    findings = list(structure_findings(meldung, rules))
    if staffing is not None:
        findings.extend(facility_findings(staffing, params, meldung.sheet))
    return sorted(findings, key=sort_key)


__all__ = ["Finding", "Severity", "catalogue", "rule", "run_checks"]
