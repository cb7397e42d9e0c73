"""`kitameldung.read`: the demo folder as pandas DataFrames that agree with `check --json` figure
for figure; dtypes as documented; pandas never loaded by check, refresh or the ribbon."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import kitameldung
from kitameldung.demo import write_demo
from kitameldung.pipeline import Settings, check_file
from kitameldung.render.json_out import result_json

TODAY = date(2026, 12, 3)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("frames") / "demo"
    write_demo(folder, TODAY)
    return folder


@pytest.fixture(scope="module")
def reports(demo: Path) -> kitameldung.frames.Reports:  # type: ignore[name-defined]
    return kitameldung.read(demo, today=TODAY, prozesse=1)


@pytest.fixture(scope="module")
def documents(demo: Path) -> dict[str, dict]:
    settings = Settings(today=TODAY)
    return {str(p): result_json(check_file(p, settings)) for p in sorted(demo.glob("kita-*.xlsx"))}


def test_every_figure_agrees_with_check_json(reports, documents) -> None:
    readable = {k: d for k, d in documents.items() if d["ok"]}
    assert sorted(reports.facilities["path"]) == sorted(readable)
    for row in reports.facilities.itertuples(index=False):
        doc = readable[row.path]
        assert row.file == doc["file"]
        staffing = doc["staffing"] or {}
        for key in ("soll_betreuung_vzae", "ist_betreuung_vzae", "ist_fachkraft_vzae", "ist_ergaenzung_vzae",
                    "ist_leitung_vzae", "deckungsgrad", "fachkraftquote", "fachkraftquote_soll",
                    "fachkraftquote_min", "dispositionsspielraum"):  # fmt: skip
            value = getattr(row, key)
            if staffing.get(key) is None:
                assert pd.isna(value), (row.file, key)
            else:
                assert value == staffing[key], (row.file, key)
        if staffing:
            assert row.personen_gezaehlt == staffing["personen_gezaehlt"]
        stichtag = doc["facility"]["stichtag"]
        assert (pd.isna(row.stichtag) and stichtag is None) or row.stichtag.date().isoformat() == stichtag
        assert row.einrichtung == doc["facility"]["einrichtung"]
        for severity, column in (("fehler", "fehler"), ("warnung", "warnungen"), ("hinweis", "hinweise")):
            assert getattr(row, column) == sum(f["severity"] == severity for f in doc["findings"])
    assert len(reports.findings) == sum(len(d["findings"]) for d in readable.values())
    for file, doc in readable.items():
        mine = reports.findings[reports.findings["path"] == file]
        assert list(mine["rule"]) == [f["rule"] for f in doc["findings"]]
        assert [None if pd.isna(c) else c for c in mine["cell"]] == [f["cell"] for f in doc["findings"]]
        places = reports.places[reports.places["path"] == file]
        for group in places.itertuples(index=False):
            expected = (doc["places"] or {}).get(group.altersgruppe) or {}
            got = None if pd.isna(group.belegt_lang) else group.belegt_lang
            assert got == expected.get("long")


def test_persons_counted_as_in_the_json(reports, documents) -> None:
    assert "geburtsdatum" not in reports.persons.columns
    for file, doc in documents.items():
        if not doc["ok"] or not doc["staffing"]:
            continue
        mine = reports.persons[reports.persons["path"] == file]
        assert int(mine["gezaehlt"].sum()) == doc["staffing"]["personen_gezaehlt"]
        not_counted = doc["staffing"]["nicht_gezaehlt"]
        reasons = mine["grund"].value_counts()
        assert reasons.get("in Ausbildung bzw. im Praktikum", 0) == not_counted["in_ausbildung"]
        assert reasons.get("nicht beschäftigt am Stichtag", 0) == not_counted["nicht_beschaeftigt"]
        assert reasons.get("ohne lesbare Zuordnung", 0) == not_counted["ohne_zuordnung"]
        counted = mine[mine["gezaehlt"]]
        assert counted["vzae"].sum() == pytest.approx(doc["staffing"]["ist_betreuung_vzae"], abs=1e-9)


def test_dtypes_and_unreadable_files(reports) -> None:
    facilities, persons = reports.facilities, reports.persons
    assert str(facilities["stichtag"].dtype) == "datetime64[ns]"
    assert str(facilities["fachkraftquote"].dtype) == "float64"
    assert str(facilities["einrichtungs_nr"].dtype) == "string"  # leading zeros kept
    assert isinstance(persons["zuordnung"].dtype, pd.CategoricalDtype)
    assert str(persons["beginn"].dtype) == "datetime64[ns]"
    assert str(persons["wochenstunden"].dtype) == "float64"
    severity = reports.findings["severity"].dtype
    assert isinstance(severity, pd.CategoricalDtype) and severity.ordered
    assert (reports.findings["severity"] >= "warnung").sum() == reports.facilities[
        ["fehler", "warnungen"]
    ].sum().sum()
    assert list(reports.unreadable["file"]) == ["kita-13-beschaedigt.xlsx"]
    assert "beschädigt" in reports.unreadable["grund"].iloc[0]
    # a question a provider asks: the Fachkraftquote of one facility over the years
    history = facilities[facilities["einrichtung"] == "Kita „Sonnenschein“"].sort_values("stichtag")
    assert list(history["stichtag"].dt.year) == [2024, 2025, 2026]
    assert history["einrichtung_schluessel"].nunique() == 1
    assert list(history["formularstand"].dt.year) == [2023, 2025, 2025]  # the 2024 report on the older form


def test_worker_processes_give_the_same_frames(demo: Path, reports) -> None:
    parallel = kitameldung.read(demo, today=TODAY, prozesse=2)  # 15 files: two workers
    for name in ("facilities", "persons", "findings", "places", "unreadable"):
        pd.testing.assert_frame_equal(getattr(parallel, name), getattr(reports, name))


def test_files_and_folders_mixed(demo: Path) -> None:
    one = demo / "kita-02-regenbogen.xlsx"
    reports = kitameldung.read([one, str(demo / "kita-13-beschaedigt.xlsx")], today=TODAY)
    assert len(reports.facilities) == 1 and len(reports.unreadable) == 1


@pytest.mark.parametrize(
    "code",
    [
        "from kitameldung.cli import main; main(['check', '--json', FILE])",
        "from kitameldung.cli import main; main(['refresh', FILE, '--quiet', '--prozesse', '1'])",
        "import kitameldung.excel; import kitameldung.excel.udfs",
    ],
)
def test_check_refresh_and_the_ribbon_do_not_import_pandas(demo: Path, tmp_path: Path, code: str) -> None:
    import shutil

    file = tmp_path / "kita.xlsx"
    shutil.copy(demo / "kita-02-regenbogen.xlsx", file)
    probe = f"import sys\nFILE = {str(file)!r}\n{code}\nprint('pandas' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "False", done.stdout


def test_read_imports_pandas_only_when_called() -> None:
    probe = "import sys, kitameldung\nprint('pandas' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
