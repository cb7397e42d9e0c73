"""Pieces the command modules share: the files of a folder command, the check totals."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kitameldung.batch.files import expand
from kitameldung.checks import Severity
from kitameldung.checks.formatting import counted
from kitameldung.pipeline import Result


def files_of(args: argparse.Namespace) -> list[Path]:
    """The files of a folder command; says so when there are none."""
    files = expand(args.dateien, recursive=args.rekursiv)
    if not files:
        print("kitameldung: Keine Excel-Dateien gefunden.", file=sys.stderr)
    return files


def print_totals(results: list[Result]) -> None:
    unreadable = sum(1 for r in results if not r.ok)
    fehler = sum(r.count(Severity.FEHLER) for r in results)
    files_with_errors = sum(1 for r in results if r.ok and r.count(Severity.FEHLER))
    print(
        f"{counted(len(results), 'Datei', 'Dateien')} geprüft: {len(results) - unreadable - files_with_errors} ohne Fehler, "
        f"{files_with_errors} mit Fehlern ({fehler} Fehler insgesamt), {unreadable} nicht lesbar."
    )
