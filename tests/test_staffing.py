"""Personalbemessung and Fachkraftquote as regeln-brandenburg.md sections 2 to 4 define them."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import law_oracle
import pytest

from kitameldung.evaluation import leitung_share, soll_betreuung
from kitameldung.evaluation.staffing import evaluate
from kitameldung.model import Gruppe, Meldung, Person, Places, Value, Zuordnung
from kitameldung.rules import Parameters, load_rulebook

RULES = load_rulebook()
WORKED = {"krippe": (2, 10), "kindergarten": (6, 34), "hort": (15, 5)}


@pytest.mark.parametrize("day", [date(2025, 8, 1), date(2025, 9, 1), date(2026, 12, 3), date(2027, 3, 1)])
def test_worked_example_after_august_2025_keeps_krippe_425(day: date) -> None:
    """Section 2 and 9.1: the step to 1:4 on 2025-08-01 was repealed; 4.25 has no end date, and
    the announced 1:4 of 2027 is no law."""
    key = RULES.key_for(day)
    assert (key.valid_from, key.krippe) == (date(2024, 8, 1), Fraction("4.25"))
    soll = soll_betreuung(WORKED, key, RULES)
    assert round(float(soll), 6) == 7.476078  # 2.729412 + 3.88 + 0.866667
    krippe = soll_betreuung({"krippe": WORKED["krippe"]}, key, RULES)
    assert round(float(krippe), 6) == 2.729412


def test_repealed_and_planned_keys_are_kept_apart_and_never_apply() -> None:
    statuses = {(row.valid_from, row.status) for row in RULES.not_in_force}
    assert statuses == {(date(2025, 8, 1), "aufgehoben"), (date(2027, 1, 1), "geplant")}
    assert all(row.status == "in_kraft" for row in RULES.keys)
    planned = RULES.if_enacted().key_for(date(2027, 1, 1))
    assert planned.krippe == 4 and planned.status == "in_kraft"
    assert round(float(soll_betreuung(WORKED, planned, RULES)), 6) == 7.646667  # what 1:4 would be


def test_worked_example_with_krippe_key_425() -> None:
    key = RULES.key_for(date(2024, 10, 1))
    assert key.krippe == Fraction("4.25")
    assert round(float(soll_betreuung(WORKED, key, RULES)), 6) == 7.476078


EXPECTED_KEYS = law_oracle.KEYS  # one table of section 2, written from the text


@pytest.mark.parametrize("index", range(len(EXPECTED_KEYS)))
def test_each_key_applies_from_its_date_and_not_the_day_before(index: int) -> None:
    day, krippe, kiga = EXPECTED_KEYS[index]
    on = RULES.key_for(day)
    assert (on.valid_from, on.krippe, on.kindergarten) == (day, Fraction(krippe), Fraction(kiga))
    before = RULES.key_for(day - timedelta(days=1))
    if index == 0:
        assert before is None  # outside the supported range
    else:
        assert before.valid_from == EXPECTED_KEYS[index - 1][0]


@pytest.mark.parametrize(
    ("soll", "expected"),
    [
        (Fraction(0), Fraction("0.1875")),
        (Fraction(4), Fraction("0.1875")),
        (Fraction(4) + Fraction(1, 10**6), Fraction("0.3125")),
        (Fraction(10), Fraction("0.3125")),
        (Fraction(10) + Fraction(1, 10**6), Fraction("0.4375")),
        (Fraction(15), Fraction("0.4375")),
        (Fraction(15) + Fraction(1, 10**6), Fraction("0.5625")),
        (Fraction(80), Fraction("0.5625")),
    ],
)
def test_leitung_bands_at_their_edges(soll: Fraction, expected: Fraction) -> None:
    row = RULES.leitung_for(date(2025, 1, 1))
    assert leitung_share(soll, row) == expected


def test_leitung_bands_apply_from_the_first_key_and_the_base_from_october_2017() -> None:
    """§ 5 Abs. 2 KitaPersV (section 8): the bands were in force before 2017-10-01, the base not."""
    assert RULES.leitung_for(date(2016, 7, 31)) is None
    early, late = RULES.leitung_for(date(2017, 9, 30)), RULES.leitung_for(date(2017, 10, 1))
    assert early is not None and late is not None
    assert leitung_share(Fraction(4), early) == Fraction(1, 8)  # band only
    assert leitung_share(Fraction(4), late) == Fraction(1, 16) + Fraction(1, 8)
    assert leitung_share(Fraction(41, 10), early) == Fraction(1, 4)  # next band from just above 4


def _person(row: int, paragraph: int, hours: float, **extra: Value) -> Person:
    gruppe = Gruppe.ERGAENZUNG if paragraph == 12 else Gruppe.FACHKRAFT
    return Person(
        row=row,
        name=Value(f"Person {row}", f"B{row}"),
        zuordnung=Value(Zuordnung(gruppe, paragraph), f"E{row}"),
        paed_stunden=Value(hours, f"K{row}"),
        wochenstunden=Value(hours, f"I{row}"),
        **extra,
    )


def _meldung(places: dict[str, tuple[float, float]], persons: list[Person]) -> Meldung:
    return Meldung(
        file="x.xlsx",
        sheet="Personalmeldung",
        profile="basis",
        variant="v2025-84",
        places={g: Places(Value(s, "E1"), Value(lg, "F1"), Value(None)) for g, (s, lg) in places.items()},
        persons=tuple(persons),
    )


def test_exactly_full_coverage_and_exactly_80_percent_are_compliant() -> None:
    # N_K = 4.65: 93 long Krippe places need exactly 20 VZÄ; 1/4.65 is no binary float.
    stichtag = date(2024, 1, 1)  # KitaPersV 2023 in force, no Dispositionsspielraum
    # 640 h Fachkräfte and 160 h Ergänzungskräfte, built from decimals that are no binary floats.
    fach = [_person(i, 9, 31.2) for i in range(20)] + [_person(50, 9, 8), _person(51, 9, 8)]
    erg = [_person(100 + i, 12, 7.8) for i in range(20)] + [_person(150, 12, 4)]
    persons = fach + erg
    meldung = _meldung({"krippe": (0, 93), "kindergarten": (0, 0), "hort": (0, 0)}, persons)
    staffing = evaluate(meldung, stichtag, RULES, Parameters(fachkraftquote_min=0.8))
    assert staffing.soll_betreuung_vzae == 20
    assert staffing.ist_betreuung_vzae == 20  # 800 h / 40
    assert staffing.deckungsgrad == 1
    assert staffing.fachkraftquote == Fraction(4, 5)
    assert staffing.coverage_ok() is True
    assert staffing.quota_ok() is True
    # A per-child float factor lands a hair below the Soll:
    assert 93 * (1.0 / 4.65) < 20


def test_a_hair_below_80_percent_fails() -> None:
    persons = [_person(1, 9, 31.9), _person(2, 12, 8.1)]
    meldung = _meldung({"krippe": (0, 0), "kindergarten": (0, 0), "hort": (0, 0)}, persons)
    staffing = evaluate(meldung, date(2025, 10, 1), RULES, Parameters())
    assert staffing.fachkraftquote == Fraction(319, 400)
    assert staffing.quota_ok() is False


def test_counts_only_staff_employed_on_the_stichtag() -> None:
    stichtag = date(2025, 3, 1)
    persons = [
        _person(1, 9, 40, beginn=Value(stichtag)),  # starts on the day: counts
        _person(2, 9, 40, ende=Value(stichtag)),  # ends on the day: counts
        _person(3, 9, 40, beginn=Value(stichtag + timedelta(days=1))),  # future
        _person(4, 9, 40, ende=Value(stichtag - timedelta(days=1))),  # left
    ]
    meldung = _meldung({"krippe": (0, 4), "kindergarten": (0, 0), "hort": (0, 0)}, persons)
    staffing = evaluate(meldung, stichtag, RULES, Parameters())
    assert staffing.personen_gezaehlt == 2
    assert staffing.ist_betreuung_vzae == 2


def test_vollzeit_parameter_changes_ist_and_soll_based_quota() -> None:
    persons = [_person(1, 9, 39), _person(2, 12, 39)]
    meldung = _meldung({"krippe": (0, 0), "kindergarten": (0, 20), "hort": (0, 0)}, persons)
    staffing = evaluate(meldung, date(2025, 10, 1), RULES, Parameters(vollzeit_stunden=39))
    assert staffing.ist_betreuung_vzae == 2
    assert staffing.soll_betreuung_vzae == 2
    assert staffing.fachkraftquote_soll == Fraction(1, 2)
    assert staffing.soll_leitung_vzae == Fraction("0.1875")


def test_leitung_basis_ist_uses_ist_betreuung() -> None:
    persons = [_person(i, 9, 40) for i in range(12)]
    meldung = _meldung({"krippe": (0, 8), "kindergarten": (0, 0), "hort": (0, 0)}, persons)
    soll_based = evaluate(meldung, date(2025, 10, 1), RULES, Parameters())
    ist_based = evaluate(meldung, date(2025, 10, 1), RULES, Parameters(leitung_basis="ist"))
    assert soll_based.soll_leitung_vzae == Fraction("0.1875")  # Soll 2 VZÄ
    assert ist_based.soll_leitung_vzae == Fraction("0.4375")  # Ist 12 VZÄ


def test_quota_minimum_only_from_october_2023_even_when_configured() -> None:
    """The quota is a rule of the KitaPersV 2023 (section 8): a configured minimum changes its
    height, not its start."""
    meldung = _meldung({"krippe": (0, 0), "kindergarten": (0, 0), "hort": (0, 0)}, [_person(1, 12, 40)])
    before = evaluate(meldung, date(2023, 10, 29), RULES, Parameters())
    on = evaluate(meldung, date(2023, 10, 30), RULES, Parameters())
    assert before.fachkraftquote_min is None and before.quota_ok() is None and not before.kitapersv
    assert on.fachkraftquote_min == Fraction(4, 5) and on.quota_ok() is False and on.kitapersv
    configured = evaluate(meldung, date(2023, 10, 29), RULES, Parameters(fachkraftquote_min=0.7))
    assert configured.fachkraftquote_min is None
    later = evaluate(meldung, date(2023, 10, 30), RULES, Parameters(fachkraftquote_min=0.7))
    assert later.fachkraftquote_min == Fraction(7, 10)


def test_no_hours_and_no_places_give_null_ratios() -> None:
    staffing = evaluate(_meldung({}, []), date(2025, 10, 1), RULES, Parameters())
    assert staffing.soll_betreuung_vzae == 0
    assert staffing.deckungsgrad is None
    assert staffing.fachkraftquote is None
