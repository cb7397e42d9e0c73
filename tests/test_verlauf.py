"""Several Stichtage side by side: a folder with reports of one facility from more than one
Stichtag gets the overview sheet "Verlauf" (both reports, staff who came and left as counts, a
chart of the quota with the minimum); the CSV and JSON exports carry the same rows."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from roundtrip import ooxml_errors

from kitameldung.aenderungen import compare_files
from kitameldung.cli import main
from kitameldung.evaluation.changes import ABGANG, ZUGANG
from kitameldung.pipeline import Settings
from kitameldung.replica import earlier_report, make_facility, write_form

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """Two reports of one facility (2025 and 2026), one other facility."""
    root = tmp_path / "traeger"
    root.mkdir()
    now = make_facility(41, date(2026, 10, 1))
    write_form(now, root / "sonne-2026.xlsx", "v2025-84")
    write_form(earlier_report(now, date(2025, 10, 1), 1), root / "sonne-2025.xlsx", "v2025-84")
    write_form(make_facility(42, date(2026, 10, 1)), root / "mond.xlsx", "v2025-84")
    return root


def run(folder: Path, *extra: str) -> int:
    return main(["refresh", str(folder), "--quiet", "--prozesse", "1", "--ohne-cache", *extra])


def test_two_stichtage_of_one_facility_side_by_side(folder: Path, tmp_path: Path) -> None:
    table, data = tmp_path / "uebersicht.csv", tmp_path / "alles.json"
    assert run(folder, "--csv", str(table), "--json", str(data)) in (0, 1)
    overview = folder / "Traegeruebersicht.xlsx"
    book = openpyxl.load_workbook(overview)
    assert "Verlauf" in book.sheetnames
    sheet = book["Verlauf"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, max_row=3, values_only=True)]
    assert [r["Datei"] for r in rows] == ["sonne-2025.xlsx", "sonne-2026.xlsx"]
    assert [r["Stichtag"].date() for r in rows] == [date(2025, 10, 1), date(2026, 10, 1)]
    assert sheet.cell(4, 1).value is None  # "mond" has one Stichtag: not in the Verlauf
    changes = compare_files(folder / "sonne-2025.xlsx", folder / "sonne-2026.xlsx", Settings()).changes
    came, left = len(changes.of_kind(ZUGANG)), len(changes.of_kind(ABGANG))
    assert came + left > 0
    assert rows[1]["Zugänge seit vorheriger Meldung"] == came
    assert rows[1]["Abgänge seit vorheriger Meldung"] == left
    assert rows[0]["Zugänge seit vorheriger Meldung"] is None  # nothing before the first
    texts = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    for person in (*changes.alt.persons, *changes.neu.persons):  # counts only, no names
        assert str(person.name.value) not in texts
    # the overview's table: every facility once, with its latest report
    first = book["Übersicht"]
    files = [first.cell(r, 2).value for r in range(2, first.max_row + 1) if first.cell(r, 2).value]
    assert "sonne-2026.xlsx" in files and "sonne-2025.xlsx" not in files and "mond.xlsx" in files
    # the chart: the facility's quota over the Stichtage and the minimum
    with zipfile.ZipFile(overview) as archive:
        charts = [ET.fromstring(archive.read(n)) for n in archive.namelist() if n.startswith("xl/charts/")]
    scatter = [c for c in charts if c.find(f".//{C}scatterChart") is not None]
    assert len(scatter) == 1
    titles = [t.text for t in scatter[0].iter(f"{C}v")]
    assert "Mindestquote" in titles and any("„" in (t or "") for t in titles)
    refs = [f.text for f in scatter[0].iter(f"{C}f")]
    assert any(r and r.endswith("$G$2:$G$3") for r in refs)  # quota (column G) of both reports
    assert ooxml_errors(overview) == []
    # CSV and JSON: the same rows
    verlauf_csv = tmp_path / "uebersicht-verlauf.csv"
    lines = list(csv.DictReader(io.StringIO(verlauf_csv.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert [Path(r["datei"]).name for r in lines] == ["sonne-2025.xlsx", "sonne-2026.xlsx"]
    assert lines[1]["zugaenge"] == str(came) and lines[1]["abgaenge"] == str(left)
    documents = {Path(d["path"]).name: d for d in json.loads(data.read_text(encoding="utf-8"))}
    assert documents["sonne-2026.xlsx"]["verlauf"]["zugaenge"] == came
    assert documents["sonne-2025.xlsx"]["uebersicht"] is None  # superseded by 2026
    assert documents["mond.xlsx"]["verlauf"] is None
    assert "verlauf" not in documents["sonne-2026.xlsx"]["result"]  # person keys stay inside


def test_one_stichtag_per_facility_has_no_verlauf(tmp_path: Path) -> None:
    root = tmp_path / "traeger"
    root.mkdir()
    for seed in (43, 44):
        write_form(make_facility(seed, date(2026, 10, 1)), root / f"kita-{seed}.xlsx", "v2025-84")
    table = tmp_path / "u.csv"
    run(root, "--csv", str(table))
    assert "Verlauf" not in openpyxl.load_workbook(root / "Traegeruebersicht.xlsx").sheetnames
    assert not (tmp_path / "u-verlauf.csv").exists()


def test_the_superseded_report_is_not_due_but_the_latest_is(tmp_path: Path) -> None:
    """The notice's period: the 2024 report is older than a year, but the facility has reported
    since; a facility whose latest report is older than a year is due."""
    root = tmp_path / "traeger"
    root.mkdir()
    now = make_facility(45, date(2026, 10, 1))
    write_form(now, root / "a-2026.xlsx", "v2025-84")
    write_form(earlier_report(now, date(2024, 10, 1), 2), root / "a-2024.xlsx", "v2023-68")
    write_form(make_facility(46, date(2025, 10, 1)), root / "b-2025.xlsx", "v2025-84")
    assert main(["refresh", str(root), "--quiet", "--prozesse", "1", "--ohne-cache"]) in (0, 1)
    book = openpyxl.load_workbook(root / "Traegeruebersicht.xlsx")
    sheet = book["Übersicht"]
    header = [c.value for c in sheet[1]]
    due = header.index("vollständige Personalmeldung fällig") + 1
    by_file = {sheet.cell(r, 2).value: sheet.cell(r, due).value for r in range(2, 4)}
    if date.today() > date(2026, 10, 1).replace(year=2027):
        pytest.skip("the 2026 report is itself older than a year now")
    assert by_file == {"a-2026.xlsx": "nein", "b-2025.xlsx": "ja"}
    findings = [(r[1], r[3]) for r in book["Befunde"].iter_rows(min_row=2, values_only=True)]
    assert ("b-2025.xlsx", "meldung-veraltet") in findings
    assert ("a-2024.xlsx", "meldung-veraltet") not in findings


def test_year_folders_with_the_same_file_name(tmp_path: Path) -> None:
    """A common layout: one folder per year, the same file name in each (--rekursiv); one report
    without Einrichtungs-Nr. still joins its facility by name."""
    root = tmp_path / "meldungen"
    now = make_facility(47, date(2026, 10, 1))
    before = earlier_report(now, date(2025, 10, 1), 1)
    before.nummer = None  # forgotten that year
    for year, facility in (("2025", before), ("2026", now)):
        (root / year).mkdir(parents=True)
        write_form(facility, root / year / "Sonnenschein.xlsx", "v2025-84")
    assert main(["refresh", str(root), "--rekursiv", "--quiet", "--prozesse", "1", "--ohne-cache"]) in (0, 1)
    sheet = openpyxl.load_workbook(root / "Traegeruebersicht.xlsx")["Verlauf"]
    rows = table(sheet)
    assert [r["Datei"] for r in rows] == ["2025/Sonnenschein.xlsx", "2026/Sonnenschein.xlsx"]
    assert rows[1]["Zugänge seit vorheriger Meldung"] is not None  # counted against 2025
    assert rows[0]["Einrichtungs- Nr."] == rows[1]["Einrichtungs- Nr."] == str(now.nummer)


def table(sheet) -> list[dict]:  # type: ignore[no-untyped-def]
    header = [c.value for c in sheet[1]]
    rows = []
    for values in sheet.iter_rows(min_row=2, values_only=True):
        if values[0] is None:
            break
        rows.append(dict(zip(header, values)))
    return rows


def test_two_facilities_of_the_same_name_stay_apart(tmp_path: Path) -> None:
    """Names repeat across a provider ("Kita Sonnenschein" in two towns): the Einrichtungs-Nr.
    keeps their histories and chart lines apart."""
    root = tmp_path / "traeger"
    root.mkdir()
    for seed in (48, 49):
        now = make_facility(seed, date(2026, 10, 1))
        now.einrichtung = "Kita „Sonnenschein“"
        write_form(now, root / f"{seed}-2026.xlsx", "v2025-84")
        write_form(earlier_report(now, date(2025, 10, 1), seed), root / f"{seed}-2025.xlsx", "v2025-84")
    assert main(["refresh", str(root), "--quiet", "--prozesse", "1", "--ohne-cache"]) in (0, 1)
    overview = root / "Traegeruebersicht.xlsx"
    rows = table(openpyxl.load_workbook(overview)["Verlauf"])
    assert len(rows) == 4 and len({r["Einrichtungs- Nr."] for r in rows}) == 2
    for first, second in ((rows[0], rows[1]), (rows[2], rows[3])):
        assert first["Einrichtungs- Nr."] == second["Einrichtungs- Nr."]
        assert first["Stichtag"] < second["Stichtag"]
    with zipfile.ZipFile(overview) as archive:
        chart = next(
            ET.fromstring(archive.read(n))
            for n in archive.namelist()
            if n.startswith("xl/charts/") and b"scatterChart" in archive.read(n)
        )
    titles = sorted(t.text or "" for t in chart.iter(f"{C}v"))
    numbers = sorted(r["Einrichtungs- Nr."] for r in rows[::2])
    assert titles == sorted(["Mindestquote", *(f"Kita „Sonnenschein“ (Nr. {n})" for n in numbers)])


def test_an_empty_figure_is_not_coloured_as_a_shortfall(tmp_path: Path) -> None:
    """The traffic lights of the overview apply to numbers only: a facility without Stichtag
    (nothing computable) stays white instead of red."""
    from kitameldung.batch.columns import letter

    root = tmp_path / "traeger"
    root.mkdir()
    write_form(make_facility(50, date(2026, 10, 1)), root / "a.xlsx", "v2025-84")
    assert main(["refresh", str(root), "--quiet", "--prozesse", "1", "--ohne-cache"]) in (0, 1)
    main_ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(root / "Traegeruebersicht.xlsx") as archive:
        sheet = ET.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rules = {
        block.get("sqref"): [r.findtext(f"{main_ns}formula") for r in block.iter(f"{main_ns}cfRule")]
        for block in sheet.iter(f"{main_ns}conditionalFormatting")
    }
    for key in ("deckungsgrad", "fachkraftquote", "quote_tiefstwert"):
        formulas = rules[f"{letter(key)}2"]  # one facility: the range is one cell
        assert len(formulas) == 3
        assert all(f and f.startswith(f"AND(ISNUMBER({letter(key)}2)") for f in formulas), formulas
