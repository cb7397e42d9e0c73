"""Facility-level findings from the computed staffing: coverage, quota, Leitung share."""

from __future__ import annotations

from collections.abc import Iterator

from kitameldung.checks.findings import Finding, rule
from kitameldung.checks.formatting import percent, vzae
from kitameldung.evaluation import Staffing
from kitameldung.rules import Parameters


def facility_findings(staffing: Staffing, params: Parameters, sheet: str) -> Iterator[Finding]:
    """Facility-level findings carry the form sheet but no cell."""
    soll = staffing.soll_betreuung_vzae
    ist = staffing.ist_betreuung_vzae
    if staffing.coverage_ok(params) is False and soll is not None:
        yield rule("personalbemessung").finding(
            sheet,
            None,
            ist=vzae(ist),
            soll=vzae(soll),
            deckung=percent(staffing.deckungsgrad),
            fehlt=vzae(soll - ist),
        )
    if staffing.quota_ok() is False and staffing.fachkraftquote_min is not None:
        missing = staffing.fachkraftquote_min * ist - staffing.ist_fachkraft_vzae
        yield rule("fachkraftquote").finding(
            sheet,
            None,
            quote=percent(staffing.fachkraftquote),
            min=percent(staffing.fachkraftquote_min),
            fehlt=vzae(missing),
        )
    soll_leitung = staffing.soll_leitung_vzae
    if soll_leitung is not None and staffing.ist_leitung_vzae < soll_leitung:
        yield rule("leitungsanteil").finding(
            sheet, None, ist=vzae(staffing.ist_leitung_vzae), soll=vzae(soll_leitung)
        )
