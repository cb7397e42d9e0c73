"""`kitameldung inspect`: what the reader found where, and what it missed (German)."""

from __future__ import annotations

from kitameldung.checks.formatting import datum, raw
from kitameldung.evaluation.second_opinion import TITLES
from kitameldung.form import Profile, builtin_profiles
from kitameldung.model import AGE_GROUPS, FIELD_TITLES, Meldung
from kitameldung.rules import RuleBook
from kitameldung.sheets.common import pruefstand

GROUP_TITLES = {"krippe": "Krippe", "kindergarten": "Kindergarten", "hort": "Hort"}
KIND_TITLES = {"short": "bis 6 Std.", "long": "über 6 Std.", "genehmigt": "genehmigt"}
HORT_TITLES = {"short": "bis 4 Std.", "long": "über 4 Std.", "genehmigt": "genehmigt"}


def describe(meldung: Meldung, profile: Profile | None, rules: RuleBook | None = None) -> str:
    profile = profile or builtin_profiles()[0]
    layout = meldung.layout
    lines = [
        f"Datei:    {meldung.file}",
        f"Blatt:    {meldung.sheet}",
        f"Profil:   {meldung.profile}   Formular: {meldung.variant}",
        f"Stand:    {_stand(meldung)}",
        "",
        "Kopfangaben:",
    ]
    for key, spec in profile.header.items():
        cell = layout.header_cells.get(key)
        value = meldung.header.get(key)
        shown = "" if value is None or value.raw is None else f" = {raw(value.raw)}"
        status = f"{cell}{shown}" if cell else ("FEHLT (Pflichtfeld)" if spec.required else "nicht gefunden")
        lines.append(f"  {spec.title:<28} {status}")
    lines.append("")
    if meldung.places is None:
        lines.append("Belegte Plätze: NICHT GEFUNDEN (Beschriftungen „bis 6 Std.“/„über 6 Std.“ gesucht)")
    else:
        lines.append("Belegte Plätze:")
        for group in AGE_GROUPS:
            cells = layout.places_cells.get(group)
            if not cells:
                lines.append(f"  {GROUP_TITLES[group]:<14} Zeile nicht gefunden")
                continue
            titles = HORT_TITLES if group == "hort" else KIND_TITLES
            found = ", ".join(f"{titles[k]} {c}" for k, c in cells.items())
            lines.append(f"  {GROUP_TITLES[group]:<14} {found}")
    lines.append("")
    if meldung.persons is None:
        lines.append(
            "Tabelle der Betreuungskräfte: NICHT GEFUNDEN (Spaltenköpfe Name, Zuordnung, Stunden gesucht)"
        )
    else:
        first, last = layout.staff_rows or (0, 0)
        header_rows = layout.staff_header_rows or (0, 0)
        shown_rows = (
            str(header_rows[0]) if header_rows[0] == header_rows[1] else f"{header_rows[0]}–{header_rows[1]}"
        )
        people = "1 Person" if len(meldung.persons) == 1 else f"{len(meldung.persons)} Personen"
        lines.append(
            f"Tabelle der Betreuungskräfte: Kopfzeile {shown_rows}, Zeilen {first}–{last}, "
            f"{people} eingetragen, {layout.capacity} nummerierte Zeilen"
        )
        for key in profile.staff_columns:
            column = layout.staff_columns.get(key)
            required = key in profile.staff_required
            status = (
                f"Spalte {column}" if column else ("FEHLT (Pflichtspalte)" if required else "nicht vorhanden")
            )
            lines.append(f"  {FIELD_TITLES.get(key, key):<40} {status}")
    lines += ["", "Eigene Berechnung des Formulars (wird nur verglichen, nie übernommen):"]
    for key, title in TITLES.items():
        value = meldung.form_figures.get(key)
        lines.append(f"  {title:<28} {f'{value.cell} = {raw(value.raw)}' if value else 'nicht gefunden'}")
    if rules is not None:
        lines += ["", f"Regeldaten: {pruefstand(rules)}"]
    return "\n".join(lines) + "\n"


def _stand(meldung: Meldung) -> str:
    """The form's version and where it was read (or that it follows from the variant)."""
    stand = meldung.form_stand
    if stand.value is None:
        return "nicht erkannt (kein „Formularstand“ oben im Blatt, Formular unbekannt)"
    where = f"aus {stand.cell}" if stand.cell else "aus dem erkannten Formular"
    return f"{datum(stand.value)} ({where})"
