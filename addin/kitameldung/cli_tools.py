"""The commands that write files other than facility reports: Behördenfassung, calendar, add-in,
demo, and taking over last year's planning. `cli` wires them to the command line."""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import date
from pathlib import Path

from kitameldung.cli_common import files_of, print_totals
from kitameldung.pipeline import EXIT_UNREADABLE, Settings, check_file
from kitameldung.sheets import SHEET_NAMES


def export(args: argparse.Namespace, settings: Settings) -> int:
    from kitameldung.refresh import FAILED
    from kitameldung.refresh.behoerde import export_behoerde

    outcome = export_behoerde(args.datei, args.behoerde)
    if outcome.status == FAILED:
        print(f"kitameldung: {outcome.message}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(outcome.message)
    return 0


def termine(args: argparse.Namespace, settings: Settings) -> int:
    from kitameldung.calendar_export import collect, write_calendar
    from kitameldung.workbook.atomic import WriteError
    from kitameldung.workbook.outputs import check_output

    files = files_of(args)
    if not files:
        return EXIT_UNREADABLE
    try:
        check_output(args.ics, "ics", files)
    except WriteError as err:
        print(f"kitameldung: {err}", file=sys.stderr)
        return EXIT_UNREADABLE
    von = args.von or date.today()
    if args.bis and args.bis < von:
        print(f"kitameldung: --bis ({args.bis:%d.%m.%Y}) liegt vor --von ({von:%d.%m.%Y}).", file=sys.stderr)
        return EXIT_UNREADABLE
    found = collect(files, settings, von, args.bis)
    try:
        write_calendar(found.talks, args.ics)
    except WriteError as err:
        print(f"kitameldung: {err}", file=sys.stderr)
        return EXIT_UNREADABLE
    span = f"ab {von:%d.%m.%Y}" + (f" bis {args.bis:%d.%m.%Y}" if args.bis else "")
    print(
        f"{len(found.talks)} geplante Gespräche ({span}) aus {len(files)} Dateien in {args.ics} geschrieben."
    )
    for problem in found.problems:
        print(f"  ✗ {problem}")
    return EXIT_UNREADABLE if found.problems else 0


def addin(args: argparse.Namespace, settings: Settings) -> int:
    from kitameldung.excel.build import AddinError, build, install, status
    from kitameldung.workbook.atomic import WriteError

    try:
        if args.aktion == "build":
            print(f"Add-in geschrieben: {build(args.ziel)}")
        elif args.aktion == "install":
            print(install())
        else:
            print(status())
    except (AddinError, WriteError) as err:
        print(f"kitameldung: {err}", file=sys.stderr)
        return EXIT_UNREADABLE
    return 0


def demo(args: argparse.Namespace, settings: Settings) -> int:
    from kitameldung.batch.files import OVERVIEW_NAME
    from kitameldung.batch.overview import write_overview
    from kitameldung.batch.runner import refresh_many
    from kitameldung.demo import DemoError, talks_on_record, write_demo
    from kitameldung.planning import Plan
    from kitameldung.planning.table import Entry
    from kitameldung.refresh import WRITTEN, refresh_file
    from kitameldung.render.text import summary
    from kitameldung.workbook.ourbook import previous_plan
    from kitameldung.workbook.package import Package

    try:
        paths = write_demo(args.ordner)
    except DemoError as err:
        print(f"kitameldung: {err}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"Beispielordner {args.ordner} mit {len(paths)} Meldungen eines Trägers geschrieben. Prüfung:\n")
    results = [check_file(path, settings) for path in paths]
    for result in results:
        print(summary(result))
    print_totals(results)
    today = date.today()
    refreshed = 0
    for result in results:
        if not result.ok or refresh_file(result.path, settings).status != WRITTEN:
            continue
        refreshed += 1
        keys = [e.key for e in previous_plan(result.path, Package.read(result.path)).entries]
        typed = talks_on_record(keys, today, result.path.name)
        carry = Plan([Entry(key, manual=dict(values)) for key, values in typed.items()])
        refresh_file(result.path, settings, carry=carry)
    write_overview(refresh_many(paths, settings, workers=1), args.ordner / OVERVIEW_NAME)
    *first, last = [f"„{name}“" for name in SHEET_NAMES.values()]
    command = invoked_as()
    print(
        f"\nIn {refreshed} Arbeitsmappen die Blätter {', '.join(first)} und {last} angefügt "
        f"(in Excel öffnen: die Formeln rechnen live weiter); Trägerübersicht: {args.ordner / OVERVIEW_NAME}."
    )
    print(
        f"Weiter: {command} check {args.ordner} --json  |  {command} inspect {paths[0]}  |  "
        f"{command} export {paths[0]} --behoerde abgabe.xlsx  |  "
        f"{command} aenderungen {history_of(paths)} {paths[0]}"
    )
    return 0


def history_of(paths: list[Path]) -> Path:
    """The demo's report of the first facility from the year before."""
    from kitameldung.demo import file_names

    return paths[0].parent / file_names()[-2]


def invoked_as() -> str:
    """How the user called kitameldung ("kitameldung" or ".venv/bin/kitameldung"), so that the
    hints can be typed as shown."""
    called = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("kitameldung")
    on_path = shutil.which("kitameldung")
    if called.name != "kitameldung" or (on_path and Path(on_path).resolve() == called.resolve()):
        return "kitameldung"
    try:
        return str(called.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(called)


def planung(args: argparse.Namespace, settings: Settings) -> int:
    """`planung uebernehmen ALT NEU`: last year's Gesprächsplanung into the new Meldung."""
    from kitameldung.form import FormError
    from kitameldung.refresh import FAILED, refresh_file
    from kitameldung.refresh.takeover import TakeoverRefused, check_takeover
    from kitameldung.workbook.ourbook import planning_to_take_over

    try:
        check_takeover(args.alt, args.neu, settings, args.andere_einrichtung)
        old = planning_to_take_over(args.alt)
    except (FormError, TakeoverRefused) as err:
        print(f"kitameldung: {err}", file=sys.stderr)
        return EXIT_UNREADABLE
    outcome = refresh_file(args.neu, settings, carry=old)
    if outcome.status == FAILED:
        print(f"kitameldung: {outcome.message}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(outcome.message)
    return 0


def aenderungen(args: argparse.Namespace, settings: Settings) -> int:
    """`aenderungen ALT NEU`: Zu-/Abgänge and changes between two reports of one facility."""
    from kitameldung.aenderungen import ChangesRefused, compare_files, csv_header, text, write_csv, write_xlsx
    from kitameldung.form import FormError
    from kitameldung.workbook.atomic import WriteError
    from kitameldung.workbook.outputs import check_outputs

    try:  # before anything is read: no output lands on a report or on a file that is not ours
        check_outputs([(args.csv, "csv"), (args.xlsx, "aenderungen")], [args.alt, args.neu], csv_header())
        comparison = compare_files(args.alt, args.neu, settings)
    except (FormError, ChangesRefused, WriteError) as err:
        print(f"kitameldung: {err}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(text(comparison, settings, settings.today))
    try:
        if args.csv:
            write_csv(comparison, args.csv)
            print(f"CSV geschrieben: {args.csv}")
        if args.xlsx:
            write_xlsx(comparison, args.xlsx, settings, settings.today)
            print(f"Excel-Datei geschrieben: {args.xlsx}")
    except WriteError as err:
        print(f"kitameldung: {err}", file=sys.stderr)
        return EXIT_UNREADABLE
    return 0
