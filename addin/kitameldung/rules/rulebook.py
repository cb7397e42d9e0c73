"""Loads the dated rule table and answers "which row applies on this Stichtag"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Protocol, TypeVar

from kitameldung.resources import load_toml, package_data


@dataclass(frozen=True)
class KeyRow:
    """Betreuungsschlüssel N for Krippe and Kindergarten from `valid_from` on."""

    valid_from: date
    krippe: Fraction
    kindergarten: Fraction
    source: str


@dataclass(frozen=True)
class Band:
    up_to: Fraction | None  # None: no upper limit
    share: Fraction


@dataclass(frozen=True)
class LeitungRow:
    valid_from: date
    base_share: Fraction
    bands: tuple[Band, ...]
    source: str


@dataclass(frozen=True)
class QuotaRow:
    valid_from: date
    minimum: Fraction
    source: str


@dataclass(frozen=True)
class MarginRow:
    """Dispositionsspielraum: the share of the Soll coverage may fall short by."""

    valid_from: date
    share: Fraction
    source: str


@dataclass(frozen=True)
class ReviewState:
    text: str  # "geprüft gegen KitaPersV i. d. F. vom 25.10.2023"
    reviewed: date
    sources: str


@dataclass(frozen=True)
class CareFactors:
    short: Fraction
    long: Fraction
    hort_short: Fraction
    hort_long: Fraction
    hort_children: Fraction
    source: str


@dataclass(frozen=True)
class RuleBook:
    care: CareFactors
    keys: tuple[KeyRow, ...]
    leitung: tuple[LeitungRow, ...]
    quota: tuple[QuotaRow, ...]
    margins: tuple[MarginRow, ...]
    kitapersv: date  # the 2023 rules apply from here
    kitapersv_source: str
    review: ReviewState

    def key_for(self, stichtag: date) -> KeyRow | None:
        return _in_force(self.keys, stichtag)

    def leitung_for(self, stichtag: date) -> LeitungRow | None:
        return _in_force(self.leitung, stichtag)

    def quota_for(self, stichtag: date) -> QuotaRow | None:
        return _in_force(self.quota, stichtag)

    def margin_for(self, stichtag: date) -> MarginRow | None:
        return _in_force(self.margins, stichtag)

    def kitapersv_applies(self, stichtag: date) -> bool:
        return stichtag >= self.kitapersv

    @property
    def first_date(self) -> date:
        return self.keys[0].valid_from


class _Dated(Protocol):
    @property
    def valid_from(self) -> date: ...


R = TypeVar("R", bound=_Dated)


def _in_force(rows: tuple[R, ...], stichtag: date) -> R | None:
    current = None
    for row in rows:
        if row.valid_from <= stichtag:
            current = row
    return current


def exact(text: str | int | float) -> Fraction:
    """An exact number from its decimal spelling ("4.65" is 93/20, not the nearest float)."""
    return Fraction(str(text).replace(",", "."))


@lru_cache(maxsize=4)
def load_rulebook(path: Path | None = None) -> RuleBook:
    data = load_toml(path or package_data("rules/regelstand.toml"))
    care = data["betreuung"]
    keys = tuple(
        KeyRow(row["ab"], exact(row["krippe"]), exact(row["kindergarten"]), row["quelle"])
        for row in data["schluessel"]
    )
    leitung = tuple(
        LeitungRow(
            row["ab"],
            exact(row["grundanteil"]),
            tuple(
                Band(exact(b["bis"]) if b["bis"] != "" else None, exact(b["anteil"])) for b in row["baender"]
            ),
            row["quelle"],
        )
        for row in data["leitung"]
    )
    quota = tuple(
        QuotaRow(row["ab"], exact(row["mindestens"]), row["quelle"]) for row in data["fachkraftquote"]
    )
    margins = tuple(
        MarginRow(row["ab"], exact(row["anteil"]), row["quelle"]) for row in data["dispositionsspielraum"]
    )
    for rows in (keys, leitung, quota, margins):
        if list(rows) != sorted(rows, key=lambda r: r.valid_from):
            raise ValueError("regelstand.toml: rows must be in date order")
    review = data["pruefstand"]
    return RuleBook(
        CareFactors(
            exact(care["faktor_kurz"]),
            exact(care["faktor_lang"]),
            exact(care["hort_faktor_kurz"]),
            exact(care["hort_faktor_lang"]),
            exact(care["hort_kinder"]),
            care["quelle"],
        ),
        keys,
        leitung,
        quota,
        margins,
        data["kitapersv"]["ab"],
        data["kitapersv"]["quelle"],
        ReviewState(review["text"], review["geprueft_am"], review["quellen"]),
    )
