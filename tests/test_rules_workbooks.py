"""Whole workbooks: clean forms stay clean; planted mistakes in never-seen variations are found
on their row with their rule id, and nothing else at severity fehler."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from kitameldung.checks import Severity, rule
from kitameldung.pipeline import check_file
from kitameldung.replica import VARIANTS, Variation, make_facility, write_form
from kitameldung.replica import mistakes as m


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("seed", range(6))
def test_clean_generated_forms_have_no_fehler_and_no_warnung(tmp_path: Path, variant: str, seed: int) -> None:
    stichtag = random.Random(seed).choice([date(2024, 3, 1), date(2024, 10, 1), date(2025, 10, 1)])
    facility = make_facility(300 + seed, stichtag)
    facility.staff = facility.staff[: int(variant[-2:])]
    result = check_file(write_form(facility, tmp_path / "kita.xlsx", variant))
    serious = [f for f in result.findings if f.severity in (Severity.FEHLER, Severity.WARNUNG)]
    assert serious == [], [f.message for f in serious]


@pytest.mark.parametrize("seed", range(12))
def test_planted_mistakes_in_unseen_workbooks(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    variant = rng.choice(VARIANTS)
    facility = make_facility(400 + seed, date(2025, 10, 1), persons=rng.randint(14, 30))
    candidates = [r for r in m.PERSON if variant.startswith("v2025") or r not in m.NEEDS_2025_FORM]
    ergaenzung = [i for i, p in enumerate(facility.staff) if p.paragraph == 12]
    others = [i for i in range(1, len(facility.staff)) if i not in ergaenzung]
    rng.shuffle(others)
    planted: dict[int, str] = {}
    for rule_id in rng.sample(candidates, k=3):
        pool = ergaenzung if rule_id in m.NEEDS_ERGAENZUNG else others
        free = [i for i in pool if i not in planted]
        if not free:
            continue
        index = free[0]
        facility = m.plant_person(facility, rule_id, index).facility
        planted[index] = rule_id
    variation = Variation(
        wording=rng.random() < 0.5,
        blank_rows=rng.random() < 0.5,
        row_offset=rng.randint(0, 3),
        col_offset=rng.randint(0, 2),
        date_style=rng.choice(["date", "text_de", "serial"]),
        sheet_name=rng.choice([None, "Tabelle1"]),
        seed=seed,
    )
    path = write_form(facility, tmp_path / f"unseen-{seed}.xlsx", variant, variation)
    result = check_file(path)
    rows = [p.row for p in result.meldung.persons]
    expected = {
        (rule_id, rows[index])
        for index, rule_id in planted.items()
        if rule(rule_id).severity is Severity.FEHLER
    }
    found = {
        (f.rule, int("".join(ch for ch in f.cell if ch.isdigit())))
        for f in result.findings
        if f.severity is Severity.FEHLER
    }
    assert found == expected
