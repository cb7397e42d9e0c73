"""Benchmark: read and validate one 84-person form in-process (target: median <= 20 ms).

Run: .venv/bin/python tests/benchmarks/bench_check.py [--runs N]
Prints the figures; it is no test and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from kitameldung.pipeline import Settings, check_file
from kitameldung.replica import make_facility, write_form


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        facility = make_facility(84, date(2025, 10, 1), persons=84)
        path = write_form(facility, Path(folder) / "kita-84.xlsx", "v2025-84")
        settings = Settings()
        result = check_file(path, settings)  # warm-up: imports, rule tables, profiles
        assert result.ok and len(result.meldung.persons) == 84
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            check_file(path, settings)
            timings.append((time.perf_counter() - start) * 1000)
    print(
        f"Maschine: {platform.processor() or platform.machine()}, {platform.system()}, Python {platform.python_version()}"
    )
    print(f"Lesen und Prüfen einer Meldung mit 84 Personen, {args.runs} Läufe:")
    print(
        f"  Median {statistics.median(timings):.1f} ms, Minimum {min(timings):.1f} ms, Maximum {max(timings):.1f} ms"
    )
    print(f"  Ziel <= 20 ms: {'erreicht' if statistics.median(timings) <= 20 else 'VERFEHLT'}")


if __name__ == "__main__":
    main()
