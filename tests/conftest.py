"""Shared fixtures: generated replica workbooks and LibreOffice as a second spreadsheet engine."""

from __future__ import annotations

import os

# xlwings' remote Book is the add-in tests' Excel. It needs a key, read when xlwings is first
# imported; "noncommercial" is valid for this open-source project's tests and set here only –
# the product never uses xlwings PRO.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from kitameldung.replica import Facility, Variation, make_facility, write_form

# Randomized tests run their full number of cases in CI (CI=true) or with KITAMELDUNG_TESTS=voll,
# a fifth of them in an everyday local run; `pytest -m "not slow"` also leaves out the tests that
# convert files with LibreOffice or build packages.
FULL = os.environ.get("CI", "").lower() == "true" or os.environ.get("KITAMELDUNG_TESTS") == "voll"


def cycles(full: int) -> int:
    """How many randomized cases to run: `full` in CI, a fifth (at least 3) otherwise."""
    return full if FULL else max(3, full // 5)


LO_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOffice:
    """Headless LibreOffice with a private profile that recalculates every formula on load."""

    def __init__(self, profile: Path) -> None:
        binary = shutil.which("soffice") or shutil.which("libreoffice")
        if binary is None:
            raise RuntimeError(
                "LibreOffice (soffice) fehlt. Die Tests brauchen es als zweite Tabellenkalkulation: "
                "`bash tests/run` installiert es."
            )
        self.binary = binary
        user = profile / "user"
        user.mkdir(parents=True, exist_ok=True)
        (user / "registrymodifications.xcu").write_text(LO_SETTINGS, encoding="utf-8")
        self.profile = profile

    def convert(self, source: Path, out_dir: Path, target: str = "xlsx") -> Path:
        return self.convert_many([source], out_dir, target)[0]

    def convert_many(self, sources: list[Path], out_dir: Path, target: str = "xlsx") -> list[Path]:
        """One LibreOffice start for many files: each is loaded, recalculated and saved."""
        out_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                self.binary,
                f"-env:UserInstallation={self.profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(out_dir),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
            timeout=180 + 10 * len(sources),
        )
        results = [out_dir / f"{source.stem}.{target.split(':')[0]}" for source in sources]
        for result in results:
            assert result.exists(), f"LibreOffice produced no {result}"
        return results


@pytest.fixture(autouse=True)
def private_result_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own result cache: never the user's, never shared between tests."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("KITAMELDUNG_CACHE", str(folder))
    return folder


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> LibreOffice:
    return LibreOffice(tmp_path_factory.mktemp("lo_profile"))


FormFactory = Callable[..., Path]


@pytest.fixture
def form(tmp_path: Path) -> FormFactory:
    """Write a replica: form(facility=None, variant=..., variation=..., name=...) -> path."""
    counter = iter(range(10_000))

    def make(
        facility: Facility | None = None,
        variant: str = "v2025-84",
        variation: Variation = Variation(),
        name: str | None = None,
        seed: int = 1,
    ) -> Path:
        facility = facility or make_facility(seed)
        path = tmp_path / (name or f"kita-{next(counter)}.xlsx")
        return write_form(facility, path, variant, variation)

    return make


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that needs LibreOffice is slow."""
    for item in items:
        if "libreoffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
