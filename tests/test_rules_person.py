"""Each person-level rule fires on its case and narrowly does not at the edge, read from a real
generated workbook (regeln-brandenburg.md section 5)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kitameldung.dates import add_years
from kitameldung.pipeline import Settings, check_file
from kitameldung.replica import StaffMember, make_facility

STICHTAG = date(2025, 10, 1)
CHECKED = Settings(today=STICHTAG + timedelta(days=30))  # the report is current: no meldung-veraltet
ROW = 23  # v2025-84: the staff member at index 1 sits in row 23


def _facility():
    facility = make_facility(21, STICHTAG)
    member = facility.staff[1]
    member.paragraph, member.qualifikation, member.funktion = (
        9,
        "staatlich anerkannte Erzieherin",
        "Springer*in",
    )
    member.geburtsdatum, member.beginn, member.ende = date(1985, 6, 1), date(2020, 1, 1), None
    member.fuehrungszeugnis = date(2024, 1, 15)
    member.masernschutz, member.sprachnachweis, member.qualifizierung_300ue = "ja", "ja", None
    member.wochenstunden, member.leitungsstunden, member.paed_stunden = 30.0, 0.0, 30.0
    return facility


def _rules(form, change, variant: str = "v2025-84") -> dict[str, list[str]]:
    """rule id -> cells of every finding of the checked workbook."""
    facility = _facility()
    change(facility, facility.staff[1])
    result = check_file(form(facility, variant), CHECKED)
    found: dict[str, list[str]] = {}
    for finding in result.findings:
        found.setdefault(finding.rule, []).append(finding.cell or "")
    return found


def _set(**values):
    def change(_facility, member: StaffMember) -> None:
        for key, value in values.items():
            setattr(member, key, value)

    return change


def test_baseline_person_has_no_findings(form) -> None:
    assert _rules(form, _set()) == {}


CASES = [
    # (rule, change that triggers, change that narrowly does not, cell column)
    (
        "alter",
        _set(geburtsdatum=add_years(STICHTAG, -18) + timedelta(days=1), beginn=date(2025, 9, 1)),
        _set(geburtsdatum=add_years(STICHTAG, -18), beginn=date(2025, 9, 1)),
        "C",
    ),
    ("fuehrungszeugnis-fehlt", _set(fuehrungszeugnis=None), _set(fuehrungszeugnis=date(2024, 1, 1)), "M"),
    (
        "fuehrungszeugnis-veraltet",
        _set(fuehrungszeugnis=add_years(STICHTAG, -5) - timedelta(days=1)),
        _set(fuehrungszeugnis=add_years(STICHTAG, -5)),
        "M",
    ),
    (
        "fuehrungszeugnis-faellig",
        _set(fuehrungszeugnis=add_years(STICHTAG + timedelta(days=89), -5)),
        _set(fuehrungszeugnis=add_years(STICHTAG + timedelta(days=90), -5)),
        "M",
    ),
    (
        "masernschutz-fehlt",
        _set(geburtsdatum=date(1971, 1, 1), masernschutz="nein"),
        _set(geburtsdatum=date(1970, 12, 31), masernschutz="nein"),
        "N",
    ),
    ("sprachnachweis-fehlt", _set(sprachnachweis="nein"), _set(sprachnachweis="entfällt"), "O"),
    (
        "qualifizierung-frist",
        _set(
            paragraph=12, qualifikation="Kinderpflegerin", beginn=add_years(STICHTAG, -2) - timedelta(days=1)
        ),
        _set(paragraph=12, qualifikation="Kinderpflegerin", beginn=add_years(STICHTAG, -2)),
        "P",
    ),
    (
        "qualifizierung-frist-bald",
        _set(
            paragraph=12, qualifikation="Kinderpflegerin", beginn=add_years(STICHTAG + timedelta(days=90), -2)
        ),
        _set(
            paragraph=12, qualifikation="Kinderpflegerin", beginn=add_years(STICHTAG + timedelta(days=91), -2)
        ),
        "P",
    ),
    (
        "leitung-keine-fachkraft",
        _set(
            paragraph=12,
            qualifikation="Kinderpflegerin",
            qualifizierung_300ue=date(2021, 1, 1),
            leitungsstunden=2.0,
            paed_stunden=28.0,
        ),
        _set(paragraph=9, leitungsstunden=2.0, paed_stunden=28.0),
        "J",
    ),
    (
        "stunden-summe",
        _set(leitungsstunden=10.3, paed_stunden=19.75),
        _set(leitungsstunden=10.25, paed_stunden=19.75),
        "I",
    ),
    ("stunden-hoechstgrenze", _set(wochenstunden=48.5), _set(wochenstunden=48.0), "I"),
    (
        "zuordnung-qualifikation",
        _set(paragraph=12, qualifikation="Staatl. anerk. ERZIEHER:IN", qualifizierung_300ue=date(2021, 1, 1)),
        _set(
            paragraph=12, qualifikation="Kauffrau für Büromanagement", qualifizierung_300ue=date(2021, 1, 1)
        ),
        "E",
    ),
    ("beschaeftigung-beendet", _set(ende=STICHTAG - timedelta(days=1)), _set(ende=STICHTAG), "H"),
    ("beschaeftigung-zukuenftig", _set(beginn=STICHTAG + timedelta(days=1)), _set(beginn=STICHTAG), "G"),
]


@pytest.mark.parametrize(("rule", "fires", "edge", "column"), CASES, ids=[c[0] for c in CASES])
def test_rule_fires_on_the_right_cell(form, rule: str, fires, edge, column: str) -> None:
    found = _rules(form, fires)
    assert found.get(rule) == [f"{column}{ROW}"], found


@pytest.mark.parametrize(("rule", "fires", "edge", "column"), CASES, ids=[c[0] for c in CASES])
def test_rule_narrowly_does_not_fire(form, rule: str, fires, edge, column: str) -> None:
    assert rule not in _rules(form, edge)


def test_fachkraft_qualification_marked_as_ergaenzung_and_vice_versa(form) -> None:
    found = _rules(form, _set(paragraph=9, qualifikation="Kinderpfleger*in"))
    assert found == {"zuordnung-qualifikation": [f"E{ROW}"]}


def test_teilbereich_only_when_places_outside_the_area(form) -> None:
    change = _set(paragraph=11, qualifikation="Krippenerzieherin")
    assert _rules(form, change) == {"teilbereich": [f"D{ROW}"]}

    def krippe_only(facility, member):
        change(facility, member)
        facility.places = {"krippe": (0, 12, 20), "kindergarten": (0, 0, 0), "hort": (0, 0, 0)}

    assert "teilbereich" not in _rules(form, krippe_only)


def test_duplicate_person_reported_on_the_later_row(form) -> None:
    def duplicate(facility, member):
        twin = facility.staff[3]
        twin.nachname, twin.vorname, twin.geburtsdatum = member.nachname, member.vorname, member.geburtsdatum

    assert _rules(form, duplicate) == {"doppelt": ["B25"]}

    def namesake(facility, member):
        twin = facility.staff[3]
        twin.nachname, twin.vorname = member.nachname, member.vorname
        twin.geburtsdatum = date(1990, 1, 1)

    assert _rules(form, namesake) == {}


def test_people_not_employed_on_the_stichtag_get_only_the_employment_hint(form) -> None:
    found = _rules(
        form, _set(ende=STICHTAG - timedelta(days=1), fuehrungszeugnis=None, sprachnachweis="nein")
    )
    # The form's own sums count everyone listed: its Ist and quota differ, and say why.
    assert found.pop("abweichung-formular") == ["D108", "D109"]
    assert found == {"beschaeftigung-beendet": [f"H{ROW}"]}


def test_rules_without_their_column_are_listed_as_not_checkable(form) -> None:
    facility = _facility()
    result = check_file(form(facility, "v2023-68"), CHECKED)
    assert {n.rule for n in result.not_checked} == {"masernschutz-fehlt", "sprachnachweis-fehlt"}
    assert all("fehlt im Formular" in n.reason for n in result.not_checked)


def test_messages_say_what_where_and_what_to_do(form) -> None:
    facility = _facility()
    facility.staff[1].fuehrungszeugnis = None
    result = check_file(form(facility), CHECKED)
    finding = next(f for f in result.findings if f.rule == "fuehrungszeugnis-fehlt")
    assert (
        f"M{ROW}" in finding.message and "Bitte" in finding.message and finding.reference == "§ 72a SGB VIII"
    )
    assert facility.staff[1].name in finding.message


def test_user_catalogue_extension_from_config(form, tmp_path, capsys) -> None:
    import json

    from kitameldung.cli import main

    facility = _facility()
    member = facility.staff[1]
    member.paragraph, member.qualifikation, member.qualifizierung_300ue = (
        12,
        "Waldorferzieherin",
        date(2021, 1, 1),
    )
    path = str(form(facility))
    main(["check", "--json", path])
    assert not [
        f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == "zuordnung-qualifikation"
    ]
    config = tmp_path / "traeger.toml"
    config.write_text('[qualifikationen]\nfachkraft = ["waldorferzieher"]\n', encoding="utf-8")
    main(["check", "--json", "--config", str(config), path])
    findings = json.loads(capsys.readouterr().out)["findings"]
    # The CLI checks on the real day: the 2025 report may be due again (meldung-veraltet).
    assert [(f["rule"], f["cell"], f["severity"]) for f in findings if f["rule"] != "meldung-veraltet"] == [
        ("zuordnung-qualifikation", f"E{ROW}", "warnung")
    ]
