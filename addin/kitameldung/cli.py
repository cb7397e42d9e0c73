"""Command line: `kitameldung check | inspect | refresh | export | termine | addin | planung | aenderungen | demo`. German for people, JSON for IT."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import kitameldung.text  # noqa: F401 – registers the "kitameldung" codec error handler
from kitameldung import __version__
from kitameldung import cli_german as german
from kitameldung import cli_tools as tools
from kitameldung.batch.files import expand, own_outputs
from kitameldung.checks import Severity
from kitameldung.cli_common import files_of, print_totals
from kitameldung.form import FormError, ProfileError, read_meldung
from kitameldung.pipeline import EXIT_UNREADABLE, Settings, check_file, load_settings, overall_exit
from kitameldung.rules import ConfigError

EXIT_INTERRUPTED = 130  # as a shell reports Ctrl-C


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # file names that are no UTF-8 shown readably
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="kitameldung")
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_UNREADABLE
    try:
        settings = _settings(args)
    except (ConfigError, ProfileError) as err:
        print(f"kitameldung: {err}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        return int(args.run(args, settings))
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(
            "\nkitameldung: Abgebrochen. Jede Datei ist entweder vollständig aktualisiert oder unverändert.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED


def _parser() -> argparse.ArgumentParser:
    german.install()
    parser = argparse.ArgumentParser(
        prog="kitameldung",
        description="Personalmeldung Brandenburg prüfen: Personalbemessung, Fachkraftquote, Befunde.",
    )
    parser.add_argument(
        "--version", action="version", version=f"kitameldung {__version__}", help="Versionsnummer zeigen"
    )
    sub = parser.add_subparsers(dest="command", title="Befehle", metavar="BEFEHL")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--config", type=Path, metavar="DATEI", help="Konfigurationsdatei (TOML) mit [parameter]"
        )
        p.add_argument("--profil", type=Path, metavar="DATEI", help="eigenes Formularprofil (TOML)")
        p.add_argument(
            "--regeln",
            type=Path,
            metavar="DATEI",
            help="eigene Regeldaten (TOML): ersetzt oder ergänzt Schlüssel, Bänder, Quoten nach Datum",
        )

    check = sub.add_parser("check", help="Meldungen prüfen und zusammenfassen")
    check.add_argument("dateien", nargs="+", type=Path, metavar="DATEI", help="Excel-Dateien oder Ordner")
    check.add_argument("--json", action="store_true", help="maschinenlesbare Ausgabe (JSON)")
    check.add_argument("--nur-fehler", action="store_true", help="nur Befunde der Schwere „fehler“ zeigen")
    check.add_argument(
        "--schwere", choices=[s.value for s in Severity], help="nur Befunde ab dieser Schwere zeigen"
    )
    common(check)
    check.set_defaults(run=_check)

    inspect = sub.add_parser("inspect", help="zeigen, was im Formular wo gefunden wurde")
    inspect.add_argument("datei", type=Path, metavar="DATEI", help="Excel-Datei")
    common(inspect)
    inspect.set_defaults(run=_inspect)

    refresh = sub.add_parser(
        "refresh", help="Prüfbericht, „Quote & Bedarf“ und Gesprächsplanung in die Arbeitsmappen schreiben"
    )
    refresh.add_argument("dateien", nargs="+", type=Path, metavar="DATEI", help="Excel-Dateien oder Ordner")
    refresh.add_argument("--rekursiv", action="store_true", help="auch Unterordner durchsuchen")
    refresh.add_argument("--quiet", action="store_true", help="keine Fortschrittsanzeige")
    refresh.add_argument(
        "--prozesse",
        metavar="ANZAHL",
        type=int,
        default=None,
        help="Anzahl Arbeitsprozesse (Standard: alle Kerne)",
    )
    refresh.add_argument(
        "--uebersicht",
        metavar="DATEI",
        type=Path,
        default=None,
        help="Pfad der Trägerübersicht (Standard: im ersten Ordner)",
    )
    refresh.add_argument(
        "--csv", metavar="DATEI", type=Path, help="Übersicht zusätzlich als CSV (Semikolon) schreiben"
    )
    refresh.add_argument(
        "--json", type=Path, metavar="DATEI", help="alle Ergebnisse zusätzlich als JSON schreiben"
    )
    refresh.add_argument("--ohne-cache", action="store_true", help="jede Datei vollständig neu prüfen")
    common(refresh)
    refresh.set_defaults(run=_refresh)

    export = sub.add_parser("export", help="Behördenfassung ohne kitameldung-Blätter schreiben")
    export.add_argument("datei", type=Path, help="Arbeitsmappe mit kitameldung-Blättern")
    export.add_argument(
        "--behoerde", type=Path, required=True, metavar="ZIEL", help="Zieldatei der Behördenfassung (.xlsx)"
    )
    export.set_defaults(run=tools.export)

    termine = sub.add_parser("termine", help="geplante Jahresgespräche als Kalenderdatei (.ics) ausgeben")
    termine.add_argument("dateien", nargs="+", type=Path, metavar="DATEI", help="Excel-Dateien oder Ordner")
    termine.add_argument(
        "--ics", metavar="DATEI", type=Path, required=True, help="Zieldatei, z. B. jahresgespraeche.ics"
    )
    termine.add_argument(
        "--von", metavar="TT.MM.JJJJ", type=_datum, help="erster Tag (TT.MM.JJJJ; Standard: heute)"
    )
    termine.add_argument("--bis", metavar="TT.MM.JJJJ", type=_datum, help="letzter Tag (TT.MM.JJJJ)")
    termine.add_argument("--rekursiv", action="store_true", help="auch Unterordner durchsuchen")
    common(termine)
    termine.set_defaults(run=tools.termine)

    addin = sub.add_parser("addin", help="Excel-Add-in erzeugen, installieren, Stand zeigen")
    addin.add_argument("aktion", choices=["build", "install", "status"], help="build | install | status")
    addin.add_argument(
        "--ziel", metavar="DATEI", type=Path, default=Path("kitameldung.xlam"), help="Zieldatei für build"
    )
    addin.set_defaults(run=tools.addin)

    planung = sub.add_parser("planung", help="Gesprächsplanung des Vorjahrs in die neue Meldung übernehmen")
    planung.add_argument("aktion", choices=["uebernehmen"], help="uebernehmen")
    planung.add_argument("alt", type=Path, metavar="ALT", help="Meldung des Vorjahrs mit Gesprächsplanung")
    planung.add_argument("neu", type=Path, metavar="NEU", help="neue Meldung, die die Planung erhält")
    planung.add_argument(
        "--andere-einrichtung",
        action="store_true",
        help="auch übernehmen, wenn ALT und NEU verschiedene Einrichtungen sind (Einrichtungs-Nr. oder Name)",
    )
    common(planung)
    planung.set_defaults(run=tools.planung)

    changes = sub.add_parser(
        "aenderungen",
        help="Zu- und Abgänge und Änderungen zwischen zwei Meldungen einer Einrichtung (Personaleinzelmeldung)",
    )
    changes.add_argument("alt", type=Path, metavar="ALT", help="ältere Meldung der Einrichtung")
    changes.add_argument("neu", type=Path, metavar="NEU", help="neuere Meldung derselben Einrichtung")
    changes.add_argument(
        "--csv", metavar="DATEI", type=Path, help="Änderungen zusätzlich als CSV (Semikolon)"
    )
    changes.add_argument("--xlsx", metavar="DATEI", type=Path, help="Änderungen zusätzlich als Excel-Datei")
    common(changes)
    changes.set_defaults(run=tools.aenderungen)

    demo = sub.add_parser("demo", help="Beispielordner mit Meldungen erzeugen und prüfen")
    demo.add_argument(
        "ordner",
        nargs="?",
        type=Path,
        default=Path("kitameldung-demo"),
        help="Zielordner (Standard: kitameldung-demo)",
    )
    common(demo)
    demo.set_defaults(run=tools.demo)
    return parser


def _datum(text: str) -> date:
    for form in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), form).date()
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(
        f"„{text}“ ist kein Datum – bitte als TT.MM.JJJJ angeben, z. B. 31.12.2027."
    )


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(
        getattr(args, "config", None), getattr(args, "regeln", None), getattr(args, "profil", None)
    )


def _shown_severities(args: argparse.Namespace) -> tuple[Severity, ...]:
    if args.nur_fehler:
        return (Severity.FEHLER,)
    if args.schwere:
        limit = Severity(args.schwere).rank
        return tuple(s for s in Severity if s.rank <= limit)
    return tuple(Severity)


def _check(args: argparse.Namespace, settings: Settings) -> int:
    from kitameldung.render.json_out import result_json
    from kitameldung.render.text import summary

    files, notes = own_outputs(expand(args.dateien), args.dateien)
    for note in notes:
        print(f"Übersprungen: {note}", file=sys.stderr)
    if not files:
        print("kitameldung: Keine Excel-Dateien gefunden.", file=sys.stderr)
        return EXIT_UNREADABLE
    results = [check_file(path, settings) for path in files]
    shown = _shown_severities(args)
    if args.json:
        documents = []
        for result in results:
            doc = result_json(result)
            doc["findings"] = [f for f in doc["findings"] if Severity(f["severity"]) in shown]
            documents.append(doc)
        single = len(args.dateien) == 1 and not args.dateien[0].is_dir()
        payload = documents[0] if single else documents
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for result in results:
            print(summary(result, shown))
        print_totals(results)
    return overall_exit(results)


def _inspect(args: argparse.Namespace, settings: Settings) -> int:
    from kitameldung.inspect_form import describe

    try:
        meldung = read_meldung(args.datei, settings.profile)
    except FormError as err:
        print(f"kitameldung: {err}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(describe(meldung, settings.profile, settings.rules))
    return 0


def _refresh(args: argparse.Namespace, settings: Settings) -> int:
    from kitameldung.batch.columns import COLUMNS
    from kitameldung.batch.exports import verlauf_header, write_csv, write_json, write_verlauf_csv
    from kitameldung.batch.folder import exit_status, folder_companions, overview_target, summary_lines
    from kitameldung.batch.overview import write_overview
    from kitameldung.batch.runner import refresh_many
    from kitameldung.batch.verlauf import verlauf_csv_path
    from kitameldung.workbook.atomic import WriteError
    from kitameldung.workbook.fingerprint import ResultCache
    from kitameldung.workbook.outputs import check_outputs

    files = files_of(args)
    if not files:
        return EXIT_UNREADABLE
    overview = overview_target(args.dateien, files, args.uebersicht)
    try:  # before anything runs: no output lands on an input or on a file that is not ours
        outputs = [(overview, "traegeruebersicht"), (args.csv, "csv"), (args.json, "json")]
        check_outputs(outputs, files, csv_header=";".join(c.key for c in COLUMNS))
        if args.csv:
            check_outputs([(verlauf_csv_path(args.csv), "csv")], files, csv_header=verlauf_header())
    except WriteError as err:
        print(f"kitameldung: {err}", file=sys.stderr)
        return EXIT_UNREADABLE
    cache = None if args.ohne_cache else ResultCache.default()
    items = _with_progress(
        files, lambda advance: refresh_many(files, settings, args.prozesse, cache, advance), args.quiet
    )
    shown = items + folder_companions(args.dateien, items, settings, cache)
    try:
        if overview is not None:
            write_overview(shown, overview)
        if args.csv:
            write_csv(shown, args.csv)
            if write_verlauf_csv(shown, verlauf_csv_path(args.csv)):
                print(f"Verlauf (mehrere Stichtage einer Einrichtung): {verlauf_csv_path(args.csv)}")
        if args.json:
            write_json(shown, args.json)
    except WriteError as err:
        print(f"kitameldung: {err}", file=sys.stderr)
        return EXIT_UNREADABLE
    print("\n".join(summary_lines(items)))
    print(
        f"Trägerübersicht: {overview}"
        if overview
        else "Keine Trägerübersicht geschrieben: keine der Dateien gefunden."
    )
    return exit_status(items)


def _with_progress(files: list[Path], run, quiet: bool):  # type: ignore[no-untyped-def]
    """A progress bar with ETA on a terminal; silent in scripts, logs and with --quiet."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    shown = not quiet and console.is_terminal
    columns = (
        TextColumn("Aktualisiere"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("noch"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, disable=not shown, transient=True) as bar:
        task = bar.add_task("", total=len(files))
        return run(lambda _item: bar.advance(task))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
