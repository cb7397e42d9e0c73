"""The form's own figures as a second opinion (regeln-brandenburg.md section 9.6).

The ministry's workbook computes Personalbedarf, Ist and Fachkraftquote itself. Comparing them
with ours makes a drift on either side visible: rule data that missed a change of the law, or
form formulas that never followed it. The form's figures are never used for a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from kitameldung.evaluation.staffing import Staffing, exact_float, quota_of, soll_betreuung
from kitameldung.model import Meldung
from kitameldung.rules import Parameters, RuleBook
from kitameldung.rules.rulebook import IN_KRAFT, KeyRow

TITLES = {"personalbedarf": "Personalbedarf", "ist": "Ist", "fachkraftquote": "Fachkraftquote"}
# The least number of decimals a form's figure is taken to be rounded to: VZÄ to 2 places,
# a quota to 3 (one decimal of a percentage).
MIN_DECIMALS = {"personalbedarf": 2, "ist": 2, "fachkraftquote": 3}
FLOOR = Fraction(1, 10**6)


@dataclass(frozen=True)
class Reason:
    """Why the form's figure may differ: the key it matches, or what the form counts."""

    kind: str  # "schluessel" | "mit_leitung" | "alle_personen" | "text_stunden" | "vollzeit"
    key: KeyRow | None = None
    vollzeit: float | None = None


@dataclass(frozen=True)
class FormFigure:
    key: str  # personalbedarf | ist | fachkraftquote
    cell: str | None
    form_value: Fraction  # a quota as a share (81.5 % → 0.815)
    own_value: Fraction | None
    tolerance: Fraction
    reason: Reason | None = None  # the most likely reason of a difference, if one is seen

    @property
    def title(self) -> str:
        return TITLES[self.key]

    @property
    def agrees(self) -> bool | None:
        """Equal within the form's rounding; a Personalbedarf that includes the Leitung share
        agrees in substance."""
        if self.own_value is None:
            return None
        if self.reason is not None and self.reason.kind == "mit_leitung":
            return True
        return _near(self.form_value, self.own_value, self.tolerance)


def compare(
    meldung: Meldung, staffing: Staffing, rules: RuleBook, params: Parameters
) -> tuple[FormFigure, ...]:
    """Each figure the form's summary block holds, against ours, with a likely reason."""
    result = []
    for key in ("personalbedarf", "ist", "fachkraftquote"):
        value = meldung.form_figures.get(key)
        if value is None or value.value is None or value.invalid:
            continue
        form_value = exact_float(value.value)
        if key == "fachkraftquote" and form_value > Fraction(3, 2):
            form_value /= 100  # entered or formatted as a percentage number
        tolerance = _tolerance(value.value, MIN_DECIMALS[key])
        own = _own(key, staffing)
        figure = FormFigure(key, value.cell, form_value, own, tolerance)
        if figure.agrees is False:
            figure = replace(
                figure, reason=_reason(key, form_value, tolerance, meldung, staffing, rules, params)
            )
        result.append(figure)
    return tuple(result)


def _own(key: str, staffing: Staffing) -> Fraction | None:
    if key == "personalbedarf":
        return staffing.soll_betreuung_vzae
    if key == "ist":
        return staffing.ist_betreuung_vzae
    return staffing.fachkraftquote


def _tolerance(raw: float, min_decimals: int) -> Fraction:
    """Half a unit of the last decimal the form shows, at least of `min_decimals` places."""
    exponent = Decimal(repr(float(raw))).as_tuple().exponent
    decimals = max(-exponent if isinstance(exponent, int) else 0, min_decimals)
    return max(Fraction(1, 2 * 10**decimals), FLOOR) if decimals < 6 else FLOOR


def _near(a: Fraction, b: Fraction, tolerance: Fraction) -> bool:
    return abs(a - b) <= tolerance


def _reason(
    key: str,
    form_value: Fraction,
    tolerance: Fraction,
    meldung: Meldung,
    staffing: Staffing,
    rules: RuleBook,
    params: Parameters,
) -> Reason | None:
    if key == "personalbedarf":
        return _key_reason(form_value, tolerance, meldung, staffing, rules)
    return _counting_reason(key, form_value, tolerance, meldung, staffing, params)


def _key_reason(
    form_value: Fraction, tolerance: Fraction, meldung: Meldung, staffing: Staffing, rules: RuleBook
) -> Reason | None:
    places = {g: (p.short.value or 0, p.long.value or 0) for g, p in (meldung.places or {}).items()}
    leitung = staffing.soll_leitung_vzae or Fraction(0)
    soll = staffing.soll_betreuung_vzae
    if (
        staffing.key is not None
        and soll is not None
        and leitung
        and _near(form_value, soll + leitung, tolerance)
    ):
        return Reason("mit_leitung", staffing.key)
    candidates: list[KeyRow] = [k for k in rules.not_in_force if isinstance(k, KeyRow)]
    candidates += [k for k in reversed(rules.keys) if k != staffing.key]
    seen: set[tuple[Fraction, Fraction]] = set()
    # Most likely first: a row not in force whose date the Stichtag had reached (the repealed
    # step a form's formulas were built for), then later ones, then older keys in force.
    day = staffing.stichtag.toordinal()

    def likeliness(k: KeyRow) -> tuple[bool, bool, int]:
        return (k.status == IN_KRAFT, k.valid_from.toordinal() > day, -k.valid_from.toordinal())

    for row in sorted(candidates, key=likeliness):
        pair = (row.krippe, row.kindergarten)
        if staffing.key is not None and pair == (staffing.key.krippe, staffing.key.kindergarten):
            continue
        if pair in seen:
            continue
        seen.add(pair)
        if _near(form_value, soll_betreuung(places, row, rules), tolerance):
            return Reason("schluessel", row)
    return None


def _counting_reason(
    key: str,
    form_value: Fraction,
    tolerance: Fraction,
    meldung: Meldung,
    staffing: Staffing,
    params: Parameters,
) -> Reason | None:
    """The form counting everyone listed (also those not employed on the Stichtag and people in
    training), or dividing by 40 hours where the Träger set another full-time week."""
    listed = [p for p in meldung.persons or () if p.zuordnung.value is not None]
    numeric = [p for p in listed if not isinstance(p.paed_stunden.raw, str)]
    trials = (
        (params.vollzeit_stunden, "alle_personen", listed),
        (params.vollzeit_stunden, "text_stunden", numeric),
        (40.0, "vollzeit", [p for p in listed if p.counts_on(staffing.stichtag)]),
    )
    for full_time, kind, people in trials:
        if kind == "vollzeit" and full_time == params.vollzeit_stunden:
            continue
        pairs = [(p.zuordnung.value.gruppe, p.paed_stunden.value or 0) for p in people if p.zuordnung.value]
        total = sum((exact_float(hours) for _, hours in pairs), Fraction(0))
        value = total / exact_float(full_time) if key == "ist" else quota_of(pairs)
        if value is not None and _near(form_value, value, tolerance):
            return Reason(kind, vollzeit=full_time)
    return None
