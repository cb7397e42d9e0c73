"""The §§ 9-12 qualification catalogue: which group a qualification text belongs to.

Data in qualifikationen.toml, extendable by the user's configuration. Matching is on the
normalised text (case, accents and gender forms do not matter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kitameldung.model import Gruppe
from kitameldung.resources import load_toml, package_data
from kitameldung.text import normalize


@dataclass(frozen=True)
class Entry:
    paragraph: int | None
    gruppe: Gruppe
    area: str | None  # § 11: the only age group the qualification covers
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Match:
    gruppe: Gruppe
    paragraph: int | None
    area: str | None


@dataclass(frozen=True)
class QualificationCatalogue:
    entries: tuple[Entry, ...]
    trainees: tuple[re.Pattern[str], ...] = ()  # people in training, by Funktion or Qualifikation

    def in_training(self, *texts: str | None) -> bool:
        return _in_training(self.trainees, texts)

    def classify(self, text: str | None) -> tuple[Match, ...]:
        """Every catalogue entry the qualification text matches (usually one or none)."""
        if not text:
            return ()
        key = normalize(text)
        return tuple(Match(e.gruppe, e.paragraph, e.area) for e in self.entries if e.pattern.search(key))

    def extended(self, fachkraft: list[str], ergaenzung: list[str]) -> QualificationCatalogue:
        extra = [_entry(None, Gruppe.FACHKRAFT, None, p) for p in fachkraft]
        extra += [_entry(12, Gruppe.ERGAENZUNG, None, p) for p in ergaenzung]
        return QualificationCatalogue(self.entries + tuple(extra), self.trainees)


@lru_cache(maxsize=65536)
def _in_training(patterns: tuple[re.Pattern[str], ...], texts: tuple[str | None, ...]) -> bool:
    """Cached: the same Funktion and Qualifikation texts recur in every month of the outlook."""
    keys = [normalize(t) for t in texts if t]
    return any(p.search(k) for p in patterns for k in keys)


def _entry(paragraph: int | None, gruppe: Gruppe, area: str | None, pattern: str) -> Entry:
    return Entry(paragraph, gruppe, area, re.compile(pattern))


@lru_cache(maxsize=2)
def load_catalogue(path: Path | None = None) -> QualificationCatalogue:
    data = load_toml(path or package_data("rules/qualifikationen.toml"))
    entries = []
    for item in data["eintrag"]:
        gruppe = Gruppe(item["gruppe"])
        for pattern in item["muster"]:
            entries.append(_entry(item.get("paragraph"), gruppe, item.get("bereich"), pattern))
    trainees = tuple(re.compile(rf"\b{p}") for p in data.get("auszubildende", {}).get("muster", []))
    return QualificationCatalogue(tuple(entries), trainees)
