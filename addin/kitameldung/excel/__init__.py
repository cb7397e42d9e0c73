"""kitameldung in Excel: the ribbon's actions and the worksheet functions.

The only package that imports xlwings at run time. `on_ribbon(tag)` is what the add-in's one
VBA callback runs (macros/KitaRibbon.bas); the tags are those of macros/customUI.xml.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from kitameldung.excel.actions import BOOK_ACTIONS, ActionError, uebernehmen
from kitameldung.excel.live import LiveBook
from kitameldung.excel.udfs import KITA_FACHKRAFTQUOTE, KITA_LEITUNGSANTEIL, KITA_PERSONALBEDARF
from kitameldung.excel.xlwings_import import xw
from kitameldung.pipeline import Settings, load_settings
from kitameldung.refresh import FAILED
from kitameldung.refresh.behoerde import export_behoerde

TITLE = "Kita-Meldung"


def behoerde(book: Any) -> str:
    """Save the authority copy beside the workbook (from its last saved state)."""
    source = Path(str(book.fullname))
    if not source.is_file():
        raise ActionError(
            "Bitte die Arbeitsmappe zuerst speichern; die Behördenfassung entsteht aus der gespeicherten Datei."
        )
    target = source.with_name(f"{source.stem} - Behördenfassung{source.suffix}")
    outcome = export_behoerde(source, target)
    if outcome.status == FAILED:
        raise ActionError(outcome.message)
    return f"{outcome.message}\nOrdner: {target.parent}"


def book_settings(book: Any) -> Settings:
    """The add-in's settings: the configuration found for the workbook (find_config), with its
    parameters and its rule file ([regeln] datei). A broken file is a message, not a traceback."""
    from kitameldung.form import ProfileError
    from kitameldung.rules import ConfigError
    from kitameldung.rules.config import find_config

    try:
        path = Path(str(book.fullname))
    except Exception:  # noqa: BLE001 – a book without a file name: no configuration beside it
        path = None
    try:
        return load_settings(find_config(path))
    except (ConfigError, ProfileError) as err:
        raise ActionError(f"Einstellungen nicht verwendbar: {err}") from err


def refresh_folder(folder: Path, settings: Settings) -> Path:
    """Refresh every workbook in `folder` and write the provider overview; returns its path."""
    from kitameldung.batch.files import OVERVIEW_NAME, expand
    from kitameldung.batch.overview import write_overview
    from kitameldung.batch.runner import refresh_many
    from kitameldung.workbook.atomic import WriteError
    from kitameldung.workbook.fingerprint import ResultCache
    from kitameldung.workbook.outputs import check_output

    files = expand([folder], recursive=True)
    if not files:
        raise ActionError(f"Im Ordner {folder} liegen keine Excel-Meldungen.")
    overview = folder / OVERVIEW_NAME
    try:
        check_output(overview, "traegeruebersicht", files)
    except WriteError as err:
        raise ActionError(str(err)) from err
    items = refresh_many(files, settings, cache=ResultCache.default())
    write_overview(items, overview)
    return overview


def ordner(book: Any) -> str:
    folder = choose_folder(book)
    if folder is None:
        return ""
    overview = refresh_folder(folder, book_settings(book))
    xw.Book(str(overview))
    return ""


def planung_uebernehmen(book: Any) -> str:
    source = choose_file(book, "Meldung des Vorjahrs mit Gesprächsplanung wählen")
    if source is None:
        return ""
    return uebernehmen(LiveBook(book), book_settings(book), datetime.now().replace(microsecond=0), source)


def choose_file(book: Any, title: str) -> Path | None:
    """Excel's own file picker (msoFileDialogFilePicker = 3); None when cancelled."""
    dialog = book.app.api.FileDialog(3)
    dialog.Title = title
    dialog.AllowMultiSelect = False
    if not dialog.Show():
        return None
    return Path(str(dialog.SelectedItems(1)))


def choose_folder(book: Any) -> Path | None:
    """Excel's own folder picker (msoFileDialogFolderPicker = 4); None when cancelled."""
    dialog = book.app.api.FileDialog(4)
    dialog.Title = "Ordner mit den Meldungen der Einrichtungen wählen"
    if not dialog.Show():
        return None
    return Path(str(dialog.SelectedItems(1)))


def funktionen(book: Any) -> str:
    """Put the worksheet functions into the add-in (xlwings' UDF import, Windows only)."""
    if not sys.platform.startswith("win"):
        raise ActionError("Die Tabellenfunktionen gibt es nur in Excel unter Windows.")
    from xlwings import udfs

    udfs.import_udfs(["kitameldung.excel"], xw.books["kitameldung.xlam"].api)
    return "KITA_FACHKRAFTQUOTE, KITA_PERSONALBEDARF und KITA_LEITUNGSANTEIL sind eingerichtet."


APP_ACTIONS: dict[str, Callable[[Any], str]] = {
    "ordner": ordner,
    "uebernehmen": planung_uebernehmen,
    "behoerde": behoerde,
    "funktionen": funktionen,
}
TAGS = (*BOOK_ACTIONS, *APP_ACTIONS)


def run(tag: str, book: Any, settings: Settings | None = None, now: datetime | None = None) -> str:
    """Carry out the action of a ribbon button on `book`; returns the message for the user."""
    if tag in APP_ACTIONS:
        return APP_ACTIONS[tag](book)
    if tag not in BOOK_ACTIONS:
        raise ActionError(f"Unbekannte Schaltfläche „{tag}“. Bitte das Add-in neu installieren.")
    return BOOK_ACTIONS[tag](
        LiveBook(book), settings or book_settings(book), now or datetime.now().replace(microsecond=0)
    )


def on_ribbon(tag: str) -> None:
    """Entry point of the VBA callback: errors become a message box, never a traceback."""
    book = xw.Book.caller()
    try:
        message = run(tag, book)
    except ActionError as err:
        book.app.alert(str(err), TITLE, mode="critical")
        return
    except Exception as err:  # noqa: BLE001 – the user gets a message, not a Python traceback
        book.app.alert(
            f"Unerwarteter Fehler ({type(err).__name__}: {err}). Bitte melden.", TITLE, mode="critical"
        )
        return
    if message:
        book.app.alert(message, TITLE, mode="info")


__all__ = ["KITA_FACHKRAFTQUOTE", "KITA_LEITUNGSANTEIL", "KITA_PERSONALBEDARF", "TAGS", "on_ribbon", "run"]
