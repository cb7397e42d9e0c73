"""regeln-brandenburg.md section 9: the law as it stands in December 2026, rule data a provider
can update, stale rule data made visible, and the form's own figures as a second opinion."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import law_oracle
import openpyxl
import pytest
from lawcases import with_coverage

from kitameldung.batch.overview import write_overview
from kitameldung.batch.runner import refresh_many
from kitameldung.cli import main
from kitameldung.pipeline import Settings, check_file, load_settings
from kitameldung.refresh import FAILED, refresh_file
from kitameldung.render.json_out import result_json
from kitameldung.render.text import summary
from kitameldung.replica import make_facility, mistakes, write_form
from kitameldung.rules import RuleFileError, load_rulebook
from kitameldung.sheets import SHEET_NAMES
from kitameldung.sheets.quote_bedarf.results import at

REVIEWED = date(2026, 12, 3)
KRIPPE_4_FROM_2027 = """\
[[schluessel]]
ab = 2027-01-01
krippe = "4"
kindergarten = "10"
quelle = "KitaG-Novelle 2027 (Beispiel eines Trägers)"
"""


def rules_of(document: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for finding in document["findings"]:
        found.setdefault(finding["rule"], []).append(finding)
    return found


def sheet_texts(path: Path, name: str) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for row in book[name].iter_rows() for c in row if c.value is not None)


def soll_cell(cell: str) -> str:
    return cell.replace("$", "")


# ---------------------------------------------------------------------- 9.1 Krippe 4.25 stays


@pytest.mark.parametrize("day", [date(2025, 8, 1), date(2026, 3, 1), date(2026, 12, 1)])
def test_a_form_from_august_2025_is_computed_with_krippe_425(day: date, tmp_path: Path) -> None:
    facility = make_facility(17, day)
    facility.places = {"krippe": (2, 10, 14), "kindergarten": (6, 34, 45), "hort": (15, 5, 20)}
    document = result_json(check_file(write_form(facility, tmp_path / "k.xlsx"), Settings(today=REVIEWED)))
    assert document["rules"]["version"] == "2024-08-01"
    assert document["staffing"]["soll_betreuung_vzae"] == pytest.approx(7.476078431372549, abs=1e-12)
    assert document["staffing"]["soll_leitung_vzae"] == pytest.approx(0.0625 + 0.25)


def test_the_leitung_band_follows_the_corrected_soll(tmp_path: Path) -> None:
    """Soll 10.12 VZÄ with 1:4 would be band 0.375; with 1:4.25 it is 9.86 → band 0.25."""
    facility = make_facility(18, date(2026, 3, 1))
    facility.places = {"krippe": (0, 36, 40), "kindergarten": (0, 15, 20), "hort": (0, 0, 0)}
    document = result_json(check_file(write_form(facility, tmp_path / "k.xlsx"), Settings(today=REVIEWED)))
    soll = document["staffing"]["soll_betreuung_vzae"]
    assert soll == pytest.approx(36 / 4.25 + 1.5) and soll < 10 < 36 / 4 + 1.5
    assert document["staffing"]["soll_leitung_vzae"] == pytest.approx(0.3125)


# ---------------------------------------------------------------------- 9.2 planned is not enacted


def test_a_stichtag_in_2027_uses_425_without_and_4_with_a_providers_rule_file(tmp_path: Path) -> None:
    facility = make_facility(19, date(2027, 3, 1))
    facility.places = {"krippe": (2, 10, 14), "kindergarten": (6, 34, 45), "hort": (15, 5, 20)}
    form = write_form(facility, tmp_path / "kita-2027.xlsx")
    rule_file = tmp_path / "regeln-2027.toml"
    rule_file.write_text(KRIPPE_4_FROM_2027, encoding="utf-8")

    builtin = result_json(check_file(form, Settings(today=REVIEWED)))
    assert builtin["staffing"]["soll_betreuung_vzae"] == pytest.approx(7.476078431372549)
    assert builtin["rules"]["regeldaten"]["quelle"] == "eingebaut"
    planned = builtin["rules"]["regeldaten"]["nicht_in_kraft"]
    assert {"tabelle": "schluessel", "ab": "2027-01-01", "status": "geplant"}.items() <= planned[-1].items()

    settings = replace(load_settings(rules_file=rule_file), today=REVIEWED)
    result = check_file(form, settings)
    provided = result_json(result)
    assert provided["rules"]["version"] == "2027-01-01"
    assert provided["staffing"]["soll_betreuung_vzae"] == pytest.approx(7.646666666666667)
    assert provided["rules"]["regeldaten"] == provided["rules"]["regeldaten"] | {
        "quelle": "datei",
        "datei": str(rule_file),
    }
    assert str(rule_file) in summary(result)

    assert refresh_file(form, settings, datetime(2026, 12, 3, 9)).status != FAILED
    for name in (SHEET_NAMES["pruefbericht"], SHEET_NAMES["quote"]):
        assert f"Regeldatei {rule_file}" in sheet_texts(form, name), name
    overview = tmp_path / "Traegeruebersicht.xlsx"
    write_overview(refresh_many([form], settings, workers=1), overview)
    assert f"Regeldatei {rule_file}" in sheet_texts(overview, "Übersicht")


def test_the_cli_takes_a_rule_file_and_refuses_a_broken_one_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form = write_form(make_facility(20, date(2027, 2, 1)), tmp_path / "k.xlsx")
    good = tmp_path / "gut.toml"
    good.write_text(KRIPPE_4_FROM_2027, encoding="utf-8")
    assert main(["check", "--json", str(form), "--regeln", str(good)]) in (0, 1)
    assert json.loads(capsys.readouterr().out)["rules"]["version"] == "2027-01-01"

    cases = {
        'krippe = "40,5x"': ("Zeile 3", "keine Zahl"),
        'krippe = "425"': ("Zeile 3", "liegt nicht zwischen"),
        'status = "beschlossen"': ("Zeile 3", "status"),
        "kripe = 4": ("Zeile 3", "unbekannter Eintrag „kripe“"),
    }
    for line, (where, what) in cases.items():
        broken = tmp_path / "kaputt.toml"
        broken.write_text(f"[[schluessel]]\nab = 2027-01-01\n{line}\n", encoding="utf-8")
        for command in (["check", str(form)], ["refresh", str(form)], ["inspect", str(form)]):
            assert main([*command, "--regeln", str(broken)]) == 2
            err = capsys.readouterr().err
            assert f"Regeldatei {broken}, {where}" in err and what in err and "Traceback" not in err
    missing = tmp_path / "fehlt.toml"
    assert main(["check", str(form), "--regeln", str(missing)]) == 2
    assert f"Regeldatei {missing} wurde nicht gefunden" in capsys.readouterr().err


def test_a_rule_file_is_reached_through_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "regeln.toml").write_text(KRIPPE_4_FROM_2027, encoding="utf-8")
    config = tmp_path / "traeger.toml"
    config.write_text('[regeln]\ndatei = "regeln.toml"\n', encoding="utf-8")
    rules = load_settings(config).rules
    assert rules.key_for(date(2027, 1, 1)).krippe == 4
    assert rules.review.rule_file == str(tmp_path / "regeln.toml")
    bad = tmp_path / "schlecht.toml"
    bad.write_text('[regeln]\ndatei = "gibtsnicht.toml"\n', encoding="utf-8")
    with pytest.raises(RuleFileError, match="gibtsnicht.toml wurde nicht gefunden"):
        load_settings(bad)


def test_a_rule_file_row_of_the_same_date_replaces_the_builtin_row(tmp_path: Path) -> None:
    rule_file = tmp_path / "r.toml"
    rule_file.write_text(
        '[pruefstand]\ntext = "eigene Prüfung"\ngeprueft_am = 2027-05-01\n\n'
        '[[schluessel]]\nab = 2024-08-01\nkrippe = "4.3"\nquelle = "Test"\n\n'
        '[[dispositionsspielraum]]\nab = 2023-08-01\nanteil = "0.05"\nquelle = "Bestätigung"\n',
        encoding="utf-8",
    )
    rules = load_rulebook(rule_file)
    key = rules.key_for(date(2026, 1, 1))
    assert (key.krippe, key.kindergarten, key.source) == (Fraction("4.3"), 10, "Test")  # Kiga inherited
    assert rules.margin_for(date(2026, 1, 1)).share == Fraction(1, 20)
    assert rules.review.reviewed == date(2027, 5, 1) and rules.review.base.reviewed == REVIEWED
    assert len(rules.keys) == len(load_rulebook().keys)


def test_planned_rows_never_reach_a_verdict_or_a_live_formula(libreoffice, tmp_path: Path) -> None:
    """Krippe 1:4 from 2027-01-01 is announced only: a 2027 form is computed with 4.25 by the core,
    by the live formulas (recalculated in LibreOffice) and in the overview."""
    facility = make_facility(21, date(2027, 2, 1))
    facility.places = {"krippe": (2, 10, 14), "kindergarten": (6, 34, 45), "hort": (15, 5, 20)}
    form = write_form(facility, tmp_path / "k.xlsx")
    settings = Settings(today=REVIEWED)
    assert refresh_file(form, settings, datetime(2026, 12, 3, 9)).status != FAILED
    texts = sheet_texts(form, SHEET_NAMES["quote"])
    assert "geplant, nicht in Kraft" in texts and "aufgehoben, nie in Kraft getreten" in texts
    (recalculated,) = libreoffice.convert_many([form], tmp_path / "lo")
    live = openpyxl.load_workbook(recalculated, data_only=True)[SHEET_NAMES["quote"]]
    assert live[soll_cell(at("soll"))].value == pytest.approx(7.476078431372549, abs=1e-9)


def test_the_outlook_shows_what_the_planned_key_would_change(tmp_path: Path) -> None:
    facility = make_facility(22, date(2026, 10, 1))
    form = write_form(facility, tmp_path / "k.xlsx")
    assert refresh_file(form, Settings(today=REVIEWED), datetime(2026, 12, 3, 9)).status != FAILED
    sheet = openpyxl.load_workbook(form)[SHEET_NAMES["gespraechsplanung"]]
    header = {sheet.cell(7, c).value: c for c in range(1, sheet.max_column + 1)}
    column, dates = header["falls beschlossen: Quote / Deckung"], header["Datum"]
    shown = {sheet.cell(r, dates).value.date(): sheet.cell(r, column).value for r in range(8, 21)}
    assert all(value is None for day, value in shown.items() if day < date(2027, 1, 1))
    after = [value for day, value in shown.items() if day >= date(2027, 1, 1)]
    assert after and all(value and re.fullmatch(r"[\d,]+ % / [\d,]+ %", value) for value in after)
    assert "noch nicht beschlossen" in str(sheet.cell(21, column).value)


# ---------------------------------------------------------------------- 9.3 an open reading


@pytest.mark.parametrize(
    ("day", "ratio", "hint", "met"),
    [
        (date(2024, 3, 1), Fraction(97, 100), True, False),
        (date(2024, 3, 1), Fraction(95, 100), True, False),
        (date(2024, 3, 1), Fraction(9499, 10000), False, False),
        (date(2024, 3, 1), Fraction(1), False, True),
        (date(2023, 7, 31), Fraction(97, 100), False, True),  # 10 % still in force
        (date(2021, 3, 1), Fraction(91, 100), False, True),  # Corona: 10 %
        (date(2021, 7, 1), Fraction(91, 100), False, False),  # after Corona: 5 %
    ],
)
def test_coverage_between_95_and_100_percent_gets_the_open_reading_hint(
    day: date, ratio: Fraction, hint: bool, met: bool, tmp_path: Path
) -> None:
    path = write_form(with_coverage(60, day, ratio), tmp_path / "k.xlsx")
    document = result_json(check_file(path, Settings(today=REVIEWED)))
    assert document["staffing"]["personalbemessung_erfuellt"] is met
    assert ("dispositionsspielraum-offen" in rules_of(document)) is hint
    assert ("personalbemessung" in rules_of(document)) is (not met)
    want = law_oracle.expected(with_coverage(60, day, ratio))
    assert want.coverage_ok is met
    assert (day >= law_oracle.OPEN_MARGIN_FROM and not met and ratio >= 1 - law_oracle.OPEN_MARGIN) is hint


# ---------------------------------------------------------------------- 9.5 stale rule data


def test_stale_rule_data_is_named_in_every_output(tmp_path: Path) -> None:
    path = write_form(make_facility(23, date(2026, 10, 1)), tmp_path / "k.xlsx")
    fresh = check_file(path, Settings(today=REVIEWED))
    assert "regelstand-pruefen" not in rules_of(result_json(fresh))
    late = Settings(today=date(2028, 3, 3))  # 15 months after the review
    result = check_file(path, late)
    (finding,) = rules_of(result_json(result))["regelstand-pruefen"]
    assert finding["severity"] == "hinweis" and "03.12.2026" in finding["message"]
    assert "regelstand-pruefen" in summary(result)
    assert refresh_file(path, late, datetime(2028, 3, 3, 9)).status != FAILED
    assert "regelstand-pruefen" in sheet_texts(path, SHEET_NAMES["pruefbericht"])


def test_a_stichtag_after_the_review_asks_to_check_the_rule_data(tmp_path: Path) -> None:
    path = write_form(make_facility(24, date(2027, 3, 1)), tmp_path / "k.xlsx")
    found = rules_of(result_json(check_file(path, Settings(today=REVIEWED))))
    assert "der Stichtag 01.03.2027 liegt danach" in found["regelstand-pruefen"][0]["message"]


# ---------------------------------------------------------------------- 9.6 the form's own figures


def test_a_form_computed_with_the_repealed_key_is_a_warning_naming_both_figures(tmp_path: Path) -> None:
    facility = make_facility(25, date(2025, 10, 1))
    facility.places = {"krippe": (2, 10, 14), "kindergarten": (6, 34, 45), "hort": (15, 5, 20)}
    planted = mistakes.form_repealed_key(facility)
    result = check_file(write_form(planted.facility, tmp_path / "alt.xlsx"), Settings(today=REVIEWED))
    document = result_json(result)
    (warning,) = rules_of(document)["abweichung-formular"]
    assert warning["severity"] == "warnung" and warning["cell"] == "D107"
    assert "7,65 VZÄ" in warning["message"] and "7,48 VZÄ" in warning["message"]
    assert "Krippe 1 : 4" in warning["message"] and "01.08.2025" in warning["message"]
    assert "aufgehoben" in warning["message"]
    (figure,) = [f for f in document["formular_werte"] if f["wert"] == "personalbedarf"]
    assert figure["formular"] == pytest.approx(7.646666666666667) and figure["uebereinstimmung"] is False


@pytest.mark.parametrize("variant", ["v2025-84", "v2023-68", "v2023-37"])
def test_a_form_whose_totals_agree_is_confirmed(variant: str, tmp_path: Path) -> None:
    path = write_form(make_facility(26, date(2025, 10, 1)), tmp_path / "k.xlsx", variant)
    result = check_file(path, Settings(today=REVIEWED))
    assert "abweichung-formular" not in {f.rule for f in result.findings}
    assert {f.key for f in result.form_figures} == {"personalbedarf", "ist", "fachkraftquote"}
    assert all(f.agrees for f in result.form_figures)
    assert refresh_file(path, Settings(today=REVIEWED), datetime(2026, 12, 3, 9)).status != FAILED
    assert "bestätigt – Personalbedarf" in sheet_texts(path, SHEET_NAMES["pruefbericht"])


def test_the_replicas_stored_results_are_what_a_spreadsheet_computes(libreoffice, tmp_path: Path) -> None:
    """The form's summary block carries results as Excel stores them; LibreOffice, computing the
    formulas afresh, must get the same numbers, or the second opinion would test nothing."""
    facility = mistakes.form_repealed_key(make_facility(27, date(2025, 10, 1))).facility
    path = write_form(facility, tmp_path / "k.xlsx")
    stored = openpyxl.load_workbook(path, data_only=True)["Personalmeldung"]
    (recalculated,) = libreoffice.convert_many([path], tmp_path / "lo")
    computed = openpyxl.load_workbook(recalculated, data_only=True)["Personalmeldung"]
    for cell in ("D107", "D108", "D109"):
        assert isinstance(stored[cell].value, float), cell
        assert computed[cell].value == pytest.approx(stored[cell].value, abs=1e-9), cell


def test_hours_typed_as_text_explain_a_form_ist_of_zero(tmp_path: Path) -> None:
    from kitameldung.replica import Variation

    path = write_form(make_facility(28), tmp_path / "k.xlsx", variation=Variation(number_style="text_comma"))
    found = rules_of(result_json(check_file(path, Settings(today=REVIEWED))))
    (ist,) = [f for f in found["abweichung-formular"] if f["cell"] == "D108"]
    assert "0,00 VZÄ" in ist["message"] and "als Text" in ist["message"]
