"""Findings about the rule data itself and the form's own figures (sections 9.5 and 9.6):
stale rule data, and where the ministry's workbook computes something else than we do."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from kitameldung.checks.findings import Finding, rule
from kitameldung.checks.formatting import datum, number, percent, vzae
from kitameldung.evaluation.second_opinion import FormFigure, Reason
from kitameldung.rules import RuleBook
from kitameldung.rules.rulebook import STATUS_TITLES


def rule_data_label(rules: RuleBook) -> str:
    """The rule data used, as every output names it: built-in with version and review day, or
    the provider's rule file on top of it."""
    review = rules.review
    base = review.base or review
    version = f" {base.version}" if base.version else ""
    checked = f"{version}, geprüft am {datum(base.reviewed)}"
    if not review.rule_file:
        return f"eingebaute Regeldaten{checked}"
    own = f" (eigener Prüfstand vom {datum(review.reviewed)})" if review.reviewed != base.reviewed else ""
    return f"Regeldatei {review.rule_file}{own}, ergänzt die eingebauten Regeldaten{checked}"


def stale_rule_data(rules: RuleBook, stichtag: date | None, today: date, sheet: str) -> Iterator[Finding]:
    if not rules.stale(today, stichtag):
        return
    reviewed = rules.review.reviewed
    if stichtag is not None and stichtag > reviewed:
        grund = f"; der Stichtag {datum(stichtag)} liegt danach"
    else:
        grund = f", vor mehr als zwölf Monaten (heute ist der {datum(today)})"
    yield rule("regelstand-pruefen").finding(
        sheet,
        None,
        daten=rule_data_label(rules),
        geprueft=datum(reviewed),
        grund=grund,
        quellen=rules.review.sources,
    )


def form_figure_findings(figures: tuple[FormFigure, ...], sheet: str) -> Iterator[Finding]:
    for figure in figures:
        if figure.agrees is not False:
            continue
        yield rule("abweichung-formular").finding(
            sheet,
            figure.cell,
            titel=figure.title,
            formular=shown(figure, figure.form_value),
            eigen=shown(figure, figure.own_value),
            grund=reason_text(figure.reason),
        )


def shown(figure: FormFigure, value: object) -> str:
    if figure.key == "fachkraftquote":
        return percent(value)  # type: ignore[arg-type]
    return f"{vzae(value)} VZÄ"  # type: ignore[arg-type]


def reason_text(reason: Reason | None) -> str:
    """The most likely reason of a difference, in words."""
    if reason is None:
        return "Einen Grund kann kitameldung nicht erkennen; bitte die Formeln des Formulars und die Eingaben prüfen."
    if reason.kind == "schluessel" and reason.key is not None:
        key = reason.key
        krippe, kindergarten = number(float(key.krippe)), number(float(key.kindergarten))
        status = STATUS_TITLES[key.status]
        return (
            f"Der Wert des Formulars entspricht dem Betreuungsschlüssel Krippe 1 : {krippe}, Kindergarten "
            f"1 : {kindergarten} ab {datum(key.valid_from)} ({status}) – nicht dem am Stichtag geltenden."
        )
    if reason.kind == "alle_personen":
        return (
            "Das Formular zählt offenbar alle aufgeführten Personen; kitameldung zählt nur die am "
            "Stichtag beschäftigten Betreuungskräfte (ohne Auszubildende und Praktikant*innen)."
        )
    if reason.kind == "text_stunden":
        return (
            "Das Formular rechnet nur mit Stunden, die als Zahl eingetragen sind; als Text "
            "eingetragene Stunden (z. B. „19,5“) zählt seine Summe nicht mit. Bitte die Stunden als Zahl eintragen."
        )
    if reason.kind == "vollzeit":
        return f"Das Formular rechnet offenbar mit {reason.vollzeit:g} Wochenstunden je Vollzeitstelle."
    return ""


def confirmation(figures: tuple[FormFigure, ...]) -> str | None:
    """The line the Prüfbericht and the text output show: agreement as a confirmation, or which
    figures differ (the findings say why); None when the form holds no figures to compare."""
    if not figures:
        return None

    def named(group: list[FormFigure]) -> str:
        return ", ".join(f"{f.title} {shown(f, f.form_value)} ({f.cell})" for f in group)

    agree = [f for f in figures if f.agrees]
    differ = [f for f in figures if f.agrees is False]
    if not differ:
        leitung = any(f.reason and f.reason.kind == "mit_leitung" for f in agree)
        note = " (Personalbedarf einschließlich Leitungsanteil)" if leitung else ""
        return f"bestätigt – {named(agree)} stimmen mit kitameldung überein{note}"
    same = f"; übereinstimmend: {named(agree)}" if agree else ""
    return f"ABWEICHUNG – {named(differ)} (siehe Befunde „abweichung-formular“){same}"
