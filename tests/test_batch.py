"""`kitameldung refresh ORDNER`: every good file refreshed, every bad one listed with its German
reason, nothing half-written; a second run skips the unchanged folder; the provider overview
opens and its formulas evaluate in LibreOffice."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from kitameldung.batch.runner import refresh_many
from kitameldung.cli import main
from kitameldung.pipeline import Settings
from kitameldung.planning.overview import talk_counts
from kitameldung.replica import make_facility
from kitameldung.replica.mistakes import low_quota
from kitameldung.sheets import SHEET_NAMES
from kitameldung.workbook.fingerprint import ResultCache

from badfiles import _encrypted, _not_a_form

BAD_REASONS = {
    "kaputt.xlsx": "beschädigt",
    "leer.xlsx": "leer",
    "verschluesselt.xlsx": "Kennwort",
    "alt.xls": ".xlsx",
    "einkauf.xlsx": "keine Personalmeldung",
}


@pytest.fixture
def provider(form, libreoffice, tmp_path: Path) -> Path:
    """A provider folder: four good facilities (one in a subfolder, one open in Excel) and
    every kind of bad file."""
    folder = tmp_path / "traeger"
    (folder / "region-nord").mkdir(parents=True)
    goods = [form(make_facility(20 + i), name=f"kita-{i}.xlsx") for i in range(3)]
    goods.append(form(low_quota(make_facility(30)).facility, name="kita-quote.xlsx"))
    for path in goods[:3]:
        shutil.move(path, folder / path.name)
    shutil.move(goods[3], folder / "region-nord" / goods[3].name)
    shutil.copy(folder / "kita-0.xlsx", folder / "kita-offen.xlsx")
    (folder / "~$kita-offen.xlsx").write_bytes(b"owner")
    (folder / "kaputt.xlsx").write_bytes((folder / "kita-0.xlsx").read_bytes()[:3000])
    (folder / "leer.xlsx").write_bytes(b"")
    _encrypted(folder / "kita-1.xlsx", folder / "verschluesselt.xlsx")
    xls = libreoffice.convert(folder / "kita-2.xlsx", tmp_path / "xls", "xls:MS Excel 97")
    shutil.move(xls, folder / "alt.xls")
    _not_a_form(folder / "einkauf.xlsx")
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_mixed_folder_refreshes_every_good_file_and_lists_every_bad_one(provider: Path, capsys) -> None:
    before = _snapshot(provider)
    status = main(["refresh", str(provider), "--rekursiv", "--prozesse", "2", "--quiet"])
    out = capsys.readouterr().out
    assert status == 2
    assert (
        "10 Dateien: 4 aktualisiert, 0 unverändert, 1 gesperrt, 0 übersprungen, 5 nicht verarbeitet." in out
    )
    assert "kita-offen.xlsx: in Excel oder LibreOffice geöffnet" in out
    for name, reason in BAD_REASONS.items():
        line = next(line for line in out.splitlines() if f"✗ {name}:" in line)
        assert reason in line
    after = _snapshot(provider)
    for name in [*BAD_REASONS, "kita-offen.xlsx"]:
        assert after[name] == before[name]  # bad and locked files untouched
    assert not [n for n in after if n.endswith(".tmp")]  # nothing half-written left behind
    for name in ["kita-0.xlsx", "kita-1.xlsx", "kita-2.xlsx", "region-nord/kita-quote.xlsx"]:
        sheets = openpyxl.load_workbook(provider / name, read_only=True).sheetnames
        assert sheets[-4:] == list(SHEET_NAMES.values())


def test_the_overview_opens_and_its_formulas_evaluate(
    provider: Path, libreoffice, tmp_path: Path, capsys
) -> None:
    main(
        [
            "refresh",
            str(provider),
            "--rekursiv",
            "--quiet",
            "--csv",
            str(tmp_path / "t.csv"),
            "--json",
            str(tmp_path / "t.json"),
        ]
    )
    capsys.readouterr()
    overview = provider / "Traegeruebersicht.xlsx"
    book = openpyxl.load_workbook(libreoffice.convert(overview, tmp_path / "lo"), data_only=True)
    assert book.sheetnames == ["Übersicht", "Diagramm", "Befunde", "Nicht verarbeitet"]
    table = book["Übersicht"]
    rows = [[c.value for c in row] for row in table.iter_rows(min_row=2, max_row=6)]
    assert len(rows) == 5 and all(r[1] for r in rows)  # the open workbook is read for its figures
    verdicts = {r[1]: r[12] for r in rows}
    assert verdicts["kita-quote.xlsx"] == "nicht erfüllt"
    assert {v for k, v in verdicts.items() if k != "kita-quote.xlsx"} == {"erfüllt"}
    status = [c.value for c in table[1]].index("Stand dieser Zeile")
    assert next(r[status] for r in rows if r[1] == "kita-offen.xlsx").startswith(
        "geöffnet – nicht aktualisiert"
    )
    total = next(row for row in table.iter_rows(min_row=7) if row[0].value == "Summe / Träger")
    assert total[1].value == 5
    assert total[3].value == pytest.approx(sum(r[3] for r in rows))
    assert total[12].value == "1 nicht erfüllt"
    due = [c.value for c in table[1]].index("vollständige Personalmeldung fällig")
    assert {r[due] for r in rows} <= {"ja", "nein"}
    assert total[due].value == f"{sum(r[due] == 'ja' for r in rows)} fällig"  # computed by LibreOffice
    failed = {row[0].value for row in book["Nicht verarbeitet"].iter_rows(min_row=2)}
    assert failed == {*BAD_REASONS, "kita-offen.xlsx"}  # the open one with its reason, too
    findings = [
        row for row in book["Befunde"].iter_rows(min_row=2, values_only=True) if row[3] == "fachkraftquote"
    ]
    assert [row[1] for row in findings] == ["kita-quote.xlsx"]
    assert book["Diagramm"]._charts or openpyxl.load_workbook(overview)["Diagramm"]._charts

    documents = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert {Path(d["path"]).name for d in documents if d["status"] == "fehler"} == set(BAD_REASONS)
    # The planning figures: talks counted today from the dates each refresh kept, the outlook's low.
    header = [c.value for c in table[1]]
    overdue, low = header.index("Gespräche überfällig"), header.index("Quote Tiefstwert 12 Monate")
    planning = {Path(d["path"]).name: d["planung"] for d in documents if d.get("planung")}
    for row in (r for r in rows if r[1] != "kita-offen.xlsx"):  # the open one was not refreshed
        counted = talk_counts(planning[row[1]], date.today())
        assert (
            row[overdue] == counted["überfällig"] == 0
        )  # no talk on record yet: not overdue, "kein Gespräch erfasst"
        assert row[low] == pytest.approx(planning[row[1]]["quote_tiefstwert"])
    assert total[overdue].value == sum(r[overdue] or 0 for r in rows)
    csv_lines = (tmp_path / "t.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csv_lines[0].startswith("einrichtung;datei;stichtag;soll_betreuung_vzae")
    assert any(";kita-quote.xlsx" in line or "kita-quote.xlsx;" in line for line in csv_lines)


def test_a_second_run_over_an_unchanged_folder_rewrites_nothing(provider: Path, capsys) -> None:
    main(["refresh", str(provider), "--quiet"])
    capsys.readouterr()
    stamps = {p.name: p.stat().st_mtime_ns for p in provider.glob("kita-*.xlsx")}
    main(["refresh", str(provider), "--quiet"])
    out = capsys.readouterr().out
    assert "0 aktualisiert, 3 unverändert" in out
    assert {p.name: p.stat().st_mtime_ns for p in provider.glob("kita-*.xlsx")} == stamps
    # Without the cache the full check also finds nothing to write.
    main(["refresh", str(provider), "--quiet", "--ohne-cache"])
    assert "0 aktualisiert, 3 unverändert" in capsys.readouterr().out


def test_the_cache_is_not_fooled_by_a_changed_file(form, tmp_path: Path) -> None:
    path = form(make_facility(40), name="kita.xlsx")
    cache = ResultCache(tmp_path / "cache")
    first = refresh_many([path], Settings(), workers=1, cache=cache)[0]
    changed = make_facility(40)
    changed.staff[0].paed_stunden = 3.0
    form(changed, name="kita.xlsx")  # the same file with other content, our sheets gone
    second = refresh_many([path], Settings(), workers=1, cache=cache)[0]
    assert (first.status, second.status) == ("aktualisiert", "aktualisiert")
    assert second.data != first.data


def test_parallel_and_sequential_runs_agree(provider: Path, tmp_path: Path) -> None:
    files = sorted(provider.glob("*.xlsx"))
    copy = tmp_path / "copy"
    shutil.copytree(provider, copy)
    parallel = refresh_many(files, Settings(), workers=2)
    sequential = refresh_many(sorted(copy.glob("*.xlsx")), Settings(), workers=1)
    assert [(Path(i.path).name, i.status) for i in parallel] == [
        (Path(i.path).name, i.status) for i in sequential
    ]
    assert [i.data["staffing"] if i.data else None for i in parallel] == [
        i.data["staffing"] if i.data else None for i in sequential
    ]
