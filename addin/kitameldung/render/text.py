"""The German summary `kitameldung check` prints for people."""

from __future__ import annotations

from kitameldung.checks import Severity
from kitameldung.checks.formatting import counted, datum, not_yet, percent, vzae
from kitameldung.checks.rule_data import confirmation
from kitameldung.evaluation import Staffing
from kitameldung.model import FIELD_TITLES
from kitameldung.pipeline import Result
from kitameldung.sheets.common import lesarten, pruefstand

MARK = {True: "erfüllt", False: "NICHT erfüllt", None: "nicht berechenbar"}


def _quota_line(result: Result) -> str:
    staffing = result.staffing
    assert staffing is not None
    if not staffing.kitapersv:
        return f"{not_yet(result.settings.rules.kitapersv)}, keine Mindestquote an diesem Stichtag"
    if staffing.fachkraftquote_min is None:
        return "keine Mindestquote an diesem Stichtag"
    return f"{MARK[staffing.quota_ok()]} (mindestens {percent(staffing.fachkraftquote_min)})"


def not_counted(staffing: Staffing) -> str:
    """Who is listed but not counted, and why — the same figures as the JSON's `nicht_gezaehlt`."""
    parts = [
        (staffing.in_ausbildung, "in Ausbildung bzw. im Praktikum"),
        (staffing.nicht_beschaeftigt, "am Stichtag nicht beschäftigt"),
        (staffing.ohne_zuordnung, "ohne lesbare Zuordnung"),
    ]
    return ", ".join(f"{counted(n, 'Person', 'Personen')} {why}" for n, why in parts if n)


def summary(result: Result, severities: tuple[Severity, ...] = tuple(Severity)) -> str:
    name = result.path.name
    if not result.ok:
        return f"✗ {name}\n  Nicht verarbeitet: {result.error}\n"
    meldung, staffing = result.meldung, result.staffing
    assert meldung is not None
    einrichtung = meldung.header.get("einrichtung")
    title = einrichtung.value if einrichtung and einrichtung.value else "(Einrichtung ohne Namen)"
    lines = [f"{title}  –  {name}"]
    version = datum(staffing.rule_version) if staffing else "–"
    lines.append(
        f"  Stichtag {datum(meldung.stichtag)} · Formular {meldung.variant} (Blatt „{meldung.sheet}“)"
        f" · Regelstand {version}"
    )
    lines.append(f"  Regeldaten: {pruefstand(result.settings.rules)}")
    if staffing is not None:
        margin = staffing.dispositionsspielraum
        spielraum = f" (Dispositionsspielraum {percent(margin)})" if margin else ""
        lines += [
            f"  Personalbedarf (Soll):  {vzae(staffing.soll_betreuung_vzae):>7} VZÄ"
            f"   Leitungsanteil {vzae(staffing.soll_leitung_vzae)} VZÄ",
            f"  Ist pädagogisch:        {vzae(staffing.ist_betreuung_vzae):>7} VZÄ"
            f"   davon Fachkräfte {vzae(staffing.ist_fachkraft_vzae)},"
            f" Ergänzungskräfte {vzae(staffing.ist_ergaenzung_vzae)}"
            f" ({staffing.personen_gezaehlt} Personen gezählt)",
            f"  Deckungsgrad:           {percent(staffing.deckungsgrad):>9}"
            f"   {MARK[staffing.coverage_ok()]}{spielraum}",
            f"  Fachkraftquote:         {percent(staffing.fachkraftquote):>9}   {_quota_line(result)}",
        ]
        skipped = not_counted(staffing)
        if skipped:
            lines.append(f"  Nicht gezählt: {skipped}")
        if staffing.readings_differ:
            lines.append(f"  Achtung: {lesarten(staffing)}.")
        compared = confirmation(result.form_figures)
        if compared:
            lines.append(f"  Berechnung des Formulars: {compared}")
    elif meldung.layout.missing_required:
        columns = ", ".join(f"„{FIELD_TITLES.get(c, c)}“" for c in meldung.layout.missing_required)
        lines.append(
            f"  Personalbemessung und Fachkraftquote nicht berechnet: Spalte {columns} nicht gefunden "
            f"(„kitameldung inspect {name}“ zeigt, was gefunden wurde; eigenes Profil mit --profil)."
        )
    else:
        lines.append("  Ohne gültigen Stichtag kann die Personalbemessung nicht berechnet werden.")
    counts = ", ".join(s.counted(result.count(s)) for s in Severity)
    lines.append(f"  Befunde: {counts}")
    if result.not_checked:
        skipped = "; ".join(f"{n.rule} ({n.reason})" for n in result.not_checked)
        lines.append(f"  Nicht prüfbar: {skipped}")
    for severity in severities:
        group = [f for f in result.findings if f.severity is severity]
        if not group:
            continue
        lines.append(f"  {severity.title}:")
        for finding in group:
            where = f"{finding.sheet}!{finding.cell}" if finding.cell else "Einrichtung"
            lines.append(f"    [{finding.rule}] {where}: {finding.message}")
    return "\n".join(lines) + "\n"
