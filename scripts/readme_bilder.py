"""The pictures in the README: the demo, printed by LibreOffice one sheet at a time (first page of
each), as PNG in docs/bilder/. Run after changing a sheet's layout:

    .venv/bin/python scripts/readme_bilder.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from render_sheets import render

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "bilder"
SHEETS = {
    "kita-01-sonnenschein.xlsx": {
        "Prüfbericht": "pruefbericht",
        "Quote & Bedarf": "quote-bedarf",
        "Gesprächsplanung": "gespraechsplanung",
        "Leitfaden Jahresgespräche": "leitfaden",
    },
    "Traegeruebersicht.xlsx": {"Übersicht": "traegeruebersicht", "Verlauf": "verlauf"},
}


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        demo = Path(work) / "demo"
        subprocess.run([sys.executable, "-m", "kitameldung.cli", "demo", str(demo)], check=True, capture_output=True)
        for workbook, sheets in SHEETS.items():
            pdfs = render(demo / workbook, Path(work) / "pdf", list(sheets))
            for sheet, pdf in pdfs.items():
                stem = Path(work) / sheets[sheet]
                subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)], check=True)
                shutil.copy(stem.with_suffix(".png"), TARGET / f"{sheets[sheet]}.png")
                print(TARGET / f"{sheets[sheet]}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
