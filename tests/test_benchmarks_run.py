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
