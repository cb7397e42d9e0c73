"""The wheel that offices install (kitameldung is not on the package index) carries everything:
built with scripts/wheel, installed on its own, it runs the demo and builds the add-in."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_installs_and_runs_on_its_own(tmp_path: Path) -> None:
    run = subprocess.run(
        ["bash", str(ROOT / "scripts" / "wheel")], capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr
    wheel = Path(run.stdout.strip().splitlines()[-1])
    wheel = wheel if wheel.is_absolute() else ROOT / wheel
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "kitameldung/templates/profile/basis.toml",
        "kitameldung/templates/gespraeche/leitfaden.toml",
        "kitameldung/macros/customUI.xml",
        "kitameldung/rules/regelstand.toml",
    ):
        assert needed in names, needed
    target = tmp_path / "installed"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    script = (
        "import sys, kitameldung, kitameldung.cli as c; "
        f"assert kitameldung.__file__.startswith({str(target)!r}), kitameldung.__file__; "
        "sys.exit(c.main(sys.argv[1:]))"
    )
    env = dict(os.environ, PYTHONPATH=str(target))
    demo = subprocess.run(
        [sys.executable, "-c", script, "demo", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    assert "In 14 Arbeitsmappen" in demo.stdout
    addin = subprocess.run(
        [sys.executable, "-c", script, "addin", "build", "--ziel", str(tmp_path / "k.xlam")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert addin.returncode == 0 and (tmp_path / "k.xlam").exists(), addin.stderr
