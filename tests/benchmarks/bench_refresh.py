"""Benchmark: refresh a folder of N 84-person facility workbooks, twice (first run, then the
unchanged folder), and the same files through a straightforward openpyxl pipeline (load, add
the same two sheets, save), side by side in one run.

Targets (2-core machine): 1,000 files <= 10 s; >= 20x the openpyxl pipeline; second run <= 2 s;
peak memory per worker <= 150 MB.

Run: .venv/bin/python tests/benchmarks/bench_refresh.py [--files 1000] [--distinct 100]
     [--openpyxl 40] [--workers 2]
Prints the figures; it is no test and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from pathlib import Path

from kitameldung.batch.runner import refresh_many
from kitameldung.pipeline import Settings, check_file
from kitameldung.refresh import build_sheets
from kitameldung.replica import make_facility, write_form
from kitameldung.sheets.spec import Formula
from kitameldung.workbook.fingerprint import ResultCache


def _generate(args: tuple[int, str]) -> str:
    seed, folder = args
    facility = make_facility(1000 + seed, date(2025, 10, 1), persons=84)
    return str(write_form(facility, Path(folder) / f"kita-{seed:04d}.xlsx", "v2025-84"))


def _openpyxl_refresh(path: str) -> float:
    """The obvious way: load the whole workbook, add the same sheets cell by cell, save it."""
    import openpyxl

    from kitameldung.batch.runner import _peak_rss_mb

    result = check_file(Path(path), Settings())
    book = openpyxl.load_workbook(path)
    for spec in build_sheets(result, datetime(2026, 11, 22)):
        if spec.name in book.sheetnames:
            del book[spec.name]
        sheet = book.create_sheet(spec.name)
        for (r, c), cell in spec.cells.items():
            value = cell.value
            sheet.cell(r, c, "=" + value.text if isinstance(value, Formula) else value)
    book.save(path)
    return _peak_rss_mb()


def _stages(paths: list[Path]) -> dict[str, float]:
    """Milliseconds per file and stage, in this process (one core): where a refresh spends its
    time, and the floor — reading the package and writing it with the same new parts, nothing else."""
    from datetime import datetime

    from kitameldung.pipeline import check_file
    from kitameldung.planning import Plan
    from kitameldung.refresh import build_sheets, plan_for
    from kitameldung.workbook.ourbook import put_sheets
    from kitameldung.workbook.package import Package

    settings, now = Settings(), datetime(2026, 11, 1, 9)
    totals = dict.fromkeys(
        (
            "lesen und prüfen",
            "Planung und Vorschau",
            "Blätter aufbauen",
            "XML und Paket",
            "Schreiben (zip)",
            "Untergrenze: nur lesen und schreiben",
        ),
        0.0,
    )
    for path in paths:
        t0 = time.perf_counter()
        result = check_file(path, settings)
        t1 = time.perf_counter()
        planning = plan_for(result, Plan(), now)
        t2 = time.perf_counter()
        sheets = build_sheets(result, now, planning)
        t3 = time.perf_counter()
        package = Package.read(path)
        put_sheets(package, sheets)
        t4 = time.perf_counter()
        package.write(path.with_name("stufe.xlsx"))
        t5 = time.perf_counter()
        parts = package.parts()
        floor = Package.read(path)
        for name, data in parts.items():
            if floor.get(name) != data:
                floor.put(name, data)
        floor.write(path.with_name("untergrenze.xlsx"))
        t6 = time.perf_counter()
        for key, spent in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)):
            totals[key] += spent * 1000 / len(paths)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument(
        "--distinct", type=int, default=100, help="distinct generated forms; the rest are copies"
    )
    parser.add_argument("--openpyxl", type=int, default=40, help="files run through the openpyxl pipeline")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    workers = args.workers
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = root / "source"
        source.mkdir()
        distinct = min(args.distinct, args.files)
        started = time.perf_counter()
        with ProcessPoolExecutor(workers) as pool:
            originals = list(pool.map(_generate, [(i, str(source)) for i in range(distinct)]))
        ours = root / "ours"
        ours.mkdir()
        files = []
        for i in range(args.files):
            target = ours / f"kita-{i:04d}.xlsx"
            shutil.copy(originals[i % distinct], target)
            files.append(target)
        print(
            f"{args.files} Meldungen mit 84 Personen erzeugt ({distinct} verschiedene) in {time.perf_counter() - started:.1f} s"
        )

        cache = ResultCache(root / "cache")
        settings = Settings()
        t0 = time.perf_counter()
        first = refresh_many(files, settings, workers, cache)
        t1 = time.perf_counter()
        second = refresh_many(files, settings, workers, cache)
        t2 = time.perf_counter()
        assert all(i.status == "aktualisiert" for i in first), {i.status for i in first}
        assert all(i.status == "unverändert" for i in second), {i.status for i in second}
        ours_rate = args.files / (t1 - t0)
        peak = max(i.peak_rss_mb for i in first + second)

        sample = min(args.openpyxl, args.files)
        baseline = root / "openpyxl"
        baseline.mkdir()
        names = []
        for i in range(sample):
            shutil.copy(originals[i % distinct], baseline / f"kita-{i:04d}.xlsx")
            names.append(str(baseline / f"kita-{i:04d}.xlsx"))
        t3 = time.perf_counter()
        with ProcessPoolExecutor(workers) as pool:
            peaks = list(pool.map(_openpyxl_refresh, names))
        t4 = time.perf_counter()
        openpyxl_rate = sample / (t4 - t3)
        fresh = root / "stufen"
        fresh.mkdir()
        stage_files = [Path(shutil.copy(originals[i % distinct], fresh / f"k{i}.xlsx")) for i in range(20)]
        stages = _stages(stage_files)

    print(
        f"Rechner: {platform.processor() or platform.machine()}, {os.cpu_count()} Kerne, Python {platform.python_version()}"
    )
    print(
        f"kitameldung refresh, erster Lauf:   {args.files} Dateien in {t1 - t0:.2f} s = {ours_rate:.0f} Dateien/s ({workers} Prozesse)"
    )
    print(f"kitameldung refresh, zweiter Lauf:  {args.files} Dateien in {t2 - t1:.2f} s (alle unverändert)")
    print(
        f"openpyxl-Pipeline:                  {sample} Dateien in {t4 - t3:.2f} s = {openpyxl_rate:.1f} Dateien/s"
    )
    print(f"Verhältnis:                         {ours_rate / openpyxl_rate:.1f}x schneller als openpyxl")
    print(f"Spitzenspeicher je Prozess:         {peak:.0f} MB (openpyxl-Pipeline: {max(peaks):.0f} MB)")
    print(f"Hochgerechnet auf 1000 Dateien:     {1000 / ours_rate:.1f} s")
    print("Zeit je Datei und Schritt (ein Kern, ms):")
    for stage, spent in stages.items():
        print(f"  {stage:<40} {spent:6.1f}")


if __name__ == "__main__":
    main()
