"""Facility-level findings from the computed staffing: coverage, quota, Leitung share."""

from __future__ import annotations

from collections.abc import Iterator

from kitameldung.checks.findings import Finding, rule
from kitameldung.checks.formatting import READINGS, percent, verdict_text, vzae
from kitameldung.evaluation import Staffing


def facility_findings(staffing: Staffing, sheet: str) -> Iterator[Finding]:
    """Facility-level findings carry the form sheet but no cell. Coverage and quota follow the
    reading of § 15 KitaPersV chosen (`fachkraftquote_basis`); a hint says when the other
    reading would come to another verdict."""
    soll = staffing.soll_betreuung_vzae
    ist = staffing.ist_betreuung_vzae
    margin = staffing.dispositionsspielraum
    spielraum = f" (Dispositionsspielraum {percent(margin)} berücksichtigt)" if margin else ""
    if staffing.fachkraftquote_basis == "soll_anrechnung":
        yield from _soll_anrechnung(staffing, sheet, spielraum)
    elif staffing.coverage_ok() is False and soll is not None:
        yield rule("personalbemessung").finding(
            sheet,
            None,
            ist=vzae(ist),
            soll=vzae(soll),
            deckung=percent(staffing.deckungsgrad),
            fehlt=vzae(soll * (1 - margin) - ist),
            spielraum=spielraum,
        )
    if staffing.coverage_open() and staffing.dispositionsspielraum_offen is not None:
        yield rule("dispositionsspielraum-offen").finding(
            sheet,
            None,
            deckung=percent(staffing.deckungsgrad),
            grenze=percent(1 - staffing.dispositionsspielraum_offen),
            offen=percent(staffing.dispositionsspielraum_offen),
        )
    if (
        staffing.fachkraftquote_basis == "ist"
        and staffing.quota_ok() is False
        and staffing.fachkraftquote_min is not None
    ):
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
    if staffing.readings_differ:
        yield rule("lesarten-abweichend").finding(
            sheet,
            None,
            ist=verdict_text(staffing.verdict("ist")),
            anrechnung=verdict_text(staffing.verdict("soll_anrechnung")),
            angewandt=READINGS[staffing.fachkraftquote_basis],
        )


def _soll_anrechnung(staffing: Staffing, sheet: str, spielraum: str) -> Iterator[Finding]:
    soll, credited = staffing.soll_betreuung_vzae, staffing.anrechenbar_vzae
    if staffing.verdict("soll_anrechnung") is not False or soll is None or credited is None:
        return
    yield rule("personalbemessung-anrechnung").finding(
        sheet,
        None,
        anrechenbar=vzae(credited),
        soll=vzae(soll),
        fach=vzae(staffing.ist_fachkraft_vzae),
        erg=vzae(staffing.ist_ergaenzung_vzae),
        fehlt=vzae(soll * (1 - staffing.dispositionsspielraum) - credited),
        spielraum=spielraum,
    )
