"""Our sheets as they come out of the printer: LibreOffice prints each sheet on its own
(scripts/render_sheets.py), the PDF is read back with word positions (pdftotext -bbox), and the
pages must be legible — no words on top of each other, text of a readable size, within a page
budget, the marker never printed, the names on every page of the planning."""

from __future__ import annotations

import importlib.util
import re
import shutil
import statistics
import subprocess
from datetime import date
from pathlib import Path

import pytest

from kitameldung.pipeline import Settings
from kitameldung.refresh import FAILED, refresh_file
from kitameldung.replica import make_facility, write_form
from kitameldung.sheets import SHEET_NAMES

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "render_sheets.py"
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
BUDGET = {"pruefbericht": 3, "quote": 6, "gespraechsplanung": 8, "leitfaden": 3}
MIN_HEIGHT = 9.0  # points: the median word box on a page

pytestmark = pytest.mark.slow


def _render_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("render_sheets", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pages(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    result = []
    for page in html.split("<page ")[1:]:
        result.append([(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in WORD.findall(page)])
    return result


def overlapping(words: list[tuple[float, float, float, float, str]]) -> list[tuple[str, str]]:
    found = []
    for i, (x0, y0, x1, y1, w) in enumerate(words):
        for a0, b0, a1, b1, v in words[i + 1 :]:
            dx, dy = min(x1, a1) - max(x0, a0), min(y1, b1) - max(y0, b0)
            if dx > 1.0 and dy > 0.35 * min(y1 - y0, b1 - b0):
                found.append((w, v))
    return found


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext fehlt (Debian: poppler-utils); tests/run installiert es.")
    folder = tmp_path_factory.mktemp("druck")
    path = write_form(make_facility(501, date(2026, 10, 1), persons=20), folder / "kita.xlsx")
    assert refresh_file(path, Settings()).status != FAILED
    names = [SHEET_NAMES[k] for k in BUDGET]
    rendered = _render_module().render(path, folder / "pdf", names)
    return {key: rendered[SHEET_NAMES[key]] for key in BUDGET}


@pytest.mark.parametrize("key", list(BUDGET))
def test_every_sheet_prints_legibly_within_its_budget(printed: dict[str, Path], key: str) -> None:
    sheet = pages(printed[key])
    assert 1 <= len(sheet) <= BUDGET[key], (key, len(sheet))
    for number, words in enumerate(sheet, start=1):
        assert not any(w.startswith("kitameldung-blatt") for *_, w in words), (key, number)
        assert overlapping(words) == [], (key, number, overlapping(words)[:5])
        if len(words) >= 5:
            median = statistics.median(y1 - y0 for _, y0, _, y1, _ in words)
            assert median >= MIN_HEIGHT, (key, number, median)


def test_the_planning_names_its_people_on_every_page(printed: dict[str, Path]) -> None:
    for number, words in enumerate(pages(printed["gespraechsplanung"]), start=1):
        texts = " ".join(w for *_, w in words)
        assert "VERTRAULICH" in texts, number
        assert re.search(r"\w+, \w+", texts) or "Name" in texts, number  # "Müller, Anna" repeated


OVERVIEW_BUDGET = {"Übersicht": 4, "Diagramm": 1, "Befunde": 6, "Verlauf": 2, "Nicht verarbeitet": 1}


@pytest.fixture(scope="module")
def overview(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from kitameldung.cli import main

    folder = tmp_path_factory.mktemp("traeger") / "demo"
    assert main(["demo", str(folder)]) == 0
    return _render_module().render(
        folder / "Traegeruebersicht.xlsx", folder.parent / "pdf", list(OVERVIEW_BUDGET)
    )


@pytest.mark.parametrize("sheet", list(OVERVIEW_BUDGET))
def test_the_providers_overview_prints_legibly(overview: dict[str, Path], sheet: str) -> None:
    printed = pages(overview[sheet])
    assert 1 <= len(printed) <= OVERVIEW_BUDGET[sheet], (sheet, len(printed))
    for number, words in enumerate(printed, start=1):
        assert overlapping(words) == [], (sheet, number, overlapping(words)[:5])
        if len(words) >= 5:
            assert statistics.median(y1 - y0 for _, y0, _, y1, _ in words) >= MIN_HEIGHT, (sheet, number)
        if sheet in ("Übersicht", "Verlauf"):
            assert "Kita" in " ".join(w for *_, w in words), number  # the facilities on every page


def test_the_list_of_changes_prints_on_one_legible_page(tmp_path: Path) -> None:
    from kitameldung.cli import main

    folder = tmp_path / "demo"
    assert main(["demo", str(folder)]) == 0
    target = tmp_path / "aenderungen.xlsx"
    old, new = folder / "kita-01-sonnenschein-vor-2-jahren.xlsx", folder / "kita-01-sonnenschein.xlsx"
    assert main(["aenderungen", str(old), str(new), "--xlsx", str(target)]) == 0
    printed = pages(_render_module().render(target, tmp_path / "pdf", ["Änderungen"])["Änderungen"])
    assert len(printed) == 1
    words = printed[0]
    assert overlapping(words) == [], overlapping(words)[:5]
    assert statistics.median(y1 - y0 for _, y0, _, y1, _ in words) >= MIN_HEIGHT
    assert "Zugang" in {w for *_, w in words} and "Abgang" in {w for *_, w in words}
