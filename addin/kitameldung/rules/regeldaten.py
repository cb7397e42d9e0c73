"""Reading the rule data: the built-in `regelstand.toml`, and a provider's rule file in the same
form that replaces or adds rows by their date (regeln-brandenburg.md section 9.4).

A rule file is checked before anything is computed with it: every mistake is a German message
naming the file and the line, so the law can follow a change without a new release and without
silently wrong figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from kitameldung.resources import load_toml, package_data
from kitameldung.rules.parameters import ConfigError
from kitameldung.rules.rulebook import (
    IN_KRAFT,
    STATUSES,
    Band,
    CareFactors,
    FormRow,
    KeyRow,
    LeitungRow,
    MarginRow,
    Procedure,
    QuotaRow,
    ReviewState,
    Row,
    RuleBook,
)

DATED = ("schluessel", "leitung", "dispositionsspielraum", "fachkraftquote", "formular")
SINGLE = ("pruefstand", "kitapersv", "betreuung", "meldeverfahren")
ROW_KEYS = {
    "schluessel": {"krippe", "kindergarten"},
    "leitung": {"grundanteil", "baender"},
    "dispositionsspielraum": {"anteil", "offen"},
    "fachkraftquote": {"mindestens"},
    "formular": {"groessen"},
}
SINGLE_KEYS = {
    "pruefstand": {"version", "text", "geprueft_am", "quellen"},
    "kitapersv": {"ab", "quelle"},
    "betreuung": {
        "faktor_kurz",
        "faktor_lang",
        "hort_faktor_kurz",
        "hort_faktor_lang",
        "hort_kinder",
        "quelle",
    },
    "meldeverfahren": {"gueltig_monate", "quelle"},
}
# Sane ranges: a value outside is a typing error (4.25 written as 425), not a law.
RANGES: dict[str, tuple[Fraction, Fraction]] = {
    "krippe": (Fraction(1), Fraction(30)),
    "kindergarten": (Fraction(1), Fraction(30)),
    "grundanteil": (Fraction(0), Fraction(2)),
    "anteil": (Fraction(0), Fraction(Fraction(1), Fraction(2))),
    "offen": (Fraction(0), Fraction(Fraction(1), Fraction(2))),
    "mindestens": (Fraction(0), Fraction(1)),
    "faktor_kurz": (Fraction(0), Fraction(3)),
    "faktor_lang": (Fraction(0), Fraction(3)),
    "hort_faktor_kurz": (Fraction(0), Fraction(3)),
    "hort_faktor_lang": (Fraction(0), Fraction(3)),
    "hort_kinder": (Fraction(1), Fraction(50)),
    "gueltig_monate": (Fraction(1), Fraction(60)),
}


class RuleFileError(ConfigError):
    """A rule file that cannot be used: German, naming the file and the line."""


@dataclass(frozen=True)
class _Where:
    """Line numbers of a TOML file's tables and keys, for messages ("Zeile 12")."""

    tables: dict[tuple[str, int], int]  # (table, occurrence) -> line of its header
    keys: dict[tuple[str, int, str], int]  # (table, occurrence, key) -> line

    @classmethod
    def of(cls, text: str) -> _Where:
        tables: dict[tuple[str, int], int] = {}
        keys: dict[tuple[str, int, str], int] = {}
        counts: dict[str, int] = {}
        current = ("", 0)
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            header = re.match(r"^\[\[?\s*([A-Za-z0-9_\-]+)\s*\]\]?", stripped)
            if header:
                name = header.group(1)
                index = counts.get(name, 0)
                counts[name] = index + 1
                current = (name, index)
                tables[current] = number
                continue
            key = re.match(r"^([A-Za-z0-9_\-]+)\s*=", stripped)
            if key:
                keys[(current[0], current[1], key.group(1))] = number
        return cls(tables, keys)

    def line(self, table: str, index: int = 0, key: str | None = None) -> int | None:
        if key is not None and (table, index, key) in self.keys:
            return self.keys[(table, index, key)]
        return self.tables.get((table, index))


class _Reader:
    """Values of one file, each failure a RuleFileError naming file and line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.where = path, _Where.of(text)

    def fail(self, message: str, table: str = "", index: int = 0, key: str | None = None) -> RuleFileError:
        line = self.where.line(table, index, key) if table else None
        at = f", Zeile {line}" if line else ""
        return RuleFileError(f"Regeldatei {self.path}{at}: {message}")

    def number(self, table: str, index: int, key: str, value: object) -> Fraction:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail(f'„{key}“ muss eine Zahl sein, z. B. "4.25".', table, index, key)
        try:
            result = Fraction(str(value).strip().replace(",", "."))
        except (ValueError, ZeroDivisionError):
            raise self.fail(f"„{value}“ ist keine Zahl (für „{key}“).", table, index, key) from None
        low, high = RANGES.get(key, (Fraction(-(10**9)), Fraction(10**9)))
        if not low <= result <= high:
            raise self.fail(
                f"{key} = {value} liegt nicht zwischen {float(low):g} und {float(high):g}. "
                "Anteile bitte als Dezimalzahl (0.05 für 5 %).",
                table,
                index,
                key,
            )
        return result

    def day(self, table: str, index: int, key: str, value: object) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            for form in ("%Y-%m-%d", "%d.%m.%Y"):
                try:
                    return datetime.strptime(value.strip(), form).date()
                except ValueError:
                    pass
        raise self.fail(
            f"„{value}“ ist kein Datum (für „{key}“). Bitte als 2027-01-01 schreiben.", table, index, key
        )

    def text(self, table: str, index: int, key: str, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"„{key}“ muss ein Text in Anführungszeichen sein.", table, index, key)
        return value.strip()

    def status(self, table: str, index: int, value: object) -> str:
        text = str(value).strip().lower().replace(" ", "_")
        if text not in STATUSES:
            raise self.fail(
                f"status = „{value}“ ist unbekannt. Erlaubt: „in_kraft“, „geplant“ (angekündigt, "
                "nicht beschlossen) oder „aufgehoben“.",
                table,
                index,
                "status",
            )
        return text


def _load(path: Path) -> tuple[dict[str, Any], str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleFileError(f"Regeldatei {path} wurde nicht gefunden.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(
            f"Regeldatei {path} kann nicht gelesen werden ({exc.__class__.__name__})."
        ) from None
    try:
        return load_toml(path), text
    except Exception as exc:  # tomllib.TOMLDecodeError
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        at = f", Zeile {where.group(1)}, Spalte {where.group(2)}" if where else ""
        raise RuleFileError(
            f"Regeldatei {path}{at}: kein gültiges TOML. Texte und Zahlen in Anführungszeichen "
            '(krippe = "4.25"), Daten ohne (ab = 2027-01-01); Beispiel im README unter „Wenn sich das '
            "Gesetz ändert“."
        ) from None


def _rows(reader: _Reader, data: dict[str, Any], table: str, base: tuple[Row, ...]) -> list[Row]:
    """The rows of one dated table; a user's row may leave out values the row in force before
    its date already has (a new Krippe key without repeating the Kindergarten key)."""
    entries = data.get(table, [])
    if not isinstance(entries, list):
        raise reader.fail(f"[{table}] muss als [[{table}]] (je Zeile ein Eintrag) geschrieben sein.", table)
    rows: list[Row] = []
    for index, entry in enumerate(entries):
        unknown = set(entry) - ROW_KEYS[table] - {"ab", "quelle", "status"}
        if unknown:
            key = sorted(unknown)[0]
            allowed = ", ".join(sorted(ROW_KEYS[table] | {"ab", "quelle", "status"}))
            raise reader.fail(
                f"unbekannter Eintrag „{key}“ in [[{table}]]. Erlaubt: {allowed}.", table, index, key
            )
        if "ab" not in entry:
            raise reader.fail(f"In [[{table}]] fehlt „ab“ (das Datum, ab dem die Zeile gilt).", table, index)
        valid_from = reader.day(table, index, "ab", entry["ab"])
        source = (
            reader.text(table, index, "quelle", entry["quelle"])
            if "quelle" in entry
            else f"Regeldatei {reader.path.name}, Zeile {reader.where.line(table, index)}"
        )
        status = reader.status(table, index, entry["status"]) if "status" in entry else IN_KRAFT
        before = [r for r in (*base, *rows) if r.valid_from <= valid_from and isinstance(r, _KIND[table])]
        rows.append(
            _row(reader, table, index, entry, valid_from, source, status, before[-1] if before else None)
        )
    return rows


def _row(
    reader: _Reader,
    table: str,
    index: int,
    entry: dict[str, Any],
    valid_from: date,
    source: str,
    status: str,
    previous: Row | None,
) -> Row:
    def value(key: str, inherited: Fraction | None = None) -> Fraction:
        if key in entry:
            return reader.number(table, index, key, entry[key])
        if inherited is not None:
            return inherited
        raise reader.fail(f"In [[{table}]] fehlt „{key}“.", table, index)

    if table == "schluessel":
        prev = previous if isinstance(previous, KeyRow) else None
        return KeyRow(
            valid_from,
            value("krippe", prev.krippe if prev else None),
            value("kindergarten", prev.kindergarten if prev else None),
            source,
            status,
        )
    if table == "leitung":
        prev_l = previous if isinstance(previous, LeitungRow) else None
        bands = (
            _bands(reader, index, entry["baender"])
            if "baender" in entry
            else (prev_l.bands if prev_l else None)
        )
        if bands is None:
            raise reader.fail("In [[leitung]] fehlt „baender“.", table, index)
        return LeitungRow(valid_from, value("grundanteil"), bands, source, status)
    if table == "fachkraftquote":
        return QuotaRow(valid_from, value("mindestens"), source, status)
    if table == "formular":
        prev_f = previous if isinstance(previous, FormRow) else None
        if "groessen" in entry:
            sizes = _sizes(reader, index, entry["groessen"])
        elif prev_f is not None:
            sizes = prev_f.sizes
        else:
            raise reader.fail("In [[formular]] fehlt „groessen“.", table, index)
        return FormRow(valid_from, sizes, source, status)
    open_share = reader.number(table, index, "offen", entry["offen"]) if "offen" in entry else None
    return MarginRow(valid_from, value("anteil"), source, status, open_share)


def _bands(reader: _Reader, index: int, entries: object) -> tuple[Band, ...]:
    if not isinstance(entries, list) or not entries:
        raise reader.fail(
            '„baender“ muss eine Liste sein: [{ bis = "4", anteil = "0.125" }, …].',
            "leitung",
            index,
            "baender",
        )
    bands = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {"bis", "anteil"}:
            raise reader.fail("Jedes Band braucht genau „bis“ und „anteil“.", "leitung", index, "baender")
        up_to = (
            None if str(entry["bis"]).strip() == "" else reader.number("leitung", index, "bis", entry["bis"])
        )
        bands.append(Band(up_to, reader.number("leitung", index, "anteil", entry["anteil"])))
    limits = [b.up_to for b in bands[:-1]]
    if bands[-1].up_to is not None or None in limits or limits != sorted(limits):  # type: ignore[type-var]
        raise reader.fail(
            'Die Bänder müssen aufsteigend sein und mit einem offenen Band enden (bis = "").',
            "leitung",
            index,
            "baender",
        )
    return tuple(bands)


def _sizes(reader: _Reader, index: int, entries: object) -> tuple[int, ...]:
    """The form sizes (persons): whole numbers, ascending, e.g. [37, 68, 84]."""
    if (
        not isinstance(entries, list)
        or not entries
        or not all(isinstance(e, int) and not isinstance(e, bool) and 0 < e <= 10_000 for e in entries)
        or entries != sorted(set(entries))
    ):
        raise reader.fail(
            "„groessen“ muss eine aufsteigende Liste ganzer Zahlen sein, z. B. [37, 68, 84].",
            "formular",
            index,
            "groessen",
        )
    return tuple(entries)


_KIND: dict[str, type] = {
    "schluessel": KeyRow,
    "leitung": LeitungRow,
    "dispositionsspielraum": MarginRow,
    "fachkraftquote": QuotaRow,
    "formular": FormRow,
}


def _single(reader: _Reader, data: dict[str, Any], table: str) -> dict[str, Any]:
    section = data.get(table, {})
    if not isinstance(section, dict):
        raise reader.fail(f"[{table}] ist ein einzelner Abschnitt, keine Liste.", table)
    unknown = set(section) - SINGLE_KEYS[table]
    if unknown:
        key = sorted(unknown)[0]
        allowed = ", ".join(sorted(SINGLE_KEYS[table]))
        raise reader.fail(f"unbekannter Eintrag „{key}“ in [{table}]. Erlaubt: {allowed}.", table, 0, key)
    return section


def _build(path: Path, base: RuleBook | None) -> RuleBook:
    data, text = _load(path)
    reader = _Reader(path, text)
    unknown = set(data) - set(DATED) - set(SINGLE)
    if unknown:
        name = sorted(unknown)[0]
        raise reader.fail(
            f"unbekannter Abschnitt [{name}]. Erlaubt sind {', '.join(f'[{s}]' for s in (*SINGLE, *DATED))}.",
            name,
        )
    previous: tuple[Row, ...] = ()
    if base is not None:
        previous = (*base.keys, *base.leitung, *base.quota, *base.margins, *base.forms, *base.not_in_force)
    tables: dict[str, list[Row]] = {}
    for table in DATED:
        old = [r for r in previous if isinstance(r, _KIND[table])]
        new = _rows(reader, data, table, tuple(old))
        by_day = {r.valid_from: r for r in old}
        for row in new:
            by_day[row.valid_from] = row  # a row of the same date replaces the built-in one
        tables[table] = [by_day[d] for d in sorted(by_day)]
    for table in ("schluessel", "leitung"):
        if not any(r.status == IN_KRAFT for r in tables[table]):
            raise reader.fail(f"[[{table}]] braucht mindestens eine Zeile, die in Kraft ist.", table)
    return RuleBook(
        care=_care(reader, data, base),
        keys=tuple(r for r in tables["schluessel"] if r.status == IN_KRAFT),  # type: ignore[misc]
        leitung=tuple(r for r in tables["leitung"] if r.status == IN_KRAFT),  # type: ignore[misc]
        quota=tuple(r for r in tables["fachkraftquote"] if r.status == IN_KRAFT),  # type: ignore[misc]
        margins=tuple(r for r in tables["dispositionsspielraum"] if r.status == IN_KRAFT),  # type: ignore[misc]
        forms=tuple(r for r in tables["formular"] if r.status == IN_KRAFT),  # type: ignore[misc]
        procedure=_procedure(reader, data, base),
        kitapersv=_field(reader, data, "kitapersv", "ab", reader.day, base.kitapersv if base else None),
        kitapersv_source=_field(
            reader, data, "kitapersv", "quelle", reader.text, base.kitapersv_source if base else None
        ),
        review=_review(reader, data, base),
        not_in_force=tuple(r for t in DATED for r in tables[t] if r.status != IN_KRAFT),
    )


def _field(
    reader: _Reader, data: dict[str, Any], table: str, key: str, parse: Callable[..., Any], inherited: Any
) -> Any:
    section = _single(reader, data, table)
    if key in section:
        return parse(table, 0, key, section[key])
    if inherited is None:
        raise reader.fail(f"In [{table}] fehlt „{key}“.", table)
    return inherited


def _care(reader: _Reader, data: dict[str, Any], base: RuleBook | None) -> CareFactors:
    old = base.care if base else None
    names = ("faktor_kurz", "faktor_lang", "hort_faktor_kurz", "hort_faktor_lang", "hort_kinder")
    attrs = ("short", "long", "hort_short", "hort_long", "hort_children")
    values = [
        _field(reader, data, "betreuung", n, reader.number, getattr(old, a) if old else None)
        for n, a in zip(names, attrs)
    ]
    source = _field(reader, data, "betreuung", "quelle", reader.text, old.source if old else None)
    return CareFactors(values[0], values[1], values[2], values[3], values[4], source)


def _procedure(reader: _Reader, data: dict[str, Any], base: RuleBook | None) -> Procedure:
    old = base.procedure if base else None
    months = _field(
        reader,
        data,
        "meldeverfahren",
        "gueltig_monate",
        reader.number,
        old.full_report_months if old else None,
    )
    if months.denominator != 1:
        raise reader.fail(
            "„gueltig_monate“ muss eine ganze Zahl sein.", "meldeverfahren", 0, "gueltig_monate"
        )
    source = _field(reader, data, "meldeverfahren", "quelle", reader.text, old.source if old else None)
    return Procedure(int(months), source)


def _review(reader: _Reader, data: dict[str, Any], base: RuleBook | None) -> ReviewState:
    section = _single(reader, data, "pruefstand")
    if base is None or section:
        review = ReviewState(
            _field(reader, data, "pruefstand", "text", reader.text, base.review.text if base else None),
            _field(
                reader, data, "pruefstand", "geprueft_am", reader.day, base.review.reviewed if base else None
            ),
            _field(reader, data, "pruefstand", "quellen", reader.text, base.review.sources if base else None),
            str(section.get("version", base.review.version if base else "")),
        )
    else:
        review = base.review
    return review if base is None else replace(review, rule_file=str(reader.path), base=base.review)


@lru_cache(maxsize=1)
def builtin_rulebook() -> RuleBook:
    return _build(package_data("rules/regelstand.toml"), None)


@lru_cache(maxsize=8)
def _user_rulebook(path: Path, _stamp: tuple[int, int]) -> RuleBook:
    return _build(path, builtin_rulebook())


def load_rulebook(path: Path | str | None = None) -> RuleBook:
    """The built-in rule data, or merged with a provider's rule file (RuleFileError if unusable)."""
    if path is None:
        return builtin_rulebook()
    target = Path(path).expanduser()
    try:
        info = target.stat()
    except OSError:
        raise RuleFileError(f"Regeldatei {target} wurde nicht gefunden.") from None
    if not target.is_file():
        raise RuleFileError(f"Regeldatei {target} ist keine Datei.")
    return _user_rulebook(target.resolve(), (info.st_mtime_ns, info.st_size))
