"""The benchmark scripts keep working (their figures are printed, never asserted here)."""

from __future__ import annotations

import sys

import pytest

from benchmarks import bench_check


def test_bench_check_runs_and_prints_its_figures(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["bench_check.py", "--runs", "2"])
    bench_check.main()
    out = capsys.readouterr().out
    assert "Median" in out and "84 Personen" in out


def test_bench_refresh_runs_and_prints_its_figures(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from benchmarks import bench_refresh

    args = ["bench_refresh.py", "--files", "6", "--distinct", "3", "--openpyxl", "2", "--workers", "2"]
    monkeypatch.setattr(sys, "argv", args)
    bench_refresh.main()
    out = capsys.readouterr().out
    assert "erster Lauf" in out and "zweiter Lauf" in out and "schneller als openpyxl" in out
    assert "Spitzenspeicher je Prozess" in out


def test_bench_hostile_runs_and_prints_its_figures(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from benchmarks import bench_hostile

    monkeypatch.setattr(sys, "argv", ["bench_hostile.py", "--bomb-mb", "200"])
    bench_hostile.main()
    out = capsys.readouterr().out
    assert "Spitzenspeicher" in out and "Zip-Bombe (200 MB entpackt)" in out and "wäre entpackt 200 MB" in out
