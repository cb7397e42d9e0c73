"""The law after the primary-source audit (regeln-brandenburg.md section 8): Leitung before 2017,
the dated Dispositionsspielraum at the edges of its periods (Python, LibreOffice, overview), the
2023 rules dated, two readings of the quota in every output, B2 as a question, the new rules —
and the whole core against an independent implementation on random facilities."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import law_oracle
import openpyxl
import pytest
from lawcases import with_coverage, with_trainee

from kitameldung.batch.overview import write_overview
from kitameldung.batch.runner import refresh_many
from kitameldung.pipeline import Settings, check_file
from kitameldung.refresh import FAILED, refresh_file
from kitameldung.render.json_out import result_json
from kitameldung.render.text import summary
from kitameldung.replica import make_facility, write_form
from kitameldung.rules import Parameters
from kitameldung.sheets import SHEET_NAMES

from conftest import cycles

REVIEW = "geprüft gegen KitaG und KitaPersV, Stand Dezember 2026"
EDGES = [  # Stichtag, Ist ÷ Soll, coverage met?
    (date(2022, 6, 9), Fraction(95, 100), True),
    (date(2022, 6, 9), Fraction(9499, 10000), False),
    (date(2022, 6, 10), Fraction(90, 100), True),
    (date(2022, 6, 10), Fraction(8999, 10000), False),
    (date(2023, 7, 31), Fraction(90, 100), True),
    (date(2023, 8, 1), Fraction(90, 100), False),
    (date(2023, 8, 1), Fraction(1), True),
    (date(2023, 8, 1), Fraction(9999, 10000), False),
]


def doc(path: Path, params: Parameters = Parameters()) -> dict:
    return result_json(check_file(path, Settings(params=params)))


def rules_of(document: dict) -> set[str]:
    return {f["rule"] for f in document["findings"]}


# ---------------------------------------------------------------------- Dispositionsspielraum


def test_coverage_follows_the_dated_dispositionsspielraum_at_its_edges(libreoffice, tmp_path: Path) -> None:
    files = []
    for index, (day, ratio, met) in enumerate(EDGES):
        path = write_form(with_coverage(30 + index, day, ratio), tmp_path / f"kante-{index}.xlsx", "v2025-84")
        document = doc(path)
        assert document["staffing"]["personalbemessung_erfuellt"] is met, (day, ratio)
        assert ("personalbemessung" in rules_of(document)) is (not met), (day, ratio)
        files.append(path)
    items = refresh_many(files, Settings(), workers=1)
    assert all(i.status != FAILED for i in items)
    overview = tmp_path / "Traegeruebersicht.xlsx"
    write_overview(items, overview)
    lo = libreoffice.convert_many([*files, overview], tmp_path / "lo")
    sheet = openpyxl.load_workbook(lo[-1], data_only=True)["Übersicht"]
    for (day, ratio, met), path, row in zip(EDGES, lo, range(2, len(EDGES) + 2)):
        live = openpyxl.load_workbook(path, data_only=True)[SHEET_NAMES["quote"]]
        expected = "erfüllt" if met else "nicht erfüllt"
        assert live["B12"].value == expected, (day, ratio)
        assert sheet[f"L{row}"].value == expected, (day, ratio)


def test_a_configured_dispositionsspielraum_overrides_the_table(tmp_path: Path) -> None:
    path = write_form(with_coverage(40, date(2023, 8, 1), Fraction(90, 100)), tmp_path / "k.xlsx", "v2025-84")
    assert doc(path)["staffing"]["personalbemessung_erfuellt"] is False
    relaxed = doc(path, Parameters(dispositionsspielraum=0.1))
    assert relaxed["staffing"]["personalbemessung_erfuellt"] is True
    assert relaxed["rules"]["parameters"]["dispositionsspielraum"] == 0.1


# ---------------------------------------------------------------------- Leitung and dated rules


def test_leitung_before_october_2017_is_the_band_without_the_base(tmp_path: Path) -> None:
    for day, base in ((date(2017, 9, 30), Fraction(0)), (date(2017, 10, 1), Fraction(1, 16))):
        facility = with_coverage(41, day, Fraction(1))  # Soll exactly 4 VZÄ: band 0.125
        document = doc(write_form(facility, tmp_path / f"l{day}.xlsx", "v2025-84"))
        assert document["staffing"]["soll_leitung_vzae"] == pytest.approx(float(base + Fraction(1, 8)))
        leitung = [f for f in document["findings"] if f["rule"] == "leitungsanteil"]
        assert leitung and leitung[0]["severity"] == "warnung" and "§ 5 Abs. 2" in leitung[0]["reference"]


def test_the_2023_rules_are_not_checkable_before_30_october_2023(tmp_path: Path) -> None:
    dated = {"fachkraftquote", "qualifizierung-frist", "qualifizierung-frist-bald", "sprachnachweis-fehlt"}
    for day, applies in ((date(2023, 10, 29), False), (date(2023, 10, 30), True)):
        facility = with_coverage(42, day, Fraction(1), Fraction(1, 2)).copy()  # quota 50 %
        late = facility.staff[5]
        facility.staff[5] = replace(late, beginn=day - timedelta(days=800), qualifizierung_300ue=None)
        facility.staff[1] = replace(facility.staff[1], sprachnachweis="nein", qualifikation=None)
        document = doc(write_form(facility, tmp_path / f"d{day}.xlsx", "v2025-84"))
        found = rules_of(document)
        listed = {n["rule"]: n["reason"] for n in document["rules"]["nicht_pruefbar"]}
        if applies:
            assert {
                "fachkraftquote",
                "qualifizierung-frist",
                "sprachnachweis-fehlt",
                "ausbildung-fehlt",
            } <= found
            assert not dated & set(listed)
        else:
            assert not (dated | {"ausbildung-fehlt"}) & found
            assert all(listed[r] == "Regel gilt ab 30.10.2023" for r in dated)
            assert document["staffing"]["fachkraftquote_min"] is None
            text = summary(check_file(tmp_path / f"d{day}.xlsx"))
            assert "nicht prüfbar (Regel gilt ab 30.10.2023)" in text


# ---------------------------------------------------------------------- two readings


def test_a_verdict_that_hangs_on_the_reading_says_so_everywhere(libreoffice, tmp_path: Path) -> None:
    facility = with_coverage(43, date(2025, 10, 1), Fraction(14, 10), Fraction(75, 100))
    path = write_form(facility, tmp_path / "lesart.xlsx", "v2025-84")
    document = doc(path)
    readings = document["staffing"]["lesarten"]
    assert readings == {"angewandt": "ist", "ist": False, "soll_anrechnung": True, "abweichend": True}
    assert {"fachkraftquote", "lesarten-abweichend"} <= rules_of(document)
    other = doc(path, Parameters(fachkraftquote_basis="soll_anrechnung"))
    assert not {"fachkraftquote", "personalbemessung-anrechnung"} & rules_of(other)
    assert "lesarten-abweichend" in rules_of(other)
    assert "HÄNGT AN DER LESART" in summary(check_file(path))
    assert refresh_file(path, Settings(), datetime(2026, 11, 22)).status != FAILED
    report = openpyxl.load_workbook(path)[SHEET_NAMES["pruefbericht"]]
    assert any("HÄNGT AN DER LESART" in str(c.value) for row in report.iter_rows() for c in row)
    live = openpyxl.load_workbook(libreoffice.convert(path, tmp_path / "lo"), data_only=True)[
        SHEET_NAMES["quote"]
    ]
    assert live["B24"].value == "Ergebnis hängt an der Lesart"
    assert (live["B22"].value, live["B23"].value) == ("nicht erfüllt", "erfüllt")
    items = refresh_many([path], Settings(), workers=1)
    write_overview(items, tmp_path / "uebersicht.xlsx")
    overview = openpyxl.load_workbook(tmp_path / "uebersicht.xlsx")["Übersicht"]
    assert overview["V2"].value == "Ergebnis hängt an der Lesart"


def test_soll_anrechnung_caps_ergaenzungskraefte_at_a_fifth_of_the_soll(tmp_path: Path) -> None:
    facility = with_coverage(44, date(2025, 10, 1), Fraction(12, 10), Fraction(60, 100))  # Fach 2.88 of 4
    path = write_form(facility, tmp_path / "cap.xlsx", "v2025-84")
    document = doc(path, Parameters(fachkraftquote_basis="soll_anrechnung"))
    assert document["staffing"]["anrechenbar_vzae"] == pytest.approx(2.88 + 0.8)
    assert "personalbemessung-anrechnung" in rules_of(document)


# ---------------------------------------------------------------------- persons


def _person_case(tmp_path: Path, name: str, **changes: object) -> dict:
    facility = make_facility(50, date(2025, 10, 1)).copy()
    facility.staff[2] = replace(facility.staff[2], **changes)
    return doc(write_form(facility, tmp_path / f"{name}.xlsx", "v2025-84"))


def test_b2_is_a_question_not_an_error(tmp_path: Path) -> None:
    found = [
        f
        for f in _person_case(tmp_path, "b2", sprachnachweis="nein")["findings"]
        if f["rule"] == "sprachnachweis-fehlt"
    ]
    assert found and found[0]["severity"] == "hinweis" and "§ 7 Abs. 4" in found[0]["reference"]
    assert "Schulabschluss" in found[0]["message"]


def test_ausbildung_fehlt_fires_only_without_any_qualification(tmp_path: Path) -> None:
    assert "ausbildung-fehlt" in rules_of(_person_case(tmp_path, "leer", qualifikation=None))
    assert "ausbildung-fehlt" not in rules_of(_person_case(tmp_path, "kp", qualifikation="Kinderpflegerin"))
    trainee = _person_case(tmp_path, "azubi", qualifikation=None, funktion="Praktikantin")
    assert "ausbildung-fehlt" not in rules_of(trainee) and "auszubildende-nicht-gezaehlt" in rules_of(trainee)


def test_a_short_one_off_fixed_term_needs_no_300_ue(tmp_path: Path) -> None:
    day = date(2025, 10, 1)
    begin = date(2023, 1, 10)
    base = {
        "paragraph": 12,
        "qualifikation": "Kinderpflegerin",
        "qualifizierung_300ue": None,
        "beginn": begin,
    }
    short = _person_case(tmp_path, "kurz", ende=date(2023, 7, 9), **base)
    assert "qualifizierung-befristet" not in rules_of(short)  # not employed on the Stichtag any more
    short_now = _person_case(
        tmp_path,
        "kurz2",
        beginn=day - timedelta(days=60),
        ende=day + timedelta(days=100),
        **{k: v for k, v in base.items() if k != "beginn"},
    )
    assert "qualifizierung-befristet" in rules_of(short_now) and "qualifizierung-frist" not in rules_of(
        short_now
    )
    six_months = day - timedelta(days=60)
    exactly = _person_case(
        tmp_path,
        "sechs",
        beginn=six_months,
        ende=date(2026, 5, 30),
        **{k: v for k, v in base.items() if k != "beginn"},
    )
    assert "qualifizierung-befristet" not in rules_of(exactly)  # 30.07. + 6 months = 30.01.: not shorter
    long_ago = _person_case(tmp_path, "alt", ende=None, **base)
    assert "qualifizierung-frist" in rules_of(long_ago) and "qualifizierung-befristet" not in rules_of(
        long_ago
    )


def test_people_in_training_are_listed_but_not_counted_unless_asked(tmp_path: Path) -> None:
    path = write_form(with_trainee(51, date(2025, 10, 1)), tmp_path / "azubi.xlsx", "v2025-84")
    plain = write_form(make_facility(51, date(2025, 10, 1)), tmp_path / "ohne.xlsx", "v2025-84")
    default, counted, without = doc(path), doc(path, Parameters(auszubildende_anrechnen=True)), doc(plain)
    assert default["staffing"]["personen_gezaehlt"] == without["staffing"]["personen_gezaehlt"] - 1
    assert default["staffing"]["in_ausbildung_nicht_gezaehlt"] == 1
    assert counted["staffing"]["personen_gezaehlt"] == without["staffing"]["personen_gezaehlt"]
    assert "auszubildende-nicht-gezaehlt" in rules_of(default)
    assert "auszubildende-nicht-gezaehlt" not in rules_of(counted)
    pianist = _person_case(tmp_path, "pianistin", funktion="Pianistin")
    assert "auszubildende-nicht-gezaehlt" not in rules_of(pianist)


# ---------------------------------------------------------------------- every output


def test_every_output_names_the_review_state_of_the_rules(tmp_path: Path) -> None:
    path = write_form(make_facility(52), tmp_path / "stand.xlsx", "v2025-84")
    assert doc(path)["rules"]["pruefstand"].startswith(REVIEW)
    assert REVIEW in summary(check_file(path))
    assert refresh_file(path, Settings(), datetime(2026, 11, 22)).status != FAILED
    book = openpyxl.load_workbook(path)
    for name in (SHEET_NAMES["pruefbericht"], SHEET_NAMES["quote"]):
        assert any(REVIEW in str(c.value) for row in book[name].iter_rows() for c in row), name
    write_overview(refresh_many([path], Settings(), workers=1), tmp_path / "u.xlsx")
    overview = openpyxl.load_workbook(tmp_path / "u.xlsx")["Übersicht"]
    assert any(REVIEW in str(c.value) for row in overview.iter_rows() for c in row)


# ---------------------------------------------------------------------- independent implementation


@pytest.mark.parametrize("seed", range(cycles(40)))
def test_the_core_agrees_with_an_independent_implementation_of_section_8(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    day = date(2016, 8, 1) + timedelta(days=rng.randint(0, 3650))
    if rng.random() < 0.5:
        facility = with_coverage(
            600 + seed, day, Fraction(rng.randint(85, 125), 100), Fraction(rng.randint(60, 100), 100)
        )
    else:
        facility = make_facility(600 + seed, day)
    if rng.random() < 0.2:
        facility = facility.copy()
        facility.staff[-1] = replace(facility.staff[-1], funktion="Auszubildende")
    path = write_form(facility, tmp_path / "zufall.xlsx", "v2025-84")
    staffing = doc(path)["staffing"]
    want = law_oracle.expected(facility)

    def same(value: object, exact: Fraction | None) -> bool:
        return (value is None and exact is None) or (
            value is not None and exact is not None and abs(float(exact) - float(value)) < 1e-9
        )

    assert same(staffing["soll_betreuung_vzae"], want.soll)
    assert same(staffing["ist_betreuung_vzae"], want.ist)
    assert same(staffing["ist_fachkraft_vzae"], want.fach)
    assert same(staffing["soll_leitung_vzae"], want.leitung_soll)
    assert same(staffing["dispositionsspielraum"], want.margin)
    assert same(staffing["fachkraftquote_min"], want.quota_min)
    assert staffing["personalbemessung_erfuellt"] is want.coverage_ok
    assert staffing["fachkraftquote_erfuellt"] is want.quota_ok
    assert staffing["lesarten"]["ist"] is want.verdict_ist
    assert staffing["lesarten"]["soll_anrechnung"] is want.verdict_soll
