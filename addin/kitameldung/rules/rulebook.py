"""The dated rule table as data, and the answer to "which row applies on this Stichtag".

Only rows in force ever apply. Rows that are announced (`geplant`) or were repealed before they
took effect (`aufgehoben`) are kept apart: they are shown, used for the outlook's "falls
beschlossen" column and for recognising a form computed with them, never for a verdict.
Loading and merging the TOML (built-in data and a provider's rule file) is `regeldaten`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from typing import Any, Protocol, TypeVar

from kitameldung.dates import add_months

IN_KRAFT, GEPLANT, AUFGEHOBEN = "in_kraft", "geplant", "aufgehoben"
STATUSES = (IN_KRAFT, GEPLANT, AUFGEHOBEN)
STATUS_TITLES = {
    IN_KRAFT: "in Kraft",
    GEPLANT: "geplant, nicht in Kraft",
    AUFGEHOBEN: "aufgehoben, nie in Kraft getreten",
}


@dataclass(frozen=True)
class KeyRow:
    """Betreuungsschlüssel N for Krippe and Kindergarten from `valid_from` on."""

    valid_from: date
    krippe: Fraction
    kindergarten: Fraction
    source: str
    status: str = IN_KRAFT


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
    status: str = IN_KRAFT


@dataclass(frozen=True)
class QuotaRow:
    valid_from: date
    minimum: Fraction
    source: str
    status: str = IN_KRAFT


@dataclass(frozen=True)
class MarginRow:
    """Dispositionsspielraum: the share the Soll coverage may fall short by. `open_share`: a
    larger share that may still apply (an open reading, regeln-brandenburg.md 9.3)."""

    valid_from: date
    share: Fraction
    source: str
    status: str = IN_KRAFT
    open_share: Fraction | None = None


@dataclass(frozen=True)
class FormRow:
    """The ministry's form issued for reports from `valid_from` on ("ab 01.01.2025"), in the
    sizes (persons) it comes in."""

    valid_from: date
    sizes: tuple[int, ...]
    source: str
    status: str = IN_KRAFT

    def size_for(self, persons: int) -> int | None:
        """The smallest size that holds `persons`; None when even the largest is too small."""
        return next((size for size in sorted(self.sizes) if size >= persons), None)


@dataclass(frozen=True)
class Procedure:
    """The ministry's process rules for reports (seed 003, the notice on the forms)."""

    full_report_months: int  # a full Personalmeldung is due when the last is older than this
    source: str


@dataclass(frozen=True)
class ReviewState:
    text: str  # "geprüft gegen KitaG und KitaPersV, Stand Dezember 2026"
    reviewed: date  # geprueft_am: the day of the last audit
    sources: str
    version: str = ""
    rule_file: str | None = None  # the provider's rule file that replaced or added rows
    base: ReviewState | None = None  # with a rule file: the built-in data's review state


@dataclass(frozen=True)
class CareFactors:
    short: Fraction
    long: Fraction
    hort_short: Fraction
    hort_long: Fraction
    hort_children: Fraction
    source: str


Row = KeyRow | LeitungRow | QuotaRow | MarginRow | FormRow


@dataclass(frozen=True)
class RuleBook:
    """`keys`, `leitung`, `quota` and `margins` hold the rows in force, in date order;
    `not_in_force` the planned and repealed rows of every table."""

    care: CareFactors
    keys: tuple[KeyRow, ...]
    leitung: tuple[LeitungRow, ...]
    quota: tuple[QuotaRow, ...]
    margins: tuple[MarginRow, ...]
    kitapersv: date  # the 2023 rules apply from here
    kitapersv_source: str
    review: ReviewState
    not_in_force: tuple[Row, ...] = ()
    forms: tuple[FormRow, ...] = ()  # the official forms in force, by the day they apply from
    procedure: Procedure | None = None

    def key_for(self, stichtag: date) -> KeyRow | None:
        return _in_force(self.keys, stichtag)

    def leitung_for(self, stichtag: date) -> LeitungRow | None:
        return _in_force(self.leitung, stichtag)

    def quota_for(self, stichtag: date) -> QuotaRow | None:
        return _in_force(self.quota, stichtag)

    def margin_for(self, stichtag: date) -> MarginRow | None:
        return _in_force(self.margins, stichtag)

    def form_for(self, stichtag: date) -> FormRow | None:
        return _in_force(self.forms, stichtag)

    def kitapersv_applies(self, stichtag: date) -> bool:
        return stichtag >= self.kitapersv

    @property
    def first_date(self) -> date:
        return self.keys[0].valid_from

    @property
    def planned(self) -> tuple[Row, ...]:
        return tuple(row for row in self.not_in_force if row.status == GEPLANT)

    def if_enacted(self) -> RuleBook:
        """The rule book as it would be if every planned row were passed as announced: for the
        outlook's "falls beschlossen" column, never for a verdict."""
        planned = self.planned
        if not planned:
            return self

        def merged(rows: tuple[R, ...], kind: type) -> tuple[R, ...]:
            by_day: dict[date, Any] = {r.valid_from: r for r in rows}
            for r in planned:
                if isinstance(r, kind):
                    by_day[r.valid_from] = replace(r, status=IN_KRAFT)
            return tuple(by_day[d] for d in sorted(by_day))

        return replace(
            self,
            keys=merged(self.keys, KeyRow),
            leitung=merged(self.leitung, LeitungRow),
            quota=merged(self.quota, QuotaRow),
            margins=merged(self.margins, MarginRow),
            forms=merged(self.forms, FormRow),
            not_in_force=tuple(r for r in self.not_in_force if r.status != GEPLANT),
        )

    def stale(self, today: date, stichtag: date | None) -> bool:
        """The rule data may be out of date: last reviewed more than twelve months before
        `today`, or the Stichtag lies after the review (section 9.5)."""
        reviewed = self.review.reviewed
        limit = add_months(reviewed, 12)
        return today > limit or (stichtag is not None and stichtag > reviewed)


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
