"""One test per bullet of formular.md's tolerance list: generated workbooks that exercise it
read back to the values the generator wrote."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kitameldung.form import read_meldung
from kitameldung.model import STAFF_FIELDS, Gruppe
from kitameldung.replica import VARIANTS, Variation, make_facility, write_form
from kitameldung.text import normalize

from readback import assert_reads_back

FACILITY = make_facility(7)
SMALL = make_facility(8, persons=12)


def _read(form, variation: Variation, variant: str = "v2025-84", facility=FACILITY, name=None):
    path = form(facility, variant, variation, name=name)
    return read_meldung(path), facility


@pytest.mark.parametrize("variant", VARIANTS)
def test_standard_replica_of_every_variant(form, variant: str) -> None:
    meldung, facility = _read(form, Variation(), variant, SMALL)
    assert meldung.variant == variant
    assert meldung.profile == variant
    assert meldung.layout.capacity == int(variant[-2:])
    assert_reads_back(meldung, facility, has_nachweise=variant.startswith("v2025"))
    if variant.startswith("v2023"):
        assert not meldung.has_column("masernschutz") and not meldung.has_column("sprachnachweis")
        assert meldung.persons[0].zuordnung.value.paragraph is None  # "Fachkraft (§§ 9-11)"


def test_other_sheet_names_order_extra_and_hidden_sheets(form) -> None:
    variation = Variation(sheet_name="Meldung Kita 2025", sheet_order_changed=True, extra_hidden_sheet=True)
    meldung, facility = _read(form, variation)
    assert meldung.sheet == "Meldung Kita 2025"
    assert_reads_back(meldung, facility)


def test_labels_with_other_wording_case_line_breaks_and_gender_forms(form) -> None:
    meldung, facility = _read(form, Variation(wording=True))
    assert_reads_back(meldung, facility)
    assert meldung.header["kontakt"].value == facility.kontakt


@pytest.mark.parametrize(
    "label",
    [
        "Ansprechpartner*innen",
        "Ansprechpartner:innen",
        "Ansprechpartner/-innen",
        "AnsprechpartnerInnen",
        "ANSPRECHPARTNER_INNEN",
        "Ansprechpartner(in)",
        "Ansprech\npartner",
    ],
)
def test_gender_forms_and_breaks_normalise_alike(label: str) -> None:
    expected = "ansprech partner" if "\n" in label else "ansprechpartner"
    assert normalize(label) == expected


def test_value_below_its_label(form) -> None:
    meldung, facility = _read(form, Variation(value_below=True))
    assert_reads_back(meldung, facility)
    assert meldung.layout.header_cells["stichtag"] == "C8"  # label C7, value below


@pytest.mark.parametrize("variant", ["v2025-84", "v2023-68"])
def test_captions_split_over_two_rows(form, variant: str) -> None:
    meldung, facility = _read(form, Variation(split_captions=True), variant, SMALL)
    assert_reads_back(meldung, facility, has_nachweise=variant.startswith("v2025"))


def test_group_captions_merged_across_columns(form) -> None:
    meldung, facility = _read(form, Variation())  # v2025 has merged group captions above
    assert meldung.layout.staff_header_rows == (21, 21)
    assert_reads_back(meldung, facility)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_columns_in_another_order(form, seed: int) -> None:
    columns = [f for f in STAFF_FIELDS if f != "vorname"]
    random.Random(seed).shuffle(columns)
    meldung, facility = _read(form, Variation(column_order=tuple(columns)))
    assert_reads_back(meldung, facility)


def test_extra_unknown_columns_are_ignored(form) -> None:
    meldung, facility = _read(form, Variation(extra_columns=True))
    assert_reads_back(meldung, facility)
    assert "Personalnummer" not in meldung.layout.staff_columns


@pytest.mark.parametrize(("variant", "columns"), [("v2025-84", 2), ("v2023-68", 1)])
def test_name_and_vorname_in_one_column_or_two(form, variant: str, columns: int) -> None:
    meldung, facility = _read(form, Variation(name_columns=columns), variant, SMALL)
    assert meldung.has_column("vorname") is (columns == 2)
    assert_reads_back(meldung, facility, has_nachweise=variant.startswith("v2025"))


def test_blank_rows_inside_the_table_and_empty_numbered_rows_at_the_end(form) -> None:
    meldung, facility = _read(form, Variation(blank_rows=True))
    assert_reads_back(meldung, facility)
    rows = [p.row for p in meldung.persons]
    assert any(b - a > 1 for a, b in zip(rows, rows[1:]))
    assert meldung.layout.capacity == 84 and len(meldung.persons) < 84


def test_persons_without_lfd_nr(form) -> None:
    meldung, facility = _read(form, Variation(no_lfd_nr=True))
    assert_reads_back(meldung, facility)


@pytest.mark.parametrize("style", ["date", "serial", "text_de", "text_short", "text_iso", "mixed"])
def test_dates_as_dates_serial_numbers_or_text(form, style: str) -> None:
    meldung, facility = _read(form, Variation(date_style=style, seed=3))
    assert_reads_back(meldung, facility)


def test_numbers_as_text_with_decimal_comma(form) -> None:
    facility = FACILITY.copy()
    facility.staff[1].wochenstunden, facility.staff[1].paed_stunden = 19.5, 19.5
    meldung, _ = _read(form, Variation(number_style="text_comma"), facility=facility)
    assert meldung.persons[1].paed_stunden.raw == "19,5"
    assert_reads_back(meldung, facility)


def test_yes_no_in_many_spellings(form) -> None:
    meldung, facility = _read(form, Variation(yes_no_style="mixed", seed=5))
    assert_reads_back(meldung, facility)


def test_zuordnung_in_many_spellings(form) -> None:
    meldung, facility = _read(form, Variation(zuordnung_style="mixed", seed=6))
    assert_reads_back(meldung, facility)
    paragraphs = {p.zuordnung.value.paragraph for p in meldung.persons}
    assert paragraphs <= {9, 10, 11, 12}


def test_xlsm_package(form) -> None:
    meldung, facility = _read(form, Variation(), name="meldung.xlsm")
    assert_reads_back(meldung, facility)


@pytest.mark.parametrize("protect", [True, False])
def test_protected_and_unprotected_sheets(form, protect: bool) -> None:
    meldung, facility = _read(form, Variation(protect=protect))
    assert_reads_back(meldung, facility)


def test_formulas_with_and_without_cached_values(form, libreoffice, tmp_path: Path) -> None:
    path = form(SMALL, "v2025-84", Variation())  # openpyxl: formulas without cached values
    recalculated = libreoffice.convert(path, tmp_path / "lo")  # LibreOffice: with cached values
    for candidate in (path, recalculated):
        assert_reads_back(read_meldung(candidate), SMALL)


def test_other_cell_positions(form) -> None:
    meldung, facility = _read(form, Variation(row_offset=3, col_offset=2))
    assert meldung.layout.header_cells["stichtag"] == "F12"
    assert_reads_back(meldung, facility)


@pytest.mark.parametrize("seed", range(8))
def test_unseen_combinations_of_deviations(tmp_path: Path, seed: int) -> None:
    """Forms never seen before: random combinations of every tolerated deviation."""
    rng = random.Random(seed)
    variant = rng.choice(VARIANTS)
    facility = make_facility(200 + seed, persons=rng.randint(5, 30))
    columns = [f for f in STAFF_FIELDS if f != "vorname"]
    rng.shuffle(columns)
    variation = Variation(
        sheet_name=rng.choice([None, "Tabelle1", "Personal 2025"]),
        sheet_order_changed=rng.random() < 0.5,
        extra_hidden_sheet=rng.random() < 0.5,
        wording=rng.random() < 0.5,
        value_below=rng.random() < 0.3,
        split_captions=rng.random() < 0.3,
        column_order=tuple(columns) if rng.random() < 0.5 else None,
        extra_columns=rng.random() < 0.5,
        name_columns=rng.choice([None, 1, 2]),
        blank_rows=rng.random() < 0.5,
        no_lfd_nr=rng.random() < 0.3,
        date_style=rng.choice(["date", "serial", "text_de", "mixed"]),
        number_style=rng.choice(["number", "text_comma"]),
        yes_no_style=rng.choice(["ja", "mixed"]),
        zuordnung_style=rng.choice(["variant", "mixed"]),
        row_offset=rng.randint(0, 4),
        col_offset=rng.randint(0, 3),
        seed=seed,
    )
    path = write_form(facility, tmp_path / f"unseen-{seed}.xlsx", variant, variation)
    meldung = read_meldung(path)
    assert_reads_back(meldung, facility, has_nachweise=variant.startswith("v2025"))
    assert all(p.zuordnung.value.gruppe in Gruppe for p in meldung.persons)
