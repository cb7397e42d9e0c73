"""The live formulas of `Quote & Bedarf` (and every other formula we write), with LibreOffice
as second engine: recalculated from scratch they give the Python core's values — for every
form variant, every tolerated deviation, planted mistakes and other assumptions — and after an
input cell of the form is edited they follow the edit as the core does."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from lawcases import with_coverage, with_trainee

from kitameldung.model import STAFF_FIELDS
from kitameldung.pipeline import Result, Settings, check_file
from kitameldung.refresh import FAILED, refresh_file
from kitameldung.replica import VARIANTS, Variation, make_facility, write_form
from kitameldung.replica.facility import Facility
from kitameldung.replica.mistakes import STRUCTURAL
from kitameldung.rules import Parameters
from kitameldung.sheets import SHEET_NAMES
from kitameldung.sheets.quote_bedarf import RESULTS_END

pytestmark = pytest.mark.slow

QUOTE, REPORT = SHEET_NAMES["quote"], SHEET_NAMES["pruefbericht"]


@dataclass(frozen=True)
class Case:
    facility: Facility
    variant: str = "v2025-84"
    variation: Variation = Variation()
    params: Parameters = Parameters()


def _random_variation(seed: int) -> tuple[str, Variation]:
    rng = random.Random(seed)
    columns = [f for f in STAFF_FIELDS if f != "vorname"]
    rng.shuffle(columns)
    return rng.choice(VARIANTS), Variation(
        sheet_name=rng.choice([None, "Tabelle1"]),
        wording=rng.random() < 0.5,
        value_below=rng.random() < 0.3,
        column_order=tuple(columns) if rng.random() < 0.5 else None,
        name_columns=rng.choice([None, 1, 2]),
        blank_rows=rng.random() < 0.5,
        date_style=rng.choice(["date", "serial", "text_de", "text_short", "text_iso", "mixed"]),
        number_style=rng.choice(["number", "text_comma"]),
        zuordnung_style=rng.choice(["variant", "mixed"]),
        row_offset=rng.randint(0, 3),
        col_offset=rng.randint(0, 2),
        seed=seed,
    )


def _cases() -> dict[str, Case]:
    base = make_facility(11)
    cases = {f"variant {v}": Case(base, v) for v in VARIANTS}
    for style in ("serial", "text_de", "text_short", "text_iso", "mixed"):
        cases[f"dates {style}"] = Case(base, variation=Variation(date_style=style, seed=3))
    hours = base.copy()
    hours.staff[1].paed_stunden, hours.staff[1].wochenstunden = 19.5, 19.5
    cases["numbers as text"] = Case(hours, variation=Variation(number_style="text_comma"))
    cases["zuordnung spellings"] = Case(base, variation=Variation(zuordnung_style="mixed", seed=6))
    cases["name and vorname apart"] = Case(base, "v2023-68", Variation(name_columns=2))
    cases["value below, offsets, blank rows"] = Case(
        base,
        variation=Variation(value_below=True, row_offset=2, col_offset=1, blank_rows=True, no_lfd_nr=True),
    )
    cases["other sheet name, extra columns"] = Case(
        base,
        variation=Variation(sheet_name="Tabelle1", extra_columns=True, split_captions=True, wording=True),
    )
    for name, plant in STRUCTURAL.items():
        cases[f"mistake {name}"] = Case(plant(base).facility)
    for day in (date(2022, 8, 1), date(2024, 7, 31), date(2024, 8, 1)):
        cases[f"Stichtag {day}"] = Case(make_facility(12, stichtag=day))
    too_early = make_facility(12, stichtag=date(2016, 10, 1)).copy()
    too_early.stichtag = date(2015, 10, 1)  # before the rule table
    cases["Stichtag 2015-10-01"] = Case(too_early)
    cases["other assumptions"] = Case(
        base,
        params=Parameters(
            vollzeit_stunden=39.0, leitung_basis="ist", fachkraftquote_min=0.85, dispositionsspielraum=0.05
        ),
    )
    for seed in range(4):
        variant, variation = _random_variation(seed)
        cases[f"unseen form {seed}"] = Case(make_facility(300 + seed), variant, variation)
    # Section 8: the dated Dispositionsspielraum at the edges of its periods, the two readings of
    # the quota, Leitung before October 2017, people in training.
    for day, ratio in (
        (date(2022, 6, 9), Fraction(95, 100)),
        (date(2022, 6, 10), Fraction(90, 100)),
        (date(2023, 7, 31), Fraction(90, 100)),
        (date(2023, 8, 1), Fraction(90, 100)),
        (date(2023, 8, 1), Fraction(1)),
    ):
        cases[f"coverage {float(ratio):.2f} on {day}"] = Case(with_coverage(20, day, ratio))
    readings = with_coverage(21, date(2025, 10, 1), Fraction(14, 10), Fraction(75, 100))
    cases["readings differ"] = Case(readings)
    cases["readings differ, soll_anrechnung"] = Case(
        readings, params=Parameters(fachkraftquote_basis="soll_anrechnung")
    )
    cases["Stichtag 2017-09-30"] = Case(make_facility(22, stichtag=date(2017, 9, 30)))
    cases["trainee"] = Case(with_trainee(23, date(2025, 10, 1)))
    cases["trainee counted"] = Case(
        with_trainee(23, date(2025, 10, 1)), params=Parameters(auszubildende_anrechnen=True)
    )
    return cases


CASES = _cases()


@dataclass(frozen=True)
class Refreshed:
    path: Path  # after kitameldung refresh: formulas with cached values
    recalculated: Path  # the same, recalculated from scratch by LibreOffice
    result: Result


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory, libreoffice) -> dict[str, Refreshed]:
    folder = tmp_path_factory.mktemp("formulas")
    paths, results = {}, {}
    for i, (name, case) in enumerate(CASES.items()):
        path = write_form(case.facility, folder / f"case{i}.xlsx", case.variant, case.variation)
        outcome = refresh_file(path, Settings(params=case.params), datetime(2026, 11, 22, 9, 0))
        assert outcome.status != FAILED, outcome.message
        assert outcome.result is not None
        paths[name], results[name] = path, outcome.result
    recalculated = libreoffice.convert_many(list(paths.values()), folder / "lo")
    return {name: Refreshed(paths[name], out, results[name]) for name, out in zip(paths, recalculated)}


def _same(a: object, b: object) -> bool:
    a, b = (v.date() if isinstance(v, datetime) else v for v in (a, b))
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a))
    return a == b


@pytest.mark.parametrize("case", list(CASES))
def test_every_formula_recalculates_to_its_cached_core_value(
    refreshed: dict[str, Refreshed], case: str
) -> None:
    item = refreshed[case]
    formulas = openpyxl.load_workbook(item.path)
    cached = openpyxl.load_workbook(item.path, data_only=True)
    fresh = openpyxl.load_workbook(item.recalculated, data_only=True)
    checked, wrong = 0, []
    for sheet in (QUOTE, REPORT):
        for row in formulas[sheet].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    checked += 1
                    mine, theirs = cached[sheet][cell.coordinate].value, fresh[sheet][cell.coordinate].value
                    if not _same(mine, theirs):
                        wrong.append(
                            f"{sheet}!{cell.coordinate}: {mine!r} ≠ LibreOffice {theirs!r} ({cell.value[:80]})"
                        )
    assert checked > 100
    assert wrong == []


RESULT_ROWS = {
    "Stichtag": "stichtag",
    "Soll Betreuung (VZÄ)": "soll_betreuung_vzae",
    "Ist Fachkräfte §§ 9–11 (VZÄ)": "ist_fachkraft_vzae",
    "Ist Ergänzungskräfte § 12 (VZÄ)": "ist_ergaenzung_vzae",
    "Ist Betreuung (VZÄ)": "ist_betreuung_vzae",
    "Deckungsgrad (Ist ÷ Soll)": "deckungsgrad",
    "Fachkraftquote (Fachkräfte ÷ Ist)": "fachkraftquote",
    "Mindest-Fachkraftquote": "fachkraftquote_min",
    "Fachkraftquote bezogen auf Soll (Information)": "fachkraftquote_soll",
    "Soll Leitungsanteil (VZÄ)": "soll_leitung_vzae",
    "Ist Leitung (VZÄ)": "ist_leitung_vzae",
    "gezählte Personen": "personen_gezaehlt",
    "Dispositionsspielraum (angewandt)": "dispositionsspielraum",
    "anrechenbar nach Soll-Anrechnung (VZÄ)": "anrechenbar_vzae",
    "in Ausbildung, nicht gezählt": "in_ausbildung",
}
STATUS_ROWS = (
    "Personalbemessung",
    "Fachkraftquote",
    "Ergebnis Ist-Lesart",
    "Ergebnis Soll-Anrechnung",
    "Lesarten der Fachkraftquote",
)


def live_results(path: Path) -> dict[str, object]:
    sheet = openpyxl.load_workbook(path, data_only=True)[QUOTE]
    values = {}
    for row in sheet.iter_rows(min_row=4, max_row=RESULTS_END, max_col=2):
        label, value = row[0].value, row[1].value
        if label in RESULT_ROWS:
            values[RESULT_ROWS[label]] = value.date() if isinstance(value, datetime) else value
        elif label in STATUS_ROWS:
            values[f"status {label}"] = value
    return values


def core_results(result: Result) -> dict[str, object]:
    staffing = result.staffing
    expected: dict[str, object] = {}
    for field in RESULT_ROWS.values():
        value = getattr(staffing, field) if staffing else None
        expected[field] = float(value) if isinstance(value, Fraction) else value
    if staffing is None:
        expected = dict.fromkeys(expected, "–") | {
            "stichtag": None,
            "personen_gezaehlt": 0,
            "in_ausbildung": 0,
        }
    marks = {True: "erfüllt", False: "nicht erfüllt", None: "nicht berechenbar"}
    expected["status Personalbemessung"] = marks[staffing.coverage_ok() if staffing else None]
    quota = marks[staffing.quota_ok() if staffing else None]
    if staffing is not None and not staffing.kitapersv:
        quota = "nicht prüfbar (Regel gilt ab 30.10.2023)"
    expected["status Fachkraftquote"] = quota
    expected["status Ergebnis Ist-Lesart"] = marks[staffing.verdict("ist") if staffing else None]
    expected["status Ergebnis Soll-Anrechnung"] = marks[
        staffing.verdict("soll_anrechnung") if staffing else None
    ]
    differ = staffing is not None and staffing.readings_differ
    expected["status Lesarten der Fachkraftquote"] = (
        "Ergebnis hängt an der Lesart" if differ else "gleiches Ergebnis"
    )
    return {k: "–" if v is None and k != "stichtag" else v for k, v in expected.items()}


@pytest.mark.parametrize("case", list(CASES))
def test_live_results_equal_the_core(refreshed: dict[str, Refreshed], case: str) -> None:
    item = refreshed[case]
    live, core = live_results(item.recalculated), core_results(item.result)
    assert live.keys() == core.keys()
    differences = {k: (live[k], core[k]) for k in core if not _same(live[k], core[k])}
    assert differences == {}


def test_the_cases_reach_every_outcome(refreshed: dict[str, Refreshed]) -> None:
    """The fixtures are not all alike: the statuses and an unsupported Stichtag all occur."""
    seen = {
        v
        for item in refreshed.values()
        for k, v in core_results(item.result).items()
        if k.startswith("status")
    }
    assert seen == {
        "erfüllt",
        "nicht erfüllt",
        "nicht berechenbar",
        "nicht prüfbar (Regel gilt ab 30.10.2023)",
        "gleiches Ergebnis",
        "Ergebnis hängt an der Lesart",
    }


# ---------------------------------------------------------------- editing the form live


def _edit(source: Path, target: Path, changes: dict[str, object]) -> Path:
    """A person editing the form in a spreadsheet: new values in input cells of the form."""
    book = openpyxl.load_workbook(source)
    result = check_file(source)
    assert result.meldung is not None
    sheet = book[result.meldung.sheet]
    for address, value in changes.items():
        sheet[address] = value
    book.save(target)
    return target


@pytest.mark.parametrize("case", ["variant v2025-84", "variant v2023-37", "numbers as text", "dates text_de"])
def test_formulas_follow_edits_of_hours_zuordnung_and_places(
    refreshed: dict[str, Refreshed], libreoffice, tmp_path: Path, case: str
) -> None:
    item = refreshed[case]
    meldung = item.result.meldung
    assert meldung is not None and meldung.persons
    columns, persons = meldung.layout.staff_columns, meldung.persons
    fach = next(p for p in persons if p.zuordnung.value and p.zuordnung.value.gruppe.value == "fachkraft")
    other = next(p for p in persons if p is not fach)
    places = meldung.layout.places_cells["kindergarten"]
    label = "§ 12 Ergänzungskraft" if case != "variant v2023-37" else "Ergänzungskraft (§ 12)"
    changes = {
        f"{columns['paed_stunden']}{other.row}": 7.5,  # hours
        f"{columns['zuordnung']}{fach.row}": label,  # a Fachkraft becomes Ergänzungskraft
        places["long"]: (meldung.places["kindergarten"].long.value or 0) + 17,  # more children
    }
    edited = _edit(item.path, tmp_path / "edited.xlsx", changes)
    recalculated = libreoffice.convert(edited, tmp_path / "lo")
    core = core_results(check_file(edited, item.result.settings))
    before = live_results(item.recalculated)
    after = live_results(recalculated)
    assert after["soll_betreuung_vzae"] != before["soll_betreuung_vzae"]
    assert after["fachkraftquote"] != before["fachkraftquote"]
    differences = {k: (after[k], core[k]) for k in core if not _same(after[k], core[k])}
    assert differences == {}


def test_the_oracle_recalculates_rather_than_echoing_cached_values(
    refreshed: dict[str, Refreshed], libreoffice, tmp_path: Path
) -> None:
    """Without forced recalculation the comparison above would pass trivially."""
    import re
    import zipfile

    item = refreshed["variant v2025-84"]
    tampered = tmp_path / "tampered.xlsx"
    with zipfile.ZipFile(item.path) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("kitameldung-quote.xml"):
                data = re.sub(rb'(<c r="B7"[^>]*><f>[^<]*</f><v>)[^<]*', rb"\g<1>999", data)
            target.writestr(info, data)
    assert live_results(tampered)["soll_betreuung_vzae"] == 999
    recalculated = live_results(libreoffice.convert(tampered, tmp_path / "lo"))
    assert _same(recalculated["soll_betreuung_vzae"], float(item.result.staffing.soll_betreuung_vzae))
