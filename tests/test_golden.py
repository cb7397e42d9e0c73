"""Golden XML of every part kitameldung writes for one fixed facility: a change to any of them
shows up here and must be intended. Regenerate with KITAMELDUNG_GOLDEN=neu (then review the
diff before committing)."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest

from kitameldung.pipeline import Settings
from kitameldung.refresh import FAILED, refresh_file
from kitameldung.replica import make_facility, write_form
from kitameldung.workbook.package import Package

GOLDEN = Path(__file__).parent / "golden"
PARTS = {
    "pruefbericht": "xl/worksheets/kitameldung-pruefbericht.xml",
    "quote": "xl/worksheets/kitameldung-quote.xml",
    "gespraechsplanung": "xl/worksheets/kitameldung-gespraechsplanung.xml",
    "leitfaden": "xl/worksheets/kitameldung-leitfaden.xml",
    "workbook": "xl/workbook.xml",
    "content-types": "[Content_Types].xml",
    "workbook-rels": "xl/_rels/workbook.xml.rels",
    "styles": "xl/styles.xml",
}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Package:
    path = write_form(make_facility(4711, date(2025, 10, 1)), tmp_path_factory.mktemp("golden") / "kita.xlsx")
    outcome = refresh_file(path, Settings(today=date(2026, 1, 15)), datetime(2026, 1, 15, 9, 30))
    assert outcome.status != FAILED, outcome.message
    return Package.read(path)


@pytest.mark.parametrize("name", list(PARTS))
def test_our_parts_match_their_golden_xml(written: Package, name: str) -> None:
    data = written.get(PARTS[name])
    assert data is not None, PARTS[name]
    golden = GOLDEN / f"{name}.xml"
    if os.environ.get("KITAMELDUNG_GOLDEN") == "neu" or not golden.exists():
        golden.write_bytes(data)
    assert data == golden.read_bytes(), f"{PARTS[name]} differs from {golden}"
