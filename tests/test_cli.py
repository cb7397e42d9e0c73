"""`kitameldung check | inspect | demo` as a user and a script see them."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from kitameldung.cli import main
from kitameldung.demo import stichtag_for
from kitameldung.replica import Variation, make_facility, mistakes
from kitameldung.sheets import SHEET_NAMES

TOP_KEYS = {
    "file",
    "ok",
    "error",
    "form",
    "facility",
    "rules",
    "places",
    "staffing",
    "findings",
    "formular_werte",
}
STAFFING_KEYS = {
    "soll_betreuung_vzae",
    "soll_leitung_vzae",
    "ist_betreuung_vzae",
    "ist_fachkraft_vzae",
    "ist_ergaenzung_vzae",
    "ist_leitung_vzae",
    "deckungsgrad",
    "fachkraftquote",
    "fachkraftquote_soll",
    "fachkraftquote_min",
    "personen_gezaehlt",
    "dispositionsspielraum",
    "personalbemessung_erfuellt",
    "fachkraftquote_erfuellt",
    "anrechenbar_vzae",
    "lesarten",
    "in_ausbildung_nicht_gezaehlt",
    "nicht_gezaehlt",
}
FINDING_KEYS = {"rule", "severity", "sheet", "cell", "row", "column", "field", "message", "reference"}


def _json(capsys, *args: str) -> tuple[int, object]:
    status = main(["check", "--json", *args])
    return status, json.loads(capsys.readouterr().out)


def test_json_contract_of_a_clean_form(form, capsys) -> None:
    facility = make_facility(3, stichtag=date(2025, 3, 1))
    status, doc = _json(capsys, str(form(facility)))
    assert status == 0
    assert set(doc) == TOP_KEYS
    assert doc["ok"] is True and doc["error"] is None
    assert doc["form"] == {
        "variant": "v2025-84",
        "sheet": "Personalmeldung",
        "profile": "v2025-84",
        "stand": "2025-01-01",  # "Formularstand: 01.01.2025"
    }
    assert doc["facility"]["stichtag"] == "2025-03-01"
    assert doc["rules"]["version"] == "2024-08-01"
    assert doc["rules"]["parameters"]["vollzeit_stunden"] == 40
    assert doc["rules"]["parameters"]["fachkraftquote_min"] == 0.8
    assert set(doc["places"]) == {"krippe", "kindergarten", "hort"}
    assert doc["places"]["krippe"] == dict(zip(("short", "long", "genehmigt"), facility.places["krippe"]))
    assert set(doc["staffing"]) == STAFFING_KEYS
    assert doc["staffing"]["personen_gezaehlt"] == len(facility.staff)
    paed = sum(m.paed_stunden for m in facility.staff)
    assert doc["staffing"]["ist_betreuung_vzae"] == pytest.approx(paed / 40, abs=1e-12)
    assert all(f["severity"] != "fehler" for f in doc["findings"])


def test_json_numbers_are_unrounded(form, capsys) -> None:
    facility = make_facility(3)
    facility.places = {"krippe": (2, 10, 14), "kindergarten": (6, 34, 45), "hort": (15, 5, 20)}
    _, doc = _json(capsys, str(form(facility)))
    assert doc["staffing"]["soll_betreuung_vzae"] == pytest.approx(7.476078431372549, abs=1e-12)


@pytest.mark.parametrize(
    ("mistake", "rule", "has_cell"),
    [
        (mistakes.understaffed, "personalbemessung", False),
        (mistakes.low_quota, "fachkraftquote", False),
        (mistakes.bad_date, "wert-ungueltig", True),
        (mistakes.over_capacity, "plaetze-kapazitaet", True),
        (mistakes.unknown_zuordnung, "zuordnung-unbekannt", True),
        (mistakes.missing_stichtag, "pflichtfeld", True),
        (mistakes.missing_hours, "pflichtfeld", True),
    ],
)
def test_planted_mistake_gives_its_finding_and_exit_1(
    form, capsys, mistake, rule: str, has_cell: bool
) -> None:
    planted = mistake(make_facility(11))
    status, doc = _json(capsys, str(form(planted.facility)))
    assert status == 1
    errors = [f for f in doc["findings"] if f["severity"] == "fehler"]
    assert [f["rule"] for f in errors] == [rule]
    finding = errors[0]
    assert set(finding) == FINDING_KEYS
    assert finding["sheet"] == "Personalmeldung"
    assert (finding["cell"] is not None) is has_cell
    if planted.person is not None:
        assert finding["cell"].endswith(str(22 + planted.person))  # the person's row
        assert "Zeile" in finding["message"]


def test_missing_stichtag_points_at_the_value_cell(form, capsys) -> None:
    planted = mistakes.missing_stichtag(make_facility(4))
    _, doc = _json(capsys, str(form(planted.facility)))
    finding = next(f for f in doc["findings"] if f["rule"] == "pflichtfeld")
    assert finding["cell"] == "D9" and "Stichtag" in finding["message"] and "D9" in finding["message"]
    assert doc["staffing"] is None and doc["rules"]["version"] is None


def test_stichtag_before_rule_range(form, capsys) -> None:
    facility = make_facility(4)
    facility.stichtag = date(2015, 3, 1)
    status, doc = _json(capsys, str(form(facility)))
    assert status == 1
    assert [f["rule"] for f in doc["findings"] if f["severity"] == "fehler"] == ["stichtag-regelstand"]
    assert doc["staffing"]["soll_betreuung_vzae"] is None


def test_folder_gives_array_and_text_summary(form, capsys, tmp_path: Path) -> None:
    form(name="a.xlsx", seed=1)
    form(name="b.xlsx", seed=2)
    status, docs = _json(capsys, str(tmp_path))
    assert status == 0 and [d["file"] for d in docs] == ["a.xlsx", "b.xlsx"]
    main(["check", str(tmp_path)])
    out = capsys.readouterr().out
    assert "Fachkraftquote" in out and "Deckungsgrad" in out and "2 Dateien geprüft" in out


def test_severity_filter(form, capsys) -> None:
    recent = date.today() - timedelta(days=60)  # a current report: no hint meldung-veraltet
    facility = mistakes.low_quota(make_facility(11, recent)).facility
    facility.staff[0].leitungsstunden, facility.staff[0].paed_stunden = 0.0, 40.0  # Leitung shortfall
    path = str(form(facility))
    _, doc = _json(capsys, path)
    assert {f["severity"] for f in doc["findings"]} == {"fehler", "warnung"}
    _, only = _json(capsys, "--nur-fehler", path)
    assert {f["severity"] for f in only["findings"]} == {"fehler"}


def test_config_changes_parameters_in_output(form, capsys, tmp_path: Path) -> None:
    config = tmp_path / "traeger.toml"
    config.write_text('[parameter]\nvollzeit_stunden = 39\nleitung_basis = "ist"\n', encoding="utf-8")
    facility = make_facility(5)
    _, doc = _json(capsys, "--config", str(config), str(form(facility)))
    assert doc["rules"]["parameters"]["vollzeit_stunden"] == 39
    assert doc["rules"]["parameters"]["leitung_basis"] == "ist"
    paed = sum(m.paed_stunden for m in facility.staff)
    assert doc["staffing"]["ist_betreuung_vzae"] == pytest.approx(paed / 39, abs=1e-12)


def test_inspect_shows_where_things_were_found(form, capsys) -> None:
    status = main(["inspect", str(form(variation=Variation(row_offset=2)))])
    out = capsys.readouterr().out
    assert status == 0
    assert "Profil:   v2025-84" in out
    assert "Stichtag" in out and "D11" in out
    assert "davon pädagogisch tätig" in out and "Spalte K" in out and "paed_stunden" not in out
    assert "Krippe" in out and "E16" in out
    assert "Hort           bis 4 Std." in out and re.search(r"Stichtag\s+D\d+ = \d\d\.\d\d\.\d{4}", out)


def test_user_profile_reads_a_form_with_unknown_wording(form, capsys, tmp_path: Path) -> None:
    path = form()
    book = openpyxl.load_workbook(path)
    sheet = book["Personalmeldung"]
    sheet["A9"] = "Erhebungsdatum"  # the Stichtag label in words the basis profile does not know
    sheet["K21"] = "Anteil Gruppenarbeit (Std.)"  # and the pedagogical hours caption
    book.save(path)
    main(["inspect", str(path)])
    assert "FEHLT" in capsys.readouterr().out
    profile = tmp_path / "mein-formular.toml"
    profile.write_text(
        'name = "mein-formular"\nbasis = "basis"\n'
        '[kopf.stichtag]\nmuster = ["^erhebungsdatum"]\n'
        '[personal.spalten]\npaed_stunden = ["gruppenarbeit"]\n',
        encoding="utf-8",
    )
    status, doc = _json(capsys, "--profil", str(profile), str(path))
    assert doc["form"]["profile"] == "mein-formular"
    assert doc["facility"]["stichtag"] is not None
    assert doc["staffing"]["ist_betreuung_vzae"] > 0
    assert status == 0


def test_demo_writes_a_provider_folder_and_checks_it(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "demo"
    status = main(["demo", str(folder)])
    out = capsys.readouterr().out
    assert status == 0
    files = sorted(p for p in folder.glob("kita-*.xlsx"))
    assert len(files) == 15  # 12 facilities, two earlier reports of the first, one broken file
    assert "nicht lesbar" in out and "NICHT erfüllt" in out
    assert "In 14 Arbeitsmappen die Blätter „Prüfbericht“, „Quote & Bedarf“, „Gesprächsplanung“ und" in out
    assert openpyxl.load_workbook(files[0], read_only=True).sheetnames[-4:] == list(SHEET_NAMES.values())
    # one provider, a dozen distinct facilities, reported for the latest 1 October
    documents = []
    for path in files:
        main(["check", "--json", str(path)])
        documents.append(json.loads(capsys.readouterr().out))
    readable = [d for d in documents if d["ok"]]
    assert len(readable) == 14 and len({d["facility"]["einrichtung"] for d in readable}) == 12
    assert {d["facility"]["traeger"] for d in readable} == {"Kita-Verbund Havelland gGmbH"}
    latest = stichtag_for(date.today()).isoformat()
    assert sum(d["facility"]["stichtag"] == latest for d in readable) >= 8
    book = openpyxl.load_workbook(folder / "Traegeruebersicht.xlsx")
    assert [c.value for c in book["Verlauf"]["M"][1:4]] == [  # the first facility's three Stichtage
        "kita-01-sonnenschein-vor-2-jahren.xlsx",
        "kita-01-sonnenschein-vorjahr.xlsx",
        "kita-01-sonnenschein.xlsx",
    ]
    overview = book["Übersicht"]
    header = [c.value for c in overview[1]]
    overdue = [
        r[header.index("Gespräche überfällig")]
        for r in overview.iter_rows(min_row=2, max_row=13, values_only=True)
    ]
    staff = sum(d["staffing"]["personen_gezaehlt"] for d in readable if d["staffing"])
    assert 0 < sum(overdue) <= 0.3 * staff  # dated relative to today: a few overdue, not everyone
    planning = openpyxl.load_workbook(files[0], data_only=True)["Gesprächsplanung"]
    lights = {c.value for row in planning.iter_rows(min_row=23) for c in row}
    assert {"ok", "überfällig"} <= lights or {"ok", "geplant"} <= lights
    # a folder holding someone else's files is never written into
    (folder / "eigene-notizen.docx").write_bytes(b"x")
    assert main(["demo", str(folder)]) == 2
    assert "nicht von der Demo" in capsys.readouterr().err
    variants = set()
    for path in files:
        main(["check", "--json", str(path)])
        doc = json.loads(capsys.readouterr().out)
        if doc["ok"]:
            variants.add(doc["form"]["variant"])
    assert variants == {"v2025-84", "v2023-68", "v2023-37"}


def test_refresh_writes_our_sheets_and_goes_on_after_a_bad_file(form, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "traeger"
    folder.mkdir()
    good = form(name="kita-a.xlsx")
    good.rename(folder / good.name)
    (folder / "kaputt.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (folder / "~$kita-a.xlsx").write_bytes(b"")  # open in Excel; the lock file is no workbook itself
    status = main(["refresh", str(folder), "--quiet"])
    out = capsys.readouterr().out
    assert status == 2
    assert "2 Dateien: 0 aktualisiert, 0 unverändert, 1 gesperrt, 0 übersprungen, 1 nicht verarbeitet." in out
    assert (
        "– kita-a.xlsx: in Excel oder LibreOffice geöffnet – nicht aktualisiert (Zahlen aus der Datei)."
        in out
    )
    assert "✗ kaputt.xlsx: Die Datei ist beschädigt" in out
    # the open workbook is read: its figures are in the overview
    overview = openpyxl.load_workbook(folder / "Traegeruebersicht.xlsx")["Übersicht"]
    assert any(str(c.value) == "kita-a.xlsx" for row in overview.iter_rows() for c in row)
    (folder / "~$kita-a.xlsx").unlink()
    assert main(["refresh", str(folder / "kita-a.xlsx"), "--quiet"]) == 0
    assert "1 Datei: 1 aktualisiert" in capsys.readouterr().out
    assert main(["refresh", str(folder / "kita-a.xlsx"), "--quiet"]) == 0
    assert "1 Datei: 0 aktualisiert, 1 unverändert" in capsys.readouterr().out
    sheets = openpyxl.load_workbook(folder / "kita-a.xlsx", read_only=True).sheetnames
    assert sheets[-4:] == list(SHEET_NAMES.values())
    assert (folder / "Traegeruebersicht.xlsx").exists()


def test_export_behoerde_writes_a_copy_without_our_sheets(form, tmp_path: Path, capsys) -> None:
    path = form(name="kita.xlsx")
    main(["refresh", str(path)])
    target = tmp_path / "abgabe.xlsx"
    assert main(["export", str(path), "--behoerde", str(target)]) == 0
    assert (
        "Behördenfassung abgabe.xlsx geschrieben (4 kitameldung-Blätter entfernt)" in capsys.readouterr().out
    )
    assert openpyxl.load_workbook(target, read_only=True).sheetnames == [
        "Hinweise",
        "Personalmeldung",
        "Listen",
    ]
    assert main(["export", str(path), "--behoerde", str(tmp_path / "abgabe.pdf")]) == 2
    assert "Bitte als .xlsx" in capsys.readouterr().err
