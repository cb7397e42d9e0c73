"""Benchmark: time and peak memory for the largest inputs, honest and hostile.

Each case runs `check` and `refresh` in a fresh process, so the peak memory (ru_maxrss) is that
case's alone. Run: .venv/bin/python tests/benchmarks/bench_hostile.py
Prints the figures; it is no test and asserts nothing about time or memory.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from kitameldung.replica import make_facility, write_form

_CASE = """
import json, resource, sys, time
from pathlib import Path
from kitameldung.pipeline import Settings, check_file
from kitameldung.refresh import refresh_file
path = Path(sys.argv[1])
start = time.perf_counter()
result = check_file(path, Settings())
outcome = refresh_file(path, Settings())
print(json.dumps({"seconds": time.perf_counter() - start, "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "status": outcome.status, "message": outcome.message[:90]}))
"""


def _inflating(source: Path, target: Path, megabytes: int) -> Path:
    """The form plus one part of `megabytes` MB of zeros: a few kB more on disk."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info))
        with out.open("xl/media/gross.bin", "w", force_zip64=True) as member:
            block = b"\0" * 2**20
            for _ in range(megabytes):
                member.write(block)
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bomb-mb", type=int, default=4096, help="Größe der Zip-Bombe entpackt (MB)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        form = write_form(make_facility(84, date(2025, 10, 1), persons=84), base / "kita-84.xlsx", "v2025-84")
        cases = {
            "Meldung mit 84 Personen": form,
            f"Zip-Bombe ({args.bomb_mb} MB entpackt)": _inflating(form, base / "bombe.xlsx", args.bomb_mb),
        }
        print(
            f"Maschine: {platform.processor() or platform.machine()}, {platform.system()}, Python {platform.python_version()}"
        )
        for title, path in cases.items():
            run = subprocess.run(
                [sys.executable, "-c", _CASE, str(path)], capture_output=True, text=True, timeout=600
            )
            figures = json.loads(run.stdout.strip().splitlines()[-1])
            size = path.stat().st_size / 2**20
            print(
                f"  {title}: {size:.2f} MB auf der Platte, {figures['seconds'] * 1000:.0f} ms, "
                f"Spitzenspeicher {figures['mb']:.0f} MB, Ergebnis: {figures['status']} – {figures['message']}"
            )


if __name__ == "__main__":
    main()
