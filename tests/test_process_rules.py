"""The ministry's process rules as hints (seed 003): meldung-veraltet, formular-veraltet and
formular-zu-klein, each triggered and each silent in the narrow case next to it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from kitameldung.checks import Severity
from kitameldung.pipeline import Result, Settings, check_file, load_settings
from kitameldung.render.json_out import result_json
from kitameldung.replica import Variation, make_facility, write_form


def fired(result: Result, rule_id: str) -> list[dict]:
    return [f for f in result_json(result)["findings"] if f["rule"] == rule_id]


def report(
    tmp_path: Path, stichtag: date, variant: str = "v2025-84", persons: int | None = None, **var
) -> Path:
    facility = make_facility(7, stichtag, persons=persons)
    return write_form(facility, tmp_path / f"{variant}-{stichtag}.xlsx", variant, Variation(**var))


# ---------------------------------------------------------------- meldung-veraltet


def test_a_report_older_than_twelve_months_asks_for_a_full_report(tmp_path: Path) -> None:
    path = report(tmp_path, date(2025, 10, 1))
    result = check_file(path, Settings(today=date(2026, 10, 2)))
    (hint,) = fired(result, "meldung-veraltet")
    assert hint["severity"] == Severity.HINWEIS.value
    assert hint["cell"] == "D9"  # the Stichtag
    assert "01.10.2025" in hint["message"] and "12 Monate" in hint["message"]
    assert "Personaleinzelmeldung genügt" in hint["message"]


def test_a_report_of_exactly_twelve_months_is_still_current(tmp_path: Path) -> None:
    path = report(tmp_path, date(2025, 10, 1))
    assert fired(check_file(path, Settings(today=date(2026, 10, 1))), "meldung-veraltet") == []


def test_the_period_comes_from_the_rule_data(tmp_path: Path) -> None:
    rules = tmp_path / "regeln.toml"
    rules.write_text('[meldeverfahren]\ngueltig_monate = 24\nquelle = "Test"\n', encoding="utf-8")
    settings = replace(load_settings(rules_file=rules), today=date(2026, 10, 2))
    path = report(tmp_path, date(2025, 10, 1))
    assert fired(check_file(path, settings), "meldung-veraltet") == []
    late = replace(settings, today=date(2027, 10, 2))
    assert len(fired(check_file(path, late), "meldung-veraltet")) == 1


def test_an_outdated_report_shows_in_the_overview(tmp_path: Path) -> None:
    import openpyxl

    from kitameldung.batch.overview import write_overview
    from kitameldung.batch.runner import BatchItem

    path = report(tmp_path, date(2025, 10, 1))
    data = result_json(check_file(path, Settings(today=date(2026, 12, 3))))
    target = tmp_path / "Traegeruebersicht.xlsx"
    write_overview([BatchItem(str(path), "aktualisiert", "", data)], target)
    book = openpyxl.load_workbook(target)
    rules = [row[3].value for row in book["Befunde"].iter_rows(min_row=2)]
    assert "meldung-veraltet" in rules


# ---------------------------------------------------------------- formular-veraltet


def test_a_pre_2025_form_for_a_stichtag_from_2025_is_pointed_out(tmp_path: Path) -> None:
    path = report(tmp_path, date(2025, 1, 1), "v2023-68")
    result = check_file(path, Settings(today=date(2025, 3, 1)))
    (hint,) = fired(result, "formular-veraltet")
    assert hint["cell"] == "A2"  # "Formularstand: 30.10.2023"
    assert "30.10.2023" in hint["message"] and "ab 01.01.2025" in hint["message"]
    persons = len(result.meldung.persons or ())
    assert f"für {persons} Personen: „bis 37 Personen“" in hint["message"]


def test_the_same_form_the_day_before_is_current(tmp_path: Path) -> None:
    path = report(tmp_path, date(2024, 12, 31), "v2023-68")
    assert fired(check_file(path, Settings(today=date(2025, 3, 1))), "formular-veraltet") == []


def test_the_current_form_is_current(tmp_path: Path) -> None:
    path = report(tmp_path, date(2025, 1, 1), "v2025-84")
    result = check_file(path, Settings(today=date(2025, 3, 1)))
    assert result.meldung is not None and result.meldung.form_stand.value == date(2025, 1, 1)
    assert fired(result, "formular-veraltet") == []


def test_a_form_without_stamp_takes_the_version_of_its_variant(tmp_path: Path) -> None:
    import openpyxl

    path = report(tmp_path, date(2025, 3, 1), "v2023-37", protect=False)
    book = openpyxl.load_workbook(path)
    book["Meldung"]["A2"] = None  # the stamp line removed
    book.save(path)
    result = check_file(path, Settings(today=date(2025, 4, 1)))
    assert result.meldung is not None and result.meldung.form_stand.cell is None
    (hint,) = fired(result, "formular-veraltet")
    assert hint["cell"] is None and "30.10.2023" in hint["message"]


# ---------------------------------------------------------------- formular-zu-klein


def test_more_persons_than_numbered_rows_names_the_next_size(tmp_path: Path) -> None:
    path = report(tmp_path, date(2025, 3, 1), "v2023-37", persons=40, rows_added_below=True)
    result = check_file(path, Settings(today=date(2025, 4, 1)))
    assert result.meldung is not None and len(result.meldung.persons or ()) == 40
    assert result.meldung.layout.capacity == 37
    (hint,) = fired(result, "formular-zu-klein")
    assert "40 Personen" in hint["message"] and "37 nummerierte Zeilen" in hint["message"]
    assert "„bis 68 Personen“" in hint["message"]
    row_38 = result.meldung.persons[37]  # the first person without a row of the form
    assert hint["cell"] == row_38.name.cell


def test_a_full_form_is_not_too_small(tmp_path: Path) -> None:
    path = report(tmp_path, date(2025, 3, 1), "v2023-37", persons=37)
    result = check_file(path, Settings(today=date(2025, 4, 1)))
    assert len(result.meldung.persons or ()) == 37  # type: ignore[union-attr]
    assert fired(result, "formular-zu-klein") == []


@pytest.mark.parametrize(("persons", "expected"), [(70, "„bis 84 Personen“"), (86, "größte Formular hat 84")])
def test_beyond_the_form_sizes(tmp_path: Path, persons: int, expected: str) -> None:
    path = report(tmp_path, date(2025, 3, 1), "v2023-68", persons=persons, rows_added_below=True)
    (hint,) = fired(check_file(path, Settings(today=date(2025, 4, 1))), "formular-zu-klein")
    assert expected in hint["message"]


def test_form_rows_in_a_rule_file_are_checked(tmp_path: Path) -> None:
    from kitameldung.rules import RuleFileError, load_rulebook

    bad = tmp_path / "regeln.toml"
    bad.write_text("[[formular]]\nab = 2027-01-01\ngroessen = [84, 37]\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"Zeile 3: „groessen“ muss eine aufsteigende Liste"):
        load_rulebook(bad)
    good = tmp_path / "neu.toml"
    good.write_text("[[formular]]\nab = 2027-01-01\ngroessen = [40, 90]\n", encoding="utf-8")
    rules = load_rulebook(good)
    form = rules.form_for(date(2027, 3, 1))
    assert form is not None and form.sizes == (40, 90) and form.size_for(41) == 90


def test_inspect_shows_the_form_version(tmp_path: Path, capsys) -> None:
    from kitameldung.cli import main

    path = report(tmp_path, date(2025, 3, 1), "v2023-37")
    assert main(["inspect", str(path)]) == 0
    assert "Stand:    30.10.2023 (aus A2)" in capsys.readouterr().out
