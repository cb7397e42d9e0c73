"""The Gesprächsplanung sheet: its live formulas in LibreOffice give the core's due dates,
invitation deadlines, Ampel and summary for every row; it is confidential and never leaves with
the Behördenfassung; the calendar export parses with a standard iCalendar library; the outlook
sees the quota fall when a contract ends."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import openpyxl
import pytest

from kitameldung.cli import main
from kitameldung.dates import add_months
from kitameldung.form import read_meldung
from kitameldung.form.workbook import read_sheet
from kitameldung.model import Gruppe, Person, Value, Zuordnung
from kitameldung.pipeline import Settings
from kitameldung.planning.projection import project
from kitameldung.planning.reader import plan_from_rows
from kitameldung.planning.table import COLUMNS
from kitameldung.planning.termine import ampel, invitation_deadline, next_due, summarize
from kitameldung.refresh import FAILED, WRITTEN, refresh_file
from kitameldung.refresh.behoerde import export_behoerde
from kitameldung.replica import make_facility, write_form
from kitameldung.rules import Parameters, load_rulebook
from kitameldung.sheets import SHEET_NAMES
from kitameldung.sheets.gespraechsplanung import HEADER_ROW, letter

PLAN = SHEET_NAMES["gespraechsplanung"]
TODAY = date.today()


def _typed_workbook(tmp_path: Path) -> Path:
    """A refreshed form in which people typed every kind of entry, one colleague left and a new
    Leitung started recently."""
    path = write_form(make_facility(5, persons=14), tmp_path / "kita.xlsx")
    assert refresh_file(path, Settings()).status == WRITTEN
    meldung = read_meldung(path)
    columns, (first, _) = meldung.layout.staff_columns, meldung.layout.staff_rows or (0, 0)
    book = openpyxl.load_workbook(path)
    form = book[meldung.sheet]
    form[f"{columns['funktion']}{first + 1}"] = "Leitung"
    form[f"{columns['beginn']}{first + 1}"] = TODAY - timedelta(days=100)
    for row in range(first, first + 14):  # contracts run on, but one has just ended
        form[f"{columns['ende']}{row}"] = TODAY - timedelta(days=10) if row == first + 12 else None
    plan = book[PLAN]
    headers = {c.value: c.column for c in plan[HEADER_ROW]}
    entries: list[dict[str, object]] = [
        {"letztes Jahresgespräch": TODAY - timedelta(days=400)},  # overdue
        {"letztes Jahresgespräch": add_months(TODAY, -12) + timedelta(days=10)},  # due within 30 days
        {"letztes Jahresgespräch": TODAY - timedelta(days=30)},  # ok
        {
            "geplanter Termin (Datum Uhrzeit)": datetime.combine(
                TODAY + timedelta(days=20), datetime.min.time()
            )
            + timedelta(hours=10)
        },  # planned
        {"geplanter Termin (Datum Uhrzeit)": datetime.combine(TODAY, datetime.min.time())},  # planned today
        {
            "geplanter Termin (Datum Uhrzeit)": datetime(2020, 5, 4, 9, 0),
            "letztes Jahresgespräch": date(2020, 5, 4),
        },
        {
            "Fortbildung fachlich": "ja",
            "Fortbildung sozial": "ja",
            "Fortbildungswunsch (Freitext)": "Sprachförderung",
        },
        {"Entwicklungsperspektive": "Potenzialträger*in (FOKUS)", "Fortbildung methodisch": "ja"},
        {"Entwicklungsperspektive": "neue Leitung (FOKUS)"},
        {"Entwicklungsperspektive": "neue Leitung (FOKUS)", "Mentor*in": "Frau Kern"},
    ]
    for offset, typed in enumerate(entries):
        for header, value in typed.items():
            plan.cell(HEADER_ROW + 1 + offset, headers[header], value)
    book.save(path)
    # One colleague leaves the form: her row stays, marked.
    book = openpyxl.load_workbook(path)
    last = first + len(meldung.persons or ()) - 1
    for letter_ in columns.values():
        if letter_ != columns.get("lfd_nr"):
            book[meldung.sheet][f"{letter_}{last}"] = None
    book.save(path)
    outcome = refresh_file(path, Settings())
    assert outcome.status == WRITTEN, outcome.message
    return path


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory, libreoffice) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("planning")
    path = _typed_workbook(folder)
    return path, libreoffice.convert(path, folder / "lo")


def _day(value: object) -> object:
    return value.date() if isinstance(value, datetime) else (None if value == "" else value)


def test_due_dates_deadlines_and_ampel_evaluate_in_libreoffice_to_the_core_values(typed) -> None:
    path, recalculated = typed
    params = Parameters()
    plan = plan_from_rows(read_sheet(path, PLAN) or [])
    assert plan is not None
    sheet = openpyxl.load_workbook(recalculated, data_only=True)[PLAN]
    lights = set()
    assert len(plan.entries) == 14
    for row, entry in enumerate(plan.entries, start=HEADER_ROW + 1):
        assert sheet[f"{letter('kennung')}{row}"].value == entry.key
        due, deadline, light = (sheet[f"{letter(f)}{row}"].value for f in ("faellig", "einladung", "ampel"))
        assert _day(due) == next_due(entry, params), f"row {row}"
        assert _day(deadline) == invitation_deadline(entry, params), f"row {row}"
        assert (light or "") == ampel(entry, TODAY, params), f"row {row}"
        lights.add(light)
    assert lights >= {
        "überfällig",
        "fällig in 30 Tagen",
        "ok",
        "geplant",
        "ausgeschieden",
        "Vertrag beendet",
        "kein Gespräch erfasst",
    }

    summary = summarize(plan.entries, TODAY, params)
    shown = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(7, 18)}
    assert shown["Gespräche überfällig"] == summary.ueberfaellig
    assert shown["fällig in 30 Tagen"] == summary.bald
    assert shown["geplant"] == summary.geplant == 2
    assert shown["noch kein Gespräch erfasst"] == summary.ohne_gespraech > 0
    assert shown["geführt in diesem Jahr"] == summary.gefuehrt_im_jahr
    assert shown["Fortbildungsbedarf fachlich"] == summary.fortbildung["fachlich"] == 1
    assert shown["Fortbildungswünsche (Freitext)"] == 1
    assert shown["Potenzialträger*innen (FOKUS)"] == summary.potenzial == 1
    # the FOKUS mark without mentor and the Leitung who started 100 days ago
    assert shown["neue Leitungen ohne Mentor*in"] == summary.neue_leitung_ohne_mentor == 2
    assert sheet["A18"].value.startswith("FOKUS: Jeder neuen Leitung eine Mentor*in")


def test_every_cached_value_is_what_libreoffice_computes(typed) -> None:
    path, recalculated = typed
    formulas = openpyxl.load_workbook(path)[PLAN]
    cached = openpyxl.load_workbook(path, data_only=True)[PLAN]
    fresh = openpyxl.load_workbook(recalculated, data_only=True)[PLAN]
    checked = 0
    for row in formulas.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                checked += 1
                mine, theirs = _day(cached[cell.coordinate].value), _day(fresh[cell.coordinate].value)
                assert mine == theirs or (mine in (None, "") and theirs in (None, "")), cell.coordinate
    assert checked > 14 * 3


def test_left_colleague_keeps_the_row_marked_and_the_sheet_is_confidential(typed, tmp_path: Path) -> None:
    path, _ = typed
    rows = read_sheet(path, PLAN) or []
    assert any(isinstance(v, str) and v.startswith("VERTRAULICH") for v in rows[1])
    meldung = [c.field for c in COLUMNS].index("meldung")
    marks = [r[meldung] for r in rows[HEADER_ROW:] if r[0]]
    assert marks.count("ja") == 13 and marks[-1].startswith("nicht mehr in der Meldung seit ")
    assert "<oddHeader>&amp;C&amp;BVERTRAULICH" in _sheet_xml(path, PLAN)  # on every printed page


def _sheet_xml(path: Path, name: str) -> str:
    import zipfile

    from kitameldung.workbook.package import Package

    entry = next(e for e in Package.read(path).sheets() if e.name == name)
    with zipfile.ZipFile(path) as archive:
        return archive.read(entry.part).decode("utf-8")


def test_the_behoerdenfassung_never_contains_the_planning(typed, tmp_path: Path) -> None:
    path, _ = typed
    target = tmp_path / "abgabe.xlsx"
    assert export_behoerde(path, target).status == WRITTEN
    names = openpyxl.load_workbook(target, read_only=True).sheetnames
    assert PLAN not in names and SHEET_NAMES["leitfaden"] not in names
    assert b"Gespr\xc3\xa4chsplanung" not in target.read_bytes()


def test_the_calendar_parses_and_carries_dates_times_and_the_invitation(
    typed, tmp_path: Path, capsys
) -> None:
    path, _ = typed
    target = tmp_path / "gespraeche.ics"
    assert main(["termine", str(path), "--ics", str(target), "--von", "01.01.2020"]) == 0
    assert "3 geplante Gespräche" in capsys.readouterr().out
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    events = sorted(calendar.walk("VEVENT"), key=lambda e: str(e["DTSTART"].to_ical()))
    starts = [e["DTSTART"].dt for e in events]
    assert starts[0] == datetime(2020, 5, 4, 9, 0)
    assert starts[1] == TODAY  # a talk without a time of day is an all-day entry
    assert starts[2] == datetime.combine(TODAY + timedelta(days=20), datetime.min.time()) + timedelta(
        hours=10
    )
    assert events[2]["DTEND"].dt - starts[2] == timedelta(hours=1)
    description = str(events[2]["DESCRIPTION"])
    assert f"{starts[2]:%d.%m.%Y} um 10:00 Uhr" in description
    assert "Reflexion und Anerkennung der geleisteten Arbeit" in description
    assert "Vorbereitungsbogen" in description
    deadline = (starts[2] - timedelta(days=14)).strftime("%d.%m.%Y")
    assert f"spätestens am {deadline}" in description
    assert str(events[2]["SUMMARY"]).startswith("Jahresgespräch ")
    alarm = events[2].walk("VALARM")[0]
    assert alarm["TRIGGER"].dt == timedelta(days=-14)
    # --bis limits the range; the colleague who left has no entry
    assert (
        main(["termine", str(path), "--ics", str(target), "--von", "01.01.2020", "--bis", "31.12.2020"]) == 0
    )
    assert len(icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")) == 1


def test_termine_names_a_file_without_planning_and_goes_on(form, tmp_path: Path, capsys) -> None:
    plain = form(name="ohne.xlsx")
    target = tmp_path / "t.ics"
    assert main(["termine", str(plain), "--ics", str(target)]) == 2
    assert (
        "ohne.xlsx: keine „Gesprächsplanung“ – bitte zuerst „kitameldung refresh ohne.xlsx“"
        in capsys.readouterr().out
    )
    assert icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT") == []


def test_a_planning_sheet_without_its_key_header_is_never_rewritten(tmp_path: Path) -> None:
    path = write_form(make_facility(8, persons=6), tmp_path / "kita.xlsx")
    assert refresh_file(path, Settings()).status == WRITTEN
    book = openpyxl.load_workbook(path)
    plan = book[PLAN]
    plan.cell(HEADER_ROW + 1, 9, date(2026, 3, 4))  # someone's last talk …
    plan.delete_rows(HEADER_ROW)  # … and the header row deleted by mistake
    book.save(path)
    before = path.read_bytes()
    outcome = refresh_file(path, Settings())
    assert outcome.status == FAILED
    assert "fehlt die Kopfzeile mit „Kennung (nicht ändern)“" in outcome.message
    assert "kita.xlsx" in outcome.message and "nicht verändert" in outcome.message
    assert path.read_bytes() == before  # the typed entry is still there


def _person(row: int, gruppe: Gruppe, hours: float, beginn: date, ende: date | None = None) -> Person:
    return Person(
        row=row,
        name=Value(f"Person {row}"),
        zuordnung=Value(Zuordnung(gruppe, 9 if gruppe is Gruppe.FACHKRAFT else 12)),
        beginn=Value(beginn),
        ende=Value(ende),
        paed_stunden=Value(hours),
        wochenstunden=Value(hours),
    )


def test_the_outlook_shows_the_quota_falling_when_a_contract_ends(tmp_path: Path) -> None:
    meldung = read_meldung(write_form(make_facility(3, persons=6), tmp_path / "k.xlsx"))
    persons = (
        _person(1, Gruppe.FACHKRAFT, 32, date(2020, 1, 1)),
        _person(2, Gruppe.FACHKRAFT, 32, date(2020, 1, 1), ende=date(2027, 8, 31)),
        _person(3, Gruppe.ERGAENZUNG, 16, date(2026, 1, 1)),  # § 12 deadline 01.01.2028: beyond
    )
    points = project(replace(meldung, persons=persons), date(2027, 3, 10), load_rulebook(), Parameters())
    assert points[0].day == date(2027, 3, 10) and points[-1].day == date(2028, 3, 1) and len(points) == 13
    by_day = {p.day: p for p in points}
    assert by_day[date(2027, 8, 1)].fachkraftquote == pytest.approx(64 / 80)
    assert by_day[date(2027, 8, 1)].quota_ok is True  # exactly 80 %: compliant
    september = by_day[date(2027, 9, 1)]
    assert september.fachkraftquote == pytest.approx(32 / 48) and september.quota_ok is False
    assert any("Ende Person 2 (31.08.2027)" in c for c in september.changes)


def test_what_people_type_over_grey_or_computed_columns_is_moved_to_bemerkungen(tmp_path: Path) -> None:
    from roundtrip import planning_values, type_planning

    facility = make_facility(91, date(2026, 10, 1), persons=8)
    path = write_form(facility, tmp_path / "kita.xlsx")
    assert refresh_file(path, Settings(), datetime(2026, 11, 2, 9)).status != FAILED
    keys = list(planning_values(path))
    typed = {
        keys[0]: {"beschäftigt bis": "erledigt", "Wochenstunden": 25},
        keys[1]: {"Ampel": "Gespräch am 12.11. geführt", "Bemerkungen": "schon da"},
        keys[2]: {"nächstes Gespräch fällig": datetime(2027, 2, 1)},
    }
    type_planning(path, typed)
    outcome = refresh_file(path, Settings(), datetime(2026, 11, 3, 9))
    assert outcome.status != FAILED
    assert "3 Einträge in grauen oder berechneten Spalten" not in outcome.message
    assert "4 Einträge in grauen oder berechneten Spalten" in outcome.message
    values = planning_values(path)
    first = values[keys[0]]["Bemerkungen"]
    assert "„beschäftigt bis“: erledigt" in first and "„Wochenstunden“: 25" in first and "03.11.2026" in first
    assert values[keys[0]]["beschäftigt bis"] in (None, "")  # the form's value again
    second = values[keys[1]]["Bemerkungen"]
    assert second.startswith("schon da\n") and "„Ampel“: Gespräch am 12.11. geführt" in second
    assert "„nächstes Gespräch fällig“: 01.02.2027" in values[keys[2]]["Bemerkungen"]
    formulas = planning_values(path, formulas=True)
    assert str(formulas[keys[1]]["Ampel"]).startswith("=") and str(
        formulas[keys[2]]["nächstes Gespräch fällig"]
    ).startswith("=")
    # a second refresh moves nothing again, and a changed form is no typing
    again = refresh_file(path, Settings(), datetime(2026, 11, 4, 9))
    assert "grauen oder berechneten" not in again.message
    book = openpyxl.load_workbook(path)
    form = book["Personalmeldung"]
    form["I22"] = 30.5  # the form's hours change: the grey column follows without a note
    book.save(path)
    assert main(["refresh", str(path), "--quiet"]) in (0, 1)
    after = planning_values(path)
    assert all("30,5" not in str(row.get("Bemerkungen")) for row in after.values())
    assert after[keys[0]]["Bemerkungen"] == values[keys[0]]["Bemerkungen"]
    assert 30.5 in {row.get("Wochenstunden") for row in after.values()}


def test_talks_are_planned_on_working_days_and_a_holiday_is_pointed_out(tmp_path: Path) -> None:
    from roundtrip import planning_values, type_planning

    from kitameldung.demo import talks_on_record
    from kitameldung.planning.kalender import easter, no_talk_day

    assert easter(2027) == date(2027, 3, 28) and no_talk_day(date(2027, 3, 26)) == "Karfreitag"
    assert (
        no_talk_day(date(2026, 12, 26)) == "2. Weihnachtsfeiertag" and no_talk_day(date(2026, 12, 22)) is None
    )
    for today in (date(2026, 12, 10), date(2027, 3, 20), date(2027, 4, 25)):
        typed = talks_on_record([f"P-{i:010d}" for i in range(200)], today, "seed")
        days = [v for row in typed.values() for v in row.values()]
        assert days and all(no_talk_day(d.date() if isinstance(d, datetime) else d) is None for d in days)
    path = write_form(make_facility(92, date(2026, 10, 1), persons=8), tmp_path / "k.xlsx")
    assert refresh_file(path, Settings(), datetime(2026, 12, 1, 9)).status != FAILED
    key = next(iter(planning_values(path)))
    type_planning(path, {key: {"geplanter Termin (Datum Uhrzeit)": datetime(2026, 12, 26, 10, 0)}})
    outcome = refresh_file(path, Settings(), datetime(2026, 12, 1, 9))
    assert "Wochenende oder Feiertag" in outcome.message and "2. Weihnachtsfeiertag" in outcome.message
