"""Structural and input findings (regeln-brandenburg.md section 6): required fields, unreadable
values, unknown Zuordnung, places, Stichtag outside the rule table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kitameldung.checks.findings import Finding, rule
from kitameldung.checks.formatting import datum, number, raw
from kitameldung.model import AGE_GROUPS, FIELD_TITLES, Meldung, Person, Value
from kitameldung.rules import RuleBook

HEADER_TITLES = {
    "traeger": "Der Träger der Einrichtung",
    "einrichtung": "Der Name der Einrichtung",
    "stichtag": "Der Stichtag",
}
GROUP_TITLES = {"krippe": "Krippe", "kindergarten": "Kindergarten", "hort": "Hort"}
PERSON_REQUIRED = {
    "zuordnung": "Die Zuordnung nach KitaPersV",
    "beginn": "Das Datum „beschäftigt seit“",
    "wochenstunden": "Die vertragliche Wochenarbeitszeit",
    "paed_stunden": "Die Zahl der pädagogisch tätigen Stunden",
}
EXPECTED = {
    "date": "ein Datum (TT.MM.JJJJ)",
    "number": "eine Zahl (z. B. 19,5)",
    "hours": "eine Stundenzahl von 0 bis 168 je Woche (z. B. 19,5)",
    "yes_no": "ja oder nein",
    "text": "einen Text",
}
PERSON_FIELD_KINDS = {
    "geburtsdatum": ("das Geburtsdatum", "date"),
    "beginn": ("„beschäftigt seit“", "date"),
    "ende": ("„befristet bis / Austritt“", "date"),
    "fuehrungszeugnis": ("das Datum des Führungszeugnisses", "date"),
    "qualifizierung_300ue": ("den Abschluss der 300-UE-Qualifizierung", "date"),
    "wochenstunden": ("die vertragliche Wochenarbeitszeit", "hours"),
    "leitungsstunden": ("die Leitungsstunden", "hours"),
    "paed_stunden": ("die pädagogisch tätigen Stunden", "hours"),
    "masernschutz": ("den Masernschutz", "yes_no"),
    "sprachnachweis": ("den Sprachnachweis", "yes_no"),
}


def structure_findings(meldung: Meldung, rules: RuleBook) -> Iterator[Finding]:
    sheet = meldung.sheet
    missing = []
    if meldung.persons is None:
        missing.append("Die Tabelle der Betreuungskräfte")
    if meldung.places is None:
        missing.append("Die Meldung der belegten Plätze")
    for column in meldung.layout.missing_required:
        missing.append(f"Die Spalte „{FIELD_TITLES.get(column, column)}“ der Personaltabelle")
    for what in missing:
        yield rule("formular-unbekannt").finding(sheet, None, was=what, blatt=sheet)
    yield from _header(meldung, rules)
    yield from _places(meldung)
    for person in meldung.persons or ():
        yield from person_input_findings(meldung, person)
    for row in meldung.nameless_rows:
        column = meldung.layout.staff_columns.get("name", "B")
        yield rule("pflichtfeld").finding(
            sheet, f"{column}{row}", feld="Der Name", wo=f" in Zeile {row}, obwohl dort Angaben stehen"
        )


def _header(meldung: Meldung, rules: RuleBook) -> Iterator[Finding]:
    sheet = meldung.sheet
    for key, title in HEADER_TITLES.items():
        value = meldung.header.get(key)
        if value is None:
            # The label itself is missing: point at nothing, say what to look for.
            yield rule("pflichtfeld").finding(
                sheet, None, feld=title, wo=" (Feld nicht gefunden)", zelle="das Kopffeld"
            )
            continue
        if value.invalid:
            yield unreadable(sheet, value, "Stichtag") or rule("wert-ungueltig").finding(
                sheet, value.cell, wert=raw(value.raw), feld="den Stichtag", erwartet=EXPECTED["date"]
            )
        elif value.value is None:
            yield rule("pflichtfeld").finding(sheet, value.cell, feld=title)
    stichtag = meldung.header.get("stichtag")
    if stichtag and stichtag.value and stichtag.value < rules.first_date:
        yield rule("stichtag-regelstand").finding(
            sheet, stichtag.cell, wert=datum(stichtag.value), ab=datum(rules.first_date)
        )


def _places(meldung: Meldung) -> Iterator[Finding]:
    sheet = meldung.sheet
    for group in AGE_GROUPS:
        places = (meldung.places or {}).get(group)
        if places is None:
            continue
        title = GROUP_TITLES[group]
        valid = True
        for value in (places.short, places.long, places.genehmigt):
            if value.invalid or (
                value.value is not None and (value.value < 0 or not float(value.value).is_integer())
            ):
                valid = False
                yield unreadable(sheet, value, f"Plätze {title}") or rule("plaetze-ungueltig").finding(
                    sheet, value.cell, wert=raw(value.raw), gruppe=title
                )
        approved = places.genehmigt.value
        if valid and approved is not None and places.genehmigt.raw is not None:
            occupied = (places.short.value or 0) + (places.long.value or 0)
            if occupied > approved:
                yield rule("plaetze-kapazitaet").finding(
                    sheet,
                    places.genehmigt.cell,
                    gruppe=title,
                    belegt=number(occupied),
                    genehmigt=number(approved),
                )


def unreadable(sheet: str, value: Value[Any], title: str, where: str = "") -> Finding | None:
    """An error value or a formula without a stored result in a cell the form needs."""
    if value.error is not None:
        return rule("wert-fehlerhaft").finding(sheet, value.cell, wert=value.error, feld=title, wo=where)
    if value.formula is not None:
        return rule("formel-ohne-ergebnis").finding(
            sheet, value.cell, formel=value.formula, feld=title, wo=where
        )
    return None


def person_input_findings(meldung: Meldung, person: Person) -> Iterator[Finding]:
    sheet = meldung.sheet
    where = f" bei {person.name.value} (Zeile {person.row})"
    for key, title in PERSON_REQUIRED.items():
        value: Value[Any] = getattr(person, key)
        if meldung.has_column(key) and value.raw is None:
            yield rule("pflichtfeld").finding(sheet, value.cell, feld=title, wo=where)
    if person.zuordnung.invalid:
        yield unreadable(sheet, person.zuordnung, "Zuordnung", where) or rule("zuordnung-unbekannt").finding(
            sheet, person.zuordnung.cell, wert=raw(person.zuordnung.raw), wo=where
        )
    for key, (title, kind) in PERSON_FIELD_KINDS.items():
        value = getattr(person, key)
        if value.invalid:
            yield unreadable(sheet, value, title, where) or rule("wert-ungueltig").finding(
                sheet, value.cell, wert=raw(value.raw), feld=title, wo=where, erwartet=EXPECTED[kind]
            )
