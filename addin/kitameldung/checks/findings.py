"""Findings as data, and the catalogue of declared rules that produce them.

The Prüfbericht sheet, the JSON output and the Excel highlights are renderings of the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from kitameldung.address import position
from kitameldung.resources import load_toml, package_data


class Severity(Enum):
    FEHLER = "fehler"
    WARNUNG = "warnung"
    HINWEIS = "hinweis"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)

    @property
    def title(self) -> str:
        return {"fehler": "Fehler", "warnung": "Warnungen", "hinweis": "Hinweise"}[self.value]

    @property
    def singular(self) -> str:
        return {"fehler": "Fehler", "warnung": "Warnung", "hinweis": "Hinweis"}[self.value]

    def counted(self, n: int) -> str:
        """ "1 Warnung", "2 Warnungen", "0 Fehler"."""
        return f"{n} {self.singular if n == 1 else self.title}"


@dataclass(frozen=True)
class Finding:
    """A finding as data: the rule, where (sheet, cell, the staff field), and the values its
    message needs; the German text is rendered from the rule's template where it is shown."""

    rule: str
    severity: Severity
    sheet: str | None
    cell: str | None
    reference: str
    template: str
    values: tuple[tuple[str, object], ...] = ()
    field: str | None = None  # the staff table's field the cell belongs to, if any

    @property
    def message(self) -> str:
        return self.template.format(**dict(self.values))

    @property
    def row(self) -> int | None:
        return position(self.cell)[0] or None

    @property
    def column(self) -> int | None:
        return position(self.cell)[1] or None

    def as_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "reference": self.reference,
        }


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    reference: str
    template: str
    columns: tuple[str, ...] = ()  # staff columns the rule needs
    since: str | None = None  # "kitapersv": applies from the KitaPersV 2023 on (regelstand.toml)

    def finding(
        self, sheet: str | None, cell: str | None, field: str | None = None, **values: object
    ) -> Finding:
        values.setdefault("zelle", cell or "")
        values.setdefault("wo", "")
        self.template.format(**values)  # a missing value is a programming error: fail here
        return Finding(
            self.id, self.severity, sheet, cell, self.reference, self.template, tuple(values.items()), field
        )


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Rule]:
    data = load_toml(package_data("rules/pruefregeln.toml"))
    return {
        rule_id: Rule(
            rule_id,
            Severity(spec["schwere"]),
            spec["rechtsgrundlage"],
            spec["meldung"],
            tuple(spec.get("spalten", ())),
            spec.get("seit"),
        )
        for rule_id, spec in data.items()
    }


def rule(rule_id: str) -> Rule:
    return catalogue()[rule_id]


def sort_key(finding: Finding) -> tuple[int, int, int, str]:
    """By severity, then by position in the sheet (row, column), facility-level first."""
    row, col = position(finding.cell)
    return (finding.severity.rank, row, col, finding.rule)
